//! A participant's own calendar feed: `GET /calendar/me/<token>.ics`. Their phone's calendar
//! app cannot sign in, so the long random token is the credential (only its hash is kept).
//! Events carry the participant's own sessions only, called what the portal calls them
//! (a neutral label unless the practice names the group), with place and video link: never
//! another participant. Server only.

use super::repo;
use crate::calendar::feed::{ics_response, session_event, token_of};
use crate::domain::schedule::AppointmentStatus;
use crate::domain::{PersonId, PracticeId};
use crate::server::db::{now_ms, Db, DbError};
use crate::server::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use icalendar::{Calendar, Component, EventLike};

const PAST_MS: i64 = 60 * 24 * 3_600_000;
const AHEAD_MS: i64 = 400 * 24 * 3_600_000;

/// Where a token's feed is served.
pub fn path(token: &str) -> String {
    format!("/calendar/me/{token}.ics")
}

/// The feed for a token, or `None` when it opens nothing (unknown, turned off, or the
/// person's portal account closed).
pub async fn feed_for_token(db: &Db, token: &str) -> Result<Option<String>, DbError> {
    let hash = crate::auth::server::hash_token(token);
    let mut c = db.acquire().await?;
    let Some((practice, person)) = repo::feed_owner(c.conn(), &hash).await? else {
        return Ok(None);
    };
    let now = now_ms();
    let rows =
        repo::feed_sessions(c.conn(), practice, person, now - PAST_MS, now + AHEAD_MS).await?;
    Ok(Some(render(practice, person, &rows)))
}

fn render(practice: PracticeId, person: PersonId, rows: &[repo::OwnSession]) -> String {
    let mut calendar = Calendar::new();
    calendar.name("My sessions");
    for r in rows {
        let label = r.label();
        let mut event = session_event(
            &format!("session-{}-{}-{}@gather", practice.0, person.0, r.id),
            &label,
            (r.starts_at, r.ends_at, r.updated_at),
            r.status == AppointmentStatus::Cancelled,
        );
        if let Some(place) = r.location.as_deref().filter(|l| !l.trim().is_empty()) {
            event.location(place);
        }
        if let Some(link) = r
            .video_link
            .as_deref()
            .filter(|l| l.starts_with("https://"))
        {
            event.url(link);
            event.description(&format!("Join by video: {link}"));
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// `GET /calendar/me/{token}.ics`. Unknown and revoked tokens get a plain 404.
pub async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = token_of(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    ics_response(feed_for_token(&state.db, token).await)
}
