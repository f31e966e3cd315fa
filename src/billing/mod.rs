//! Billing: each participant's charge from attendance, owed by the payer responsible on the
//! session's day (their own payer, else the case's, else themself), and payments taken
//! against it, each with a gapless receipt number. Charges follow attendance until invoiced;
//! invoices, statements, superbills and their documents come next (issue 15).

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::billing::PaymentMethod;
use crate::domain::money::Money;
use serde::{Deserialize, Serialize};

/// A payment as the form sends it: the amount as typed (dollars).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInput {
    pub amount: String,
    pub method: PaymentMethod,
    pub reference: String,
}

/// What taking a payment did, for the screen to say so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentTaken {
    pub receipt_number: i64,
    pub payer_name: String,
    pub amount: Money,
    /// What went to this charge.
    pub applied: Money,
    /// What this payment left on the payer's account as credit (an overpayment).
    pub credit: Money,
    /// Paid on the participant's charge for the session, this payment included.
    pub paid: Money,
    /// Still owed on it.
    pub owed: Money,
}
