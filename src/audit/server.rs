//! The helper every capability calls when it reads or writes health information, and the
//! one the access boundary calls for refused accesses. Server only.

use super::repo::{self, NewEntry};
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

/// Records a refused access on its own connection (there is no transaction to join: the
/// request is being turned away). A failure to write it is logged, not shown.
pub async fn denied(db: &Db, who: &SignedIn, event: Event<'_>) {
    let result = async {
        let mut pooled = db.acquire().await?;
        record(pooled.conn(), who, event).await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "could not write a denied-access audit entry");
    }
}
