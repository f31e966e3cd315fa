//! `GET /documents/receipts/<id>.pdf`: a payment's receipt as a PDF download, for the same
//! readers as its page (owners and administrators, and whoever took the payment), audited
//! the same way. Server only.

use crate::billing::pdf::{caller, pdf_download, receipt_pdf};
use crate::domain::Area;
use crate::domain::PaymentId;
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
        |who, id| async move { super::server::receipt(db, &who, PaymentId(id)).await },
        receipt_pdf,
        |r| r.title.clone(),
    )
    .await
}
