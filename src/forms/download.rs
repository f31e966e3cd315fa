//! `GET /documents/forms/<id>.pdf` (staff who may see the form's case) and
//! `GET /documents/mine/forms/<id>.pdf` (the form's own signers), through the same reads and
//! audit as the screens. Server only.

use super::pdf::form_pdf;
use super::server::{my_document, staff_document, FormDocument};
use crate::billing::pdf::{caller, pdf_download};
use crate::domain::{Area, FormId};
use crate::server::state::AppState;
use axum::extract::{Path, Request, State};
use axum::response::Response;

fn file_name(d: &FormDocument) -> String {
    format!("form {}", d.id.0)
}

pub async fn staff(
    State(state): State<AppState>,
    Path(file): Path<String>,
    req: Request,
) -> Response {
    let db = &state.db;
    pdf_download(
        db,
        (Area::Staff, caller(&req)),
        &file,
        |who, id| async move { staff_document(db, &who, FormId(id)).await },
        form_pdf,
        file_name,
    )
    .await
}

pub async fn mine(
    State(state): State<AppState>,
    Path(file): Path<String>,
    req: Request,
) -> Response {
    let db = &state.db;
    pdf_download(
        db,
        (Area::Portal, caller(&req)),
        &file,
        |who, id| async move { my_document(db, &who, FormId(id)).await },
        form_pdf,
        file_name,
    )
    .await
}
