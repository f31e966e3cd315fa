//! The outbox in the database. Server only.

use crate::domain::mail::{EmailKind, EmailStatus};
use crate::domain::{EmailId, PracticeId};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

/// An email to write to the outbox.
pub struct NewEmail<'a> {
    pub practice: Option<PracticeId>,
    /// The same key twice writes one email: what caused it names it (for example
    /// `invitation:<token hash>`).
    pub dedupe_key: &'a str,
    pub kind: EmailKind,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Writes an email to send; None when an email with this dedupe key is already there.
pub async fn enqueue(
    mut c: Conn<'_>,
    e: &NewEmail<'_>,
    now: i64,
) -> Result<Option<EmailId>, DbError> {
    let id: Option<i64> = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO outbox
                (practice_id, dedupe_key, kind, recipient, subject, body, status, attempts,
                 next_attempt_at, last_error, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, '', $7)
             ON CONFLICT (dedupe_key) DO NOTHING
             RETURNING id",
        )
        .bind(e.practice.map(|p| p.0))
        .bind(e.dedupe_key)
        .bind(e.kind.as_str())
        .bind(e.recipient)
        .bind(e.subject)
        .bind(e.body)
        .bind(now)
        .fetch_optional(&mut *c)
        .await?
    });
    Ok(id.map(EmailId))
}

/// An email a worker has claimed and now sends.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Attempts including this one.
    pub attempts: i64,
    pub created_at: i64,
}

/// Claims up to `limit` due emails for `worker` until `lease_until`: queued ones, ones due
/// a retry, and ones whose sender's lease ran out. On Postgres the rows are locked with
/// SKIP LOCKED, so workers in several processes each take different emails; SQLite's single
/// writer makes the statement atomic by itself.
pub async fn claim(
    mut c: Conn<'_>,
    worker: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<Claimed>, DbError> {
    let lock = match c {
        Conn::Postgres(_) => "FOR UPDATE SKIP LOCKED",
        Conn::Sqlite(_) => "",
    };
    let sql = format!(
        "UPDATE outbox SET status = 'sending', claimed_by = $1, claimed_until = $2,
                attempts = attempts + 1
         WHERE id IN (
             SELECT id FROM outbox
             WHERE (status IN ('queued', 'retrying') AND next_attempt_at <= $3)
                OR (status = 'sending' AND claimed_until < $3)
             ORDER BY next_attempt_at, id
             LIMIT $4
             {lock})
         RETURNING id, recipient, subject, body, attempts, created_at"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, Claimed>(&sql)
            .bind(worker)
            .bind(lease_until)
            .bind(now)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// Records that `worker` sent the email and forgets its body. False if the worker's claim
/// was lost (its lease ran out and another worker took the email).
pub async fn mark_sent(mut c: Conn<'_>, id: i64, worker: &str, now: i64) -> Result<bool, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $3, body = '', last_error = '',
                    claimed_by = NULL, claimed_until = NULL
             WHERE id = $1 AND claimed_by = $2 AND status = 'sending'",
        )
        .bind(id)
        .bind(worker)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected()
            > 0
    }))
}

/// Records a failed attempt: `retry_at` Some to try again then, None to give up.
pub async fn mark_failed_attempt(
    mut c: Conn<'_>,
    id: i64,
    worker: &str,
    error: &str,
    retry_at: Option<i64>,
) -> Result<bool, DbError> {
    let status = match retry_at {
        Some(_) => EmailStatus::Retrying,
        None => EmailStatus::Failed,
    };
    Ok(on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE outbox SET status = $3, last_error = $4,
                    next_attempt_at = COALESCE($5, next_attempt_at),
                    claimed_by = NULL, claimed_until = NULL
             WHERE id = $1 AND claimed_by = $2 AND status = 'sending'",
        )
        .bind(id)
        .bind(worker)
        .bind(status.as_str())
        .bind(error)
        .bind(retry_at)
        .execute(&mut *c)
        .await?
        .rows_affected()
            > 0
    }))
}

/// An outbox row as the owners' screen reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: EmailKind,
    pub recipient: String,
    pub subject: String,
    #[sqlx(try_from = "String")]
    pub status: EmailStatus,
    pub attempts: i64,
    pub last_error: String,
    pub created_at: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
}

const ROW_COLUMNS: &str = "id, kind, recipient, subject, status, attempts, last_error, created_at,
     next_attempt_at, sent_at";

/// The practice's most recent emails, newest first.
pub async fn recent(
    mut c: Conn<'_>,
    practice: PracticeId,
    limit: i64,
) -> Result<Vec<OutboxRow>, DbError> {
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM outbox WHERE practice_id = $1
         ORDER BY created_at DESC, id DESC LIMIT $2"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, OutboxRow>(&sql)
            .bind(practice.0)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// Every email with this dedupe-key prefix, oldest first (for tests and reports).
pub async fn with_key_prefix(mut c: Conn<'_>, prefix: &str) -> Result<Vec<OutboxRow>, DbError> {
    let sql =
        format!("SELECT {ROW_COLUMNS} FROM outbox WHERE dedupe_key LIKE $1 || '%' ORDER BY id");
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, OutboxRow>(&sql)
            .bind(prefix)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// Puts a failed email of the practice back in the queue, attempts counted afresh.
pub async fn send_again(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: EmailId,
    now: i64,
) -> Result<bool, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = $3
             WHERE practice_id = $1 AND id = $2 AND status = 'failed' AND body <> ''",
        )
        .bind(practice.0)
        .bind(id.0)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected()
            > 0
    }))
}
