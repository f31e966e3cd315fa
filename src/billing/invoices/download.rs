//! `GET /documents/invoices/<id>.pdf`: an invoice or credit note as a PDF download, for the
//! same callers as its page (owners and administrators), audited as a read of the document
//! the same way. Server only.

use crate::billing::pdf::{caller, invoice_pdf, pdf_download};
use crate::domain::Area;
use crate::domain::InvoiceId;
use crate::server::state::AppState;
use axum::extract::{Path, Request, State};
use axum::response::Response;

pub async fn serve(
    State(state): State<AppState>,
    Path(file): Path<String>,
    req: Request,
) -> Response {
    let db = &state.db;
    pdf_download(
        db,
        (Area::Staff, caller(&req)),
        &file,
        |who, id| async move { super::server::document(db, &who, InvoiceId(id)).await },
        invoice_pdf,
        |d| d.title.clone(),
    )
    .await
}
