//! Attendance against a real database: 200 concurrent changes lose nothing, attendance
//! stays on the session's roster and in the caller's practice, charges follow the
//! practice's fees, conflicts between an offline device and a newer change resolve to the
//! newer one with both kept, and on Postgres a change reaches a second server process.

use crate::common::fixtures::{group, person, practice, schedule_on, service, session_with};
use crate::on_both_engines;
use chrono::Duration;
use gather::access::{answer, SignedIn};
use gather::attendance::hub::Message;
use gather::attendance::live::Live;
use gather::attendance::server as attendance;
use gather::attendance::{ChangeOutcome, ChangeRequest, LiveEvent, RowState};
use gather::audit::repo as audit;
use gather::calendar::server as calendar;
use gather::calendar::Span;
use gather::cases::server as cases;
use gather::domain::attendance::{Choice, Confirmation};
use gather::domain::cases::CaseKind;
use gather::domain::{AppointmentId, PersonId};
use gather::error::AppError;
use gather::server::db::{now_ms, Db, Pool};
use std::collections::HashMap;

/// Audit entries of a practice about one object.
async fn audit_for(
    db: &Db,
    practice: gather::domain::PracticeId,
    kind: &str,
    id: i64,
) -> Vec<gather::audit::AuditEntry> {
    let mut c = db.acquire().await.expect("conn");
    audit::recent_for_practice(c.conn(), practice, 100_000)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.object_kind == kind && e.object_id == Some(id))
        .collect()
}

fn change(person: PersonId, choice: Option<Choice>, base_version: i64) -> ChangeRequest {
    ChangeRequest {
        person_id: person,
        choice,
        base_version,
        made_at: now_ms(),
        fill_only: false,
    }
}

async fn rows(db: &Db, who: &SignedIn, id: AppointmentId) -> HashMap<PersonId, RowState> {
    attendance::sheet(db, who, id)
        .await
        .expect("sheet")
        .rows
        .into_iter()
        .map(|r| (r.state.person_id, r.state))
        .collect()
}

async fn history_len(db: &Db, who: &SignedIn, id: AppointmentId, p: PersonId) -> usize {
    attendance::history(db, who, id, p)
        .await
        .expect("history")
        .len()
}

/// Waits (at most 10 s) until the live stream has said every person's latest version.
async fn heard(rx: &mut tokio::sync::broadcast::Receiver<Message>, want: &HashMap<PersonId, i64>) {
    let mut seen: HashMap<PersonId, i64> = HashMap::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while want.iter().any(|(p, v)| seen.get(p) != Some(v)) {
        let message = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("every change heard live within 10 s")
            .expect("stream open");
        if let Message::Changed(json) = message {
            match serde_json::from_str::<LiveEvent>(&json).expect("event") {
                LiveEvent::Changed(rows) | LiveEvent::Snapshot(rows) => {
                    for r in rows {
                        let v = seen.entry(r.person_id).or_default();
                        *v = (*v).max(r.version);
                    }
                }
            }
        }
    }
}

