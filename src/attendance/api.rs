//! Server functions for attendance. Staff only; each checks the exact session it touches
//! (in `server`).

use super::{ChangeOutcome, ChangeRequest, HistoryEntry, RowState, Sheet};
use crate::domain::attendance::{Confirmation, MissedSessionFees};
use crate::domain::{AppointmentId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

#[server(endpoint = "attendance", input = Json)]
pub async fn get_attendance(id: AppointmentId) -> Result<Sheet, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::sheet(&state.db, &who, id).await
    })
    .await
}

/// Records changes made on a device; `sent_at` is the device's clock at sending, so the
/// server can place changes queued offline in time.
#[server(endpoint = "record_attendance", input = Json)]
pub async fn record_attendance(
    id: AppointmentId,
    changes: Vec<ChangeRequest>,
    sent_at: i64,
) -> Result<Vec<ChangeOutcome>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::record_changes(&state.live, &who, id, &changes, sent_at).await
    })
    .await
}

/// Corrects one participant's attendance on record (an invoiced charge, a locked note) with
/// the reason, which is kept in the history and, for a locked note, the chart's addendum.
#[server(endpoint = "correct_attendance", input = Json)]
pub async fn correct_attendance(
    id: AppointmentId,
    change: ChangeRequest,
    reason: String,
) -> Result<ChangeOutcome, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::correct(&state.live, &who, id, change, &reason).await
    })
    .await
}

#[server(endpoint = "set_confirmation", input = Json)]
pub async fn set_confirmation(
    id: AppointmentId,
    person: PersonId,
    confirmation: Confirmation,
) -> Result<RowState, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::set_confirmation(&state.db, &state.live, &who, id, person, confirmation)
            .await
    })
    .await
}

#[server(endpoint = "attendance_history", input = Json)]
pub async fn attendance_history(
    id: AppointmentId,
    person: PersonId,
) -> Result<Vec<HistoryEntry>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::history(&state.db, &who, id, person).await
    })
    .await
}

#[server(endpoint = "missed_fees", input = Json)]
pub async fn get_missed_fees() -> Result<MissedSessionFees, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::missed_fees(&state.db, &who).await
    })
    .await
}

/// Fees typed as dollars; empty means none.
#[server(endpoint = "save_missed_fees", input = Json)]
pub async fn save_missed_fees(
    no_show: String,
    late_cancel: String,
) -> Result<MissedSessionFees, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::save_missed_fees(&state.db, &who, &no_show, &late_cancel).await
    })
    .await
}
