//! The unique constraints a user's input can run into, and what each means to them.
//!
//! Postgres names the constraint a write violated; SQLite names only the table and columns
//! ("UNIQUE constraint failed: cases.practice_id, cases.initials"). Each entry carries both,
//! so one lookup answers the same on either engine, and the schema parity test checks that
//! every name here exists on both.

use super::db::DbError;
use crate::error::AppError;

/// What a violation of one unique constraint tells the user.
pub enum Meaning {
    /// The value in this field is taken: the form shows the message beside it.
    Taken {
        field: &'static str,
        message: &'static str,
    },
    /// Two requests raced to create the same thing; trying again sees the winner.
    Race,
}

pub struct Unique {
    pub name: &'static str,
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub meaning: Meaning,
}

const RACE: &str = "Someone else just made the same change. Reload and try again.";

pub const UNIQUE: &[Unique] = &[
    Unique {
        name: "accounts_email_unique",
        table: "accounts",
        columns: &["email"],
        meaning: Meaning::Taken {
            field: "email",
            message: "Another account already uses this email address.",
        },
    },
    Unique {
        name: "services_code_unique",
        table: "services",
        columns: &["practice_id", "code"],
        meaning: Meaning::Taken {
            field: "code",
            message: "This code is already in your catalogue.",
        },
    },
    Unique {
        name: "cases_initials_unique",
        table: "cases",
        columns: &["practice_id", "initials"],
        meaning: Meaning::Taken {
            field: "initials",
            message: "Another group already uses these initials.",
        },
    },
    Unique {
        name: "memberships_one_open",
        table: "memberships",
        columns: &["case_id", "person_id"],
        meaning: Meaning::Taken {
            field: "person",
            message: "This person is already a current member.",
        },
    },
    Unique {
        name: "note_templates_name_unique",
        table: "note_templates",
        columns: &["practice_id", "name"],
        meaning: Meaning::Taken {
            field: "name",
            message: "There is already a template with this name.",
        },
    },
    Unique {
        name: "form_templates_name_unique",
        table: "form_templates",
        columns: &["practice_id", "name"],
        meaning: Meaning::Taken {
            field: "name",
            message: "There is already a form with this name.",
        },
    },
    Unique {
        name: "form_signatures_once",
        table: "form_signatures",
        columns: &["request_id", "person_id"],
        meaning: Meaning::Race,
    },
    Unique {
        name: "appointments_occurrence",
        table: "appointments",
        columns: &["series_id", "occurrence_on"],
        meaning: Meaning::Race,
    },
    Unique {
        name: "group_notes_session_unique",
        table: "group_notes",
        columns: &["appointment_id"],
        meaning: Meaning::Race,
    },
    Unique {
        name: "chart_notes_once",
        table: "chart_notes",
        columns: &["group_note_id", "person_id"],
        meaning: Meaning::Race,
    },
];

/// The table and columns of SQLite's "UNIQUE constraint failed: t.a, t.b".
fn sqlite_columns(message: &str) -> Option<(&str, Vec<&str>)> {
    let list = message.strip_prefix("UNIQUE constraint failed: ")?;
    let mut table = None;
    let mut columns = Vec::new();
    for qualified in list.split(", ") {
        let (t, c) = qualified.split_once('.')?;
        if *table.get_or_insert(t) != t {
            return None;
        }
        columns.push(c);
    }
    Some((table?, columns))
}

impl DbError {
    /// The unique constraint this error violated, on either engine.
    pub fn unique_constraint(&self) -> Option<&'static Unique> {
        let DbError::Sqlx(sqlx::Error::Database(e)) = self else {
            return None;
        };
        if !e.is_unique_violation() {
            return None;
        }
        if let Some(name) = e.constraint() {
            return UNIQUE.iter().find(|u| u.name == name);
        }
        let (table, columns) = sqlite_columns(e.message())?;
        UNIQUE
            .iter()
            .find(|u| u.table == table && u.columns == columns.as_slice())
    }

    /// A unique violation as the user should hear it: the field whose value is taken, or
    /// a conflict to retry. `None` when this is no unique violation.
    pub fn as_unique_answer(&self) -> Option<AppError> {
        if !self.is_unique_violation() {
            return None;
        }
        Some(match self.unique_constraint().map(|u| &u.meaning) {
            Some(Meaning::Taken { field, message }) => AppError::invalid(field, *message),
            Some(Meaning::Race) | None => AppError::Conflict(RACE.into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_messages_name_their_table_and_columns() {
        assert_eq!(
            sqlite_columns("UNIQUE constraint failed: cases.practice_id, cases.initials"),
            Some(("cases", vec!["practice_id", "initials"]))
        );
        assert_eq!(
            sqlite_columns("NOT NULL constraint failed: cases.name"),
            None
        );
        assert_eq!(sqlite_columns("UNIQUE constraint failed: a.x, b.y"), None);
    }

    #[test]
    fn each_constraint_is_listed_once() {
        for (i, u) in UNIQUE.iter().enumerate() {
            assert!(
                UNIQUE[i + 1..]
                    .iter()
                    .all(|o| o.name != u.name && (o.table, o.columns) != (u.table, u.columns)),
                "{} is listed twice",
                u.name
            );
        }
    }
}
