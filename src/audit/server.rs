//! The helper every capability calls when it reads or writes health information, and the
//! one the access boundary calls for refused accesses. Server only.

use super::repo::{self, NewEntry};
use super::writer::Pending;
use super::Event;
use crate::access::SignedIn;
use crate::server::db::{now_ms, Conn, Db, DbError};

/// The stored entry of `event` by `who`.
pub fn entry<'a>(who: &'a SignedIn, event: &'a Event<'a>) -> NewEntry<'a> {
    NewEntry {
        practice_id: Some(who.practice_id),
        actor: Some(who.account_id),
        actor_label: &who.email,
        action: event.action,
        object_kind: event.kind,
        object_id: event.id,
        outcome: event.outcome,
        detail: &event.detail,
    }
}

/// Records what `who` did, inside the caller's transaction so the change and its audit
/// entry commit or roll back together.
pub async fn record(c: Conn<'_>, who: &SignedIn, event: Event<'_>) -> Result<(), DbError> {
    repo::append(c, &entry(who, &event), now_ms()).await
}

/// Records a read of health information by `who`, through the audit writer: returns once
/// the entry is committed, so nothing is shown that the log lacks, while page views at the
/// same moment share one transaction. Call it after the read's own transaction has ended
/// (on SQLite the writer needs the write lock).
pub async fn read(db: &Db, who: &SignedIn, event: Event<'_>) -> Result<(), DbError> {
    append_now(db, &entry(who, &event)).await
}

async fn append_now(db: &Db, e: &NewEntry<'_>) -> Result<(), DbError> {
    match db.audit() {
        Some(writer) => writer
            .append(Pending::of(e))
            .await
            .map_err(|e| DbError::Audit(e.0)),
        // The writer's own handle has no writer; write directly.
        None => {
            let mut pooled = db.acquire().await?;
            repo::append(pooled.conn(), e, now_ms()).await
        }
    }
}

/// Records a refused access (there is no transaction to join: the request is being turned
/// away). A failure to write it is logged, not shown.
pub async fn denied(db: &Db, who: &SignedIn, event: Event<'_>) {
    if let Err(e) = append_now(db, &entry(who, &event)).await {
        tracing::error!(error = %e, "could not write a denied-access audit entry");
    }
}
