//! Rows of forms: templates and their versions, a person's copies of forms, their signers
//! and signatures. Staff queries take the case the form was sent from (the caller's access
//! to it is checked by the server first); portal queries are keyed by the signer. Server
//! only.

use crate::domain::forms::{FormSet, FormStatus, SignerCapacity};
use crate::domain::{AccountId, CaseId, FormId, FormTemplateId, PersonId, PracticeId};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

/// A template with its current version's fields (JSON).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TemplateRow {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub form_set: FormSet,
    pub version: i64,
    pub active: bool,
    pub fields: String,
}

const TEMPLATE_COLUMNS: &str = "t.id, t.name, t.form_set, t.version, t.active, v.fields
    FROM form_templates t
    JOIN form_template_versions v ON v.template_id = t.id AND v.version = t.version";

pub async fn templates(mut c: Conn<'_>, practice: PracticeId) -> Result<Vec<TemplateRow>, DbError> {
    let sql = format!("SELECT {TEMPLATE_COLUMNS} WHERE t.practice_id = $1 ORDER BY t.name, t.id");
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .fetch_all(&mut *c)
            .await?
    }))
}

pub async fn template(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: FormTemplateId,
) -> Result<Option<TemplateRow>, DbError> {
    let sql = format!("SELECT {TEMPLATE_COLUMNS} WHERE t.practice_id = $1 AND t.id = $2");
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(id.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// A template's name and fields at one version.
pub async fn template_version(
    mut c: Conn<'_>,
    template: i64,
    version: i64,
) -> Result<Option<(String, String)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT name, fields FROM form_template_versions WHERE template_id = $1 AND version = $2",
        )
        .bind(template)
        .bind(version)
        .fetch_optional(&mut *c)
        .await?
    }))
}

pub struct NewTemplate<'a> {
    pub practice: PracticeId,
    pub name: &'a str,
    pub set: &'a str,
    pub fields: &'a str,
    pub by: AccountId,
    pub now: i64,
}

pub async fn insert_template(mut c: Conn<'_>, t: &NewTemplate<'_>) -> Result<i64, DbError> {
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO form_templates (practice_id, name, form_set, version, active, created_by,
                 created_at, updated_at)
             VALUES ($1, $2, $3, 1, TRUE, $4, $5, $5) RETURNING id",
        )
        .bind(t.practice.0)
        .bind(t.name)
        .bind(t.set)
        .bind(t.by.0)
        .bind(t.now)
        .fetch_one(&mut *c)
        .await?
    });
    insert_version(c.re(), id, 1, t).await?;
    Ok(id)
}

async fn insert_version(
    mut c: Conn<'_>,
    template: i64,
    version: i64,
    t: &NewTemplate<'_>,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO form_template_versions (template_id, version, name, fields, created_by,
                 created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(template)
        .bind(version)
        .bind(t.name)
        .bind(t.fields)
        .bind(t.by.0)
        .bind(t.now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Saves a template's settings and, when `new_version` is given, its next version (forms
/// already sent keep theirs).
pub async fn update_template(
    mut c: Conn<'_>,
    id: i64,
    t: &NewTemplate<'_>,
    active: bool,
    new_version: Option<i64>,
) -> Result<bool, DbError> {
    if let Some(version) = new_version {
        insert_version(c.re(), id, version, t).await?;
    }
    let done = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE form_templates SET name = $3, form_set = $4, active = $5,
                 version = COALESCE($6, version), updated_at = $7
             WHERE id = $2 AND practice_id = $1",
        )
        .bind(t.practice.0)
        .bind(id)
        .bind(t.name)
        .bind(t.set)
        .bind(active)
        .bind(new_version)
        .bind(t.now)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(done > 0)
}

/// A current member of a case, with who pays for them when that is a contact (a parent or
/// guardian).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MemberRow {
    pub person_id: i64,
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub payer_contact_id: Option<i64>,
}

