//! Billing: each participant's charge from attendance, owed by the payer responsible on the
//! session's day (their own payer, else the case's, else themself), and payments taken
//! against it, each with a gapless receipt number, and invoices and credit notes (in
//! `invoices`), adjustments and refunds, receipts, statements, superbills for clinical
//! cases, the billing settings documents print, and every document as PDF (in `pdf`).

pub mod adjustments;
pub mod api;
pub mod components;
pub mod invoices;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod portal;
pub mod receipts;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod reports;
#[cfg(feature = "ssr")]
pub mod server;
pub mod settings;
pub mod shares;
pub mod statements;
pub mod superbills;

use crate::domain::billing::PaymentMethod;
use crate::domain::money::Money;
use crate::domain::{ChargeId, PaymentId, PersonId};
use serde::{Deserialize, Serialize};

/// Who issues a billing document, as it prints: the legal name (the practice's name when
/// none is set), the address's lines, and the tax id (empty when not set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issuer {
    pub name: String,
    pub address: String,
    pub tax_id: String,
}

impl Issuer {
    pub fn new(practice_name: &str, legal_name: String, address: String, tax_id: String) -> Issuer {
        Issuer {
            name: if legal_name.trim().is_empty() {
                practice_name.to_string()
            } else {
                legal_name
            },
            address,
            tax_id,
        }
    }
}

/// A payment as the form sends it: the amount as typed (dollars).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInput {
    pub amount: String,
    pub method: PaymentMethod,
    pub reference: String,
}

/// Part of an account payment applied to a charge chosen by hand: the amount as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenPart {
    pub charge: ChargeId,
    pub amount: String,
}

/// What taking a payment did, for the screen to say so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentTaken {
    pub payment: PaymentId,
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

/// A payer's account: what they owe, oldest first, what they paid, and their credit. For
/// owners and administrators, who run billing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayerAccount {
    pub payer_id: PersonId,
    pub name: String,
    /// Charged and not yet paid.
    pub balance: Money,
    /// Paid and not taken by any charge.
    pub credit: Money,
    /// Charged and not yet on an invoice.
    pub unbilled: Money,
    /// Charges with something still owed, oldest session first.
    pub open: Vec<AccountCharge>,
    /// The most recent payments, newest first.
    pub payments: Vec<AccountPayment>,
    /// Invoices and credit notes, newest first.
    pub documents: Vec<invoices::InvoiceSummary>,
    /// The practice's today, as `YYYY-MM-DD`, where the invoice run's date field starts.
    pub today: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCharge {
    pub id: ChargeId,
    /// The session's day, as people read it ("Tuesday 24 November 2026").
    pub day: String,
    pub participant: String,
    pub description: String,
    pub amount: Money,
    pub paid: Money,
    /// Taken off by adjustments and write-offs.
    pub adjusted: Money,
    /// What is still owed: the amount less what was paid and adjusted.
    pub owed: Money,
    /// Not yet on an invoice (or grown since).
    pub unbilled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPayment {
    pub id: PaymentId,
    pub receipt_number: i64,
    /// The day it was received, as people read it.
    pub received_on: String,
    /// "Check 1042", "Cash".
    pub method: String,
    pub amount: Money,
    pub applied: Money,
    /// Given back by refunds.
    pub refunded: Money,
}

impl AccountPayment {
    /// What can still be refunded: neither taken by a charge nor refunded already.
    pub fn refundable(&self) -> Money {
        (self.amount - self.applied - self.refunded).max(Money::ZERO)
    }
}

/// A payment taken from the account page: its receipt, how it was spread, and the account
/// as it is now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPaid {
    pub payment: PaymentId,
    pub receipt_number: i64,
    pub applied: Money,
    /// How many charges it went to.
    pub charges: usize,
    /// What it left on the account as credit.
    pub credit: Money,
    /// Earlier credit on the account applied to open charges before this payment.
    pub from_credit: Money,
    pub account: PayerAccount,
}
