//! Server functions for billing. Staff only; each checks the exact session and participant
//! it touches (in `server`).

use super::{AccountPaid, ChosenPart, PayerAccount, PaymentInput, PaymentTaken};
use crate::domain::{AppointmentId, ChargeId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// "Take payment" beside a participant's charge on the session screen; `part` says whose
/// part of a shared charge is being paid.
#[server(endpoint = "take_payment", input = Json)]
pub async fn take_payment(
    id: AppointmentId,
    person: PersonId,
    part: Option<ChargeId>,
    payment: PaymentInput,
) -> Result<PaymentTaken, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::take_payment(&state.db, &who, id, person, part, &payment).await
    })
    .await
}

/// A payer's account page.
#[server(endpoint = "payer_account", input = Json)]
pub async fn get_payer_account(payer: PersonId) -> Result<PayerAccount, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::account(&state.db, &who, payer).await
    })
    .await
}

/// "Take payment" on a payer's account; `chosen` spreads it by hand (empty: oldest first).
#[server(endpoint = "take_account_payment", input = Json)]
pub async fn take_account_payment(
    payer: PersonId,
    payment: PaymentInput,
    chosen: Vec<ChosenPart>,
) -> Result<AccountPaid, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::take_account_payment(&state.db, &who, payer, &payment, &chosen).await
    })
    .await
}
