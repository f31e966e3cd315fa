//! The helper every capability calls when it reads or writes health information, and for
//! denied accesses. Server only.

use super::repo::{self, NewEntry};
use super::{Action, Outcome};
use crate::auth::server::SignedIn;
use crate::server::db::{now_ms, Conn, Db, DbError};

/// Records what `who` did to an object, inside the caller's transaction so the change and
/// its audit entry commit or roll back together.
pub async fn record(
    c: Conn<'_>,
    who: &SignedIn,
    action: Action,
    object_kind: &str,
    object_id: Option<i64>,
    outcome: Outcome,
    detail: &str,
) -> Result<(), DbError> {
    repo::append(
        c,
        &NewEntry {
            practice_id: Some(who.practice_id),
            actor: Some(who.account_id),
            actor_label: &who.email,
            action,
            object_kind,
            object_id,
            outcome,
            detail,
        },
        now_ms(),
    )
    .await
}

/// Records a refused access on its own connection (there is no transaction to join: the
/// request is being turned away). A failure to write it is logged, not shown.
pub async fn denied(
    db: &Db,
    who: &SignedIn,
    object_kind: &str,
    object_id: Option<i64>,
    detail: &str,
) {
    let result = async {
        let mut pooled = db.acquire().await?;
        record(
            pooled.conn(),
            who,
            Action::Access,
            object_kind,
            object_id,
            Outcome::Denied,
            detail,
        )
        .await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "could not write a denied-access audit entry");
    }
}

/// Runs `work` (which opens and ends its own transaction) and audits a `NotFound` it
/// returns as a refused access to `kind` `id`. The entry is written after the work's
/// transaction has ended: on SQLite a second connection cannot write while it holds the lock.
pub async fn audit_refusal<T>(
    db: &Db,
    who: &SignedIn,
    kind: &str,
    id: i64,
    work: impl std::future::Future<Output = Result<T, crate::error::AppError>>,
) -> Result<T, crate::error::AppError> {
    let result = work.await;
    if matches!(result, Err(crate::error::AppError::NotFound)) {
        denied(
            db,
            who,
            kind,
            Some(id),
            "not found or not visible to this account",
        )
        .await;
    }
    result
}