async fn concurrent_changes_lose_nothing(db: Db) {
    let p = practice(&db, "concurrent").await;
    let who = p.provider.clone();
    let default = service(&db, &p, "90853").await;
    let (case, id, people) = session_with(&db, &who, "CON", 20, default).await;
    let live = Live::start(&db);
    let mut rx = live.subscribe(id);
    // The co-leader works from another account at the same time.
    cases::share_case(&db, &who, case, p.other_provider.account_id)
        .await
        .expect("share");
    let colleague = p.other_provider.clone();
    // On Postgres the colleague's server is another process with a writer of its own, so
    // the two writers race for the same rows. (SQLite is one process: one writer.)
    let elsewhere = match db.pool() {
        Pool::Postgres(_) => Live::start(&db),
        Pool::Sqlite(_) => live.clone(),
    };
    let choices = [
        Some(Choice::Attended(default)),
        Some(Choice::NoShow),
        Some(Choice::LateCancel),
        Some(Choice::AttendedNoFee),
        None,
        Some(Choice::AbsentNoFee),
    ];
    let mut tasks = Vec::new();
    for i in 0..200usize {
        let (who, live) = if i % 2 == 0 {
            (&who, &live)
        } else {
            (&colleague, &elsewhere)
        };
        let (live, who) = (live.clone(), who.clone());
        let person = people[i % people.len()];
        let choice = choices[(i * 7 + i / people.len()) % choices.len()];
        tasks.push(tokio::spawn(async move {
            // Every device starts from version 0: most of these conflict, as offline
            // phones coming back at once would.
            let request = change(person, choice, 0);
            let out = attendance::record_changes(&live, &who, id, &[request], now_ms())
                .await
                .expect("record");
            (person, out.into_iter().next().expect("one outcome"))
        }));
    }
    let mut last_applied: HashMap<PersonId, RowState> = HashMap::new();
    for t in tasks {
        let (person, outcome) = t.await.expect("task");
        if let ChangeOutcome::Stored(row) = outcome {
            let best = last_applied.entry(person).or_insert_with(|| row.clone());
            if row.version > best.version {
                *best = row;
            }
        }
    }
    let stored = rows(&db, &who, id).await;
    let mut changes_in_history = 0;
    for p in &people {
        let row = &stored[p];
        let last = last_applied.get(p).expect("some change applied");
        assert_eq!(
            row.version, last.version,
            "final version is the last accepted"
        );
        assert_eq!(row.choice, last.choice, "final choice is the last accepted");
        let h = attendance::history(&db, &who, id, *p)
            .await
            .expect("history");
        // Every applied change is one version: none lost between them.
        let applied = h.iter().filter(|e| !e.superseded).count() as i64;
        assert_eq!(
            applied, row.version,
            "one applied history entry per version"
        );
        changes_in_history += h.len();
    }
    // Unchanged ones (a change to what was already stored) are not changes; all others are kept.
    let unchanged = 200 - changes_in_history;
    assert!(unchanged < 200, "most were changes");
    let entries = audit_for(&db, p.id, "attendance", id.0).await;
    assert_eq!(
        entries.iter().filter(|e| e.action == "update").count(),
        changes_in_history,
        "one audit entry per change"
    );
    // Every screen hears the final state of every participant.
    let want: HashMap<PersonId, i64> = stored.iter().map(|(p, r)| (*p, r.version)).collect();
    heard(&mut rx, &want).await;
}

