//! `GET /documents/superbills/<id>.pdf`: a superbill as a PDF download, for the same readers
//! as its page (whoever may see its case), audited the same way. Server only.

use crate::billing::pdf::{caller, pdf_download, superbill_pdf};
use crate::domain::Area;
use crate::domain::SuperbillId;
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
        |who, id| async move { super::server::superbill(db, &who, SuperbillId(id)).await },
        superbill_pdf,
        |s| s.title.clone(),
    )
    .await
}
