//! Server functions for the calendar. Staff only; each checks the exact case or
//! appointment it touches (in `server`).

use super::{
    AppointmentChange, AppointmentDetails, CalendarPage, CaseChoice, FeedStatus, NewAppointment,
    Scheduled, Span,
};
use crate::domain::AppointmentId;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// A day, week or month view. `view` is `day`, `week` or `month`; `day` is any day in it
/// (today when empty); `who` is `me`, `all` or comma-separated provider ids.
#[server(endpoint = "calendar", input = Json)]
pub async fn get_calendar(
    view: String,
    day: String,
    who: String,
) -> Result<CalendarPage, AppError> {
    use crate::domain::schedule::CalendarView;
    serve(Area::Staff, move |state, caller| async move {
        let view = CalendarView::parse(&view).unwrap_or(CalendarView::Week);
        let on = if day.trim().is_empty() {
            caller.today()
        } else {
            crate::domain::membership::parse_day("day", &day)
                .map_err(|m| AppError::invalid("day", m))?
        };
        super::server::calendar_page(&state.db, &caller, view, on, &super::Showing::parse(&who))
            .await
    })
    .await
}

#[server(endpoint = "schedulable_cases", input = Json)]
pub async fn find_schedulable_cases(query: String) -> Result<Vec<CaseChoice>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::schedulable_cases(&state.db, &who, &query).await
    })
    .await
}

#[server(endpoint = "schedule", input = Json)]
pub async fn schedule(draft: NewAppointment) -> Result<Scheduled, AppError> {
    serve(Area::Staff, move |state, who| async move {
        let done = super::server::schedule(&state.db, &who, draft).await?;
        // Reminders follow sessions and rosters.
        crate::reminders::worker::wake();
        Ok(done)
    })
    .await
}

#[server(endpoint = "appointment", input = Json)]
pub async fn get_appointment(id: AppointmentId) -> Result<AppointmentDetails, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::appointment_details(&state.db, &who, id).await
    })
    .await
}

#[server(endpoint = "change_appointment", input = Json)]
pub async fn change_appointment(
    id: AppointmentId,
    span: Span,
    change: AppointmentChange,
) -> Result<Scheduled, AppError> {
    serve(Area::Staff, move |state, who| async move {
        let done = super::server::change_appointment(&state.db, &who, id, span, change).await?;
        // Reminders follow sessions and rosters.
        crate::reminders::worker::wake();
        Ok(done)
    })
    .await
}

#[server(endpoint = "end_series", input = Json)]
pub async fn end_series(id: AppointmentId, last_day: String) -> Result<i64, AppError> {
    serve(Area::Staff, move |state, who| async move {
        let done = super::server::end_series(&state.db, &who, id, &last_day).await?;
        // Reminders follow sessions and rosters.
        crate::reminders::worker::wake();
        Ok(done)
    })
    .await
}

#[server(endpoint = "cancel_appointment", input = Json)]
pub async fn cancel_appointment(
    id: AppointmentId,
    span: Span,
    reason: String,
) -> Result<i64, AppError> {
    serve(Area::Staff, move |state, who| async move {
        let done = super::server::cancel_appointment(&state.db, &who, id, span, &reason).await?;
        // Reminders follow sessions and rosters.
        crate::reminders::worker::wake();
        Ok(done)
    })
    .await
}

#[server(endpoint = "feed_status", input = Json)]
pub async fn get_feed_status() -> Result<FeedStatus, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::feed_status(&state.db, &who).await
    })
    .await
}

/// Turns the caller's feed on (or gives it a new address) and returns the address once.
#[server(endpoint = "enable_feed", input = Json)]
pub async fn enable_feed() -> Result<FeedStatus, AppError> {
    serve(Area::Staff, move |state, who| async move {
        let (status, _token) = super::server::enable_feed(&state.db, &who).await?;
        Ok(status)
    })
    .await
}

#[server(endpoint = "revoke_feed", input = Json)]
pub async fn revoke_feed() -> Result<FeedStatus, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::revoke_feed(&state.db, &who).await
    })
    .await
}