/// The case's members on `today` (active, joined, not left).
pub async fn current_members(
    mut c: Conn<'_>,
    practice: PracticeId,
    case: CaseId,
    today: &str,
) -> Result<Vec<MemberRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT p.id AS person_id, p.legal_name, p.preferred_name,
                    CASE WHEN m.payer_kind IS NOT NULL
                         THEN (CASE WHEN m.payer_kind = 'contact' THEN m.payer_contact_id END)
                         ELSE (CASE WHEN k.payer_kind = 'contact' THEN k.payer_contact_id END)
                    END AS payer_contact_id
             FROM memberships m
             JOIN people p ON p.id = m.person_id
             JOIN cases k ON k.id = m.case_id
             WHERE m.practice_id = $1 AND m.case_id = $2 AND m.status = 'active'
               AND m.joined_on <= $3 AND (m.left_on IS NULL OR m.left_on > $3)
             ORDER BY p.search_name, p.id",
        )
        .bind(practice.0)
        .bind(case.0)
        .bind(today)
        .fetch_all(&mut *c)
        .await?
    }))
}

pub struct NewForm {
    pub practice: PracticeId,
    pub template: i64,
    pub version: i64,
    pub person: PersonId,
    pub case: CaseId,
    pub by: AccountId,
    pub now: i64,
}

/// Sends a form to a person; `None` when they already have this form open from this case.
pub async fn insert_form(mut c: Conn<'_>, f: &NewForm) -> Result<Option<i64>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO form_requests (practice_id, template_id, version, person_id, case_id,
                 status, sent_by, sent_at)
             VALUES ($1, $2, $3, $4, $5, 'sent', $6, $7)
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(f.practice.0)
        .bind(f.template)
        .bind(f.version)
        .bind(f.person.0)
        .bind(f.case.0)
        .bind(f.by.0)
        .bind(f.now)
        .fetch_optional(&mut *c)
        .await?
    }))
}

pub async fn insert_signer(
    mut c: Conn<'_>,
    form: i64,
    person: PersonId,
    capacity: &str,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO form_signers (request_id, person_id, capacity) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(form)
        .bind(person.0)
        .bind(capacity)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// A form sent to someone, with its template's name at its version and its signing state.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FormRow {
    pub id: i64,
    pub template_id: i64,
    pub version: i64,
    pub person_id: i64,
    pub case_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub status: FormStatus,
    pub answers: Option<String>,
    pub content_sha256: Option<String>,
    pub submitted_at: Option<i64>,
    pub sent_at: i64,
    pub completed_at: Option<i64>,
    pub reminders: i64,
    pub title: String,
    pub fields: String,
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub signers: i64,
    pub signatures: i64,
    /// Signers with an active portal account (someone a reminder can reach).
    pub reachable: i64,
}

const FORM_COLUMNS: &str = "r.id, r.template_id, r.version, r.person_id, r.case_id, r.status,
    r.answers, r.content_sha256, r.submitted_at, r.sent_at, r.completed_at, r.reminders,
    v.name AS title, v.fields, p.legal_name, p.preferred_name,
    (SELECT COUNT(*) FROM form_signers s WHERE s.request_id = r.id) AS signers,
    (SELECT COUNT(*) FROM form_signatures g WHERE g.request_id = r.id) AS signatures,
    (SELECT COUNT(*) FROM form_signers s JOIN accounts ac ON ac.person_id = s.person_id
      WHERE s.request_id = r.id AND ac.active = TRUE) AS reachable
    FROM form_requests r
    JOIN form_template_versions v ON v.template_id = r.template_id AND v.version = r.version
    JOIN people p ON p.id = r.person_id";

