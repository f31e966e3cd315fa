//! Adjustments and refunds on a payer's account, for owners and administrators who run
//! billing: part of a charge not collected (sliding scale, courtesy, pro bono, bad-debt
//! write-off), each with its reason; and money given back out of a payment that no session
//! took. Both are written once and audited; neither ever becomes or hides a credit.

pub mod components;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use super::PayerAccount;
use crate::domain::adjustments::AdjustmentReason;
use crate::domain::billing::PaymentMethod;
use crate::domain::money::Money;
use crate::domain::{ChargeId, PaymentId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// An adjustment as the form sends it: the amount as typed (dollars).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustmentInput {
    pub amount: String,
    pub reason: AdjustmentReason,
    pub note: String,
}

/// A refund as the form sends it: how the money goes back, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundInput {
    pub amount: String,
    pub method: PaymentMethod,
    pub reference: String,
    pub reason: String,
}

/// What an adjustment or refund did, and the account as it is now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChanged {
    /// "Adjusted $20.00 off (Sliding scale).", "Refunded $15.00 from receipt 3 by Cash."
    pub said: String,
    pub amount: Money,
    pub account: PayerAccount,
}

/// Takes part of one of the payer's charges off what they owe.
#[server(endpoint = "adjust_charge", input = Json)]
pub async fn adjust_charge(
    payer: PersonId,
    charge: ChargeId,
    adjustment: AdjustmentInput,
) -> Result<AccountChanged, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::adjust_charge(&state.db, &who, payer, charge, &adjustment).await
    })
    .await
}

/// Gives money back to the payer out of one of their payments.
#[server(endpoint = "refund_payment", input = Json)]
pub async fn refund_payment(
    payer: PersonId,
    payment: PaymentId,
    refund: RefundInput,
) -> Result<AccountChanged, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::refund_payment(&state.db, &who, payer, payment, &refund).await
    })
    .await
}
