//! `GET /documents/invoices/<id>.pdf`: an invoice or credit note as a PDF download, for the
//! same callers as its page (owners and administrators), audited as a read of the document
//! the same way. Server only.

use crate::access::SignedIn;
use crate::billing::pdf::invoice_pdf;
use crate::domain::{Area, InvoiceId};
use crate::error::AppError;
use crate::server::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn serve(
    State(state): State<AppState>,
    Path(file): Path<String>,
    req: Request,
) -> Response {
    let Some(who) = req.extensions().get::<SignedIn>().cloned() else {
        return (StatusCode::UNAUTHORIZED, AppError::NotSignedIn.to_string()).into_response();
    };
    if !who.role.may_enter(Area::Staff) {
        return (StatusCode::FORBIDDEN, AppError::WrongArea.to_string()).into_response();
    }
    let Some(id) = file
        .strip_suffix(".pdf")
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return (StatusCode::NOT_FOUND, AppError::NotFound.to_string()).into_response();
    };
    let doc = crate::access::answer(
        &state.db,
        &who,
        super::server::document(&state.db, &who, InvoiceId(id)),
    )
    .await;
    let doc = match doc {
        Ok(doc) => doc,
        Err(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND);
            return (status, e.to_string()).into_response();
        }
    };
    // Typesetting is a few milliseconds of CPU: off the async workers all the same.
    let made = tokio::task::spawn_blocking(move || {
        let name = doc.title.to_lowercase().replace(' ', "-");
        invoice_pdf(&doc).map(|pdf| (name, pdf))
    })
    .await;
    match made {
        Ok(Ok((name, pdf))) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.pdf\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            pdf,
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "invoice PDF");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The PDF could not be made.",
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "invoice PDF task");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The PDF could not be made.",
            )
                .into_response()
        }
    }
}
