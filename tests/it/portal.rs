//! The participant portal against a real database: a participant's own sessions (labels,
//! their own attendance only), confirming live, asking to cancel with the late-cancel fee,
//! staff accepting it, the private feed; and the confidentiality crawl: every portal page,
//! server function, feed and argument the portal sends, plus other people's ids, and not one
//! co-member's name or address in any answer.

use crate::common::fixtures::{group, person_with_email, practice, schedule_at, service, staff};
use crate::common::router::{app, body_text, get, seeded, send, sign_in};
use crate::on_both_engines;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::Duration;
use gather::access::SignedIn;
use gather::attendance::live::Live;
use gather::attendance::server as attendance;
use gather::attendance::ChangeRequest;
use gather::cases::server as cases;
use gather::domain::attendance::{Choice, Confirmation};
use gather::domain::cases::CaseKind;
use gather::domain::portal::SessionsWhen;
use gather::domain::{PersonId, Role};
use gather::error::AppError;
use gather::on_conn;
use gather::portal::server as portal;
use gather::portal::{CancelState, SessionAnswer};
use gather::server::db::{now_ms, Db};
use serde_json::{json, Value};

/// A portal account for `person`, signed in.
async fn portal_account(
    db: &Db,
    p: &crate::common::fixtures::Practice,
    person: PersonId,
    email: &str,
) -> SignedIn {
    let who = staff(db, p.id, "Portal person", email, Role::Participant, None).await;
    let mut c = db.acquire().await.expect("conn");
    gather::auth::repo::link_person(c.conn(), email, person)
        .await
        .expect("link");
    who
}

async fn audit_details(db: &Db, p: &crate::common::fixtures::Practice) -> Vec<String> {
    let mut c = db.acquire().await.expect("conn");
    gather::audit::repo::recent_for_practice(c.conn(), p.id, 500)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| format!("{} {} {}", e.action, e.object_kind, e.detail))
        .collect()
}

