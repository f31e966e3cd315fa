//! The boundary's half of error handling: every server-function error is answered with the
//! HTTP status its `AppError` names (a refusal is not a 500), and a 5xx is logged, so that
//! monitoring and proxies can trust a 5xx to mean the server failed.

use crate::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// Larger error bodies are not ours (an `AppError` is a few hundred bytes at most).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Sets the status of a server function's error response from the `AppError` it carries.
/// server_fn answers every error with 500 and marks it with its error header; a form post
/// without JavaScript is a redirect back instead, and keeps its 302.
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    let marked = response.headers().contains_key(SERVER_FN_ERROR_HEADER);
    if !marked
        || response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || response.headers().contains_key(LOCATION)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, %path, "could not read a server function's error");
            return Response::from_parts(parts, Body::empty());
        }
    };
    match serde_json::from_slice::<AppError>(&bytes) {
        Ok(error) => {
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if status.is_server_error() {
                tracing::error!(%path, %status, %error, "server function failed");
            }
            parts.status = status;
        }
        Err(e) => {
            tracing::error!(error = %e, %path, "a server function's error is not an AppError")
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