async fn attendance_stays_on_the_roster_and_in_the_practice(db: Db) {
    let p = practice(&db, "roster").await;
    let who = p.provider.clone();
    let default = service(&db, &p, "90853").await;
    let (case, id, people) = session_with(&db, &who, "ROS", 3, default).await;
    let live = Live::start(&db);
    let stranger = person(&db, &who, "Not In Group").await;

    // Someone not on the roster: refused, with the batch's other change not written.
    let err = attendance::record_changes(
        &live,
        &who,
        id,
        &[
            change(people[0], Some(Choice::NoShow), 0),
            change(stranger, Some(Choice::NoShow), 0),
        ],
        now_ms(),
    )
    .await
    .expect_err("not on roster");
    assert!(
        matches!(err, AppError::InvalidInput { ref field, .. } if field == "person"),
        "{err:?}"
    );
    assert_eq!(rows(&db, &who, id).await[&people[0]].version, 0);
    assert_eq!(history_len(&db, &who, id, people[0]).await, 0);

    // Refused requests arriving together with good ones (the writer may take them into one
    // transaction): each refused one leaves nothing, each good one is stored.
    let mut tasks = Vec::new();
    for i in 0..12usize {
        let (live, who) = (live.clone(), who.clone());
        let member = people[i % people.len()];
        let mut batch = vec![change(member, Some(Choice::LateCancel), 0)];
        if i % 3 == 0 {
            batch.push(change(stranger, Some(Choice::NoShow), 0));
        }
        tasks.push(tokio::spawn(async move {
            let result = attendance::record_changes(&live, &who, id, &batch, now_ms()).await;
            (i, result)
        }));
    }
    let mut stored_requests = 0;
    for t in tasks {
        let (i, result) = t.await.expect("task");
        if i % 3 == 0 {
            assert!(
                matches!(result, Err(AppError::InvalidInput { .. })),
                "{result:?}"
            );
        } else {
            assert!(result.is_ok(), "{result:?}");
            stored_requests += 1;
        }
    }
    assert_eq!(stored_requests, 8);
    // people[0] appears only in refused requests (i = 0, 3, 6, 9).
    assert_eq!(rows(&db, &who, id).await[&people[0]].version, 0);
    assert_eq!(history_len(&db, &who, id, people[0]).await, 0);
    for p in &people[1..] {
        assert_eq!(
            rows(&db, &who, id).await[p].choice,
            Some(Choice::LateCancel)
        );
    }

    // A member who left before the session's day is not on its roster either.
    let left = person(&db, &who, "Left Early").await;
    cases::add_member(&db, &who, case, left, who.today() - Duration::days(60))
        .await
        .expect("member");
    let membership = cases::case_details(&db, &who, case)
        .await
        .expect("case")
        .members
        .into_iter()
        .find(|m| m.person_id == left)
        .expect("membership")
        .membership_id;
    cases::end_membership(&db, &who, membership, who.today() - Duration::days(10))
        .await
        .expect("end");
    let err = attendance::record_changes(
        &live,
        &who,
        id,
        &[change(left, Some(Choice::NoShow), 0)],
        now_ms(),
    )
    .await
    .expect_err("left");
    assert!(matches!(err, AppError::InvalidInput { .. }));

    // Another practice's provider, and a provider here who may not see the case: not found,
    // and audited as refused.
    let q = practice(&db, "elsewhere").await;
    for outsider in [&q.provider, &p.other_provider] {
        // Answered as the server functions answer, so refusals are audited.
        let err = answer(
            &db,
            outsider,
            attendance::record_changes(
                &live,
                outsider,
                id,
                &[change(people[0], Some(Choice::NoShow), 0)],
                now_ms(),
            ),
        )
        .await
        .expect_err("outsider");
        assert_eq!(err, AppError::NotFound);
        assert_eq!(
            answer(&db, outsider, attendance::sheet(&db, outsider, id))
                .await
                .expect_err("sheet"),
            AppError::NotFound
        );
        assert_eq!(
            answer(
                &db,
                outsider,
                attendance::set_confirmation(
                    &db,
                    &live,
                    outsider,
                    id,
                    people[0],
                    Confirmation::Confirmed
                )
            )
            .await
            .expect_err("confirmation"),
            AppError::NotFound
        );
    }
    for practice in [p.id, q.id] {
        let denied = audit_for(&db, practice, "appointment", id.0).await;
        assert!(denied.iter().filter(|e| e.outcome == "denied").count() >= 3);
    }
    assert_eq!(rows(&db, &who, id).await[&people[0]].version, 0);

    // A psychotherapy code can't be recorded for a workshop.
    let mut w = group(CaseKind::Workshop, "Parenting workshop", "PWS", &who, None);
    w.name = "Parenting workshop".into();
    let workshop = cases::create_case(&db, &who, w).await.expect("workshop");
    let attendee = person(&db, &who, "Workshop Attendee").await;
    cases::add_member(
        &db,
        &who,
        workshop,
        attendee,
        who.today() - Duration::days(3),
    )
    .await
    .expect("member");
    let session = schedule_on(&db, &who, workshop, who.today()).await;
    let err = attendance::record_changes(
        &live,
        &who,
        session,
        &[change(attendee, Some(Choice::Attended(default)), 0)],
        now_ms(),
    )
    .await
    .expect_err("psychotherapy on a workshop");
    assert!(matches!(err, AppError::InvalidInput { ref field, .. } if field == "service"));
    let sheet = attendance::sheet(&db, &who, session).await.expect("sheet");
    assert!(sheet
        .attended_options
        .iter()
        .all(|o| o.choice.service() != Some(default)));

    // A cancelled session takes no attendance.
    let cancelled = schedule_on(&db, &who, case, who.today() + Duration::days(1)).await;
    calendar::cancel_appointment(&db, &who, cancelled, Span::ThisSession, "Snow day")
        .await
        .expect("cancel");
    let err = attendance::record_changes(
        &live,
        &who,
        cancelled,
        &[change(people[0], Some(Choice::NoShow), 0)],
        now_ms(),
    )
    .await
    .expect_err("cancelled");
    assert!(matches!(err, AppError::Conflict(_)));

    // Once attendance is recorded the roster is kept: someone joining later is not on it.
    attendance::record_changes(
        &live,
        &who,
        id,
        &[change(people[0], Some(Choice::Attended(default)), 0)],
        now_ms(),
    )
    .await
    .expect("record");
    let late = person(&db, &who, "Joined Later").await;
    cases::add_member(&db, &who, case, late, who.today() - Duration::days(1))
        .await
        .expect("member");
    let names: Vec<PersonId> = attendance::sheet(&db, &who, id)
        .await
        .expect("sheet")
        .rows
        .into_iter()
        .map(|r| r.state.person_id)
        .collect();
    assert_eq!(names.len(), 3);
    assert!(!names.contains(&late));
}

