//! Attendance in the database. Server only.

use crate::domain::attendance::{Choice, Confirmation, HistoryOutcome, MissedSessionFees};
use crate::domain::{AccountId, AppointmentId, PersonId, PracticeId, UnknownValue};
use crate::on_conn;
use crate::server::db::{statement_chunks, Conn, DbError};

pub async fn missed_fees(
    mut c: Conn<'_>,
    practice: PracticeId,
) -> Result<MissedSessionFees, DbError> {
    let (no_show_cents, late_cancel_cents): (i64, i64) = on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT no_show_fee_cents, late_cancel_fee_cents FROM practices WHERE id = $1",
        )
        .bind(practice.0)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(MissedSessionFees {
        no_show_cents,
        late_cancel_cents,
    })
}

pub async fn set_missed_fees(
    mut c: Conn<'_>,
    practice: PracticeId,
    fees: MissedSessionFees,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE practices SET no_show_fee_cents = $2, late_cancel_fee_cents = $3 WHERE id = $1",
        )
        .bind(practice.0)
        .bind(fees.no_show_cents)
        .bind(fees.late_cancel_cents)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// A participant's stored attendance, with the names the screen shows.
#[derive(Clone, Debug, Default)]
pub struct AttendanceRow {
    pub person_id: i64,
    pub confirmation: Confirmation,
    pub choice: Option<Choice>,
    pub service_code: Option<String>,
    pub charge_cents: i64,
    pub version: i64,
    pub changed_by_name: Option<String>,
    pub changed_at: i64,
}

/// The row as the columns hold it: a choice is a code and, for "attended", a service.
#[derive(sqlx::FromRow)]
struct StoredAttendance {
    person_id: i64,
    #[sqlx(try_from = "String")]
    confirmation: Confirmation,
    choice: Option<String>,
    service_id: Option<i64>,
    service_code: Option<String>,
    charge_cents: i64,
    version: i64,
    changed_by_name: Option<String>,
    changed_at: i64,
}

impl TryFrom<StoredAttendance> for AttendanceRow {
    type Error = UnknownValue;

    /// A code and service that name no choice is a corrupt row: it fails loudly rather than
    /// reading as "not recorded" (and being charged or charted as such).
    fn try_from(r: StoredAttendance) -> Result<AttendanceRow, UnknownValue> {
        let choice = match r.choice {
            None => None,
            Some(code) => Some(Choice::from_parts(&code, r.service_id).ok_or(UnknownValue {
                of: "attendance choice",
                value: format!("{code} (service {:?})", r.service_id),
            })?),
        };
        Ok(AttendanceRow {
            person_id: r.person_id,
            confirmation: r.confirmation,
            choice,
            service_code: r.service_code,
            charge_cents: r.charge_cents,
            version: r.version,
            changed_by_name: r.changed_by_name,
            changed_at: r.changed_at,
        })
    }
}

fn typed(rows: Vec<StoredAttendance>) -> Result<Vec<AttendanceRow>, DbError> {
    Ok(rows
        .into_iter()
        .map(AttendanceRow::try_from)
        .collect::<Result<_, _>>()?)
}

const ROW_COLUMNS: &str =
    "t.person_id, t.confirmation, t.choice, t.service_id, s.code AS service_code,
    t.charge_cents, t.version, ac.display_name AS changed_by_name, t.changed_at";
const ROW_JOINS: &str = "LEFT JOIN services s ON s.id = t.service_id
    LEFT JOIN accounts ac ON ac.id = t.changed_by";

/// Every stored row of a session.
pub async fn rows(
    mut c: Conn<'_>,
    appointment: AppointmentId,
) -> Result<Vec<AttendanceRow>, DbError> {
    let sql =
        format!("SELECT {ROW_COLUMNS} FROM attendance t {ROW_JOINS} WHERE t.appointment_id = $1");
    let rows: Vec<StoredAttendance> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(appointment.0)
            .fetch_all(&mut *c)
            .await?
    });
    typed(rows)
}

/// One participant's stored row, if any.
pub async fn row(
    mut c: Conn<'_>,
    appointment: AppointmentId,
    person: PersonId,
) -> Result<Option<AttendanceRow>, DbError> {
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM attendance t {ROW_JOINS}
         WHERE t.appointment_id = $1 AND t.person_id = $2"
    );
    let row: Option<StoredAttendance> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(appointment.0)
            .bind(person.0)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(row.map(AttendanceRow::try_from).transpose()?)
}

