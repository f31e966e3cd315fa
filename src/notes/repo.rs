//! Notes, templates, chart notes and addenda in the database. Server only.
//!
//! Documents are stored as JSON. A locked note, its participant notes, chart notes and
//! addenda are refused any change by the database's own triggers (migration 0005).

use crate::access::visibility::{BindScope, VISIBLE_CASE};
use crate::domain::cases::Language;
use crate::domain::notes::{Document, NoteStatus};
use crate::domain::paging::{Earlier, Page};
use crate::domain::{
    AccountId, AppointmentId, CaseId, NoteId, PersonId, PracticeId, Scope, TemplateId,
};
use crate::on_conn;
use crate::server::db::{statement_chunks, Conn, DbError};

/// A document as stored.
pub fn to_json(doc: &Document) -> String {
    serde_json::to_string(doc).unwrap_or_else(|_| "{\"blocks\":[]}".into())
}

/// A stored document; one that does not parse (it never should) reads as empty rather than
/// hiding the rest of the chart.
pub fn from_json(json: &str) -> Document {
    serde_json::from_str(json).unwrap_or_default()
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TemplateRow {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub language: Language,
    pub sections: String,
    pub active: bool,
}

impl TemplateRow {
    pub fn language(&self) -> Language {
        self.language
    }

    pub fn sections(&self) -> Vec<String> {
        serde_json::from_str(&self.sections).unwrap_or_default()
    }
}

/// Gives a new practice the default templates.
pub async fn seed_templates(
    mut c: Conn<'_>,
    practice: PracticeId,
    now: i64,
) -> Result<(), DbError> {
    for (name, language, sections) in crate::domain::notes::default_templates() {
        let sections: Vec<String> = sections.into_iter().map(String::from).collect();
        let fields = TemplateFields {
            name,
            language,
            sections: &sections,
            active: true,
        };
        insert_template(c.re(), practice, &fields, now).await?;
    }
    Ok(())
}

pub async fn templates(mut c: Conn<'_>, practice: PracticeId) -> Result<Vec<TemplateRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT id, name, language, sections, active FROM note_templates
             WHERE practice_id = $1 ORDER BY active DESC, name",
        )
        .bind(practice.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

pub async fn template(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: TemplateId,
) -> Result<Option<TemplateRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT id, name, language, sections, active FROM note_templates
             WHERE practice_id = $1 AND id = $2",
        )
        .bind(practice.0)
        .bind(id.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

pub async fn insert_template(
    mut c: Conn<'_>,
    practice: PracticeId,
    t: &TemplateFields<'_>,
    now: i64,
) -> Result<TemplateId, DbError> {
    let sections = serde_json::to_string(t.sections).unwrap_or_else(|_| "[]".into());
    let (id,): (i64,) = on_conn!(c.re(), |c| {
        sqlx::query_as(
            "INSERT INTO note_templates (practice_id, name, language, sections, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(practice.0)
        .bind(t.name)
        .bind(t.language.as_str())
        .bind(sections)
        .bind(t.active)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(TemplateId(id))
}

/// A template's fields as it is created or changed.
pub struct TemplateFields<'a> {
    pub name: &'a str,
    pub language: Language,
    pub sections: &'a [String],
    pub active: bool,
}

pub async fn update_template(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: TemplateId,
    t: &TemplateFields<'_>,
    now: i64,
) -> Result<u64, DbError> {
    let sections = serde_json::to_string(t.sections).unwrap_or_else(|_| "[]".into());
    Ok(on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE note_templates SET name = $3, language = $4, sections = $5, active = $6, updated_at = $7
             WHERE practice_id = $1 AND id = $2",
        )
        .bind(practice.0)
        .bind(id.0)
        .bind(t.name)
        .bind(t.language.as_str())
        .bind(sections)
        .bind(t.active)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected()
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NoteRow {
    pub id: i64,
    pub body: String,
    pub version: i64,
    #[sqlx(try_from = "String")]
    pub status: NoteStatus,
    pub created_by_name: String,
    pub updated_by_name: String,
    pub updated_at: i64,
    pub reviewer_id: Option<i64>,
    pub reviewer_name: Option<String>,
    pub review_comments: Option<String>,
    pub submitted_by_name: Option<String>,
    pub cosigned_by_name: Option<String>,
    pub cosigned_at: Option<i64>,
    pub signed_by_name: Option<String>,
    pub signed_at: Option<i64>,
}

impl NoteRow {
    pub fn status(&self) -> NoteStatus {
        self.status
    }

    pub fn body(&self) -> Document {
        from_json(&self.body)
    }
}

const NOTE_SELECT: &str = "SELECT n.id, n.body, n.version, n.status,
        cb.display_name AS created_by_name, ub.display_name AS updated_by_name, n.updated_at,
        n.reviewer_id, rv.display_name AS reviewer_name, n.review_comments,
        sb.display_name AS submitted_by_name, co.display_name AS cosigned_by_name, n.cosigned_at,
        sg.display_name AS signed_by_name, n.signed_at
    FROM group_notes n
    JOIN accounts cb ON cb.id = n.created_by
    JOIN accounts ub ON ub.id = n.updated_by
    LEFT JOIN accounts rv ON rv.id = n.reviewer_id
    LEFT JOIN accounts sb ON sb.id = n.submitted_by
    LEFT JOIN accounts co ON co.id = n.cosigned_by
    LEFT JOIN accounts sg ON sg.id = n.signed_by";

/// A session's note, if it was started. On Postgres the row stays locked until the
/// transaction ends when `for_update`, so two locks or a lock and a save take turns.
pub async fn note_for(
    c: Conn<'_>,
    practice: PracticeId,
    appointment: AppointmentId,
    for_update: bool,
) -> Result<Option<NoteRow>, DbError> {
    let sql = format!("{NOTE_SELECT} WHERE n.practice_id = $1 AND n.appointment_id = $2");
    Ok(match c {
        Conn::Sqlite(c) => {
            sqlx::query_as(&sql)
                .bind(practice.0)
                .bind(appointment.0)
                .fetch_optional(&mut *c)
                .await?
        }
        Conn::Postgres(c) => {
            if for_update {
                sqlx::query(
                    "SELECT id FROM group_notes WHERE practice_id = $1 AND appointment_id = $2 FOR UPDATE",
                )
                .bind(practice.0)
                .bind(appointment.0)
                .fetch_optional(&mut *c)
                .await?;
            }
            sqlx::query_as(&sql)
                .bind(practice.0)
                .bind(appointment.0)
                .fetch_optional(&mut *c)
                .await?
        }
    })
}

pub struct NewNote<'a> {
    pub practice: PracticeId,
    pub appointment: AppointmentId,
    pub case: CaseId,
    pub template: Option<TemplateId>,
    pub body: &'a Document,
    pub by: AccountId,
    pub at: i64,
}

/// Starts a session's note; `false` if someone already had.
pub async fn insert_note(mut c: Conn<'_>, n: &NewNote<'_>) -> Result<bool, DbError> {
    let body = to_json(n.body);
    Ok(on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO group_notes (practice_id, appointment_id, case_id, template_id, body, created_by, created_at, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7)
             ON CONFLICT (appointment_id) DO NOTHING",
        )
        .bind(n.practice.0)
        .bind(n.appointment.0)
        .bind(n.case.0)
        .bind(n.template.map(|t| t.0))
        .bind(body)
        .bind(n.by.0)
        .bind(n.at)
        .execute(&mut *c)
        .await?
        .rows_affected()
            == 1
    }))
}

/// Saves the group text if it is still at `base` and editable; the count says whether it was.
pub async fn save_group(
    mut c: Conn<'_>,
    note: NoteId,
    base: i64,
    body: &Document,
    by: AccountId,
    now: i64,
) -> Result<u64, DbError> {
    let body = to_json(body);
    Ok(on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE group_notes SET body = $3, version = version + 1, updated_by = $4, updated_at = $5
             WHERE id = $1 AND version = $2 AND status IN ('draft', 'returned')",
        )
        .bind(note.0)
        .bind(base)
        .bind(body)
        .bind(by.0)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected()
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ParticipantNoteRow {
    pub person_id: i64,
    pub body: String,
    pub version: i64,
    pub updated_by_name: String,
    pub updated_at: i64,
}

pub async fn participant_notes(
    mut c: Conn<'_>,
    note: NoteId,
) -> Result<Vec<ParticipantNoteRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT p.person_id, p.body, p.version, a.display_name AS updated_by_name, p.updated_at
             FROM participant_notes p JOIN accounts a ON a.id = p.updated_by
             WHERE p.note_id = $1",
        )
        .bind(note.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Saves one attendee's note if it is still at `base` (0: not yet written).
pub async fn save_participant(
    mut c: Conn<'_>,
    note: NoteId,
    person: PersonId,
    base: i64,
    body: &Document,
    by: AccountId,
    now: i64,
) -> Result<u64, DbError> {
    let body = to_json(body);
    Ok(on_conn!(c.re(), |c| {
        if base == 0 {
            sqlx::query(
                "INSERT INTO participant_notes (note_id, person_id, body, version, updated_by, updated_at)
                 VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (note_id, person_id) DO NOTHING",
            )
            .bind(note.0)
            .bind(person.0)
            .bind(body)
            .bind(by.0)
            .bind(now)
            .execute(&mut *c)
            .await?
            .rows_affected()
        } else {
            sqlx::query(
                "UPDATE participant_notes SET body = $4, version = version + 1, updated_by = $5, updated_at = $6
                 WHERE note_id = $1 AND person_id = $2 AND version = $3",
            )
            .bind(note.0)
            .bind(person.0)
            .bind(base)
            .bind(body)
            .bind(by.0)
            .bind(now)
            .execute(&mut *c)
            .await?
            .rows_affected()
        }
    }))
}

/// Moves a note from `from` to `to`, recording who did it and when; the count says whether
/// it was still in `from`.
pub async fn set_status(
    mut c: Conn<'_>,
    note: NoteId,
    from: NoteStatus,
    to: NoteStatus,
    by: AccountId,
    now: i64,
    extra: StatusExtra<'_>,
) -> Result<u64, DbError> {
    let set = match to {
        NoteStatus::InReview => "submitted_by = $4, submitted_at = $5, reviewer_id = $6",
        NoteStatus::Returned => "updated_at = $4, review_comments = $5",
        NoteStatus::CoSigned => "cosigned_by = $4, cosigned_at = $5",
        NoteStatus::Locked => "signed_by = $4, signed_at = $5",
        NoteStatus::Draft => "updated_by = $4, updated_at = $5",
    };
    let sql = format!(
        "UPDATE group_notes SET status = $3, {set}, version = version + 1
         WHERE id = $1 AND status = $2"
    );
    Ok(on_conn!(c.re(), |c| {
        let q = sqlx::query(&sql)
            .bind(note.0)
            .bind(from.as_str())
            .bind(to.as_str());
        let q = match to {
            NoteStatus::Returned => q.bind(now).bind(extra.comments),
            NoteStatus::InReview => q.bind(by.0).bind(now).bind(extra.reviewer.map(|r| r.0)),
            _ => q.bind(by.0).bind(now),
        };
        q.execute(&mut *c).await?.rows_affected()
    }))
}

/// What some status changes carry besides who and when.
#[derive(Clone, Copy, Default)]
pub struct StatusExtra<'a> {
    pub reviewer: Option<AccountId>,
    pub comments: Option<&'a str>,
}

/// A chart note as a lock writes it.
pub struct NewChartNote {
    pub practice: PracticeId,
    pub person: PersonId,
    pub case: CaseId,
    pub appointment: AppointmentId,
    pub note: NoteId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub title: String,
    pub attendance: String,
    pub service: Option<String>,
    pub group_body: String,
    pub own_body: Option<String>,
    pub signed_by_name: String,
    pub signed_at: i64,
    pub cosigned_by_name: Option<String>,
    pub cosigned_at: Option<i64>,
}

/// Writes chart notes in one multi-row statement (the caller chunks them to report progress).
pub async fn insert_chart_notes(mut c: Conn<'_>, rows: &[NewChartNote]) -> Result<(), DbError> {
    for chunk in statement_chunks(rows, 64) {
        on_conn!(c.re(), |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO chart_notes (practice_id, person_id, case_id, appointment_id, group_note_id,
                    session_starts_at, session_ends_at, session_title, attendance, service, group_body,
                    own_body, signed_by_name, signed_at, cosigned_by_name, cosigned_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.practice.0)
                    .push_bind(r.person.0)
                    .push_bind(r.case.0)
                    .push_bind(r.appointment.0)
                    .push_bind(r.note.0)
                    .push_bind(r.starts_at)
                    .push_bind(r.ends_at)
                    .push_bind(r.title.as_str())
                    .push_bind(r.attendance.as_str())
                    .push_bind(r.service.as_deref())
                    .push_bind(r.group_body.as_str())
                    .push_bind(r.own_body.as_deref())
                    .push_bind(r.signed_by_name.as_str())
                    .push_bind(r.signed_at)
                    .push_bind(r.cosigned_by_name.as_deref())
                    .push_bind(r.cosigned_at);
            });
            q.build().execute(&mut *c).await?;
        });
    }
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ChartNoteRow {
    pub id: i64,
    pub person_id: i64,
    pub group_note_id: i64,
    pub session_starts_at: i64,
    pub session_ends_at: i64,
    pub session_title: String,
    pub attendance: String,
    pub service: Option<String>,
    pub group_body: String,
    pub own_body: Option<String>,
    pub signed_by_name: String,
    pub signed_at: i64,
    pub cosigned_by_name: Option<String>,
    pub cosigned_at: Option<i64>,
}

