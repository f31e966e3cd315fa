//! The whole application as a browser meets it, through the real router: requests, bodies,
//! signing in as a demo account, the demo practice.

use axum::body::Body;
use axum::http::{header, Request, Response};
use gather::server::config::Config;
use gather::server::db::Db;
use gather::server::seed::{seed_demo_if_empty, DEMO_PASSWORD};
use gather::server::state::AppState;
use tower::ServiceExt;

pub(crate) fn app(db: &Db) -> axum::Router {
    let config = Config::from_parts("", &NoEnv).expect("default config");
    gather::server::router(AppState::new(config, db.clone()))
}

struct NoEnv;
impl gather::server::config::Env for NoEnv {
    fn get(&self, _: &str) -> Option<String> {
        None
    }
}

pub(crate) async fn send(app: &axum::Router, req: Request<Body>) -> Response<Body> {
    app.clone().oneshot(req).await.expect("infallible router")
}

pub(crate) async fn body_text(res: Response<Body>) -> String {
    let bytes = axum::body::to_bytes(res.into_body(), 4 * 1024 * 1024)
        .await
        .expect("body");
    String::from_utf8_lossy(&bytes).into_owned()
}

pub(crate) fn post(path: &str, cookie: Option<&str>, form: &str) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(form.to_string())).expect("request")
}

/// A page load as a browser makes it.
pub(crate) fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(path).header(header::ACCEPT, "text/html,application/xhtml+xml");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).expect("request")
}

/// Signs in through the server function and returns the `name=value` cookie it set.
pub(crate) async fn sign_in(app: &axum::Router, email: &str) -> String {
    let form = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        DEMO_PASSWORD
    );
    let res = send(app, post("/api/sign_in", None, &form)).await;
    let set_cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("sign-in as {email} set no cookie (status {})", res.status()));
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    set_cookie.split(';').next().unwrap_or_default().to_string()
}

pub(crate) async fn seeded(db: &Db) {
    seed_demo_if_empty(db, "America/New_York")
        .await
        .expect("seed");
}
