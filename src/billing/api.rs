//! Server functions for billing. Staff only; each checks the exact session and participant
//! it touches (in `server`).

use super::{PaymentInput, PaymentTaken};
use crate::domain::{AppointmentId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// "Take payment" beside a participant's charge on the session screen.
#[server(endpoint = "take_payment", input = Json)]
pub async fn take_payment(
    id: AppointmentId,
    person: PersonId,
    payment: PaymentInput,
) -> Result<PaymentTaken, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::take_payment(&state.db, &who, id, person, &payment).await
    })
    .await
}