const CHART_COLUMNS: &str = "t.id, t.person_id, t.group_note_id, t.session_starts_at, t.session_ends_at,
    t.session_title, t.attendance, t.service, t.group_body, t.own_body, t.signed_by_name, t.signed_at,
    t.cosigned_by_name, t.cosigned_at";

/// A page of a person's chart notes from cases the scope may see, newest session first:
/// up to `size` notes before `before`, and one more when there is one, to tell that another
/// page follows. Read by `chart_notes_person`, so a long chart costs what a short one does.
pub async fn chart(
    mut c: Conn<'_>,
    scope: &Scope,
    person: PersonId,
    before: Earlier,
    size: usize,
) -> Result<Page<ChartNoteRow, Earlier>, DbError> {
    let sql = format!(
        "SELECT {CHART_COLUMNS} FROM chart_notes t JOIN cases c ON c.id = t.case_id
         WHERE t.person_id = $4 AND t.practice_id = $1 AND {VISIBLE_CASE}
           AND (t.session_starts_at, t.id) < ($5, $6)
         ORDER BY t.session_starts_at DESC, t.id DESC
         LIMIT $7"
    );
    let rows: Vec<ChartNoteRow> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind_scope(scope)
            .bind(person.0)
            .bind(before.at)
            .bind(before.id)
            .bind(size as i64 + 1)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(Page::from_rows(
        rows,
        size,
        |r| Earlier {
            at: r.session_starts_at,
            id: r.id,
        },
        |r| r,
    ))
}

