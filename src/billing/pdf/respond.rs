//! Answering `GET /documents/<kind>/<id>.pdf`: who is asking (staff, signed in), which
//! document (the id before `.pdf`), reading it through the same server code as its page (so
//! the same callers may, and refusals and reads are audited the same way), and the PDF as a
//! download. Server only.

use crate::access::SignedIn;
use crate::domain::Area;
use crate::error::{AppError, AppResult};
use crate::server::db::Db;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::future::Future;

pub(in crate::billing) fn refused(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND);
    (status, e.to_string()).into_response()
}

/// The caller as the session layer found them (the request itself is not kept across an
/// await: its body is not `Sync`).
pub fn caller(req: &axum::extract::Request) -> Option<SignedIn> {
    req.extensions().get::<SignedIn>().cloned()
}

/// The caller of a document download, if signed in on the staff side; else why not.
pub(in crate::billing) fn staff_caller(caller: Option<SignedIn>) -> AppResult<SignedIn> {
    area_caller(caller, Area::Staff)
}

/// The caller, if signed in and allowed into `area`; else why not.
fn area_caller(caller: Option<SignedIn>, area: Area) -> AppResult<SignedIn> {
    let who = caller.ok_or(AppError::NotSignedIn)?;
    if !who.role.may_enter(area) {
        return Err(AppError::WrongArea);
    }
    Ok(who)
}

/// Reads the document `file` names with `read` for a caller signed in to `area` (staff
/// documents, or the portal's own `/documents/mine/...`, whose `read` checks the document
/// is the caller's), typesets it with `typeset` off the async
/// workers, and answers with the PDF named after `name` ("Invoice 12" as `invoice-12.pdf`).
/// Names are made of titles, numbers and days, never of what a person typed, so they are
/// safe in a header.
pub async fn pdf_download<T, Fut>(
    db: &Db,
    (area, caller): (Area, Option<SignedIn>),
    file: &str,
    read: impl FnOnce(SignedIn, i64) -> Fut,
    typeset: fn(&T) -> Result<Vec<u8>, String>,
    name: fn(&T) -> String,
) -> Response
where
    T: Send + 'static,
    Fut: Future<Output = AppResult<T>>,
{
    let who = match area_caller(caller, area) {
        Ok(who) => who,
        Err(e) => return refused(&e),
    };
    let Some(id) = file
        .strip_suffix(".pdf")
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return refused(&AppError::NotFound);
    };
    let doc = match crate::access::answer(db, &who, read(who.clone(), id)).await {
        Ok(doc) => doc,
        Err(e) => return refused(&e),
    };
    // Typesetting is a few milliseconds of CPU: off the async workers all the same.
    let made = tokio::task::spawn_blocking(move || {
        let name = name(&doc).to_lowercase().replace(' ', "-");
        typeset(&doc).map(|pdf| (name, pdf))
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    match made {
        Ok((name, pdf)) => (
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
        Err(e) => {
            tracing::error!(error = %e, "a document's PDF");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The PDF could not be made.",
            )
                .into_response()
        }
    }
}
