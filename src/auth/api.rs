//! Server functions for signing in and out and for learning who is signed in.
//! Each is a public endpoint: it checks the caller itself.

use super::Viewer;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// Signs in and lands the account on its side of the product. Any session this browser
/// already had is ended first, so every sign-in gets a new session id.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<String, AppError> {
    use super::server as auth;
    use crate::domain::sign_in::ThrottlePolicy;

    let state = crate::access::state()?;
    if let Some(previous) = crate::access::signed_in() {
        let mut pooled = state.db.acquire().await?;
        super::repo::delete_session(pooled.conn(), &previous.token_hash).await?;
    }
    let session = auth::sign_in(&state.db, &ThrottlePolicy::default(), &email, &password).await?;
    set_cookie(&auth::session_cookie(
        &session.token,
        state.config.cookie_secure,
        state.config.sessions.absolute_lifetime_ms / 1000,
    ));
    let landing = session.role.landing_path();
    leptos_axum::redirect(landing);
    Ok(landing.to_string())
}

/// Ends the session on the server, so the old cookie is refused even if replayed.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::server as auth;
    let state = crate::access::state()?;
    if let Some(who) = crate::access::signed_in() {
        auth::sign_out(&state.db, &who).await?;
    }
    set_cookie(&auth::clear_session_cookie(state.config.cookie_secure));
    leptos_axum::redirect("/login");
    Ok(())
}

/// Who is signed in, whichever side they belong to.
#[server(endpoint = "viewer")]
pub async fn current_viewer() -> Result<Viewer, AppError> {
    let state = crate::access::state()?;
    let who = crate::access::signed_in().ok_or(AppError::NotSignedIn)?;
    Ok(viewer_of(&state, &who))
}

/// The signed-in staff member; participants are refused.
#[server(endpoint = "staff_viewer")]
pub async fn staff_viewer() -> Result<Viewer, AppError> {
    serve(Area::Staff, move |state, who| async move {
        Ok(viewer_of(&state, &who))
    })
    .await
}

/// The signed-in participant; staff are refused.
#[server(endpoint = "portal_viewer")]
pub async fn portal_viewer() -> Result<Viewer, AppError> {
    serve(Area::Portal, move |state, who| async move {
        Ok(viewer_of(&state, &who))
    })
    .await
}

/// Marks the session active now, for someone about to step away from a long note.
#[server(endpoint = "extend_session")]
pub async fn extend_session() -> Result<Viewer, AppError> {
    use crate::server::db::now_ms;
    let state = crate::access::state()?;
    let mut who = crate::access::signed_in().ok_or(AppError::NotSignedIn)?;
    let now = now_ms();
    let mut pooled = state.db.acquire().await?;
    super::repo::touch_session(pooled.conn(), &who.token_hash, now).await?;
    who.last_seen_at = now;
    Ok(viewer_of(&state, &who))
}

#[cfg(feature = "ssr")]
pub(crate) fn set_cookie(value: &str) {
    use http::header::{HeaderValue, SET_COOKIE};
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

/// The viewer of this request if they may enter `area`, decided from what the session
/// middleware resolved, without waiting (for the areas' layouts on the server).
#[cfg(feature = "ssr")]
pub fn viewer_entering(area: crate::domain::Area) -> Result<Viewer, AppError> {
    let (state, who) = crate::access::enter(area)?;
    Ok(viewer_of(&state, &who))
}

#[cfg(feature = "ssr")]
fn viewer_of(state: &crate::server::state::AppState, who: &crate::access::SignedIn) -> Viewer {
    let ends = state
        .config
        .sessions
        .ends_at(who.created_at, who.last_seen_at);
    let label = chrono::DateTime::from_timestamp_millis(ends)
        .map(|t| crate::domain::when::clock(t.with_timezone(&who.time_zone).time()))
        .unwrap_or_default();
    Viewer {
        account_id: who.account_id,
        display_name: who.display_name.clone(),
        email: who.email.clone(),
        role: who.role,
        practice_name: who.practice_name.clone(),
        session_ends_at: label,
        session_ends_at_ms: ends,
    }
}
