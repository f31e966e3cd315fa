//! Locking a group note: the time to sign a note into 200 attendees' charts (one chart note
//! each, their audit entries, in one transaction), through the same server code the lock
//! button calls. On SQLite, and on Postgres when it is reachable (GATHER_TEST_POSTGRES_URL or
//! the local server). The note is a realistic one: 60 formatted paragraphs, headings and
//! lists, and 50 attendees with a note of their own.
//!
//! A benchmark, not a test: it prints figures. Run with `scripts/bench` or
//! `cargo bench --features ssr --bench notes`.

use gather::attendance::live::Live;
use gather::domain::notes::{Block, BlockKind, Document, Marks, Span};
use gather::domain::{AppointmentId, CaseId, PersonId};
use gather::notes::NotePart;
use gather::server::db::Db;
use std::time::Instant;

mod support;

const ATTENDEES: usize = 200;
const WITH_OWN_NOTE: usize = 50;
const RUNS: usize = 5;

struct Fixture {
    provider: support::Provider,
    case: CaseId,
    members: Vec<PersonId>,
    live: Live,
}

async fn setup(db: &Db) -> Fixture {
    let provider = support::provider(db).await;
    let (case, members) = support::group(db, &provider, ATTENDEES).await;
    Fixture {
        live: Live::start(db),
        provider,
        case,
        members,
    }
}

fn group_note() -> Document {
    let mut blocks = Vec::new();
    for section in 0..10 {
        blocks.push(Block::new(
            BlockKind::Heading(2),
            &format!("Section {section}"),
        ));
        for line in 0..4 {
            blocks.push(Block {
                kind: BlockKind::Paragraph,
                indent: 0,
                spans: vec![
                    Span {
                        text: "Observed: ".into(),
                        marks: Marks {
                            bold: true,
                            ..Marks::default()
                        },
                    },
                    Span::plain(&format!(
                        "members practised the skill of the week and described line {line}; several \
                         reported using it between sessions, and the group discussed obstacles."
                    )),
                ],
            });
        }
        blocks.push(Block::new(BlockKind::Numbered, "Follow-up for next week"));
    }
    Document { blocks }
}

/// A new session with every member attended and the note written, ready to lock.
async fn ready_session(db: &Db, f: &Fixture, days_ago: i64) -> AppointmentId {
    let who = &f.provider.who;
    let service = f.provider.group_service;
    let day = who.today() - chrono::Duration::days(days_ago);
    let id = support::session(db, &f.provider, f.case, day).await;
    support::attended(&f.live, who, id, &f.members, service).await;
    let notes = gather::notes::server::start(db, who, id, None).await;
    notes.expect("start");
    gather::notes::server::save(db, who, id, NotePart::Group, 1, group_note())
        .await
        .expect("group");
    for (i, p) in f.members.iter().take(WITH_OWN_NOTE).enumerate() {
        gather::notes::server::save(
            db,
            who,
            id,
            NotePart::Participant(*p),
            0,
            Document::paragraph(&format!(
                "Own note {i}: engaged, practised twice this week."
            )),
        )
        .await
        .expect("own");
    }
    id
}

async fn measure(engine: &str, db: &Db) {
    let f = setup(db).await;
    let mut times = Vec::new();
    for run in 0..RUNS {
        let id = ready_session(db, &f, run as i64 + 1).await;
        let start = Instant::now();
        let n = gather::notes::server::lock(db, &Default::default(), &f.provider.who, id)
            .await
            .expect("lock");
        times.push(start.elapsed());
        assert_eq!(n, ATTENDEES);
    }
    let (median, worst) = support::median_and_worst(&mut times);
    println!(
        "  {engine:<9} lock of a {ATTENDEES}-attendee note: median {median:.1} ms, worst {worst:.1} ms over {RUNS} runs (target under 1,000 ms)",
    );
}

fn main() {
    support::on_each_engine("notes", |engine, db| Box::pin(measure(engine, db)));
}
