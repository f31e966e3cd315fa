//! Private iCalendar (RFC 5545) feeds: `GET /calendar/<token>.ics`. A provider subscribes
//! from their phone's calendar app, which cannot sign in, so the long random token is the
//! credential; only its hash is stored and revoking deletes it. Events carry no names or
//! other health information: a group's initials, or "Appointment". Server only.

use super::repo;
use crate::domain::cases::CaseKind;
use crate::domain::schedule::AppointmentStatus;
use crate::domain::PracticeId;
use crate::server::db::{now_ms, Db, DbError};
use crate::server::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{TimeZone, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

/// How far back and ahead a feed reaches.
const PAST_MS: i64 = 60 * 24 * 3_600_000;
const AHEAD_MS: i64 = 400 * 24 * 3_600_000;

/// What a feed event is called: never a name.
pub fn feed_summary(kind: CaseKind, initials: Option<&str>) -> String {
    match (kind.is_group(), initials) {
        (true, Some(initials)) => initials.to_string(),
        _ => "Appointment".to_string(),
    }
}

/// The feed for a token, or `None` when no active account has it.
pub async fn feed_for_token(db: &Db, token: &str) -> Result<Option<String>, DbError> {
    let hash = crate::auth::server::hash_token(token);
    let mut c = db.acquire().await?;
    let Some((practice, account)) = repo::feed_owner(c.conn(), &hash).await? else {
        return Ok(None);
    };
    let now = now_ms();
    let rows =
        repo::feed_events(c.conn(), practice, account, now - PAST_MS, now + AHEAD_MS).await?;
    Ok(Some(render(practice, &rows)))
}

fn utc(ms: i64) -> chrono::DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn render(practice: PracticeId, rows: &[repo::FeedRow]) -> String {
    let mut calendar = Calendar::new();
    calendar.name("Gather sessions");
    for r in rows {
        let mut event = session_event(
            &format!("appointment-{}-{}@gather", practice.0, r.id),
            &feed_summary(r.kind, r.initials.as_deref()),
            (r.starts_at, r.ends_at, r.updated_at),
            r.status == AppointmentStatus::Cancelled,
        );
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// One session as a feed event: its stable uid, its title, its start, end and last change
/// (milliseconds), and whether it was cancelled (kept, marked cancelled, so calendar apps
/// remove it rather than keep a stale copy).
pub fn session_event(
    uid: &str,
    summary: &str,
    (starts_at, ends_at, updated_at): (i64, i64, i64),
    cancelled: bool,
) -> Event {
    let mut event = Event::new();
    event
        .uid(uid)
        .summary(summary)
        .starts(utc(starts_at))
        .ends(utc(ends_at))
        .timestamp(utc(updated_at))
        // Calendar apps replace an event when its sequence grows; updated_at only grows.
        .sequence((updated_at / 1000).rem_euclid(i64::from(u32::MAX)) as u32)
        .status(if cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    event
}

/// `GET /calendar/{token}.ics`. Unknown and revoked tokens get a plain 404, the same as any
/// missing page.
pub async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = token_of(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    ics_response(feed_for_token(&state.db, token).await)
}

/// The token in a feed's file name (`<token>.ics`), if it looks like one of ours.
pub fn token_of(file: &str) -> Option<&str> {
    let token = file.strip_suffix(".ics")?;
    (token.len() >= 40
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    .then_some(token)
}

/// A feed's answer: the calendar, a plain 404 for a token that opens nothing, or 503.
pub fn ics_response(feed: Result<Option<String>, DbError>) -> Response {
    match feed {
        Ok(Some(body)) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
            ],
            body,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "calendar feed failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
