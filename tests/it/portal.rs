//! The participant portal against a real database: a participant's own sessions (labels,
//! their own attendance only), confirming live, asking to cancel with the late-cancel fee,
//! staff accepting it, the private feed; and the confidentiality crawl: every portal page,
//! server function, feed and argument the portal sends, plus other people's ids, and not one
//! co-member's name or address in any answer.

use crate::common::fixtures::{
    group, person_with_email, portal_account, practice, schedule_at, service,
};
use crate::common::router::{app, body_text, get, seeded, send, sign_in};
use crate::on_both_engines;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::Duration;
use gather::attendance::live::Live;
use gather::attendance::server as attendance;
use gather::attendance::ChangeRequest;
use gather::cases::server as cases;
use gather::domain::attendance::{Choice, Confirmation};
use gather::domain::billing::Payer;
use gather::domain::cases::CaseKind;
use gather::domain::portal::SessionsWhen;
use gather::error::AppError;
use gather::on_conn;
use gather::portal::server as portal;
use gather::portal::CancelState;
use gather::server::db::{now_ms, Db};
use serde_json::{json, Value};

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

    let upcoming = portal::my_sessions(&db, &me, SessionsWhen::Upcoming, None)
        .await
        .expect("upcoming");
    let ids: Vec<_> = upcoming.sessions.iter().map(|s| s.id).collect();
    assert_eq!(ids, vec![soon, later], "soonest first, nothing past");
    assert!(upcoming
        .sessions
        .iter()
        .all(|s| s.label == "Group session" && s.can_answer && s.attendance.is_none()));
    assert!(upcoming.sessions[0].late_now && !upcoming.sessions[1].late_now);
    assert_eq!(upcoming.late_cancel_fee.0, 2_500);
    assert_eq!(upcoming.next, None, "one page");
    let past_page = portal::my_sessions(&db, &me, SessionsWhen::Past, None)
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
    let named = portal::my_sessions(&db, &me, SessionsWhen::Upcoming, None)
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
    portal::confirm(&db, &live, &me, later)
        .await
        .expect("confirm");
    let now_upcoming = portal::my_sessions(&db, &me, SessionsWhen::Upcoming, None)
        .await
        .expect("upcoming");
    assert_eq!(
        now_upcoming.sessions[1].confirmation,
        Confirmation::Confirmed
    );
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
        portal::confirm(&db, &live, &me, past).await,
        Err(AppError::Conflict(_))
    ));

    // Asking to cancel tomorrow's session is late; it declines and waits for the practice.
    assert!(matches!(
        portal::ask_to_cancel(&db, &live, &me, soon, &"n".repeat(1001)).await,
        Err(AppError::InvalidInput { field, .. }) if field == "note"
    ));
    portal::ask_to_cancel(&db, &live, &me, soon, "Flu, sorry")
        .await
        .expect("ask");
    let asked = &portal::my_sessions(&db, &me, SessionsWhen::Upcoming, None)
        .await
        .expect("upcoming")
        .sessions[0];
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
    let after = portal::my_sessions(&db, &me, SessionsWhen::Upcoming, None)
        .await
        .expect("upcoming");
    assert_eq!(after.sessions[0].cancel, CancelState::Accepted);

    // Asking to cancel the later one, which staff decline: the request closes as declined
    // and nothing is recorded; confirming again withdraws nothing further.
    portal::ask_to_cancel(&db, &live, &me, later, "")
        .await
        .expect("ask again");
    let open = portal::open_requests(&db, who).await.expect("requests");
    assert_eq!(open.len(), 1);
    assert!(
        !open[0].late && open[0].fee.0 == 0,
        "six days ahead is not late"
    );
    portal::decide(&db, &live, who, open[0].id, false)
        .await
        .expect("decline");
    let declined = portal::my_sessions(&db, &me, SessionsWhen::Upcoming, None)
        .await
        .expect("upcoming");
    assert_eq!(declined.sessions[1].cancel, CancelState::Declined);
    let sheet = attendance::sheet(&db, who, later).await.expect("sheet");
    assert!(sheet
        .rows
        .iter()
        .any(|r| r.state.person_id == ada && r.state.choice.is_none()));
    assert!(portal::open_requests(&db, who)
        .await
        .expect("none")
        .is_empty());

    // Bo reaches none of this through Ada's sessions, and Ada none of Bo's answers.
    let bo_me = portal_account(&db, &p, bo, "bo@portal.example").await;
    let bo_view = portal::my_sessions(&db, &bo_me, SessionsWhen::Upcoming, None)
        .await
        .expect("bo");
    assert!(bo_view
        .sessions
        .iter()
        .all(|s| s.confirmation == Confirmation::NotConfirmed && s.cancel == CancelState::None));
    let bo_past = portal::my_sessions(&db, &bo_me, SessionsWhen::Past, None)
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
        portal::confirm(&db, &live, &me, elsewhere).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        portal::ask_to_cancel(&db, &live, &me, elsewhere, "").await,
        Err(AppError::NotFound)
    ));

    // A staff account has no person: the portal functions reach nothing.
    assert!(matches!(
        portal::my_sessions(&db, who, SessionsWhen::Upcoming, None).await,
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
    let mut past_sessions = Vec::new();
    for which in ["upcoming", "past"] {
        let mut from = Value::Null;
        for page in 0..50 {
            let res = send(
                &app,
                post_json(
                    "/api/my_sessions",
                    &cookie,
                    &json!({"which": which, "from": from}),
                ),
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK, "my_sessions {which} {page}");
            let text = body_text(res).await;
            let v: Value = serde_json::from_str(&text).expect("json");
            for s in v["sessions"].as_array().into_iter().flatten() {
                let id = s["id"].as_i64().expect("id");
                assert!(!own_sessions.contains(&id), "{id} on two pages");
                own_sessions.push(id);
                if which == "past" {
                    past_sessions.push(id);
                }
            }
            from = v["next"].clone();
            seen.push((format!("my_sessions {which} {page}"), text));
            if from.is_null() {
                break;
            }
        }
    }
    assert!(!own_sessions.is_empty(), "Alex has sessions");
    assert!(
        seen.iter().any(|(what, _)| what.ends_with(" 1")),
        "the demo gives Alex more than one page of sessions, so paging is crawled too"
    );
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
            post_json("/api/confirm_my_session", &cookie, &json!({"id": id})),
        )
        .await;
        let status = res.status();
        let text = body_text(res).await;
        if !own_sessions.contains(id) {
            assert_eq!(status, StatusCode::NOT_FOUND, "session {id}: {text}");
        }
        seen.push((format!("confirm_my_session {id}"), text));
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
    // Alex pays for his group sessions: he attended one, the administrator invoices him and
    // takes a payment, so he has documents of his own.
    let provider = sign_in(&app, "provider@riverside.example").await;
    let tag_sessions: Vec<(i64, i64, i64)> = {
        let mut c = db.acquire().await.expect("conn");
        on_conn!(c.conn(), |c| {
            sqlx::query_as(
                "SELECT a.id, k.default_service_id, a.starts_at FROM appointments a
                   JOIN cases k ON k.id = a.case_id WHERE k.initials = 'TAG'",
            )
            .fetch_all(&mut *c)
            .await
            .expect("the group's sessions")
        })
    };
    let (attended, svc, _) = tag_sessions
        .into_iter()
        .filter(|(id, _, _)| past_sessions.contains(id))
        .max_by_key(|(_, _, at)| *at)
        .expect("a past group session of Alex's");
    let now = now_ms();
    let res = send(
        &app,
        post_json(
            "/api/record_attendance",
            &provider,
            &json!({"id": attended, "changes": [{"person_id": alex, "choice": {"type": "attended", "service": svc},
                "base_version": 0, "made_at": now, "fill_only": false}], "sent_at": now}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);
    let admin = sign_in(&app, "admin@riverside.example").await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::New_York)
        .date_naive()
        .to_string();
    let res = send(
        &app,
        post_json(
            "/api/invoice_unbilled",
            &admin,
            &json!({"payer": alex, "through": today}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);
    let res = send(
        &app,
        post_json(
            "/api/take_account_payment",
            &admin,
            &json!({"payer": alex, "payment": {"amount": "5", "method": "cash", "reference": ""}, "chosen": []}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);
    // Bills: the page, the server function, and every document of the practice by id: the
    // person's own as PDFs read back by poppler, anyone else's refused.
    for page in ["/portal/bills"] {
        let res = send(&app, get(page, Some(&cookie))).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        seen.push((page.to_string(), body_text(res).await));
    }
    let res = send(&app, post_json("/api/my_bills", &cookie, &json!({}))).await;
    let bills = body_text(res).await;
    let mine: Value = serde_json::from_str(&bills).expect("bills json");
    let own_documents: Vec<i64> = mine["documents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["id"].as_i64())
        .collect();
    let own_payments: Vec<i64> = mine["payments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["id"].as_i64())
        .collect();
    assert!(
        !own_documents.is_empty() && !own_payments.is_empty(),
        "Alex has an invoice and a receipt: {bills}"
    );
    seen.push(("my_bills".into(), bills));
    for (table, kind, own) in [
        ("invoices", "invoices", &own_documents),
        ("payments", "receipts", &own_payments),
    ] {
        let ids: Vec<i64> = {
            let mut c = db.acquire().await.expect("conn");
            let sql = format!("SELECT id FROM {table} WHERE practice_id = $1 ORDER BY id LIMIT 60");
            on_conn!(c.conn(), |c| {
                sqlx::query_scalar(&sql)
                    .bind(practice)
                    .fetch_all(&mut *c)
                    .await
                    .expect("documents")
            })
        };
        for id in ids {
            let path = format!("/documents/mine/{kind}/{id}.pdf");
            let res = send(&app, get(&path, Some(&cookie))).await;
            if own.contains(&id) {
                assert_eq!(res.status(), StatusCode::OK, "{path}");
                let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
                    .await
                    .expect("pdf");
                seen.push((path, crate::pdf::pdf_text(&bytes)));
            } else {
                assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
            }
        }
    }
    // Forms: the administrator sends the demo's therapy intake to every member of Alex's
    // group; Alex lists, opens, fills in and signs his own, downloads its PDF, and is refused
    // every other form of the practice by id.
    let res = send(&app, post_json("/api/form_templates", &admin, &json!({}))).await;
    let templates: Value = serde_json::from_str(&body_text(res).await).expect("templates");
    let intake = templates
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["set"] == "intake")
        .and_then(|t| t["id"].as_i64())
        .expect("the demo's therapy intake");
    let tag: i64 = {
        let mut c = db.acquire().await.expect("conn");
        on_conn!(c.conn(), |c| {
            sqlx::query_scalar("SELECT id FROM cases WHERE initials = 'TAG' AND practice_id = $1")
                .bind(practice)
                .fetch_one(&mut *c)
                .await
                .expect("TAG")
        })
    };
    let res = send(
        &app,
        post_json(
            "/api/send_form",
            &admin,
            &json!({"case": tag, "ask": {"template": intake, "person": null, "member_signs": true,
                    "payer_signs": false, "joint": false}}),
        ),
    )
    .await;
    let shared = body_text(res).await;
    assert!(shared.contains("\"sent\":"), "{shared}");
    for page in ["/portal/forms"] {
        let res = send(&app, get(page, Some(&cookie))).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        seen.push((page.to_string(), body_text(res).await));
    }
    let res = send(&app, post_json("/api/my_forms", &cookie, &json!({}))).await;
    let listed = body_text(res).await;
    let own_forms: Vec<i64> = serde_json::from_str::<Value>(&listed)
        .expect("forms json")
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["id"].as_i64())
        .collect();
    assert_eq!(own_forms.len(), 1, "{listed}");
    seen.push(("my_forms".into(), listed));
    let every_form: Vec<i64> = {
        let mut c = db.acquire().await.expect("conn");
        on_conn!(c.conn(), |c| {
            sqlx::query_scalar("SELECT id FROM form_requests WHERE practice_id = $1 ORDER BY id")
                .bind(practice)
                .fetch_all(&mut *c)
                .await
                .expect("forms")
        })
    };
    assert!(every_form.len() > 1, "co-members have forms too");
    let signing = json!({"f1": "1990-04-02", "f2": "Starting again after a hard year."});
    for id in &every_form {
        let res = send(
            &app,
            post_json("/api/open_my_form", &cookie, &json!({"id": id})),
        )
        .await;
        let status = res.status();
        let text = body_text(res).await;
        if !own_forms.contains(id) {
            assert_eq!(status, StatusCode::NOT_FOUND, "form {id}: {text}");
        }
        seen.push((format!("open_my_form {id}"), text));
        let page = format!("/portal/forms/{id}");
        let res = send(&app, get(&page, Some(&cookie))).await;
        seen.push((page, body_text(res).await));
        let res = send(
            &app,
            post_json(
                "/api/submit_my_form",
                &cookie,
                &json!({"id": id, "answers": signing, "typed_name": "Alex Rivera", "agreed": true}),
            ),
        )
        .await;
        let status = res.status();
        let text = body_text(res).await;
        if own_forms.contains(id) {
            assert_eq!(status, StatusCode::OK, "his own form: {text}");
        } else {
            assert_eq!(status, StatusCode::NOT_FOUND, "form {id}: {text}");
        }
        seen.push((format!("submit_my_form {id}"), text));
        let path = format!("/documents/mine/forms/{id}.pdf");
        let res = send(&app, get(&path, Some(&cookie))).await;
        if own_forms.contains(id) {
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
                .await
                .expect("pdf");
            let text = crate::pdf::pdf_text(&bytes);
            assert!(text.contains("Signature page"), "{text}");
            seen.push((path, text));
        } else {
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        }
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

/// A parent pays for their child's individual sessions: the parent's portal shows the
/// invoice and the receipt, the child's shows no bills, and neither reaches a document
/// whose payer they are not.
async fn a_payer_sees_only_the_bills_they_are_responsible_for(db: Db) {
    let p = practice(&db, "bills").await;
    let who = &p.provider;
    let admin = &p.admin;
    let svc = service(&db, &p, "90853").await;
    let child = person_with_email(&db, who, "Kit Juniper", "kit@bills.example").await;
    let parent = person_with_email(&db, who, "Pat Juniper", "pat@bills.example").await;
    let mut draft = group(CaseKind::TherapyGroup, "Teen skills", "TSK", who, Some(svc));
    draft.payer = Payer::Contact(parent.0);
    let case = cases::create_case(&db, who, draft).await.expect("case");
    let today = who.today();
    cases::add_member(&db, who, case, child, today - Duration::days(30))
        .await
        .expect("member");
    let session = schedule_at(&db, who, case, today - Duration::days(2), "10:00").await;
    let live = Live::start(&db);
    attendance::record_changes(
        &live,
        who,
        session,
        &[ChangeRequest {
            person_id: child,
            choice: Some(Choice::Attended(svc)),
            base_version: 0,
            made_at: now_ms(),
            fill_only: false,
        }],
        now_ms(),
    )
    .await
    .expect("attended");
    let run = gather::billing::invoices::server::invoice_unbilled(
        &db,
        admin,
        None,
        &admin.today().to_string(),
    )
    .await
    .expect("invoice run");
    assert_eq!(run.invoices.len(), 1, "{run:?}");
    let invoice = run.invoices[0].id;
    let paid = gather::billing::server::take_account_payment(
        &db,
        admin,
        parent,
        &gather::billing::PaymentInput {
            amount: "10".into(),
            method: gather::domain::billing::PaymentMethod::Cash,
            reference: String::new(),
        },
        &[],
    )
    .await
    .expect("payment");

    let pat = portal_account(&db, &p, parent, "pat@bills.example").await;
    let kit = portal_account(&db, &p, child, "kit@bills.example").await;
    let bills = gather::billing::portal::my_bills(&db, &pat)
        .await
        .expect("pat's bills");
    assert_eq!(bills.documents.len(), 1);
    assert_eq!(bills.documents[0].id, invoice);
    assert_eq!(bills.payments.len(), 1);
    assert!(bills.balance.is_positive());
    let doc = gather::billing::portal::my_invoice(&db, &pat, invoice)
        .await
        .expect("pat's invoice");
    assert!(doc.lines.iter().all(|l| l.participant == "Kit Juniper"));
    let receipt = gather::billing::portal::my_receipt(&db, &pat, paid.payment)
        .await
        .expect("pat's receipt");
    assert_eq!(receipt.amount.cents(), 1_000);

    // The child pays nothing, so sees no bills and reaches neither document.
    let none = gather::billing::portal::my_bills(&db, &kit)
        .await
        .expect("kit's bills");
    assert!(none.documents.is_empty() && none.payments.is_empty());
    assert!(matches!(
        gather::billing::portal::my_invoice(&db, &kit, invoice).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        gather::billing::portal::my_receipt(&db, &kit, paid.payment).await,
        Err(AppError::NotFound)
    ));
    // Nor does a staff account through the portal's functions.
    assert!(matches!(
        gather::billing::portal::my_bills(&db, who).await,
        Err(AppError::NotFound)
    ));
    let log = audit_details(&db, &p).await;
    assert!(log.iter().any(|l| l.contains("portal: bills")), "{log:?}");
}

on_both_engines!(
    my_sessions_confirm_and_cancel,
    confidentiality_crawl,
    a_payer_sees_only_the_bills_they_are_responsible_for
);
