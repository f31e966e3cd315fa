//! The caller's private calendar feed: its status, turning it on with a new address, revoking it.

use super::*;

/// The caller's own calendar feed.
pub async fn feed_status(db: &Db, who: &SignedIn) -> AppResult<FeedStatus> {
    let mut c = db.acquire().await?;
    let created = repo::feed_created(c.conn(), who.account_id).await?;
    Ok(FeedStatus {
        enabled: created.is_some(),
        url: None,
        created_at: created.map(|t| when::stamp(wall(who.time_zone, t))),
    })
}

/// Turns the caller's feed on with a new token (any earlier address stops working) and
/// returns its path, shown once.
pub async fn enable_feed(db: &Db, who: &SignedIn) -> AppResult<(FeedStatus, String)> {
    let token = crate::auth::server::new_session_token();
    let now = now_ms();
    let mut tx = db.begin().await?;
    repo::set_feed(
        tx.conn(),
        who.practice_id,
        who.account_id,
        &crate::auth::server::hash_token(&token),
        now,
    )
    .await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::CalendarFeed, who.account_id.0).detail("turned on"),
    )
    .await?;
    tx.commit().await?;
    let path = format!("/calendar/{token}.ics");
    Ok((
        FeedStatus {
            enabled: true,
            url: Some(path.clone()),
            created_at: Some(when::stamp(wall(who.time_zone, now))),
        },
        token,
    ))
}

pub async fn revoke_feed(db: &Db, who: &SignedIn) -> AppResult<FeedStatus> {
    let mut tx = db.begin().await?;
    let had = repo::revoke_feed(tx.conn(), who.account_id).await?;
    if had {
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::CalendarFeed, who.account_id.0).detail("revoked"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(FeedStatus {
        enabled: false,
        url: None,
        created_at: None,
    })
}