async fn my_sessions_confirm_and_cancel(db: Db) {
    let p = practice(&db, "portal").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let ada = person_with_email(&db, who, "Ada Quillfeather", "ada@portal.example").await;
    let bo = person_with_email(&db, who, "Bo Zanzibarre", "bo@portal.example").await;
    let draft = group(
        CaseKind::TherapyGroup,
        "Eating disorder group",
        "EDG",
        who,
        Some(svc),
    );
    let case = cases::create_case(&db, who, draft).await.expect("group");
    let today = who.today();
    for m in [ada, bo] {
        cases::add_member(&db, who, case, m, today - Duration::days(30))
            .await
            .expect("member");
    }
    let past = schedule_at(&db, who, case, today - Duration::days(7), "10:00").await;
    let soon = schedule_at(&db, who, case, today + Duration::days(1), "10:00").await;
    let later = schedule_at(&db, who, case, today + Duration::days(6), "10:00").await;
    let live = Live::start(&db);
    // Ada came last week; Bo did not.
    for (person, choice) in [(ada, Choice::Attended(svc)), (bo, Choice::NoShow)] {
        attendance::record_changes(
            &live,
            who,
            past,
            &[ChangeRequest {
                person_id: person,
                choice: Some(choice),
                base_version: 0,
                made_at: now_ms(),
                fill_only: false,
            }],
            now_ms(),
        )
        .await
        .expect("attendance");
    }
    attendance::save_missed_fees(&db, &p.owner, "40", "25")
        .await
        .expect("fees");
    // Tomorrow's session is inside a 48-hour window; the one in six days is not.
    assert!(matches!(
        portal::save_late_cancel_window(&db, &p.owner, "a day").await,
        Err(AppError::InvalidInput { field, .. }) if field == "late_cancel_hours"
    ));
    assert!(matches!(
        portal::save_late_cancel_window(&db, who, "48").await,
        Err(AppError::Forbidden(_))
    ));
    portal::save_late_cancel_window(&db, &p.owner, "48")
        .await
        .expect("window");
    let me = portal_account(&db, &p, ada, "ada@portal.example").await;

    let upcoming = portal::my_sessions(&db, &me, SessionsWhen::Upcoming, 0)
        .await
        .expect("upcoming");
    let ids: Vec<_> = upcoming.sessions.iter().map(|s| s.id).collect();
    assert_eq!(ids, vec![soon, later], "soonest first, nothing past");
    assert!(upcoming
        .sessions
        .iter()
        .all(|s| s.label == "Group session" && s.can_answer && s.attendance.is_none()));
    assert!(upcoming.sessions[0].late_now && !upcoming.sessions[1].late_now);
    assert_eq!(upcoming.sessions[0].late_fee.0, 2_500);
    let past_page = portal::my_sessions(&db, &me, SessionsWhen::Past, 0)
        .await
        .expect("past");
    assert_eq!(past_page.sessions.len(), 1);
    assert_eq!(
        past_page.sessions[0].attendance.as_deref(),
        Some("Attended")
    );
    assert!(!past_page.sessions[0].can_answer);

    // The practice may name the group; the label is bounded.
    assert!(matches!(
        portal::save_portal_label(&db, who, case, false, &"x".repeat(61)).await,
        Err(AppError::InvalidInput { field, .. }) if field == "portal_label"
    ));
    let shown = portal::save_portal_label(&db, who, case, false, "Thursday circle")
        .await
        .expect("label");
    assert_eq!(shown.shown, "Thursday circle");
    portal::save_portal_label(&db, who, case, true, "")
        .await
        .expect("named");
    let named = portal::my_sessions(&db, &me, SessionsWhen::Upcoming, 0)
        .await
        .expect("upcoming");
    assert_eq!(named.sessions[0].label, "Eating disorder group");
    // Staff who may not see the case cannot read or change its label.
    assert!(matches!(
        portal::portal_label(&db, &p.other_provider, case).await,
        Err(AppError::NotFound)
    ));

    // Confirming goes to every open attendance screen.
    let mut screen = live.subscribe(later);
    let answered = portal::answer(&db, &live, &me, later, SessionAnswer::Confirm)
        .await
        .expect("confirm");
    assert_eq!(answered.confirmation, Confirmation::Confirmed);
    if matches!(db.pool(), gather::server::db::Pool::Sqlite(_)) {
        // On SQLite this process's hub hears it at once; on Postgres the notification does.
        let pushed = tokio::time::timeout(std::time::Duration::from_secs(5), screen.recv())
            .await
            .expect("pushed in time")
            .expect("an update");
        assert!(
            format!("{pushed:?}").contains(r#"\"confirmation\":\"confirmed\""#),
            "{pushed:?}"
        );
    }
    drop(screen);
    // Answers close when a session has started.
    assert!(matches!(
        portal::answer(&db, &live, &me, past, SessionAnswer::Confirm).await,
        Err(AppError::Conflict(_))
    ));

    // Asking to cancel tomorrow's session is late; it declines and waits for the practice.
    assert!(matches!(
        portal::ask_to_cancel(&db, &live, &me, soon, &"n".repeat(1001)).await,
        Err(AppError::InvalidInput { field, .. }) if field == "note"
    ));
    let asked = portal::ask_to_cancel(&db, &live, &me, soon, "Flu, sorry")
        .await
        .expect("ask");
    assert_eq!(asked.cancel, CancelState::Asked);
    assert_eq!(asked.confirmation, Confirmation::Declined);
    assert!(matches!(
        portal::ask_to_cancel(&db, &live, &me, soon, "").await,
        Err(AppError::Conflict(_))
    ));
    // Staff who see the case see the request; others do not.
    let requests = portal::open_requests(&db, who).await.expect("requests");
    assert_eq!(requests.len(), 1);
    assert!(requests[0].late && requests[0].fee.0 == 2_500);
    assert_eq!(requests[0].note, "Flu, sorry");
    assert!(portal::open_requests(&db, &p.other_provider)
        .await
        .expect("others")
        .is_empty());
    assert!(matches!(
        portal::decide(&db, &live, &p.other_provider, requests[0].id, true).await,
        Err(AppError::NotFound)
    ));
    portal::decide(&db, &live, who, requests[0].id, true)
        .await
        .expect("accept");
    assert!(matches!(
        portal::decide(&db, &live, who, requests[0].id, true).await,
        Err(AppError::NotFound)
    ));
    let sheet = attendance::sheet(&db, who, soon).await.expect("sheet");
    let row = sheet
        .rows
        .iter()
        .find(|r| r.state.person_id == ada)
        .expect("ada on the sheet");
    assert_eq!(row.state.choice, Some(Choice::LateCancel));
    assert_eq!(row.state.charge_cents, 2_500);
    let after = portal::my_sessions(&db, &me, SessionsWhen::Upcoming, 0)
        .await
        .expect("upcoming");
    assert_eq!(after.sessions[0].cancel, CancelState::Accepted);

    // Bo reaches none of this through Ada's sessions, and Ada none of Bo's answers.
    let bo_me = portal_account(&db, &p, bo, "bo@portal.example").await;
    let bo_view = portal::my_sessions(&db, &bo_me, SessionsWhen::Upcoming, 0)
        .await
        .expect("bo");
    assert!(bo_view
        .sessions
        .iter()
        .all(|s| s.confirmation == Confirmation::NotConfirmed && s.cancel == CancelState::None));
    let bo_past = portal::my_sessions(&db, &bo_me, SessionsWhen::Past, 0)
        .await
        .expect("bo past");
    assert_eq!(bo_past.sessions[0].attendance.as_deref(), Some("Missed"));

    // A session of a case Ada is not in is not found, and the refusal names it.
    let other = cases::create_case(
        &db,
        who,
        group(CaseKind::TherapyGroup, "Other", "OTH", who, Some(svc)),
    )
    .await
    .expect("other");
    let elsewhere = schedule_at(&db, who, other, today + Duration::days(2), "09:00").await;
    assert!(matches!(
        portal::answer(&db, &live, &me, elsewhere, SessionAnswer::Confirm).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        portal::ask_to_cancel(&db, &live, &me, elsewhere, "").await,
        Err(AppError::NotFound)
    ));

    // A staff account has no person: the portal functions reach nothing.
    assert!(matches!(
        portal::my_sessions(&db, who, SessionsWhen::Upcoming, 0).await,
        Err(AppError::NotFound)
    ));

    let log = audit_details(&db, &p).await;
    assert!(
        log.iter()
            .any(|l| l.contains("confirmation confirmed (portal)")),
        "{log:?}"
    );
    assert!(
        log.iter().any(|l| l.contains("portal: upcoming sessions")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|l| l.contains("portal_request") && l.contains("accepted")),
        "{log:?}"
    );
}

/// Every name and address of someone who shares a case with `person`, other than theirs.
async fn co_members(db: &Db, person: i64) -> Vec<String> {
    let mut c = db.acquire().await.expect("conn");
    let rows: Vec<(String, Option<String>, Option<String>)> = on_conn!(c.conn(), |c| {
        sqlx::query_as(
            "SELECT DISTINCT p.legal_name, p.preferred_name, p.email FROM memberships m
               JOIN memberships mine ON mine.case_id = m.case_id AND mine.person_id = $1
               JOIN people p ON p.id = m.person_id
              WHERE m.person_id <> $1",
        )
        .bind(person)
        .fetch_all(&mut *c)
        .await
        .expect("co-members")
    });
    let mut out = Vec::new();
    for (legal, preferred, email) in rows {
        out.push(legal);
        out.extend(preferred.filter(|p| !p.is_empty()));
        out.extend(email.filter(|e| !e.is_empty()));
    }
    out
}

fn post_json(path: &str, cookie: &str, body: &Value) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .expect("request")
}