async fn charges_history_and_conflicts(db: Db) {
    let p = practice(&db, "charges").await;
    let who = p.provider.clone();
    let default = service(&db, &p, "90853").await;
    let (case, id, people) = session_with(&db, &who, "CHG", 3, default).await;
    let live = Live::start(&db);
    cases::share_case(&db, &who, case, p.other_provider.account_id)
        .await
        .expect("share");
    let colleague = p.other_provider.clone();

    // Only owners and admins set fees; bad amounts are refused by field.
    assert!(matches!(
        attendance::save_missed_fees(&db, &who, "40", "25").await,
        Err(AppError::Forbidden(_))
    ));
    let err = attendance::save_missed_fees(&db, &p.owner, "4000", "25")
        .await
        .expect_err("too much");
    assert!(matches!(err, AppError::InvalidInput { ref field, .. } if field == "no_show_fee"));
    let fees = attendance::save_missed_fees(&db, &p.owner, "40", "$25.00")
        .await
        .expect("fees");
    assert_eq!((fees.no_show_cents, fees.late_cancel_cents), (4_000, 2_500));

    let record = |who: &SignedIn, c: ChangeRequest| {
        let (live, who) = (live.clone(), who.clone());
        async move {
            attendance::record_changes(&live, &who, id, &[c], now_ms())
                .await
                .expect("record")
                .remove(0)
        }
    };
    let [ana, ben, cy] = [people[0], people[1], people[2]];
    // Every choice's charge, and any choice can become any other, No fee included.
    let other = service(&db, &p, "90834").await;
    for (choice, cents) in [
        (Some(Choice::Attended(default)), 6_000),
        (Some(Choice::AttendedNoFee), 0),
        (Some(Choice::Attended(other)), 13_000),
        (Some(Choice::LateCancel), 2_500),
        (Some(Choice::NoShow), 4_000),
        (Some(Choice::AbsentNoFee), 0),
        (None, 0),
        (Some(Choice::Attended(default)), 6_000),
    ] {
        let base = rows(&db, &who, id).await[&ana].version;
        let out = record(&who, change(ana, choice, base)).await;
        assert_eq!(out.row().choice, choice);
        assert_eq!(out.row().charge_cents, cents, "{choice:?}");
    }
    let h = attendance::history(&db, &who, id, ana)
        .await
        .expect("history");
    assert_eq!(h.len(), 8);
    assert_eq!(h[0].from, "Not set");
    assert_eq!(h[0].to, "Attended (90853)");
    assert_eq!(h[3].to, "Late cancel");
    assert_eq!(h[3].charge_cents, 2_500);
    assert_eq!(h[6].to, "Not set");
    assert!(h.iter().all(|e| e.who == who.display_name && !e.superseded));

    // Mark all attended fills only those without a choice.
    let ben_before = record(&colleague, change(ben, Some(Choice::LateCancel), 0)).await;
    assert_eq!(ben_before.row().charge_cents, 2_500);
    for person in [ana, ben, cy] {
        let mut c = change(person, Some(Choice::Attended(default)), 0);
        c.fill_only = true;
        record(&who, c).await;
    }
    let now = rows(&db, &who, id).await;
    assert_eq!(now[&ben].choice, Some(Choice::LateCancel));
    assert_eq!(now[&cy].choice, Some(Choice::Attended(default)));
    assert_eq!(now[&cy].charge_cents, 6_000);

    // A phone offline since before the colleague's change: the colleague's newer change
    // stands, visibly, and the phone's is kept as superseded.
    let cy_version = now[&cy].version;
    let mut stale = change(cy, Some(Choice::NoShow), cy_version);
    stale.made_at = now_ms() - 60_000;
    let newer = record(
        &colleague,
        change(cy, Some(Choice::AttendedNoFee), cy_version),
    )
    .await;
    assert!(matches!(newer, ChangeOutcome::Stored(_)));
    let out = record(&who, stale).await;
    let ChangeOutcome::Superseded { row, message } = out else {
        panic!("expected superseded, got {out:?}")
    };
    assert_eq!(row.choice, Some(Choice::AttendedNoFee));
    assert!(message.contains(&colleague.display_name), "{message}");
    // A change made after the colleague's, on the same old version, is newer and applies.
    let later = record(&who, change(cy, Some(Choice::NoShow), cy_version)).await;
    assert_eq!(later.row().choice, Some(Choice::NoShow));
    let h = attendance::history(&db, &who, id, cy)
        .await
        .expect("history");
    assert_eq!(h.iter().filter(|e| e.superseded).count(), 1);
    assert_eq!(h.len(), 4);

    // A queued change's time is placed by the device's clock, corrected for its error.
    let slow_clock = 5 * 60_000;
    let mut queued = change(
        ana,
        Some(Choice::NoShow),
        rows(&db, &who, id).await[&ana].version,
    );
    queued.made_at = now_ms() - 3 * 60_000 - slow_clock;
    attendance::record_changes(&live, &who, id, &[queued], now_ms() - slow_clock)
        .await
        .expect("queued");
    let h = attendance::history(&db, &who, id, ana)
        .await
        .expect("history");
    assert!(h.last().expect("entry").queued);

    // Confirmations are kept beside attendance and don't move its version.
    let before = rows(&db, &who, id).await[&ben].version;
    let state = attendance::set_confirmation(&db, &live, &who, id, ben, Confirmation::Declined)
        .await
        .expect("confirm");
    assert_eq!(state.confirmation, Confirmation::Declined);
    assert_eq!(state.version, before);
}

