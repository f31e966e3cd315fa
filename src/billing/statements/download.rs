//! `GET /documents/statements/<payer id>.pdf?from=…&to=…`: a payer's statement for a period
//! as a PDF download, for the same readers as its page (owners and administrators), with
//! the same period rules and default, audited the same way. Server only.

use crate::billing::pdf::{caller, pdf_download, statement_pdf};
use crate::domain::Area;
use crate::domain::PersonId;
use crate::server::state::AppState;
use axum::extract::{Path, Query, Request, State};
use axum::response::Response;
use serde::Deserialize;

/// The period as the page's address carries it.
#[derive(Deserialize)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

pub async fn serve(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(period): Query<Period>,
    req: Request,
) -> Response {
    let db = &state.db;
    let (from, to) = (
        period.from.filter(|s| !s.is_empty()),
        period.to.filter(|s| !s.is_empty()),
    );
    pdf_download(
        db,
        (Area::Staff, caller(&req)),
        &file,
        |who, id| async move {
            super::server::statement(db, &who, PersonId(id), from.as_deref(), to.as_deref()).await
        },
        statement_pdf,
        |s| format!("statement {} {} {}", s.payer_id.0, s.from, s.to),
    )
    .await
}