/// The chart notes one locked note created.
pub async fn chart_notes_of(mut c: Conn<'_>, note: NoteId) -> Result<Vec<ChartNoteRow>, DbError> {
    let sql = format!(
        "SELECT {CHART_COLUMNS} FROM chart_notes t WHERE t.group_note_id = $1 ORDER BY t.id"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql).bind(note.0).fetch_all(&mut *c).await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AddendumRow {
    pub group_note_id: i64,
    pub person_id: Option<i64>,
    pub person_legal_name: Option<String>,
    pub person_preferred_name: Option<String>,
    pub body: String,
    pub signed_by_name: String,
    pub signed_at: i64,
}

/// The addenda of some notes, oldest first.
pub async fn addenda(mut c: Conn<'_>, notes: &[NoteId]) -> Result<Vec<AddendumRow>, DbError> {
    let mut all = Vec::new();
    for chunk in notes.chunks(256) {
        let list = chunk
            .iter()
            .map(|n| n.0.to_string())
            .collect::<Vec<_>>()
            .join(",");
        // Ids are integers from the database, never user text.
        let sql = format!(
            "SELECT a.group_note_id, a.person_id, p.legal_name AS person_legal_name,
                p.preferred_name AS person_preferred_name, a.body, a.signed_by_name, a.signed_at
             FROM note_addenda a LEFT JOIN people p ON p.id = a.person_id
             WHERE a.group_note_id IN ({list}) ORDER BY a.signed_at, a.id"
        );
        let rows: Vec<AddendumRow> = on_conn!(c.re(), |c| {
            sqlx::query_as(&sql).fetch_all(&mut *c).await?
        });
        all.extend(rows);
    }
    Ok(all)
}

pub struct NewAddendum<'a> {
    pub practice: PracticeId,
    pub note: NoteId,
    pub person: Option<PersonId>,
    pub body: &'a Document,
    pub by: AccountId,
    pub by_name: &'a str,
    pub at: i64,
}

