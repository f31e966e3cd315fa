//! Middleware: who is calling (the session cookie), and the security headers every
//! response carries.

use super::state::AppState;
use crate::auth::server::{clear_session_cookie, resolve_session, token_from_cookie_header};
use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, HOST, ORIGIN, REFERRER_POLICY, SET_COOKIE,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Paths served as files: no session lookup, and cacheable (revalidated).
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.ico" || path == "/healthz"
}

/// The area a page belongs to, by its path (server functions are under `/api`).
fn page_area(path: &str) -> Option<crate::domain::Area> {
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    if under("/app") {
        Some(crate::domain::Area::Staff)
    } else if under("/portal") {
        Some(crate::domain::Area::Portal)
    } else {
        None
    }
}

/// Resolves the session cookie into a `SignedIn` in the request's extensions, where pages
/// and server functions find it. A cookie naming a dead session is cleared. Also refuses
/// cross-site POSTs (the cookie is SameSite=Lax; this closes the remaining gap).
pub async fn session_layer(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    if is_static(&path) {
        return next.run(req).await;
    }
    if req.method() == Method::POST && !same_origin(&req) {
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    let token = req
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(token_from_cookie_header);
    let mut stale_cookie = false;
    if let Some(token) = token {
        match resolve_session(&state.db, &state.config.sessions, &token).await {
            Ok(Some(who)) => {
                super::trace::record_caller(who.account_id.0, who.practice_id.0);
                // A page of the other side is refused by its layout (`RequireArea`), which
                // cannot wait for the log; the refusal is recorded here, before it renders.
                if let Some(area) = page_area(&path).filter(|a| !who.role.may_enter(*a)) {
                    crate::access::refused_area(&state.db, &who, area).await;
                }
                req.extensions_mut().insert(who);
            }
            Ok(None) => stale_cookie = true,
            Err(e) => {
                tracing::warn!(error = %e, "session lookup failed");
                return (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response();
            }
        }
    }
    let mut response = next.run(req).await;
    if stale_cookie && !response.headers().contains_key(SET_COOKIE) {
        if let Ok(v) = HeaderValue::from_str(&clear_session_cookie(state.config.cookie_secure)) {
            response.headers_mut().append(SET_COOKIE, v);
        }
    }
    if state.config.cookie_secure {
        response.headers_mut().insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

fn same_origin(req: &Request) -> bool {
    // Browsers say where a request comes from; this survives proxies and HTTP/2, which
    // rewrite or drop the Host header.
    if let Some(site) = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
    {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = req.headers().get(ORIGIN).and_then(|o| o.to_str().ok()) else {
        // Browsers send Origin on cross-site POSTs; its absence means same-site or a
        // non-browser client, which has no ambient cookie to abuse.
        return true;
    };
    let host = req
        .headers()
        .get("x-forwarded-host")
        .or_else(|| req.headers().get(HOST))
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    let Some(host) = host else {
        return false;
    };
    url::Url::parse(origin)
        .ok()
        .map(|u| match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}") == host,
            (Some(h), None) => h == host,
            _ => false,
        })
        .unwrap_or(false)
}

/// The policy for pages: scripts only from this origin or carrying this response's nonce;
/// WebAssembly allowed to compile; nothing framed, no plugins, no foreign form targets.
/// Style attributes are allowed (`style-src-attr`): the calendar places each session by its
/// time with `top`/`height`, which no stylesheet can know. An attribute cannot load or run
/// anything; `<style>` elements and other origins' stylesheets stay refused.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// For everything that is not a page (server functions, files, errors): nothing may run.
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Called while rendering a page: puts the nonce Leptos gives its inline scripts into the
/// response's policy.
pub fn set_page_csp() {
    use leptos::prelude::use_context;
    let nonce = leptos::nonce::use_nonce();
    let response = use_context::<leptos_axum::ResponseOptions>();
    if let (Some(nonce), Some(response)) = (nonce, response) {
        if let Ok(v) = HeaderValue::from_str(&page_csp(&nonce)) {
            response.insert_header(CONTENT_SECURITY_POLICY, v);
        }
    }
}

/// Compresses the client bundle (wasm, JS, CSS) only: pages and server-function answers
/// carry health information next to user-controlled text, where compression leaks
/// (BREACH), and they are small anyway.
pub fn compress_bundle(
) -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{Predicate, SizeAbove};
    let bundle = |_: StatusCode, _: http::Version, h: &http::HeaderMap, _: &http::Extensions| {
        h.get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| {
                t.starts_with("application/wasm")
                    || t.starts_with("text/javascript")
                    || t.starts_with("application/javascript")
                    || t.starts_with("text/css")
            })
    };
    tower_http::compression::CompressionLayer::new().compress_when(SizeAbove::new(1024).and(bundle))
}

/// The nonce for this request's inline scripts, chosen before the page renders so that
/// the policy header never depends on rendering having recorded it.
#[derive(Clone, Debug)]
pub struct PageNonce(pub String);

/// Gives Leptos this request's nonce (in place of one of its own), from the request parts
/// leptos_axum provides. Called in the routes' context, after Leptos's own.
pub fn provide_page_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// A client file whose name carries a hash (`/pkg/gather.<hash>.wasm`).
fn is_hashed_asset(path: &str) -> bool {
    path.strip_prefix("/pkg/")
        .filter(|name| !name.contains('/'))
        .is_some_and(|name| name.split('.').count() >= 3)
}

/// The hash cargo-leptos puts in a client file's name: MD5 of the content, base64url.
fn name_hash(content: &[u8]) -> String {
    use base64::Engine;
    use md5::{Digest, Md5};
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Md5::digest(content))
}