/// What is stored for those of `people` on a frozen roster, a default row (version 0) for
/// each one with nothing recorded yet; anyone not on the roster is left out. One statement
/// whatever the number of people (a JSON array on SQLite, an array on Postgres).
pub async fn on_roster(
    c: Conn<'_>,
    appointment: AppointmentId,
    people: &[PersonId],
) -> Result<Vec<AttendanceRow>, DbError> {
    let select = format!(
        "SELECT r.person_id, COALESCE(t.confirmation, 'not_confirmed') AS confirmation, t.choice,
            t.service_id, s.code AS service_code, COALESCE(t.charge_cents, 0) AS charge_cents,
            COALESCE(t.version, 0) AS version, ac.display_name AS changed_by_name,
            COALESCE(t.changed_at, 0) AS changed_at
         FROM session_roster r
         LEFT JOIN attendance t ON t.appointment_id = r.appointment_id AND t.person_id = r.person_id
         {ROW_JOINS}
         WHERE r.appointment_id = $1 AND "
    );
    let ids: Vec<i64> = people.iter().map(|p| p.0).collect();
    let rows: Vec<StoredAttendance> = match c {
        Conn::Sqlite(c) => {
            let list = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
            sqlx::query_as(&format!(
                "{select} r.person_id IN (SELECT value FROM json_each($2))"
            ))
            .bind(appointment.0)
            .bind(list)
            .fetch_all(&mut *c)
            .await?
        }
        Conn::Postgres(c) => {
            sqlx::query_as(&format!("{select} r.person_id = ANY($2)"))
                .bind(appointment.0)
                .bind(ids)
                .fetch_all(&mut *c)
                .await?
        }
    };
    typed(rows)
}

pub async fn set_confirmation(
    mut c: Conn<'_>,
    practice: PracticeId,
    appointment: AppointmentId,
    person: PersonId,
    confirmation: Confirmation,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO attendance (appointment_id, person_id, practice_id, confirmation)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (appointment_id, person_id) DO UPDATE SET confirmation = excluded.confirmation",
        )
        .bind(appointment.0)
        .bind(person.0)
        .bind(practice.0)
        .bind(confirmation.as_str())
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// What puts a session's attendance on record: its note, if signed and locked, and the
/// participants whose charges are on an issued invoice (not voided, not fully credited).
#[derive(Clone, Debug, Default)]
pub struct OnRecordRows {
    pub note_locked: bool,
    pub invoiced: std::collections::HashSet<i64>,
}

impl OnRecordRows {
    pub fn of(&self, person: PersonId) -> crate::domain::attendance::OnRecord {
        crate::domain::attendance::OnRecord {
            invoiced: self.invoiced.contains(&person.0),
            note_locked: self.note_locked,
        }
    }
}

/// Reads what puts a session's attendance on record, in one statement.
pub async fn on_record(
    mut c: Conn<'_>,
    appointment: AppointmentId,
) -> Result<OnRecordRows, DbError> {
    let rows: Vec<(Option<i64>, Option<i64>)> = on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT n.id, CAST(NULL AS BIGINT) FROM group_notes n
             WHERE n.appointment_id = $1 AND n.status = 'locked'
             UNION ALL
             SELECT CAST(NULL AS BIGINT), ch.person_id FROM charges ch
             WHERE ch.appointment_id = $1 AND ch.invoiced_cents > 0",
        )
        .bind(appointment.0)
        .fetch_all(&mut *c)
        .await?
    });
    let mut out = OnRecordRows::default();
    for (note, person) in rows {
        out.note_locked |= note.is_some();
        if let Some(p) = person {
            out.invoiced.insert(p);
        }
    }
    Ok(out)
}

