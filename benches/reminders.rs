//! The time to plan a week's reminders for a practice with 1,000 participants in 60 groups
//! (every group meeting once in the coming week), then to re-plan with nothing changed, as
//! the worker does every two minutes, and to send the week's reminders (checking each at
//! send time and writing its email to the outbox) in hourly passes.
//! On SQLite and on Postgres when it is reachable.
//!
//! A benchmark, not a test: it prints figures. Run with `scripts/bench` or
//! `cargo bench --features ssr --bench reminders`.

mod support;

use gather::cases::NewCase;
use gather::domain::billing::Payer;
use gather::domain::cases::CaseKind;
use gather::domain::people::PersonInput;
use gather::reminders::server::{plan_practice, send_due};
use gather::server::db::{now_ms, Db};
use std::time::Instant;

const PEOPLE: usize = 1_000;
const GROUPS: usize = 60;

async fn measure(engine: &'static str, db: &Db) {
    let p = support::provider(db).await;
    let who = &p.who;
    let joined = who.today() - chrono::Duration::days(30);
    let mut cases = Vec::with_capacity(GROUPS);
    for g in 0..GROUPS {
        let case = gather::cases::server::create_case(
            db,
            who,
            NewCase {
                kind: CaseKind::TherapyGroup,
                name: format!("Group {g:02}"),
                initials: format!("G{g:02}"),
                capacity: None,
                provider_ids: vec![who.account_id],
                default_service_id: Some(p.group_service),
                participant_ids: vec![],
                payer: Payer::SelfPay,
            },
        )
        .await
        .expect("group");
        cases.push(case);
    }
    for i in 0..PEOPLE {
        let person = gather::people::server::create_person(
            db,
            who,
            &PersonInput {
                legal_name: format!("Participant {i:04}"),
                email: format!("p{i}@bench.example"),
                ..Default::default()
            },
        )
        .await
        .expect("person");
        gather::cases::server::add_member(db, who, cases[i % GROUPS], person, joined)
            .await
            .expect("member");
    }
    // Each group meets once in the next week, on its own day.
    for (g, &case) in cases.iter().enumerate() {
        let day = who.today() + chrono::Duration::days(1 + (g % 7) as i64);
        support::session(db, &p, case, day).await;
    }
    let tz = who.time_zone;
    let now = now_ms();

    let start = Instant::now();
    let first = plan_practice(db, who.practice_id, tz, now)
        .await
        .expect("plan");
    let planning = start.elapsed();
    let start = Instant::now();
    let again = plan_practice(db, who.practice_id, tz, now)
        .await
        .expect("plan");
    let replanning = start.elapsed();
    assert_eq!(again, Default::default(), "nothing changed");
    // The week's sending, as the worker does it: a pass every hour of the week (the worker
    // looks every 20 seconds; the passes in between find nothing due).
    let start = Instant::now();
    let mut emails = 0;
    let mut skipped = 0;
    for hour in 1..=8 * 24 {
        let pass = send_due(db, "http://127.0.0.1:3000", now + hour * 3_600_000)
            .await
            .expect("send");
        emails += pass.emails;
        skipped += pass.skipped;
    }
    let sending = start.elapsed();
    println!(
        "  {engine:<8} plan a week: {:>7.1} ms ({} reminders); re-plan, nothing changed: {:>6.1} ms; \
         a week's sending, hourly passes: {} emails ({} skipped) in {:>7.1} ms",
        planning.as_secs_f64() * 1e3,
        first.added,
        replanning.as_secs_f64() * 1e3,
        emails,
        skipped,
        sending.as_secs_f64() * 1e3,
    );
}

fn main() {
    println!(
        "== reminders: {PEOPLE} participants in {GROUPS} groups, one session each in the next week"
    );
    support::on_each_engine("reminders", |engine, db| Box::pin(measure(engine, db)));
}
