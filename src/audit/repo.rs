//! Audit log storage. Server only. There is no update or delete here, and the database
//! refuses both (see the migrations).

use super::{Action, AuditEntry, ObjectKind, Outcome};
use crate::domain::{AccountId, PracticeId};
use crate::on_conn;
use crate::server::db::{statement_chunks, Conn, DbError};

/// An entry to append.
#[derive(Clone, Debug)]
pub struct NewEntry<'a> {
    pub practice_id: Option<PracticeId>,
    pub actor: Option<AccountId>,
    /// Who, in words, also for actors without an account (an email that failed to sign in).
    pub actor_label: &'a str,
    pub action: Action,
    pub object_kind: ObjectKind,
    pub object_id: Option<i64>,
    pub outcome: Outcome,
    pub detail: &'a str,
}

pub async fn append(c: Conn<'_>, e: &NewEntry<'_>, now: i64) -> Result<(), DbError> {
    append_many(c, std::slice::from_ref(e), now).await
}

/// Appends many entries made at the same moment (a batch of attendance changes).
pub async fn append_many(c: Conn<'_>, entries: &[NewEntry<'_>], now: i64) -> Result<(), DbError> {
    let timed: Vec<(NewEntry<'_>, i64)> = entries.iter().map(|e| (e.clone(), now)).collect();
    append_timed(c, &timed).await
}

/// Appends many entries, each with the time it was made (the audit writer's batches).
pub async fn append_timed(mut c: Conn<'_>, entries: &[(NewEntry<'_>, i64)]) -> Result<(), DbError> {
    for chunk in statement_chunks(entries, 512) {
        on_conn!(c.re(), |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO audit_log
                    (practice_id, actor_account_id, actor_label, action, object_kind, object_id, outcome, detail, occurred_at) ",
            );
            q.push_values(chunk, |mut b, (e, at)| {
                b.push_bind(e.practice_id.map(|p| p.0))
                    .push_bind(e.actor.map(|a| a.0))
                    .push_bind(e.actor_label)
                    .push_bind(e.action.as_str())
                    .push_bind(e.object_kind.as_str())
                    .push_bind(e.object_id)
                    .push_bind(e.outcome.as_str())
                    .push_bind(e.detail)
                    .push_bind(*at);
            });
            q.build().execute(&mut *c).await?;
        });
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    practice_id: Option<i64>,
    actor_account_id: Option<i64>,
    actor_label: String,
    action: String,
    object_kind: String,
    object_id: Option<i64>,
    outcome: String,
    detail: String,
    occurred_at: i64,
}

const COLUMNS: &str = "id, practice_id, actor_account_id, actor_label, action, object_kind, object_id, outcome, detail, occurred_at";

fn entry(r: Row) -> AuditEntry {
    AuditEntry {
        id: r.id,
        practice_id: r.practice_id,
        actor_account_id: r.actor_account_id,
        actor_label: r.actor_label,
        action: r.action,
        object_kind: r.object_kind,
        object_id: r.object_id,
        outcome: r.outcome,
        detail: r.detail,
        occurred_at: r.occurred_at,
    }
}

/// The newest entries of one practice, newest first.
pub async fn recent_for_practice(
    mut c: Conn<'_>,
    practice: PracticeId,
    limit: i64,
) -> Result<Vec<AuditEntry>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE practice_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2"
    );
    let rows: Vec<Row> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(rows.into_iter().map(entry).collect())
}

/// Entries naming `label` as the actor, newest first: how a failed sign-in to an unknown
/// address (no practice, no account) can still be reviewed.
pub async fn recent_by_actor_label(
    mut c: Conn<'_>,
    label: &str,
    limit: i64,
) -> Result<Vec<AuditEntry>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE actor_label = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2"
    );
    let rows: Vec<Row> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(label)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(rows.into_iter().map(entry).collect())
}

/// Tries to change an entry. Exists only so tests can prove the database refuses it.
#[doc(hidden)]
pub async fn try_rewrite_for_test(mut c: Conn<'_>, id: i64) -> Result<u64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query("UPDATE audit_log SET outcome = 'success' WHERE id = $1")
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    }))
}

/// Tries to delete an entry. Exists only so tests can prove the database refuses it.
#[doc(hidden)]
pub async fn try_delete_for_test(mut c: Conn<'_>, id: i64) -> Result<u64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query("DELETE FROM audit_log WHERE id = $1")
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    }))
}
