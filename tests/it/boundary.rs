//! The server-function boundary, through the real router: every refusal of an object is in
//! the audit log naming that object, and every error answers with the HTTP status its
//! `AppError` names.

use crate::on_both_engines;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use gather::audit::repo as audit;
use gather::calendar::{AppointmentChange, NewAppointment, Span};
use gather::cases::CaseEdit;
use gather::domain::billing::Payer;
use gather::domain::notes::Document;
use gather::domain::people::PersonInput;
use gather::domain::schedule::{Ends, Repeat};
use gather::domain::{AccountId, PracticeId, Scope};
use gather::error::AppError;
use gather::on_conn;
use gather::server::db::Db;
use serde_json::{json, Value};

use crate::common::router::{app, body_text, post, seeded, send, sign_in};

fn post_json(path: &str, cookie: Option<&str>, body: &Value) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body.to_string())).expect("request")
}

async fn account(db: &Db, email: &str) -> (PracticeId, AccountId) {
    let mut c = db.acquire().await.expect("conn");
    let a = gather::auth::repo::account_by_email(c.conn(), email)
        .await
        .expect("account")
        .expect("demo account");
    (PracticeId(a.practice_id), AccountId(a.id))
}

/// One object of each kind that Dr. Lee's cases hold and Dr. Raman may not see.
struct Hidden {
    case: i64,
    person: i64,
    membership: i64,
    appointment: i64,
}

async fn hidden_from_raman(db: &Db) -> Hidden {
    let (practice, lee) = account(db, "provider@riverside.example").await;
    let (_, raman) = account(db, "provider2@riverside.example").await;
    let scope = |account_id| Scope {
        practice_id: practice,
        account_id,
        sees_every_case: false,
    };
    let mut c = db.acquire().await.expect("conn");
    let lees = gather::cases::repo::search(c.conn(), &scope(lee), "", false, 200)
        .await
        .expect("lee's cases");
    let ramans = gather::cases::repo::search(c.conn(), &scope(raman), "", false, 200)
        .await
        .expect("raman's cases");
    // A case with members and sessions, which Dr. Raman may not see.
    let mut found = None;
    for case in lees.iter().filter(|c| ramans.iter().all(|r| r.id != c.id)) {
        let row: Option<(i64, i64, i64)> = on_conn!(c.conn(), |c| {
            sqlx::query_as(
                "SELECT m.id, m.person_id, a.id FROM memberships m
                   JOIN appointments a ON a.case_id = m.case_id
                  WHERE m.case_id = $1 AND m.status = 'active' ORDER BY a.starts_at LIMIT 1",
            )
            .bind(case.id.0)
            .fetch_optional(&mut *c)
            .await
            .expect("members and sessions")
        });
        if let Some((membership, person, appointment)) = row {
            found = Some(Hidden {
                case: case.id.0,
                person,
                membership,
                appointment,
            });
            break;
        }
    }
    found.expect("the demo practice has a case of Dr. Lee's with members and sessions that Dr. Raman does not see")
}

async fn denied_entries(
    db: &Db,
    practice: PracticeId,
    actor: AccountId,
) -> Vec<(String, Option<i64>)> {
    let mut c = db.acquire().await.expect("conn");
    audit::recent_for_practice(c.conn(), practice, 500)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.outcome == "denied" && e.actor_account_id == Some(actor.0))
        .map(|e| (e.object_kind, e.object_id))
        .collect()
}

