//! Attendance speed, in one run, on SQLite (the default engine) and then on Postgres, with
//! the server's own database settings:
//!  - change throughput through the real server-function path (HTTP request through the
//!    router, session cookie, JSON, checks, transaction with history and audit entries)
//!    against a raw single-row UPDATE loop on the same database;
//!  - p99 latency of a change with 50 clients changing at once;
//!  - p99 delivery latency of a change to 1,000 connected live subscribers (each an open
//!    Server-Sent Events stream through the router), and whether every one got every change.
//!
//! A benchmark, not a test: it prints figures. Run with `scripts/bench` or
//! `cargo bench --features ssr --bench attendance`.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use futures::StreamExt;
use gather::attendance::{ChangeRequest, LiveEvent};
use gather::auth::server::SESSION_COOKIE;
use gather::domain::attendance::Choice;
use gather::domain::{AppointmentId, PersonId, ServiceId};
use gather::server::config::Config;
use gather::server::db::{now_ms, Db};
use gather::server::state::AppState;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

mod support;

const MEMBERS: usize = 50;
const RAW_UPDATES: usize = 10_000;
const SEQUENTIAL: usize = 2_000;
const CLIENTS: usize = 50;
const PER_CLIENT: usize = 100;
/// Each throughput is the median of this many runs: one short run is at the mercy of
/// whatever else the machine does.
const RUNS: usize = 3;
const SUBSCRIBERS: usize = 1_000;
const BROADCASTS: usize = 20;

struct NoEnv;
impl gather::server::config::Env for NoEnv {
    fn get(&self, _: &str) -> Option<String> {
        None
    }
}

struct Fixture {
    app: axum::Router,
    cookie: String,
    session: AppointmentId,
    members: Vec<PersonId>,
    service: ServiceId,
}

async fn setup(db: &Db) -> Fixture {
    let p = support::provider(db).await;
    let (case, members) = support::group(db, &p, MEMBERS).await;
    let session = support::session(db, &p, case, p.who.today()).await;
    let config = Config::from_parts("", &NoEnv).expect("config");
    let app = gather::server::router(AppState::new(config, db.clone()));
    Fixture {
        app,
        cookie: format!("{SESSION_COOKIE}={}", p.token),
        session,
        members,
        service: p.group_service,
    }
}

/// One change through the server function, as the browser sends it; returns the new version.
async fn change(f: &Fixture, person: PersonId, choice: Choice, base: i64) -> i64 {
    let body = serde_json::json!({
        "id": f.session,
        "changes": [ChangeRequest { person_id: person, choice: Some(choice), base_version: base, made_at: now_ms(), fill_only: false }],
        "sent_at": now_ms(),
    });
    let req = Request::post("/api/record_attendance")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, &f.cookie)
        .body(Body::from(body.to_string()))
        .expect("request");
    let res = f.app.clone().oneshot(req).await.expect("router");
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .expect("body");
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    v[0]["Stored"]["version"].as_i64().expect("stored")
}

fn flip(f: &Fixture, i: usize) -> Choice {
    if i.is_multiple_of(2) {
        Choice::Attended(f.service)
    } else {
        Choice::NoShow
    }
}

fn p99(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[(times.len() * 99 / 100).min(times.len() - 1)]
}

async fn raw_update_loop(db: &Db, f: &Fixture) -> f64 {
    let mut pooled = db.acquire().await.expect("conn");
    let t = Instant::now();
    for i in 0..RAW_UPDATES {
        gather::on_conn!(pooled.conn(), |c| {
            sqlx::query(
                "UPDATE attendance SET charge_cents = $1 WHERE appointment_id = $2 AND person_id = $3",
            )
            .bind(i as i64)
            .bind(f.session.0)
            .bind(f.members[i % MEMBERS].0)
            .execute(&mut *c)
            .await
            .expect("update");
        });
    }
    RAW_UPDATES as f64 / t.elapsed().as_secs_f64()
}

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

async fn sequential(f: &Fixture) -> f64 {
    let mut versions = vec![0i64; MEMBERS];
    let t = Instant::now();
    for i in 0..SEQUENTIAL {
        let m = i % MEMBERS;
        versions[m] = change(f, f.members[m], flip(f, i / MEMBERS), versions[m]).await;
    }
    SEQUENTIAL as f64 / t.elapsed().as_secs_f64()
}

async fn concurrent(f: &Arc<Fixture>) -> (f64, f64) {
    let t = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            let person = f.members[client % MEMBERS];
            let mut base = 0;
            let mut times = Vec::with_capacity(PER_CLIENT);
            for i in 0..PER_CLIENT {
                let t = Instant::now();
                base = change(&f, person, flip(&f, i + 1), base).await;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.expect("client"));
    }
    let rate = times.len() as f64 / t.elapsed().as_secs_f64();
    (rate, p99(&mut times))
}