async fn confidentiality_crawl(db: Db) {
    seeded(&db).await;
    let app = app(&db);
    let email = "participant@riverside.example";
    let cookie = sign_in(&app, email).await;
    let (alex, practice): (i64, i64) = {
        let mut c = db.acquire().await.expect("conn");
        on_conn!(c.conn(), |c| {
            sqlx::query_as("SELECT person_id, practice_id FROM accounts WHERE email = $1")
                .bind(email)
                .fetch_one(&mut *c)
                .await
                .expect("alex")
        })
    };
    let names = co_members(&db, alex).await;
    assert!(
        names.iter().any(|n| n == "Taylor Morgan") && names.iter().any(|n| n == "Casey Nguyen"),
        "the demo group has current and past co-members: {names:?}"
    );
    let every_session: Vec<i64> = {
        let mut c = db.acquire().await.expect("conn");
        on_conn!(c.conn(), |c| {
            sqlx::query_scalar("SELECT id FROM appointments WHERE practice_id = $1 ORDER BY id")
                .bind(practice)
                .fetch_all(&mut *c)
                .await
                .expect("sessions")
        })
    };
    let mut seen: Vec<(String, String)> = Vec::new();

    // Pages, as a browser loads them (the server renders each with its data).
    for page in ["/portal", "/portal/messages"] {
        let res = send(&app, get(page, Some(&cookie))).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        seen.push((page.to_string(), body_text(res).await));
    }
    // Every server function the portal calls, with every argument it sends.
    let mut own_sessions = Vec::new();
    for which in ["upcoming", "past"] {
        for page in 0..50 {
            let res = send(
                &app,
                post_json(
                    "/api/my_sessions",
                    &cookie,
                    &json!({"which": which, "page": page}),
                ),
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK, "my_sessions {which} {page}");
            let text = body_text(res).await;
            let v: Value = serde_json::from_str(&text).expect("json");
            for s in v["sessions"].as_array().into_iter().flatten() {
                own_sessions.push(s["id"].as_i64().expect("id"));
            }
            let more = v["has_more"].as_bool().unwrap_or(false);
            seen.push((format!("my_sessions {which} {page}"), text));
            if !more {
                break;
            }
        }
    }
    assert!(!own_sessions.is_empty(), "Alex has sessions");
    for (endpoint, args) in [
        ("portal_viewer", json!({})),
        ("my_threads", json!({})),
        ("my_feed", json!({})),
        (
            "my_new_thread",
            json!({"subject": "Question", "body": "Is there parking?"}),
        ),
    ] {
        let res = send(&app, post_json(&format!("/api/{endpoint}"), &cookie, &args)).await;
        seen.push((endpoint.to_string(), body_text(res).await));
    }
    // Answers for Alex's own sessions and, with every other id of the practice, refusals.
    for id in &every_session {
        let res = send(
            &app,
            post_json(
                "/api/answer_my_session",
                &cookie,
                &json!({"id": id, "answer": "Confirm"}),
            ),
        )
        .await;
        let status = res.status();
        let text = body_text(res).await;
        if !own_sessions.contains(id) {
            assert_eq!(status, StatusCode::NOT_FOUND, "session {id}: {text}");
        }
        seen.push((format!("answer_my_session {id}"), text));
    }
    for id in every_session.iter().take(40) {
        let res = send(
            &app,
            post_json(
                "/api/ask_to_cancel",
                &cookie,
                &json!({"id": id, "note": ""}),
            ),
        )
        .await;
        seen.push((format!("ask_to_cancel {id}"), body_text(res).await));
    }
    // The thread the portal started, and every other thread id of the practice.
    let threads: Vec<i64> = {
        let mut c = db.acquire().await.expect("conn");
        on_conn!(c.conn(), |c| {
            sqlx::query_scalar("SELECT id FROM message_threads WHERE practice_id = $1")
                .bind(practice)
                .fetch_all(&mut *c)
                .await
                .expect("threads")
        })
    };
    for id in &threads {
        let res = send(
            &app,
            post_json("/api/my_thread", &cookie, &json!({"id": id, "after": 0})),
        )
        .await;
        seen.push((format!("my_thread {id}"), body_text(res).await));
        let page = format!("/portal/messages/{id}");
        let res = send(&app, get(&page, Some(&cookie))).await;
        seen.push((page, body_text(res).await));
    }
    // The private calendar feed.
    let res = send(&app, post_json("/api/enable_my_feed", &cookie, &json!({}))).await;
    let feed: Value = serde_json::from_str(&body_text(res).await).expect("feed json");
    let url = feed["url"].as_str().expect("the address, once").to_string();
    let path = &url[url.find("/calendar/me/").expect("feed path")..];
    let res = send(&app, get(path, None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let ics = body_text(res).await;
    assert!(ics.contains("BEGIN:VEVENT"), "{ics}");
    // The crawl reads real content: Alex's own sessions, by their neutral labels.
    assert!(ics.contains("SUMMARY:Group session"), "{ics}");
    assert!(ics.contains("SUMMARY:Individual session"), "{ics}");
    assert!(
        seen[0].1.contains("My sessions") && seen[0].1.contains("Individual session"),
        "the portal's page is rendered with Alex's sessions: {}",
        seen[0].1
    );
    seen.push(("feed".into(), ics));

    for (what, body) in &seen {
        for name in &names {
            assert!(
                !body.contains(name.as_str()),
                "{what} names co-member {name:?}: {body}"
            );
        }
    }
}

on_both_engines!(my_sessions_confirm_and_cancel, confidentiality_crawl);
