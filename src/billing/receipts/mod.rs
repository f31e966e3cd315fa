//! Receipts: every payment has one, numbered without gaps per practice, saying what was
//! received from whom, how, and which charges it paid. Owners and administrators see every
//! receipt; a staff member who took a payment sees its receipt, with the charges of cases
//! they may not see summed into one line.

pub mod components;
#[cfg(feature = "ssr")]
pub mod download;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use super::Issuer;
use crate::domain::money::Money;
use crate::domain::{PaymentId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// One charge a payment paid, as the receipt prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    pub day: String,
    pub participant: String,
    pub description: String,
    pub amount: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub id: PaymentId,
    /// "Receipt 7".
    pub title: String,
    pub issuer: Issuer,
    pub payer_id: PersonId,
    pub payer_name: String,
    pub received_on: String,
    /// "Check 1042", "Cash".
    pub method: String,
    pub amount: Money,
    pub lines: Vec<ReceiptLine>,
    /// Paid on charges of cases the reader may not see (only ever for staff who do not run
    /// billing), as one amount.
    pub elsewhere: Money,
    /// Given back since, each as "Refunded on 3 December 2026 by Check 1043: moved away".
    pub refunds: Vec<(String, Money)>,
    /// Neither taken by any charge nor refunded: on the payer's account as credit.
    pub on_account: Money,
    pub recorded_by: String,
    /// Whether the reader runs billing (and so may open the payer's account).
    pub runs_billing: bool,
}

/// One receipt.
#[server(endpoint = "receipt", input = Json)]
pub async fn get_receipt(id: PaymentId) -> Result<Receipt, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::receipt(&state.db, &who, id).await
    })
    .await
}