/// Opens `SUBSCRIBERS` live streams, then makes `BROADCASTS` changes one after another and
/// times each one's arrival at every stream.
async fn broadcast(f: &Arc<Fixture>) -> (f64, f64, usize, usize) {
    let (heard_tx, mut heard_rx) = tokio::sync::mpsc::unbounded_channel::<(i64, Instant)>();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut readers = Vec::new();
    for _ in 0..SUBSCRIBERS {
        let req = Request::get(format!("/live/sessions/{}", f.session.0))
            .header(header::ACCEPT, "text/event-stream")
            .header(header::COOKIE, &f.cookie)
            .body(Body::empty())
            .expect("request");
        let res = f.app.clone().oneshot(req).await.expect("router");
        assert_eq!(res.status(), StatusCode::OK);
        let mut body = res.into_body().into_data_stream();
        let (heard_tx, ready_tx) = (heard_tx.clone(), ready_tx.clone());
        readers.push(tokio::spawn(async move {
            let mut buffer = String::new();
            while let Some(Ok(chunk)) = body.next().await {
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let frame: String = buffer.drain(..end + 2).collect();
                    let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data:")) else {
                        continue;
                    };
                    match serde_json::from_str::<LiveEvent>(data.trim()) {
                        Ok(LiveEvent::Snapshot(_)) => {
                            let _ = ready_tx.send(());
                        }
                        Ok(LiveEvent::Changed(rows)) => {
                            let at = Instant::now();
                            for r in rows {
                                let _ = heard_tx.send((r.version, at));
                            }
                        }
                        Err(_) => {}
                    }
                }
            }
        }));
    }
    for _ in 0..SUBSCRIBERS {
        ready_rx.recv().await.expect("ready");
    }
    // A participant nobody else changes, so versions count the broadcasts.
    let person = f.members[MEMBERS - 1];
    let mut base = 0;
    let mut times = Vec::new();
    let mut delivered = 0;
    for i in 0..BROADCASTS {
        let sent = Instant::now();
        base = change(f, person, flip(f, i + 1), base).await;
        let mut got = 0;
        while got < SUBSCRIBERS {
            match tokio::time::timeout(Duration::from_secs(5), heard_rx.recv()).await {
                Ok(Some((v, at))) if v == base => {
                    got += 1;
                    times.push(at.duration_since(sent).as_secs_f64() * 1000.0);
                }
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        delivered += got;
    }
    for r in readers {
        r.abort();
    }
    let worst = times.iter().copied().fold(0.0, f64::max);
    (p99(&mut times), worst, delivered, SUBSCRIBERS * BROADCASTS)
}

/// The server's allocator, so the server path is measured as the server runs it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A fresh database on the Postgres server at `GATHER_BENCH_POSTGRES_URL` (default: this
/// machine's), or `None` when there is none to reach.
async fn postgres_database() -> Option<String> {
    use sqlx::Connection;
    let server = std::env::var("GATHER_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .ok()?;
    for statement in [
        "DROP DATABASE IF EXISTS gather_bench_attendance",
        "CREATE DATABASE gather_bench_attendance",
    ] {
        sqlx::query(statement).execute(&mut admin).await.ok()?;
    }
    Some(format!("{server}/gather_bench_attendance"))
}

async fn run(engine: &str, url: &str) {
    let db = Db::connect(url).await.expect("db");
    let f = Arc::new(setup(&db).await);
    // Warm up, and give every member a row for the raw loop to update.
    let mut versions = vec![0i64; MEMBERS];
    for (m, v) in versions.iter_mut().enumerate() {
        *v = change(&f, f.members[m], Choice::NoShow, 0).await;
    }

    let (mut raws, mut serveds, mut busys, mut p99s) = (vec![], vec![], vec![], vec![]);
    for _ in 0..RUNS {
        raws.push(raw_update_loop(&db, &f).await);
        serveds.push(sequential(&f).await);
        let (busy, p99_busy) = concurrent(&f).await;
        busys.push(busy);
        p99s.push(p99_busy);
    }
    let (raw, served, busy, p99_busy) =
        (median(raws), median(serveds), median(busys), median(p99s));
    println!(
        "== attendance changes ({engine}, {MEMBERS} participants in the session; median of {RUNS} runs)"
    );
    println!("  raw single-row UPDATE loop          {raw:>9.0} updates/s");
    println!(
        "  server function, one client         {served:>9.0} changes/s  (ratio {:.2})",
        served / raw
    );
    println!(
        "  server function, {CLIENTS} clients        {busy:>9.0} changes/s  (ratio {:.2})",
        busy / raw
    );
    println!("  p99 latency of a change, {CLIENTS} clients  {p99_busy:>9.2} ms");

    let (p99_live, worst, delivered, expected) = broadcast(&f).await;
    println!("== live delivery to {SUBSCRIBERS} subscribers, {BROADCASTS} changes ({engine})");
    println!("  p99 delivery latency                {p99_live:>9.2} ms  (worst {worst:.2} ms)");
    println!("  delivered                           {delivered:>9} of {expected}");
    db.close().await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir =
            std::env::temp_dir().join(format!("gather-bench-attendance-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        run("SQLite", &format!("sqlite://{}/bench.db", dir.display())).await;
        let _ = std::fs::remove_dir_all(&dir);
        match postgres_database().await {
            Some(url) => run("Postgres", &url).await,
            None => println!("== attendance on Postgres: no Postgres server to reach, skipped"),
        }
    });
}
