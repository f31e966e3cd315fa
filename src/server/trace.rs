//! Request tracing: every request gets an id (kept from a proxy's `x-request-id` when it is a
//! plain token, else made here) and runs inside a `request` span naming it, the method, the
//! path (for a server function, the function) and, once the session is resolved, the caller.
//! Every log line written while answering carries that span, and the id goes back to the
//! client in the response's `x-request-id`, so a report can be tied to its log lines.

use axum::extract::Request as AxumRequest;
use axum::http::{HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use tower_http::trace::{
    DefaultOnFailure, DefaultOnResponse, HttpMakeClassifier, MakeSpan, TraceLayer,
};
use tracing::{Level, Span};

pub const REQUEST_ID: &str = "x-request-id";

/// This request's id, in its extensions.
#[derive(Clone, Debug)]
pub struct RequestId(pub HeaderValue);

/// Ids made here: the process's start time and a counter, unique across restarts without
/// a random draw per request.
fn next_id() -> Option<HeaderValue> {
    static BOOT: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let boot = BOOT.get_or_init(|| super::db::now_ms().unsigned_abs());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    HeaderValue::from_str(&format!("{boot:x}-{n:x}")).ok()
}

/// A proxy's id is kept only when it is a plain token that cannot forge a log line.
fn plain(given: &HeaderValue) -> bool {
    !given.is_empty()
        && given.len() <= 64
        && given
            .as_bytes()
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
}

/// Outermost middleware: names the request (for the span, and on the request for anything
/// downstream) and sends the name back in the response.
pub async fn assign_id(mut req: AxumRequest, next: Next) -> Response {
    let given = req.headers().get(REQUEST_ID).filter(|v| plain(v)).cloned();
    let Some(id) = given.or_else(next_id) else {
        return next.run(req).await;
    };
    req.headers_mut().insert(REQUEST_ID, id.clone());
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(req).await;
    response.headers_mut().insert(REQUEST_ID, id);
    response
}

/// The `request` span, with an empty `account` and `practice` for the session layer to fill.
#[derive(Clone, Debug, Default)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        let id = request
            .extensions()
            .get::<RequestId>()
            .and_then(|id| id.0.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!(
            "request",
            id,
            method = %request.method(),
            path = request.uri().path(),
            account = tracing::field::Empty,
            practice = tracing::field::Empty,
        )
    }
}

/// Names the caller on the current request's span (called once the session is resolved).
pub fn record_caller(account_id: i64, practice_id: i64) {
    let span = Span::current();
    span.record("account", account_id);
    span.record("practice", practice_id);
}

/// The tracing layer: a span per request; responses and failures logged at debug. A 5xx is
/// already logged at error where it arose (`AppError::internal`, the server-function status
/// middleware), so logging it here too would write every failure twice.
pub fn layer() -> TraceLayer<HttpMakeClassifier, RequestSpan> {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_response(DefaultOnResponse::new().level(Level::DEBUG))
        .on_failure(DefaultOnFailure::new().level(Level::DEBUG))
}