/// The client files (`/pkg/<name>`) whose name's hash is the hash of what they hold. Only
/// these may be cached as immutable: cargo-leptos rewrites the main script, the split
/// loader and chunk references after naming them, so those names do not change with their
/// content, and a browser keeping them for a year would mix an old build with a new one.
pub fn content_named_files(pkg_dir: &std::path::Path) -> std::collections::HashSet<String> {
    let Ok(entries) = std::fs::read_dir(pkg_dir) else {
        return Default::default();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let parts: Vec<&str> = name.split('.').collect();
            let [.., hash, _ext] = parts.as_slice() else {
                return None;
            };
            let path = format!("/pkg/{name}");
            if !is_hashed_asset(&path) {
                return None;
            }
            let content = std::fs::read(entry.path()).ok()?;
            (name_hash(&content) == *hash).then_some(path)
        })
        .collect()
}

/// Headers on every response. Pages and server-function answers are never cached
/// (they can hold health information); hashed client files are immutable; other static
/// files are revalidated. An HTML page whose
/// rendering did not set its policy gets the page policy with the request's nonce: a page
/// must never go out under the nothing-allowed policy (it would not start in the browser).
pub async fn headers_layer(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let is_static_path = is_static(req.uri().path());
    let immutable = state.content_named.contains(req.uri().path());
    let nonce = crate::auth::server::new_session_token();
    req.extensions_mut().insert(PageNonce(nonce.clone()));
    if !is_static_path {
        // Shared by every pass Leptos makes over this request's page (see `ScreenPreloads`).
        req.extensions_mut()
            .insert(super::assets::Preloaded::default());
    }
    let mut response = next.run(req).await;
    let immutable = immutable && response.status().is_success();
    let h = response.headers_mut();
    if !h.contains_key(CONTENT_SECURITY_POLICY) {
        let is_page = h
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        let policy = if is_page {
            HeaderValue::from_str(&page_csp(&nonce)).ok()
        } else {
            None
        };
        h.insert(
            CONTENT_SECURITY_POLICY,
            policy.unwrap_or(HeaderValue::from_static(DEFAULT_CSP)),
        );
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        CACHE_CONTROL,
        HeaderValue::from_static(if immutable {
            "public, max-age=31536000, immutable"
        } else if is_static_path {
            "no-cache"
        } else {
            "no-store"
        }),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::{content_named_files, is_hashed_asset, name_hash};

    #[test]
    fn only_content_hashed_client_files_are_immutable() {
        assert!(is_hashed_asset("/pkg/gather.aB3-x_9.wasm"));
        assert!(is_hashed_asset("/pkg/gather.aB3-x_9.css"));
        assert!(
            !is_hashed_asset("/pkg/gather.wasm"),
            "an unhashed name can change"
        );
        assert!(
            !is_hashed_asset("/pkg/snippets/x-1/inline0.js"),
            "snippets are not hashed"
        );
        assert!(!is_hashed_asset("/favicon.ico"));
        assert!(!is_hashed_asset("/app/cases/1.2.3"));
    }

    #[test]
    fn only_files_whose_name_matches_their_content_are_immutable() {
        let dir = std::env::temp_dir().join(format!("gather-pkg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let kept = b"(module)";
        let named = format!("gather.{}.wasm", name_hash(kept));
        std::fs::write(dir.join(&named), kept).expect("write");
        std::fs::write(dir.join(format!("{named}.br")), b"compressed").expect("write");
        // Named for one content, rewritten afterwards (as the main script is).
        let rewritten = format!("gather.{}.js", name_hash(b"before"));
        std::fs::write(dir.join(&rewritten), b"after").expect("write");
        std::fs::write(dir.join("plain.js"), b"x").expect("write");
        let found = content_named_files(&dir);
        std::fs::remove_dir_all(&dir).expect("clean up");
        assert_eq!(
            found,
            [format!("/pkg/{named}")].into_iter().collect(),
            "only the file whose name still matches its content"
        );
        assert!(content_named_files(std::path::Path::new("/no/such/dir")).is_empty());
    }
}
