//! The server as a browser meets it: routes, headers, cookies and server functions,
//! through the real router with a real database behind it.

use crate::common::router::{app, body_text, get, post, seeded, send, sign_in};
use crate::on_both_engines;
use axum::http::{header, StatusCode};
use gather::audit::repo as audit;
use gather::auth::repo;
use gather::auth::Viewer;
use gather::domain::Role;
use gather::error::AppError;
use gather::server::db::Db;

async fn health_answers_while_the_database_does(db: Db) {
    let app = app(&db);
    let res = send(&app, get("/healthz", None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    db.close().await;
    let res = send(&app, get("/healthz", None)).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}

async fn pages_carry_security_headers_and_a_nonce(db: Db) {
    let app = app(&db);
    let res = send(&app, get("/login", None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    let csp = h
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .expect("CSP")
        .to_string();
    // Scripts and style elements never run inline; only style attributes may (positions).
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .expect("script-src");
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("style-src 'self';"), "{csp}");
    assert_eq!(csp.matches("unsafe-inline").count(), 1, "{csp}");
    assert!(csp.contains("style-src-attr 'unsafe-inline'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in script-src")
        .to_string();
    assert_eq!(
        h.get(header::X_CONTENT_TYPE_OPTIONS).map(|v| v.as_bytes()),
        Some(&b"nosniff"[..])
    );
    assert!(h.get(header::REFERRER_POLICY).is_some());
    assert_eq!(
        h.get(header::CACHE_CONTROL).map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    let html = body_text(res).await;
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );

    let again = send(&app, get("/login", None)).await;
    let csp2 = again
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .cloned();
    assert_ne!(
        csp2.and_then(|v| v.to_str().ok().map(str::to_string)),
        Some(csp),
        "a fresh nonce per response"
    );
}

async fn demo_accounts_land_on_their_side(db: Db) {
    seeded(&db).await;
    let app = app(&db);
    for (email, area_fn, role) in [
        ("owner@riverside.example", "/api/staff_viewer", Role::Owner),
        ("admin@riverside.example", "/api/staff_viewer", Role::Admin),
        (
            "provider@riverside.example",
            "/api/staff_viewer",
            Role::Provider,
        ),
        (
            "associate@riverside.example",
            "/api/staff_viewer",
            Role::Associate,
        ),
        (
            "supervisor@riverside.example",
            "/api/staff_viewer",
            Role::Supervisor,
        ),
        (
            "participant@riverside.example",
            "/api/portal_viewer",
            Role::Participant,
        ),
    ] {
        let cookie = sign_in(&app, email).await;
        let res = send(&app, post(area_fn, Some(&cookie), "")).await;
        assert_eq!(res.status(), StatusCode::OK, "{email}");
        assert_eq!(
            res.headers()
                .get(header::CACHE_CONTROL)
                .map(|v| v.as_bytes()),
            Some(&b"no-store"[..])
        );
        let viewer: Viewer = serde_json::from_str(&body_text(res).await).expect("viewer json");
        assert_eq!(viewer.role, role);
        assert_eq!(viewer.email, email);
    }
}

async fn each_side_is_refused_the_other(db: Db) {
    seeded(&db).await;
    let app = app(&db);
    let participant = sign_in(&app, "participant@riverside.example").await;
    let provider = sign_in(&app, "provider@riverside.example").await;
    for (cookie, path) in [
        (&participant, "/api/staff_viewer"),
        (&provider, "/api/portal_viewer"),
    ] {
        let res = send(&app, post(path, Some(cookie), "")).await;
        assert_ne!(res.status(), StatusCode::OK, "{path}");
        let err: AppError = serde_json::from_str(&body_text(res).await).expect("error json");
        assert_eq!(err, AppError::WrongArea);
    }
    // Pages too: the portal page renders "not allowed" for staff, with a 403.
    let res = send(&app, get("/portal", Some(&provider))).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = send(&app, get("/app", Some(&participant))).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // And each refusal is in the audit log.
    let mut c = db.acquire().await.expect("conn");
    let practice = repo::account_by_email(c.conn(), "provider@riverside.example")
        .await
        .expect("q")
        .map(|a| gather::domain::PracticeId(a.practice_id))
        .expect("provider");
    let denied = audit::recent_for_practice(c.conn(), practice, 50)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.outcome == "denied")
        .count();
    assert_eq!(denied, 4);
}

async fn anonymous_visitors_are_sent_to_sign_in(db: Db) {
    let app = app(&db);
    for path in ["/app", "/portal", "/"] {
        let res = send(&app, get(path, None)).await;
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        assert_eq!(
            res.headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok()),
            Some("/login"),
            "{path}"
        );
    }
    let res = send(&app, post("/api/staff_viewer", None, "")).await;
    let err: AppError = serde_json::from_str(&body_text(res).await).expect("error json");
    assert_eq!(err, AppError::NotSignedIn);
}

async fn signed_out_cookies_are_refused(db: Db) {
    seeded(&db).await;
    let app = app(&db);
    let cookie = sign_in(&app, "owner@riverside.example").await;
    let res = send(&app, post("/api/sign_out", Some(&cookie), "")).await;
    let cleared = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let res = send(&app, post("/api/staff_viewer", Some(&cookie), "")).await;
    let err: AppError = serde_json::from_str(&body_text(res).await).expect("error json");
    assert_eq!(err, AppError::NotSignedIn, "the replayed cookie is refused");
}

async fn sign_in_errors_are_typed_and_plain(db: Db) {
    seeded(&db).await;
    let app = app(&db);
    let res = send(
        &app,
        post(
            "/api/sign_in",
            None,
            "email=owner%40riverside.example&password=wrong",
        ),
    )
    .await;
    let err: AppError = serde_json::from_str(&body_text(res).await).expect("error json");
    assert_eq!(err, AppError::SignInFailed);
    let res = send(
        &app,
        post("/api/sign_in", None, "email=not-an-email&password=x"),
    )
    .await;
    let err: AppError = serde_json::from_str(&body_text(res).await).expect("error json");
    assert!(
        matches!(err, AppError::InvalidInput { ref field, .. } if field == "email"),
        "{err:?}"
    );
    let res = send(&app, post("/api/sign_in", None, "garbage")).await;
    let err: AppError = serde_json::from_str(&body_text(res).await).expect("error json");
    assert!(matches!(err, AppError::InvalidInput { .. }), "{err:?}");
}

async fn cross_site_posts_are_refused(db: Db) {
    seeded(&db).await;
    let app = app(&db);
    let cookie = sign_in(&app, "owner@riverside.example").await;
    let mut req = post("/api/sign_out", Some(&cookie), "");
    req.headers_mut()
        .insert(header::HOST, "127.0.0.1:3000".parse().expect("h"));
    req.headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().expect("o"));
    assert_eq!(send(&app, req).await.status(), StatusCode::FORBIDDEN);
    let res = send(&app, post("/api/staff_viewer", Some(&cookie), "")).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "the session survived the forged sign-out"
    );
}

on_both_engines!(
    health_answers_while_the_database_does,
    pages_carry_security_headers_and_a_nonce,
    demo_accounts_land_on_their_side,
    each_side_is_refused_the_other,
    anonymous_visitors_are_sent_to_sign_in,
    signed_out_cookies_are_refused,
    sign_in_errors_are_typed_and_plain,
    cross_site_posts_are_refused,
);