pub async fn insert_addendum(mut c: Conn<'_>, a: &NewAddendum<'_>) -> Result<(), DbError> {
    let body = to_json(a.body);
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO note_addenda (practice_id, group_note_id, person_id, body, signed_by, signed_by_name, signed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(a.practice.0)
        .bind(a.note.0)
        .bind(a.person.map(|p| p.0))
        .bind(body)
        .bind(a.by.0)
        .bind(a.by_name)
        .bind(a.at)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReviewRow {
    pub appointment_id: i64,
    pub case_name: String,
    pub initials: Option<String>,
    pub starts_at: i64,
    pub submitted_by_name: Option<String>,
}

/// Notes sent to `reviewer` and not yet returned or co-signed, oldest session first.
pub async fn waiting_for(
    mut c: Conn<'_>,
    practice: PracticeId,
    reviewer: AccountId,
) -> Result<Vec<ReviewRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT n.appointment_id, c.name AS case_name, c.initials, a.starts_at,
                sb.display_name AS submitted_by_name
             FROM group_notes n
             JOIN cases c ON c.id = n.case_id
             JOIN appointments a ON a.id = n.appointment_id
             LEFT JOIN accounts sb ON sb.id = n.submitted_by
             WHERE n.practice_id = $1 AND n.reviewer_id = $2 AND n.status = 'in_review'
             ORDER BY a.starts_at",
        )
        .bind(practice.0)
        .bind(reviewer.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// For tests: tries to change a note's text behind the application's back, as a bug or a
/// hand-written statement might. The database must refuse it once the note is locked.
pub async fn try_rewrite_note_for_test(mut c: Conn<'_>, note: NoteId) -> Result<u64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query("UPDATE group_notes SET body = '{\"blocks\":[]}' WHERE id = $1")
            .bind(note.0)
            .execute(&mut *c)
            .await?
            .rows_affected()
    }))
}

/// For tests: tries to change or remove chart notes, participant notes and addenda of a
/// note directly. Returns the outcome of each attempt.
pub async fn try_tamper_for_test(mut c: Conn<'_>, note: NoteId) -> Vec<Result<u64, DbError>> {
    let statements = [
        "UPDATE chart_notes SET attendance = 'changed' WHERE group_note_id = $1",
        "DELETE FROM chart_notes WHERE group_note_id = $1",
        "UPDATE participant_notes SET body = '{\"blocks\":[]}' WHERE note_id = $1",
        "DELETE FROM participant_notes WHERE note_id = $1",
        "UPDATE note_addenda SET body = '{\"blocks\":[]}' WHERE group_note_id = $1",
        "DELETE FROM group_notes WHERE id = $1",
    ];
    let mut results = Vec::new();
    for sql in statements {
        let r: Result<u64, sqlx::Error> = on_conn!(c.re(), |c| {
            sqlx::query(sql)
                .bind(note.0)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        });
        results.push(r.map_err(DbError::from));
    }
    results
}