/// "Mark all attended" on a 200-participant session is one request: every row is stored,
/// each with its history line and audit entry, and every screen hears all 200 (on Postgres
/// the rows outgrow one notification and travel as several).
async fn marking_a_large_session_reaches_every_screen(db: Db) {
    let p = practice(&db, "large").await;
    let who = p.provider.clone();
    let default = service(&db, &p, "90853").await;
    let (_, id, people) = session_with(&db, &who, "BIG", 200, default).await;
    let live = Live::start(&db);
    let mut rx = live.subscribe(id);
    let all: Vec<ChangeRequest> = people
        .iter()
        .map(|p| ChangeRequest {
            fill_only: true,
            ..change(*p, Some(Choice::Attended(default)), 0)
        })
        .collect();
    let out = attendance::record_changes(&live, &who, id, &all, now_ms())
        .await
        .expect("mark all");
    assert_eq!(out.len(), 200);
    assert!(out
        .iter()
        .all(|o| matches!(o, ChangeOutcome::Stored(r) if r.version == 1)));
    let want: HashMap<PersonId, i64> = people.iter().map(|p| (*p, 1)).collect();
    heard(&mut rx, &want).await;
    let stored = rows(&db, &who, id).await;
    assert!(people
        .iter()
        .all(|p| stored[p].choice == Some(Choice::Attended(default))));
    assert_eq!(history_len(&db, &who, id, people[199]).await, 1);
    let entries = audit_for(&db, p.id, "attendance", id.0).await;
    assert_eq!(entries.iter().filter(|e| e.action == "update").count(), 200);
}

