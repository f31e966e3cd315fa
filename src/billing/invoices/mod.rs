//! Invoices and credit notes: what a payer is billed, numbered without gaps per practice and
//! kind, never changed once issued. Invoices are issued for one payer or as a batch ("invoice
//! everything unbilled through November 30"); a charge that shrinks after it was invoiced is
//! credited by a credit note against the line that billed it, one that grows goes on the next
//! invoice; voiding keeps the number and the reason. Owners and administrators run billing.

pub mod components;
#[cfg(feature = "ssr")]
pub mod download;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use super::Issuer;
use crate::domain::invoicing::DocumentKind;
use crate::domain::money::Money;
use crate::domain::paging::Page;
use crate::domain::{AppointmentId, InvoiceId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// One document as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub id: InvoiceId,
    pub kind: DocumentKind,
    /// "Invoice 12", "Credit note 3".
    pub title: String,
    pub payer_id: PersonId,
    pub payer: String,
    /// The day it was issued, as people read it.
    pub issued_on: String,
    pub total: Money,
    pub void: bool,
}

/// What an invoice run issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRun {
    /// The last day of service it covered, as people read it.
    pub through: String,
    pub invoices: Vec<InvoiceSummary>,
    /// How many lines the invoices hold, and what they come to.
    pub lines: usize,
    pub total: Money,
}

/// One line as the document prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub day: String,
    pub participant: String,
    pub description: String,
    pub amount: Money,
}

/// Why and when a document was voided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voided {
    pub by: String,
    pub reason: String,
}

/// A whole document: an invoice or a credit note, as issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDocument {
    pub id: InvoiceId,
    pub kind: DocumentKind,
    pub title: String,
    /// The practice as it was when the document was issued.
    pub issuer: Issuer,
    pub payer_id: PersonId,
    pub payer_name: String,
    pub issued_on: String,
    /// Absent on a credit note.
    pub due_on: Option<String>,
    pub lines: Vec<InvoiceLine>,
    pub total: Money,
    /// On a credit note: the invoice it credits, and why.
    pub credits: Option<(InvoiceId, String)>,
    pub reason: String,
    /// On an invoice: the credit notes issued against it.
    pub credit_notes: Vec<InvoiceSummary>,
    pub voided: Option<Voided>,
}

/// The billing page: what is still to invoice, and the documents issued, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingOverview {
    /// The practice's today, as `YYYY-MM-DD`, where an invoice run's date field starts.
    pub today: String,
    pub unbilled_charges: i64,
    pub unbilled_payers: i64,
    pub unbilled: Money,
    pub documents: Page<InvoiceSummary, InvoiceId>,
}

/// How many documents a page of the billing page's list holds.
pub const DOCUMENTS_PAGE: usize = 25;

/// The billing page.
#[server(endpoint = "billing_overview", input = Json)]
pub async fn get_billing_overview() -> Result<BillingOverview, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::overview(&state.db, &who).await
    })
    .await
}

/// The next page of the billing page's documents, those issued before `before`.
#[server(endpoint = "earlier_documents", input = Json)]
pub async fn earlier_documents(
    before: InvoiceId,
) -> Result<Page<InvoiceSummary, InvoiceId>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::documents(&state.db, &who, before).await
    })
    .await
}

/// "Invoice unbilled through …": for one payer (their account page) or every payer (the
/// billing page's batch run).
#[server(endpoint = "invoice_unbilled", input = Json)]
pub async fn invoice_unbilled(
    payer: Option<PersonId>,
    through: String,
) -> Result<InvoiceRun, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::invoice_unbilled(&state.db, &who, payer, &through).await
    })
    .await
}

/// "Invoice this session": each of the session's payers is invoiced for what of it is not
/// yet invoiced.
#[server(endpoint = "invoice_session", input = Json)]
pub async fn invoice_session(id: AppointmentId) -> Result<InvoiceRun, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::invoice_session(&state.db, &who, id).await
    })
    .await
}

/// One invoice or credit note.
#[server(endpoint = "invoice", input = Json)]
pub async fn get_invoice(id: InvoiceId) -> Result<InvoiceDocument, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::document(&state.db, &who, id).await
    })
    .await
}

/// Voids an invoice (and the credit notes against it), keeping its number and the reason.
#[server(endpoint = "void_invoice", input = Json)]
pub async fn void_invoice(id: InvoiceId, reason: String) -> Result<InvoiceDocument, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::void(&state.db, &who, id, &reason).await
    })
    .await
}
