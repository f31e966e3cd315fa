//! Server functions of the portal (a portal account's own person only) and of its staff
//! side (requests on the home screen, a case's portal label, the late-cancel window).

use super::{PortalLabelView, RequestView, SessionsPage};
use crate::domain::portal::{SessionsFrom, SessionsWhen};
use crate::domain::{AppointmentId, CaseId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// A page of the caller's own sessions, upcoming or past, from `from` (the start if none).
#[server(endpoint = "my_sessions", input = Json)]
pub async fn my_sessions(
    which: SessionsWhen,
    from: Option<SessionsFrom>,
) -> Result<SessionsPage, AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::my_sessions(&state.db, &who, which, from).await
    })
    .await
}

/// Confirms one of the caller's upcoming sessions.
#[server(endpoint = "confirm_my_session", input = Json)]
pub async fn confirm_my_session(id: AppointmentId) -> Result<(), AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::confirm(&state.db, &state.live, &who, id).await
    })
    .await
}

/// Asks the practice to cancel the caller's place in one of their upcoming sessions.
#[server(endpoint = "ask_to_cancel", input = Json)]
pub async fn ask_to_cancel(id: AppointmentId, note: String) -> Result<(), AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::ask_to_cancel(&state.db, &state.live, &who, id, &note).await
    })
    .await
}

#[server(endpoint = "my_feed", input = Json)]
pub async fn my_feed() -> Result<super::PersonFeedView, AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::my_feed(&state.db, &who).await
    })
    .await
}

/// Turns the caller's feed on (or gives it a new address) and returns the address once.
#[server(endpoint = "enable_my_feed", input = Json)]
pub async fn enable_my_feed() -> Result<super::PersonFeedView, AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::enable_my_feed(&state.db, &state.config.mail.public_url, &who).await
    })
    .await
}

#[server(endpoint = "revoke_my_feed", input = Json)]
pub async fn revoke_my_feed() -> Result<super::PersonFeedView, AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::revoke_my_feed(&state.db, &who).await
    })
    .await
}

/// Open requests from participants about cases the caller may see.
#[server(endpoint = "portal_requests", input = Json)]
pub async fn portal_requests() -> Result<Vec<RequestView>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::open_requests(&state.db, &who).await
    })
    .await
}

#[server(endpoint = "decide_portal_request", input = Json)]
pub async fn decide_portal_request(id: i64, accept: bool) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::decide(&state.db, &state.live, &who, id, accept).await
    })
    .await
}

#[server(endpoint = "case_portal_label", input = Json)]
pub async fn case_portal_label(case: CaseId) -> Result<PortalLabelView, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::portal_label(&state.db, &who, case).await
    })
    .await
}

#[server(endpoint = "save_portal_label", input = Json)]
pub async fn save_portal_label(
    case: CaseId,
    names_group: bool,
    label: String,
) -> Result<PortalLabelView, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::save_portal_label(&state.db, &who, case, names_group, &label).await
    })
    .await
}

#[server(endpoint = "late_cancel_window", input = Json)]
pub async fn late_cancel_window() -> Result<i64, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::late_cancel_window(&state.db, &who).await
    })
    .await
}

/// The late-cancel window typed as whole hours.
#[server(endpoint = "save_late_cancel_window", input = Json)]
pub async fn save_late_cancel_window(hours: String) -> Result<i64, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::save_late_cancel_window(&state.db, &who, &hours).await
    })
    .await
}
