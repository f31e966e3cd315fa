//! The outbox as owners and admins see it. Server only.

use super::repo;
use super::OutboxEmail;
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Event, ObjectKind};
use crate::domain::mail::EmailStatus;
use crate::domain::EmailId;
use crate::error::AppResult;
use crate::server::db::{now_ms, Db};

fn may_see(who: &SignedIn) -> AppResult<()> {
    who.permit(
        who.role.manages_practice(),
        "Only the practice's owners and administrators see the outbox.",
    )
}

pub async fn recent(db: &Db, who: &SignedIn) -> AppResult<Vec<OutboxEmail>> {
    may_see(who)?;
    let mut c = db.acquire().await?;
    let rows = repo::recent(c.conn(), who.practice_id, 200).await?;
    let at =
        |ms: i64| crate::domain::when::short_stamp(crate::server::time::wall(who.time_zone, ms));
    Ok(rows
        .into_iter()
        .map(|r| OutboxEmail {
            id: EmailId(r.id),
            kind: r.kind,
            recipient: r.recipient,
            subject: r.subject,
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
            created: at(r.created_at),
            when: match r.status {
                EmailStatus::Sent => r.sent_at.map(at),
                EmailStatus::Retrying => Some(at(r.next_attempt_at)),
                _ => None,
            },
        })
        .collect())
}

pub async fn send_again(db: &Db, who: &SignedIn, id: EmailId) -> AppResult<()> {
    may_see(who)?;
    let mut tx = db.begin().await?;
    if !repo::send_again(tx.conn(), who.practice_id, id, now_ms()).await? {
        return Err(who.not_found(ObjectKind::Email, id.0));
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Email, id.0).detail("sent again"),
    )
    .await?;
    tx.commit().await?;
    super::worker::wake();
    Ok(())
}