/// The forms sent from a case, newest first.
pub async fn case_forms(
    mut c: Conn<'_>,
    practice: PracticeId,
    case: CaseId,
) -> Result<Vec<FormRow>, DbError> {
    let sql = format!(
        "SELECT {FORM_COLUMNS} WHERE r.practice_id = $1 AND r.case_id = $2
         ORDER BY r.sent_at DESC, r.id DESC LIMIT 500"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(case.0)
            .fetch_all(&mut *c)
            .await?
    }))
}

pub async fn form(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: FormId,
) -> Result<Option<FormRow>, DbError> {
    let sql = format!("SELECT {FORM_COLUMNS} WHERE r.practice_id = $1 AND r.id = $2");
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(id.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// A form someone signs, and whether they have signed it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SignerForm {
    #[sqlx(flatten)]
    pub form: FormRow,
    pub signed_by_me: bool,
}

/// The forms `signer` must sign or fill in (their own and those they sign for), newest
/// first, each with whether they have signed it (one query for the portal's list).
pub async fn signer_forms(
    mut c: Conn<'_>,
    practice: PracticeId,
    signer: PersonId,
) -> Result<Vec<SignerForm>, DbError> {
    let sql = format!(
        "SELECT EXISTS (SELECT 1 FROM form_signatures m
                         WHERE m.request_id = r.id AND m.person_id = $2) AS signed_by_me,
                {FORM_COLUMNS}
         WHERE r.practice_id = $1
           AND EXISTS (SELECT 1 FROM form_signers s WHERE s.request_id = r.id AND s.person_id = $2)
         ORDER BY r.sent_at DESC, r.id DESC LIMIT 200"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(signer.0)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// Who signs a form, and their signature if they have signed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SignerRow {
    pub person_id: i64,
    #[sqlx(try_from = "String")]
    pub capacity: SignerCapacity,
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub typed_name: Option<String>,
    pub intent: Option<String>,
    pub signed_at: Option<i64>,
    pub account_email: Option<String>,
    pub sign_in_method: Option<String>,
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
    pub template_version: Option<i64>,
    pub content_sha256: Option<String>,
}

pub async fn signers(mut c: Conn<'_>, form: FormId) -> Result<Vec<SignerRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT s.person_id, s.capacity, p.legal_name, p.preferred_name, g.typed_name,
                    g.intent, g.signed_at, ac.email AS account_email, g.sign_in_method,
                    g.client_address, g.user_agent, g.template_version, g.content_sha256
             FROM form_signers s
             JOIN people p ON p.id = s.person_id
             LEFT JOIN form_signatures g ON g.request_id = s.request_id AND g.person_id = s.person_id
             LEFT JOIN accounts ac ON ac.id = g.account_id
             WHERE s.request_id = $1
             ORDER BY g.signed_at IS NULL, g.signed_at, p.search_name, s.person_id",
        )
        .bind(form.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Addresses a reminder about a form reaches: its signers' active portal accounts.
pub async fn signer_emails(mut c: Conn<'_>, form: FormId) -> Result<Vec<String>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT ac.email FROM form_signers s
             JOIN accounts ac ON ac.person_id = s.person_id AND ac.active = TRUE
             WHERE s.request_id = $1
               AND NOT EXISTS (SELECT 1 FROM form_signatures g
                               WHERE g.request_id = s.request_id AND g.person_id = s.person_id)
             ORDER BY ac.email",
        )
        .bind(form.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// The first time a signer opens a sent form.
pub async fn mark_viewed(mut c: Conn<'_>, form: FormId, now: i64) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE form_requests SET status = 'viewed', viewed_at = $2
             WHERE id = $1 AND status = 'sent'",
        )
        .bind(form.0)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(done > 0)
}

pub struct Submission<'a> {
    pub form: FormId,
    pub answers: &'a str,
    pub content: &'a str,
    pub sha256: &'a str,
    pub by: AccountId,
    pub now: i64,
}

/// Fixes a form's answers and what is signed; false when it was already submitted.
pub async fn submit(mut c: Conn<'_>, s: &Submission<'_>) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE form_requests SET answers = $2, content = $3, content_sha256 = $4,
                 submitted_by = $5, submitted_at = $6,
                 status = CASE WHEN status = 'sent' THEN 'viewed' ELSE status END,
                 viewed_at = COALESCE(viewed_at, $6)
             WHERE id = $1 AND content_sha256 IS NULL",
        )
        .bind(s.form.0)
        .bind(s.answers)
        .bind(s.content)
        .bind(s.sha256)
        .bind(s.by.0)
        .bind(s.now)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(done > 0)
}

