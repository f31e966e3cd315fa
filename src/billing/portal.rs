//! Bills in the portal: what the signed-in person is responsible for as a payer (their own
//! invoices, credit notes and receipts, their balance and credit), and those documents as
//! PDFs. A person sees only documents whose payer they are: a parent their child's bills, a
//! sponsor's contact the sponsorship's, and a participant whose sponsor pays none. Every
//! read is audited under the portal account. Server only.

use super::invoices::InvoiceDocument;
use super::pdf::{caller, invoice_pdf, pdf_download, receipt_pdf};
use super::receipts::Receipt;
use super::PayerAccount;
use crate::access::SignedIn;
use crate::audit::server::read;
use crate::audit::{Event, ObjectKind};
use crate::domain::Area;
use crate::domain::{InvoiceId, PaymentId};
use crate::error::AppResult;
use crate::server::db::Db;
use crate::server::state::AppState;
use axum::extract::{Path, Request, State};
use axum::response::Response;

/// The person's account as a payer: balance, credit, open charges, payments (receipts) and
/// documents, newest first. A read: charges are as billing last brought them up to date.
pub async fn my_bills(db: &Db, who: &SignedIn) -> AppResult<PayerAccount> {
    let (me, name) = crate::portal::server::own_person(db, who).await?;
    let mut tx = db.begin_read().await?;
    let account = super::server::read_account(&mut tx, who, me, name).await?;
    tx.commit().await?;
    read(
        db,
        who,
        Event::read(ObjectKind::PayerAccount, me.0).detail("portal: bills"),
    )
    .await?;
    Ok(account)
}

/// One of the person's invoices or credit notes, as issued.
pub async fn my_invoice(db: &Db, who: &SignedIn, id: InvoiceId) -> AppResult<InvoiceDocument> {
    let (me, _) = crate::portal::server::own_person(db, who).await?;
    let mut tx = db.begin_read().await?;
    let doc = super::invoices::server::read_document(&mut tx, who, id).await?;
    if doc.payer_id != me {
        // Another payer's document: the same answer as one that does not exist.
        return Err(who.not_found(ObjectKind::Invoice, id.0));
    }
    tx.commit().await?;
    read(
        db,
        who,
        Event::read(ObjectKind::Invoice, id.0).detail("portal"),
    )
    .await?;
    Ok(doc)
}

/// The receipt of one of the person's payments.
pub async fn my_receipt(db: &Db, who: &SignedIn, id: PaymentId) -> AppResult<Receipt> {
    let (me, _) = crate::portal::server::own_person(db, who).await?;
    super::receipts::server::read_receipt(db, who, id, |p| p.payer_id == me.0, true).await
}

/// `GET /documents/mine/invoices/<id>.pdf`: one of the person's invoices or credit notes.
pub async fn invoice_download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    req: Request,
) -> Response {
    let db = &state.db;
    pdf_download(
        db,
        (Area::Portal, caller(&req)),
        &file,
        |who, id| async move { my_invoice(db, &who, InvoiceId(id)).await },
        invoice_pdf,
        |d| d.title.clone(),
    )
    .await
}

/// `GET /documents/mine/receipts/<id>.pdf`: the receipt of one of the person's payments.
pub async fn receipt_download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    req: Request,
) -> Response {
    let db = &state.db;
    pdf_download(
        db,
        (Area::Portal, caller(&req)),
        &file,
        |who, id| async move { my_receipt(db, &who, PaymentId(id)).await },
        receipt_pdf,
        |r| r.title.clone(),
    )
    .await
}
