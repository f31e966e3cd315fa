//! Billing at a practice's scale, through the same server code the billing screens call:
//!  - "Invoice unbilled" for a month of a practice with 20 therapy groups (12 members each,
//!    weekly) and a sponsor's workshop of 200 participants meeting every weekday: about
//!    5,000 billable items, brought up to date with attendance and issued as one invoice per
//!    payer in one transaction (issue 15's target: under 2 s);
//!  - a statement for a payer with two years of history: 104 weekly sessions, invoiced
//!    monthly, paid monthly (target: under 50 ms).
//!
//! On SQLite, and on Postgres when it is reachable (GATHER_TEST_POSTGRES_URL or the local
//! server). Each engine gets a fresh database. A batch run bills everything it finds, so it
//! is timed once per engine; the statement is the median of several.
//!
//! A benchmark, not a test: it prints figures. Run with `scripts/bench` or
//! `cargo bench --features ssr --bench billing`.

use chrono::{Datelike, Duration as Days, NaiveDate};
use gather::access::SignedIn;
use gather::attendance::live::Live;
use gather::billing::PaymentInput;
use gather::cases::NewCase;
use gather::domain::billing::{Payer, PaymentMethod};
use gather::domain::cases::CaseKind;
use gather::domain::PersonId;
use gather::server::db::Db;
use std::time::{Duration, Instant};

mod support;

const GROUPS: usize = 20;
const GROUP_MEMBERS: usize = 12;
const WORKSHOP_PARTICIPANTS: usize = 200;
const STATEMENT_RUNS: usize = 21;

fn group(p: &support::Provider, name: String, initials: String) -> NewCase {
    NewCase {
        kind: CaseKind::TherapyGroup,
        name,
        initials,
        capacity: None,
        provider_ids: vec![p.who.account_id],
        default_service_id: Some(p.group_service),
        participant_ids: vec![],
        payer: Payer::SelfPay,
    }
}

/// A month of the practice's sessions, attended; answers how many charges it made.
async fn a_month(db: &Db, live: &Live, p: &support::Provider, today: NaiveDate) -> usize {
    let who = &p.who;
    let joined = today - Days::days(60);
    let mut items = 0;
    for g in 0..GROUPS {
        let (case, members) = support::case_of(
            db,
            p,
            group(p, format!("Group {g}"), format!("G{g:02}")),
            GROUP_MEMBERS,
            joined,
        )
        .await;
        for week in 1..=4 {
            let day = today - Days::days(7 * week + (g as i64 % 5));
            let id = support::session(db, p, case, day).await;
            support::attended(live, who, id, &members, p.group_service).await;
            items += members.len();
        }
    }
    // The workshop's sponsor pays for everyone.
    let sponsor = gather::people::server::create_person(
        db,
        who,
        &gather::domain::people::PersonInput {
            kind: Some(gather::domain::people::PersonKind::Organization),
            legal_name: "Harbor Schools Employee Assistance".into(),
            ..Default::default()
        },
    )
    .await
    .expect("sponsor");
    let mut c = db.acquire().await.expect("conn");
    let skills = gather::services::repo::by_code(c.conn(), who.practice_id, "99404")
        .await
        .expect("q")
        .expect("99404")
        .id;
    drop(c);
    let workshop = NewCase {
        kind: CaseKind::Workshop,
        name: "Parenting skills".into(),
        initials: "WS".into(),
        default_service_id: Some(skills),
        payer: Payer::Organization(sponsor.0),
        ..group(p, String::new(), String::new())
    };
    let (case, participants) =
        support::case_of(db, p, workshop, WORKSHOP_PARTICIPANTS, joined).await;
    let mut day = today - Days::days(30);
    while day < today {
        if day.weekday().num_days_from_monday() < 5 {
            let id = support::session_of(db, p, case, day, Some(skills)).await;
            support::attended(live, who, id, &participants, skills).await;
            items += participants.len();
        }
        day += Days::days(1);
    }
    items
}

/// A payer with two years of weekly sessions, invoiced at each month's end and paid in
/// full a little later; answers the payer.
async fn two_years(
    db: &Db,
    live: &Live,
    p: &support::Provider,
    admin: &SignedIn,
    today: NaiveDate,
) -> PersonId {
    let who = &p.who;
    let start = today - Days::days(7 * 105);
    let (case, members) =
        support::case_of(db, p, group(p, "Long group".into(), "LG".into()), 1, start).await;
    let payer = members[0];
    let mut month_end = None;
    for week in (1..=104).rev() {
        let day = today - Days::days(7 * week);
        let id = support::session(db, p, case, day).await;
        support::attended(live, who, id, &members, p.group_service).await;
        let next = day + Days::days(7);
        if next.month() != day.month() {
            month_end = Some(day);
        }
        if let Some(through) = month_end.take() {
            let run = gather::billing::invoices::server::invoice_unbilled(
                db,
                admin,
                Some(payer),
                &through.to_string(),
            )
            .await
            .expect("invoice");
            let input = PaymentInput {
                amount: run.total.as_input(),
                method: PaymentMethod::Cash,
                reference: String::new(),
            };
            gather::billing::server::take_account_payment(db, admin, payer, &input, &[])
                .await
                .expect("payment");
        }
    }
    payer
}

async fn measure(engine: &str, db: &Db) {
    let p = support::provider(db).await;
    let admin = support::admin(db, &p).await;
    let live = Live::start(db);
    let today = p.who.today();
    let setup = Instant::now();
    let items = a_month(db, &live, &p, today).await;
    let payer = two_years(db, &live, &p, &admin, today).await;
    println!(
        "  {engine:<9} set up {items} billable items for the month and two years for one payer in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    let through = (today - Days::days(1)).to_string();
    let start = Instant::now();
    let run = gather::billing::invoices::server::invoice_unbilled(db, &admin, None, &through)
        .await
        .expect("batch");
    let took = start.elapsed();
    println!(
        "  {engine:<9} batch invoice run: {} lines on {} invoices ({}) in {:.0} ms, one run (target under 2,000 ms)",
        run.lines,
        run.invoices.len(),
        run.total,
        took.as_secs_f64() * 1e3
    );

    let from = (today - Days::days(7 * 105)).to_string();
    let to = today.to_string();
    let mut times: Vec<Duration> = Vec::with_capacity(STATEMENT_RUNS);
    let mut lines = 0;
    for _ in 0..STATEMENT_RUNS {
        let start = Instant::now();
        let s = gather::billing::statements::server::statement(
            db,
            &admin,
            payer,
            Some(&from),
            Some(&to),
        )
        .await
        .expect("statement");
        times.push(start.elapsed());
        lines = s.ledger.lines.len();
    }
    let (median, worst) = support::median_and_worst(&mut times);
    println!(
        "  {engine:<9} two-year statement ({lines} lines): median {median:.1} ms, worst {worst:.1} ms over {STATEMENT_RUNS} runs (target under 50 ms)",
    );
}

fn main() {
    support::on_each_engine("billing", |engine, db| Box::pin(measure(engine, db)));
}