/// One line of the history as it is written.
pub struct NewHistory {
    pub practice: PracticeId,
    pub appointment: AppointmentId,
    pub person: PersonId,
    pub from: Option<Choice>,
    pub to: Option<Choice>,
    pub charge_cents: i64,
    pub superseded: bool,
    pub version: i64,
    pub by: AccountId,
    pub made_at: i64,
    pub recorded_at: i64,
    /// A correction's reason.
    pub reason: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HistoryRow {
    pub from_choice: Option<String>,
    pub from_service_id: Option<i64>,
    pub from_code: Option<String>,
    pub to_choice: Option<String>,
    pub to_service_id: Option<i64>,
    pub to_code: Option<String>,
    pub charge_cents: i64,
    #[sqlx(try_from = "String")]
    pub outcome: HistoryOutcome,
    pub changed_by_name: String,
    pub made_at: i64,
    pub recorded_at: i64,
    pub reason: Option<String>,
}

/// A participant's changes in one session, oldest first.
pub async fn history(
    mut c: Conn<'_>,
    appointment: AppointmentId,
    person: PersonId,
) -> Result<Vec<HistoryRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT h.from_choice, h.from_service_id, fs.code AS from_code, h.to_choice,
                h.to_service_id, ts.code AS to_code, h.charge_cents, h.outcome,
                ac.display_name AS changed_by_name, h.made_at, h.recorded_at, h.reason
             FROM attendance_changes h
             JOIN accounts ac ON ac.id = h.changed_by
             LEFT JOIN services fs ON fs.id = h.from_service_id
             LEFT JOIN services ts ON ts.id = h.to_service_id
             WHERE h.appointment_id = $1 AND h.person_id = $2 ORDER BY h.id",
        )
        .bind(appointment.0)
        .bind(person.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Rows per multi-row statement at most: well under both engines' limits on bound values
/// (14 values a history line).
const CHUNK: usize = 512;

/// A participant's attendance as a batch of changes left it.
pub struct FinalChoice {
    pub practice: PracticeId,
    pub appointment: AppointmentId,
    pub person: PersonId,
    pub choice: Option<Choice>,
    pub charge_cents: i64,
    pub version: i64,
    pub by: AccountId,
    pub at: i64,
}

/// On Postgres, holds the session's row until the transaction ends, so attendance writers on
/// other server processes wait for this one and then read what it wrote. (On SQLite the
/// transaction already holds the database's write lock.)
pub async fn lock_session(c: Conn<'_>, appointment: AppointmentId) -> Result<(), DbError> {
    if let Conn::Postgres(c) = c {
        sqlx::query("SELECT id FROM appointments WHERE id = $1 FOR UPDATE")
            .bind(appointment.0)
            .fetch_optional(&mut *c)
            .await?;
    }
    Ok(())
}

/// Stores each participant's final attendance of a batch in a few multi-row statements.
/// A row only moves forward: one already at or past the new version is left alone,
/// and the count returned then falls short of `rows.len()`, telling the caller to read again.
pub async fn store_choices(mut c: Conn<'_>, rows: &[FinalChoice]) -> Result<u64, DbError> {
    let mut stored = 0;
    for chunk in statement_chunks(rows, CHUNK) {
        stored += on_conn!(c.re(), |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO attendance
                    (appointment_id, person_id, practice_id, choice, service_id, charge_cents, version, changed_by, changed_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.appointment.0)
                    .push_bind(r.person.0)
                    .push_bind(r.practice.0)
                    .push_bind(r.choice.map(|c| c.code()))
                    .push_bind(r.choice.and_then(|c| c.service()).map(|s| s.0))
                    .push_bind(r.charge_cents)
                    .push_bind(r.version)
                    .push_bind(r.by.0)
                    .push_bind(r.at);
            });
            q.push(
                " ON CONFLICT (appointment_id, person_id) DO UPDATE SET
                    choice = excluded.choice, service_id = excluded.service_id,
                    charge_cents = excluded.charge_cents, version = excluded.version,
                    changed_by = excluded.changed_by, changed_at = excluded.changed_at
                 WHERE attendance.version < excluded.version",
            );
            q.build().execute(&mut *c).await?.rows_affected()
        });
    }
    Ok(stored)
}

/// Appends history lines in a few multi-row statements.
pub async fn add_history(mut c: Conn<'_>, lines: &[NewHistory]) -> Result<(), DbError> {
    for chunk in statement_chunks(lines, CHUNK) {
        on_conn!(c.re(), |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO attendance_changes
                    (practice_id, appointment_id, person_id, from_choice, from_service_id, to_choice,
                     to_service_id, charge_cents, outcome, version, changed_by, made_at, recorded_at, reason) ",
            );
            q.push_values(chunk, |mut b, h| {
                b.push_bind(h.practice.0)
                    .push_bind(h.appointment.0)
                    .push_bind(h.person.0)
                    .push_bind(h.from.map(|c| c.code()))
                    .push_bind(h.from.and_then(|c| c.service()).map(|s| s.0))
                    .push_bind(h.to.map(|c| c.code()))
                    .push_bind(h.to.and_then(|c| c.service()).map(|s| s.0))
                    .push_bind(h.charge_cents)
                    .push_bind(
                        if h.superseded {
                            HistoryOutcome::Superseded
                        } else {
                            HistoryOutcome::Applied
                        }
                        .as_str(),
                    )
                    .push_bind(h.version)
                    .push_bind(h.by.0)
                    .push_bind(h.made_at)
                    .push_bind(h.recorded_at)
                    .push_bind(h.reason.as_deref());
            });
            q.build().execute(&mut *c).await?;
        });
    }
    Ok(())
}