async fn every_refusal_of_an_object_is_audited(db: Db) {
    seeded(&db).await;
    let app = app(&db);
    let h = hidden_from_raman(&db).await;
    let (practice, raman) = account(&db, "provider2@riverside.example").await;
    let cookie = sign_in(&app, "provider2@riverside.example").await;
    let owner = sign_in(&app, "owner@riverside.example").await;
    let (_, owner_id) = account(&db, "owner@riverside.example").await;

    let edit = CaseEdit {
        name: "Renamed".into(),
        initials: String::new(),
        capacity: None,
        provider_ids: vec![raman],
        default_service_id: None,
    };
    let draft = NewAppointment {
        case_id: gather::domain::CaseId(h.case),
        day: "2030-01-08".into(),
        start_time: "10:00".into(),
        minutes: 50,
        service_id: None,
        location: String::new(),
        video_link: String::new(),
        provider_ids: vec![raman],
        repeat: Repeat::Never,
        ends: Ends::After(1),
        confirmed: true,
    };
    let change = AppointmentChange {
        day: "2030-01-09".into(),
        start_time: "11:00".into(),
        minutes: 50,
        location: String::new(),
        video_link: String::new(),
        confirmed: true,
    };
    let person_input = PersonInput {
        legal_name: "Changed Name".into(),
        ..PersonInput::default()
    };
    let doc = Document::paragraph("text");
    let change_request = json!([{
        "person_id": h.person, "choice": null, "base_version": 0, "made_at": 0, "fill_only": false
    }]);
    let (a, c, p, m) = (h.appointment, h.case, h.person, h.membership);

    // (endpoint, arguments, the object the refusal must name)
    let table: Vec<(&str, Value, &str, i64)> = vec![
        ("attendance", json!({"id": a}), "appointment", a),
        (
            "record_attendance",
            json!({"id": a, "changes": change_request, "sent_at": 0}),
            "appointment",
            a,
        ),
        (
            "set_confirmation",
            json!({"id": a, "person": p, "confirmation": "confirmed"}),
            "appointment",
            a,
        ),
        (
            "attendance_history",
            json!({"id": a, "person": p}),
            "appointment",
            a,
        ),
        ("schedule", json!({"draft": draft}), "case", c),
        ("appointment", json!({"id": a}), "appointment", a),
        (
            "change_appointment",
            json!({"id": a, "span": Span::ThisSession, "change": change}),
            "appointment",
            a,
        ),
        (
            "end_series",
            json!({"id": a, "last_day": "2030-01-01"}),
            "appointment",
            a,
        ),
        (
            "cancel_appointment",
            json!({"id": a, "span": Span::ThisSession, "reason": "ill"}),
            "appointment",
            a,
        ),
        ("case_details", json!({"id": c}), "case", c),
        ("update_case", json!({"id": c, "edit": edit}), "case", c),
        (
            "add_member",
            json!({"case": c, "person": p, "joined_on": "2030-01-01"}),
            "case",
            c,
        ),
        (
            "end_membership",
            json!({"membership": m, "left_on": "2030-01-01"}),
            "membership",
            m,
        ),
        (
            "promote_member",
            json!({"membership": m, "joined_on": "2030-01-01"}),
            "membership",
            m,
        ),
        (
            "set_case_payer",
            json!({"case": c, "payer": Payer::SelfPay}),
            "case",
            c,
        ),
        (
            "set_member_payer",
            json!({"membership": m, "payer": null}),
            "membership",
            m,
        ),
        (
            "add_diagnosis",
            json!({"case": c, "person": p, "code": "F41.1", "description": "Anxiety", "noted_on": "2030-01-01"}),
            "case",
            c,
        ),
        ("share_case", json!({"case": c, "with": raman}), "case", c),
        ("note", json!({"id": a}), "appointment", a),
        (
            "start_note",
            json!({"id": a, "template": null}),
            "appointment",
            a,
        ),
        (
            "save_note",
            json!({"id": a, "part": "Group", "base": 0, "doc": doc}),
            "appointment",
            a,
        ),
        ("submit_note", json!({"id": a}), "appointment", a),
        (
            "review_note",
            json!({"id": a, "comments": null}),
            "appointment",
            a,
        ),
        ("note_review", json!({"id": a}), "appointment", a),
        ("lock_note", json!({"id": a}), "appointment", a),
        ("lock_progress", json!({"id": a}), "appointment", a),
        (
            "add_addendum",
            json!({"id": a, "person": null, "doc": doc}),
            "appointment",
            a,
        ),
        ("chart", json!({"person": p}), "person", p),
        (
            "earlier_chart_notes",
            json!({"person": p, "before": {"at": i64::MAX, "id": i64::MAX}}),
            "person",
            p,
        ),
        (
            "take_payment",
            json!({"id": a, "person": p, "payment": {"amount": "5", "method": "cash", "reference": ""}}),
            "appointment",
            a,
        ),
        ("person_profile", json!({"id": p}), "person", p),
        (
            "update_person",
            json!({"id": p, "input": person_input}),
            "person",
            p,
        ),
        (
            "set_person_groups",
            json!({"person": p, "groups": []}),
            "person",
            p,
        ),
    ];
    for (endpoint, args, kind, id) in &table {
        let before = denied_entries(&db, practice, raman).await.len();
        let res = send(
            &app,
            post_json(&format!("/api/{endpoint}"), Some(&cookie), args),
        )
        .await;
        let status = res.status();
        let text = body_text(res).await;
        let err: AppError = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{endpoint}: not an AppError ({e}): {text}"));
        assert_eq!(err, AppError::NotFound, "{endpoint}: {text}");
        assert_eq!(status, StatusCode::NOT_FOUND, "{endpoint}");
        let entries = denied_entries(&db, practice, raman).await;
        assert_eq!(
            entries.len(),
            before + 1,
            "{endpoint}: one refusal, one entry"
        );
        assert!(
            entries.contains(&(kind.to_string(), Some(*id))),
            "{endpoint}: the entry names {kind} {id}: {entries:?}"
        );
    }

    // Practice-wide objects that do not exist are refused and audited the same way, naming
    // what was asked for; a role that may not manage them is refused with a 403, also audited.
    let missing = 987_654_i64;
    let before = denied_entries(&db, practice, owner_id).await.len();
    for (endpoint, args) in [
        ("payer_account", json!({"payer": missing})),
        (
            "take_account_payment",
            json!({"payer": missing, "payment": {"amount": "5", "method": "cash", "reference": ""}, "chosen": []}),
        ),
        (
            "adjust_charge",
            json!({"payer": missing, "charge": 1, "adjustment": {"amount": "5", "reason": "courtesy", "note": ""}}),
        ),
        (
            "refund_payment",
            json!({"payer": missing, "payment": 1, "refund": {"amount": "5", "method": "cash", "reference": "", "reason": "over"}}),
        ),
        (
            "invoice_unbilled",
            json!({"payer": missing, "through": "2020-01-31"}),
        ),
        ("invoice", json!({"id": missing})),
        (
            "void_invoice",
            json!({"id": missing, "reason": "Wrong payer"}),
        ),
        ("receipt", json!({"id": missing})),
        (
            "statement",
            json!({"payer": missing, "from": null, "to": null}),
        ),
        ("save_clinician_npi", json!({"account": missing, "npi": ""})),
        ("retire_service", json!({"id": missing})),
        ("reactivate_service", json!({"id": missing})),
    ] {
        let res = send(
            &app,
            post_json(&format!("/api/{endpoint}"), Some(&owner), &args),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
    let entries = denied_entries(&db, practice, owner_id).await;
    assert_eq!(entries.len(), before + 12);
    assert_eq!(
        entries
            .iter()
            .filter(|e| **e == ("payer_account".to_string(), Some(missing)))
            .count(),
        6
    );
    for kind in ["payment", "account"] {
        assert!(
            entries.contains(&(kind.to_string(), Some(missing))),
            "{kind}: {entries:?}"
        );
    }
    assert_eq!(
        entries
            .iter()
            .filter(|e| **e == ("invoice".to_string(), Some(missing)))
            .count(),
        2
    );
    assert!(entries
        .iter()
        .take(2)
        .all(|e| *e == ("service".to_string(), Some(missing))));

    let before = denied_entries(&db, practice, raman).await.len();
    let res = send(
        &app,
        post_json(
            "/api/retire_service",
            Some(&cookie),
            &json!({"id": missing}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(denied_entries(&db, practice, raman).await.len(), before + 1);
}

async fn errors_carry_their_http_status(db: Db) {
    seeded(&db).await;
    let app = app(&db);
    let provider = sign_in(&app, "provider@riverside.example").await;
    let participant = sign_in(&app, "participant@riverside.example").await;

    let status_and_error = |res: axum::response::Response| async move {
        let status = res.status();
        let text = body_text(res).await;
        let err: AppError =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not an AppError ({e}): {text}"));
        (status, err)
    };

    // Not signed in: 401.
    let (status, err) = status_and_error(
        send(
            &app,
            post_json("/api/case_details", None, &json!({"id": 1})),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, err),
        (StatusCode::UNAUTHORIZED, AppError::NotSignedIn)
    );
    // The other side's account: 403.
    let (status, err) = status_and_error(
        send(
            &app,
            post_json("/api/case_details", Some(&participant), &json!({"id": 1})),
        )
        .await,
    )
    .await;
    assert_eq!((status, err), (StatusCode::FORBIDDEN, AppError::WrongArea));
    // Nothing there: 404.
    let (status, err) = status_and_error(
        send(
            &app,
            post_json(
                "/api/case_details",
                Some(&provider),
                &json!({"id": 987_654}),
            ),
        )
        .await,
    )
    .await;
    assert_eq!((status, err), (StatusCode::NOT_FOUND, AppError::NotFound));
    // Malformed input: 422, a field error, and none of the decoder's words.
    let (status, err) = status_and_error(
        send(
            &app,
            post_json("/api/case_details", Some(&provider), &json!({"id": "zz"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::InvalidInput { field, message } = err else {
        panic!("{err:?}")
    };
    assert_eq!(field, "form");
    assert!(!message.contains("invalid type"), "{message}");
    let (status, err) = status_and_error(
        send(
            &app,
            post_json("/api/case_details", Some(&provider), &json!({})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        matches!(err, AppError::InvalidInput { ref field, .. } if field == "id"),
        "{err:?}"
    );
    // Invalid values: 422 naming the field.
    let (status, err) = status_and_error(
        send(
            &app,
            post_json(
                "/api/save_missed_fees",
                Some(&sign_in(&app, "owner@riverside.example").await),
                &json!({"no_show": "lots", "late_cancel": "1"}),
            ),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        matches!(err, AppError::InvalidInput { ref field, .. } if field == "no_show_fee"),
        "{err:?}"
    );
    // A permission the role lacks: 403.
    let (status, err) = status_and_error(
        send(
            &app,
            post_json(
                "/api/save_missed_fees",
                Some(&provider),
                &json!({"no_show": "1", "late_cancel": "1"}),
            ),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(matches!(err, AppError::Forbidden(_)), "{err:?}");
    // A wrong password: 401.
    let res = send(
        &app,
        Request::post("/api/sign_in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from("email=owner%40riverside.example&password=wrong"))
            .expect("request"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Success is still 200.
    let res = send(&app, post("/api/staff_viewer", Some(&provider), "")).await;
    assert_eq!(res.status(), StatusCode::OK);

    // Every answer names its request, so a user's report can be found in the log: a plain
    // id from a proxy is kept, anything that could forge a log line is replaced.
    let id_of = |res: &axum::response::Response| {
        res.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let made = id_of(&res).expect("a request id");
    let next = send(&app, post("/api/staff_viewer", Some(&provider), "")).await;
    assert_ne!(id_of(&next).expect("a request id"), made, "ids are unique");
    let with_id = |id: &str| {
        let mut req = post("/api/staff_viewer", Some(&provider), "");
        req.headers_mut()
            .insert("x-request-id", id.parse().expect("header"));
        req
    };
    let kept = send(&app, with_id("proxy-42_a")).await;
    assert_eq!(id_of(&kept).as_deref(), Some("proxy-42_a"));
    let forged = send(&app, with_id("x\" level=error msg=\"forged")).await;
    let replaced = id_of(&forged).expect("a request id");
    assert!(!replaced.contains('"'), "{replaced}");
}

/// `AppError::Internal` tells the user nothing, so its cause must reach the log: it is only
/// built by `AppError::internal(cause)`, which logs where and why. Elsewhere the variant may
/// only be matched.
#[test]
fn internal_errors_are_built_with_their_cause() {
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut bare = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("src/error.rs")) {
        let text = std::fs::read_to_string(file).expect("source");
        for (n, line) in text.lines().enumerate() {
            let matched_only =
                line.contains(" @ (") || line.contains("=>") || line.contains("matches!");
            if line.contains("AppError::Internal") && !matched_only {
                bare.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        bare.is_empty(),
        "bare internal errors:\n{}",
        bare.join("\n")
    );
}

/// Lets a test write a value the schema's CHECKs refuse, as a corrupt or newer row would
/// hold: SQLite ignores CHECKs for the connection; Postgres drops the table's CHECKs.
async fn without_checks(db: &Db, c: gather::server::db::Conn<'_>, table: &str) {
    on_conn!(c, |c| {
        match db.engine() {
            gather::server::db::Engine::Sqlite => {
                sqlx::query("PRAGMA ignore_check_constraints = ON")
                    .execute(&mut *c)
                    .await
                    .expect("pragma");
            }
            gather::server::db::Engine::Postgres => {
                sqlx::query(&format!(
                    "DO $$ DECLARE r record; BEGIN
                       FOR r IN SELECT conname FROM pg_constraint
                                 WHERE conrelid = '{table}'::regclass AND contype = 'c' LOOP
                         EXECUTE format('ALTER TABLE {table} DROP CONSTRAINT %I', r.conname);
                       END LOOP;
                     END $$"
                ))
                .execute(&mut *c)
                .await
                .expect("drop checks");
            }
        }
    });
}

/// A stored kind, status or choice that names no value of its type (a corrupt or newer
/// row) fails the read loudly, as a logged internal error, instead of quietly becoming
/// another value: a corrupt case kind read as "individual" would gain the clinical
/// workflow, a corrupt payer would bill the client, a corrupt attendance choice would read
/// as "not recorded", a cancelled session as scheduled.
async fn a_corrupt_row_fails_loudly(db: Db) {
    seeded(&db).await;
    let app = app(&db);
    let owner = sign_in(&app, "owner@riverside.example").await;
    let h = hidden_from_raman(&db).await;
    let (a, c) = (h.appointment, h.case);
    // Someone's attendance must be stored for the choice to be corrupted.
    let res = send(
        &app,
        post_json(
            "/api/record_attendance",
            Some(&owner),
            &json!({"id": a, "sent_at": 0, "changes": [{
                "person_id": h.person, "choice": {"type": "no_show"}, "base_version": 0,
                "made_at": 0, "fill_only": false
            }]}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);

    // (table, column, the row, the call that must fail once that column is corrupt)
    let membership = format!("id = {}", h.membership);
    let table: Vec<(&str, &str, String, &str, Value)> = vec![
        (
            "cases",
            "kind",
            format!("id = {c}"),
            "case_details",
            json!({"id": c}),
        ),
        (
            "cases",
            "payer_kind",
            format!("id = {c}"),
            "case_details",
            json!({"id": c}),
        ),
        (
            "memberships",
            "status",
            membership,
            "case_details",
            json!({"id": c}),
        ),
        (
            "appointments",
            "status",
            format!("id = {a}"),
            "appointment",
            json!({"id": a}),
        ),
        (
            "attendance",
            "choice",
            format!("appointment_id = {a}"),
            "attendance",
            json!({"id": a}),
        ),
        (
            "attendance",
            "confirmation",
            format!("appointment_id = {a}"),
            "attendance",
            json!({"id": a}),
        ),
    ];
    for (name, column, row, endpoint, args) in table {
        let what = format!("{name}.{column} where {row}");
        let path = format!("/api/{endpoint}");
        let res = send(&app, post_json(&path, Some(&owner), &args)).await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{endpoint} before corrupting {what}"
        );

        let mut conn = db.acquire().await.expect("conn");
        without_checks(&db, conn.conn(), name).await;
        let good: String = on_conn!(conn.conn(), |x| {
            let good = sqlx::query_scalar(&format!("SELECT {column} FROM {name} WHERE {row}"))
                .fetch_one(&mut *x)
                .await
                .expect("the stored value");
            sqlx::query(&format!(
                "UPDATE {name} SET {column} = 'mystery' WHERE {row}"
            ))
            .execute(&mut *x)
            .await
            .expect("corrupt");
            good
        });
        drop(conn);

        let res = send(&app, post_json(&path, Some(&owner), &args)).await;
        assert_eq!(
            res.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "{endpoint} with corrupt {what}"
        );
        let err: AppError = serde_json::from_str(&body_text(res).await).expect("error json");
        assert_eq!(err, AppError::Internal, "{what}");

        // Put the good value back, so each case tests one corrupt column.
        let mut conn = db.acquire().await.expect("conn");
        on_conn!(conn.conn(), |x| {
            sqlx::query(&format!("UPDATE {name} SET {column} = $1 WHERE {row}"))
                .bind(&good)
                .execute(&mut *x)
                .await
                .expect("restore");
        });
    }
}

on_both_engines!(
    a_corrupt_row_fails_loudly,
    every_refusal_of_an_object_is_audited,
    errors_carry_their_http_status,
);