/// What was submitted: its exact content and hash.
pub async fn submitted(mut c: Conn<'_>, form: FormId) -> Result<Option<(String, String)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT content, content_sha256 FROM form_requests
             WHERE id = $1 AND content_sha256 IS NOT NULL",
        )
        .bind(form.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

pub struct NewSignature<'a> {
    pub form: FormId,
    pub person: PersonId,
    pub capacity: &'a str,
    pub account: AccountId,
    pub sign_in_method: &'a str,
    pub typed_name: &'a str,
    pub intent: &'a str,
    pub now: i64,
    pub client_address: &'a str,
    pub user_agent: &'a str,
    pub template: i64,
    pub version: i64,
    pub sha256: &'a str,
}

pub async fn add_signature(mut c: Conn<'_>, s: &NewSignature<'_>) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO form_signatures (request_id, person_id, capacity, account_id,
                 sign_in_method, typed_name, intent, signed_at, client_address, user_agent,
                 template_id, template_version, content_sha256)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(s.form.0)
        .bind(s.person.0)
        .bind(s.capacity)
        .bind(s.account.0)
        .bind(s.sign_in_method)
        .bind(s.typed_name)
        .bind(s.intent)
        .bind(s.now)
        .bind(s.client_address)
        .bind(s.user_agent)
        .bind(s.template)
        .bind(s.version)
        .bind(s.sha256)
        .fetch_one(&mut *c)
        .await?
    }))
}

pub async fn complete(mut c: Conn<'_>, form: FormId, now: i64) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE form_requests SET status = 'completed', completed_at = $2
             WHERE id = $1 AND status <> 'completed'",
        )
        .bind(form.0)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

pub async fn reminded(mut c: Conn<'_>, form: FormId, now: i64) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE form_requests SET reminded_at = $2, reminders = reminders + 1 WHERE id = $1",
        )
        .bind(form.0)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// An incomplete form someone who still has to sign could be reminded of (they have an
/// active portal account), with its practice.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Unfinished {
    pub id: i64,
    pub practice_id: i64,
    pub practice_name: String,
    pub sent_at: i64,
    pub reminded_at: Option<i64>,
    pub reminders: i64,
}

/// Incomplete forms last sent or reminded before `before`, with fewer than `max`
/// reminders, oldest first (the caller applies the exact rule).
pub async fn unfinished(
    mut c: Conn<'_>,
    before: i64,
    max: i64,
    limit: i64,
) -> Result<Vec<Unfinished>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT r.id, r.practice_id, pr.name AS practice_name, r.sent_at, r.reminded_at,
                    r.reminders
             FROM form_requests r
             JOIN practices pr ON pr.id = r.practice_id
             WHERE r.status <> 'completed' AND r.reminders < $2
               AND COALESCE(r.reminded_at, r.sent_at) <= $1
               AND EXISTS (SELECT 1 FROM form_signers s
                           JOIN accounts ac ON ac.person_id = s.person_id AND ac.active = TRUE
                           WHERE s.request_id = r.id
                             AND NOT EXISTS (SELECT 1 FROM form_signatures g
                                             WHERE g.request_id = s.request_id
                                               AND g.person_id = s.person_id))
             ORDER BY COALESCE(r.reminded_at, r.sent_at), r.id
             LIMIT $3",
        )
        .bind(before)
        .bind(max)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?
    }))
}