on_both_engines!(
    marking_a_large_session_reaches_every_screen,
    concurrent_changes_lose_nothing,
    attendance_stays_on_the_roster_and_in_the_practice,
    charges_history_and_conflicts,
);

/// On Postgres a change made through one server process reaches a screen connected to
/// another process on the same database, through the database's own notifications.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_changes_reach_another_server_process() {
    let Some(t) = crate::common::TestDb::postgres().await else {
        return;
    };
    let url = t.url().to_string();
    crate::common::run(t, |db| two_processes(db, url)).await;
}

async fn two_processes(db: Db, url: String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let p = practice(&db, "two-processes").await;
    let who = p.provider.clone();
    let default = service(&db, &p, "90853").await;
    let (_, id, people) = session_with(&db, &who, "TWO", 2, default).await;

    // A real session for the provider, so the other process accepts the cookie.
    let token = gather::auth::server::new_session_token();
    {
        let mut c = db.acquire().await.expect("conn");
        gather::auth::repo::insert_session(
            c.conn(),
            &gather::auth::server::hash_token(&token),
            who.account_id,
            who.practice_id,
            now_ms(),
        )
        .await
        .expect("session");
    }

    // The second process: the gather binary on a free port, on the same database.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        l.local_addr().expect("addr").port()
    };
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_gather"))
        .env("GATHER_ADDR", format!("127.0.0.1:{port}"))
        .env("GATHER_DATABASE_URL", &url)
        .env("GATHER_DEMO", "false")
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start a second server process");

    let mut stream = None;
    for _ in 0..300 {
        if let Ok(s) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            stream = Some(s);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut stream = stream.expect("the second process listens");
    let request = format!(
        "GET /live/sessions/{} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nCookie: {}={token}\r\n\r\n",
        id.0,
        gather::auth::server::SESSION_COOKIE
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut seen = String::new();
    let mut buf = [0u8; 8192];
    // First the snapshot...
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !seen.contains("event: snapshot") {
        let n = tokio::time::timeout_at(deadline, stream.read(&mut buf))
            .await
            .expect("snapshot in time")
            .expect("read");
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");

    // ...then a change made in this process arrives through the other one.
    let live = Live::start(&db);
    attendance::record_changes(
        &live,
        &who,
        id,
        &[change(people[1], Some(Choice::LateCancel), 0)],
        now_ms(),
    )
    .await
    .expect("record");
    seen.clear();
    while !(seen.contains("event: changed") && seen.contains("late_cancel")) {
        let n = tokio::time::timeout_at(deadline, stream.read(&mut buf))
            .await
            .expect("change heard by the other process in time")
            .expect("read");
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(
        seen.contains(&format!("\"person_id\":{}", people[1].0)),
        "{seen}"
    );
    let _ = child.kill().await;
}
