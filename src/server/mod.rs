//! The server: configuration, database, middleware, demo seeding and the router.

pub mod assets;
pub mod config;
pub mod constraints;
pub mod db;
pub mod errors;
pub mod security;
pub mod seed;
pub mod state;
pub mod time;
pub mod trace;

use crate::app::{shell, App};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use state::AppState;

/// The whole application as an axum router, ready to serve.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    Router::new()
        .route("/healthz", get(healthz))
        .route("/calendar/{file}", get(crate::calendar::feed::serve))
        .route("/calendar/me/{file}", get(crate::portal::feed::serve))
        .route("/live/sessions/{id}", get(crate::attendance::live::stream))
        .route(
            "/documents/invoices/{file}",
            get(crate::billing::invoices::download::serve),
        )
        .route(
            "/documents/receipts/{file}",
            get(crate::billing::receipts::download::serve),
        )
        .route(
            "/documents/statements/{file}",
            get(crate::billing::statements::download::serve),
        )
        .route(
            "/documents/superbills/{file}",
            get(crate::billing::superbills::download::serve),
        )
        .route(
            "/documents/mine/invoices/{file}",
            get(crate::billing::portal::invoice_download),
        )
        .route(
            "/documents/mine/receipts/{file}",
            get(crate::billing::portal::receipt_download),
        )
        .route(
            "/documents/forms/{file}",
            get(crate::forms::download::staff),
        )
        .route(
            "/documents/mine/forms/{file}",
            get(crate::forms::download::mine),
        )
        .route(
            "/documents/reports/{file}",
            get(crate::billing::reports::download::serve),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    security::provide_page_nonce();
                }
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(errors::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::session_layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers_layer,
        ))
        .layer(security::compress_bundle())
        // Outermost: the id is set first, so the span and every log line below carry it.
        .layer(trace::layer())
        .layer(axum::middleware::from_fn(trace::assign_id))
        .with_state(state)
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Every ten minutes: deletes sessions past their limits and sign-in failure records whose
/// window and lock have passed. Runs for the life of the server.
pub async fn housekeeping(db: db::Db, sessions: crate::domain::sessions::SessionPolicy) {
    use crate::domain::sign_in::ThrottlePolicy;
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = db::now_ms();
        let throttle = ThrottlePolicy::default();
        let result = async {
            let mut c = db.acquire().await?;
            let s = crate::auth::repo::purge_expired_sessions(
                c.conn(),
                now - sessions.idle_timeout_ms,
                now - sessions.absolute_lifetime_ms,
            )
            .await?;
            let f =
                crate::auth::repo::purge_stale_failures(c.conn(), now - throttle.window_ms, now)
                    .await?;
            Ok::<_, db::DbError>((s, f))
        }
        .await;
        match result {
            Ok((s, f)) if s + f > 0 => tracing::info!(sessions = s, failures = f, "housekeeping"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
    }
}
