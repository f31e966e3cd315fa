//! Server time of a one-provider week view as the practice's history grows: 10,000 and then
//! 1,000,000 appointments across 50 providers, on SQLite (the default engine). The week
//! measured holds the same sessions at both sizes, so any difference is the cost of size.
//! A benchmark, not a test: it prints figures. Run with `scripts/bench` or
//! `cargo bench --features ssr --bench week_view`.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use gather::access::SignedIn;
use gather::auth::repo::{self as accounts, NewAccount};
use gather::calendar::recurrence::local_to_utc;
use gather::calendar::repo::{insert_appointment, AppointmentFields};
use gather::calendar::server::calendar_page;
use gather::calendar::Showing;
use gather::cases::NewCase;
use gather::domain::billing::Payer;
use gather::domain::cases::CaseKind;
use gather::domain::schedule::CalendarView;
use gather::domain::{CaseId, Role};
use gather::people::server::create_person;
use gather::server::db::{now_ms, Db};
use std::time::Instant;

const PROVIDERS: usize = 50;
/// Sessions per provider per week: five a day, Monday to Friday.
const PER_WEEK: usize = 25;
const SAMPLES: usize = 300;

struct Provider {
    who: SignedIn,
    case: CaseId,
}

fn tz() -> chrono_tz::Tz {
    chrono_tz::America::Chicago
}

/// The Monday of the week measured.
fn anchor() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

async fn setup(db: &Db) -> Vec<Provider> {
    let now = now_ms();
    let mut c = db.acquire().await.expect("conn");
    let practice = accounts::create_practice(c.conn(), "Bench practice", tz().name(), now)
        .await
        .expect("practice");
    let mut providers = Vec::new();
    for i in 0..PROVIDERS {
        let email = format!("provider{i}@bench.example");
        let id = accounts::create_account(
            c.conn(),
            NewAccount {
                practice_id: practice,
                email: &email,
                display_name: &format!("Provider {i}"),
                role: Role::Provider,
                supervisor_id: None,
                password_hash: "unused",
            },
            now,
        )
        .await
        .expect("account");
        providers.push(SignedIn {
            token_hash: String::new(),
            account_id: id,
            practice_id: practice,
            role: Role::Provider,
            display_name: format!("Provider {i}"),
            email,
            practice_name: "Bench practice".into(),
            time_zone: tz(),
            created_at: now,
            last_seen_at: now,
            refused: Default::default(),
        });
    }
    drop(c);
    let mut out = Vec::new();
    for (i, who) in providers.into_iter().enumerate() {
        let mut participants = Vec::new();
        for n in 0..6 {
            let input = gather::domain::people::PersonInput {
                kind: Some(gather::domain::people::PersonKind::Person),
                legal_name: format!("Member {i}-{n}"),
                ..Default::default()
            };
            participants.push(create_person(db, &who, &input).await.expect("person"));
        }
        let case = gather::cases::server::create_case(
            db,
            &who,
            NewCase {
                kind: CaseKind::TherapyGroup,
                name: format!("Group {i}"),
                initials: format!("G{i:02}"),
                capacity: Some(10),
                provider_ids: vec![who.account_id],
                default_service_id: None,
                participant_ids: participants,
                payer: Payer::SelfPay,
            },
        )
        .await
        .expect("case");
        out.push(Provider { who, case });
    }
    out
}

/// Fills weeks `weeks` (relative to the anchor) for every provider.
async fn fill(db: &Db, providers: &[Provider], weeks: impl Iterator<Item = i64> + Clone) -> usize {
    let now = now_ms();
    let mut made = 0;
    let mut tx = db.begin().await.expect("tx");
    for p in providers {
        let scope = p.who.scope();
        for w in weeks.clone() {
            let monday = anchor() + Duration::days(7 * w);
            for slot in 0..PER_WEEK {
                let day = monday + Duration::days((slot / 5) as i64);
                let hour = [9, 10, 11, 14, 15][slot % 5];
                let start = local_to_utc(
                    tz(),
                    day,
                    NaiveTime::from_hms_opt(hour, 0, 0).expect("time"),
                )
                .timestamp_millis();
                insert_appointment(
                    tx.conn(),
                    &scope,
                    &AppointmentFields {
                        case_id: p.case,
                        series: None,
                        starts_at: start,
                        ends_at: start + 50 * 60_000,
                        local_day: day,
                        service_id: None,
                        location: None,
                        video_link: None,
                    },
                    &[p.who.account_id],
                    now,
                )
                .await
                .expect("appointment");
                made += 1;
                if made % 20_000 == 0 {
                    tx.commit().await.expect("commit");
                    tx = db.begin().await.expect("tx");
                }
            }
        }
    }
    tx.commit().await.expect("commit");
    made
}

async fn measure(db: &Db, who: &SignedIn) -> (f64, f64, usize) {
    let day = anchor() + Duration::days(2);
    let mut events = 0;
    for _ in 0..20 {
        events = calendar_page(db, who, CalendarView::Week, day, &Showing::Me)
            .await
            .expect("week")
            .events
            .len();
    }
    let mut times: Vec<f64> = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let t = Instant::now();
        let page = calendar_page(db, who, CalendarView::Week, day, &Showing::Me)
            .await
            .expect("week");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(page.events.len(), events);
    }
    times.sort_by(f64::total_cmp);
    (times[SAMPLES / 2], times[SAMPLES * 95 / 100], events)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("gather-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let db = Db::connect(&format!("sqlite://{}/bench.db", dir.display()))
            .await
            .expect("db");
        let providers = setup(&db).await;
        let who = &providers[0].who;
        assert_eq!(anchor().weekday(), chrono::Weekday::Mon);

        // 10,000: eight weeks around the measured one.
        let t = Instant::now();
        let small = fill(&db, &providers, -4..4).await;
        println!("filled {small} appointments in {:.1}s", t.elapsed().as_secs_f64());
        let (median_small, p95_small, events) = measure(&db, who).await;
        println!(
            "one-provider week view, {small:>9} appointments: median {median_small:.2} ms, p95 {p95_small:.2} ms ({events} sessions in the week)"
        );

        // 1,000,000: the same eight weeks plus 792 more around them (about 15 years).
        let t = Instant::now();
        let more = fill(&db, &providers, (-400..-4).chain(4..400)).await;
        let large = small + more;
        println!("filled {more} more in {:.1}s", t.elapsed().as_secs_f64());
        let (median_large, p95_large, events) = measure(&db, who).await;
        println!(
            "one-provider week view, {large:>9} appointments: median {median_large:.2} ms, p95 {p95_large:.2} ms ({events} sessions in the week)"
        );
        println!(
            "ratio (median, large / small): {:.2}  [bar: at most 2.00, and under 20 ms]",
            median_large / median_small
        );
        db.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    });
}
