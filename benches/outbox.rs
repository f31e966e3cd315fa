//! The outbox worker's sending rate to a real SMTP server on loopback (aiosmtpd with its
//! Sink handler, which accepts every message and keeps none), against lettre sending the
//! same messages straight to that server with no outbox. The ratio says whether Gather or
//! the SMTP server limits sending. One worker, then four racing for the same outbox, on
//! SQLite and on Postgres when it is reachable (GATHER_TEST_POSTGRES_URL or the local one).
//!
//! A benchmark, not a test: it prints figures. Needs `python3 -m aiosmtpd` (scripts/setup
//! --e2e installs it). Run with `scripts/bench` or `cargo bench --features ssr --bench outbox`.

use gather::domain::mail::EmailKind;
use gather::mail::repo::{enqueue, NewEmail};
use gather::mail::worker::{send_due, Mailer};
use gather::server::config::{MailConfig, SmtpConfig, SmtpTls};
use gather::server::db::{now_ms, Db};
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::Connection;
use std::time::{Duration, Instant};

const EMAILS: usize = 1_000;
const BODY: &str = "Maya Ortiz has invited you to join Riverside Counseling Collective on Gather as a provider.\n\n\
Choose your password here (the link works once, for 72 hours):\n\
http://127.0.0.1:3000/invitation?token=4nQb2yWcJ0x9vQeKp3sT7uYh1LmZa8Rf6DgXo5IjEwB\n";

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    l.local_addr().expect("addr").port()
}

/// Starts aiosmtpd and waits until it accepts connections.
fn smtp_server(port: u16) -> std::process::Child {
    let mut child = std::process::Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Sink"])
        .spawn()
        .expect("python3 -m aiosmtpd (scripts/setup --e2e installs it)");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("aiosmtpd did not start on port {port}");
}

fn message(i: usize) -> Message {
    Message::builder()
        .from("Gather <no-reply@localhost>".parse().expect("from"))
        .to(format!("person{i}@bench.example").parse().expect("to"))
        .subject("You're invited to Riverside Counseling Collective on Gather")
        .header(ContentType::TEXT_PLAIN)
        .body(BODY.to_string())
        .expect("message")
}

/// lettre alone, one message after another, as the worker sends them.
async fn direct(port: u16) -> f64 {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .build();
    let start = Instant::now();
    for i in 0..EMAILS {
        transport.send(message(i)).await.expect("send");
    }
    EMAILS as f64 / start.elapsed().as_secs_f64()
}

async fn fill(db: &Db, run: &str) {
    let mut tx = db.begin().await.expect("tx");
    for i in 0..EMAILS {
        enqueue(
            tx.conn(),
            &NewEmail {
                practice: None,
                dedupe_key: &format!("bench:{run}:{i}"),
                kind: EmailKind::Invitation,
                recipient: &format!("person{i}@bench.example"),
                subject: "You're invited to Riverside Counseling Collective on Gather",
                body: BODY,
            },
            now_ms(),
        )
        .await
        .expect("enqueue");
    }
    tx.commit().await.expect("commit");
}

async fn measure(engine: &str, db: &Db, mailer: &Mailer, direct_rate: f64) {
    for workers in [1usize, 4] {
        fill(db, &format!("w{workers}")).await;
        let start = Instant::now();
        let names: Vec<String> = (0..workers).map(|w| format!("bench-{w}")).collect();
        let passes = futures::future::join_all(names.iter().map(|n| send_due(db, mailer, n))).await;
        let elapsed = start.elapsed().as_secs_f64();
        let sent: usize = passes.into_iter().map(|p| p.expect("pass").sent).sum();
        assert_eq!(sent, EMAILS, "every email sent once");
        let rate = sent as f64 / elapsed;
        println!(
            "  {engine:<8} {workers} worker(s): {rate:>7.0} emails/s (ratio to lettre alone {:.2})",
            rate / direct_rate
        );
    }
}

async fn run() {
    let port = free_port();
    let mut server = smtp_server(port);
    let mailer = Mailer::from_config(&MailConfig {
        smtp: Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            tls: SmtpTls::None,
            username: None,
            password: None,
        }),
        folder: String::new(),
        from: "Gather <no-reply@localhost>".into(),
        public_url: "http://127.0.0.1:3000".into(),
    })
    .expect("mailer");
    println!("== outbox: {EMAILS} emails to aiosmtpd on loopback");
    let direct_rate = direct(port).await;
    println!("  lettre alone, no outbox: {direct_rate:>7.0} emails/s");

    let dir = std::env::temp_dir().join(format!("gather-outbox-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = Db::connect(&format!("sqlite://{}/bench.db", dir.display()))
        .await
        .expect("sqlite");
    measure("SQLite", &db, &mailer, direct_rate).await;
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);

    let admin_url = std::env::var("GATHER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    match sqlx::PgConnection::connect(&admin_url).await {
        Ok(mut admin) => {
            let name = format!("gather_outbox_bench_{}", std::process::id());
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .expect("create");
            let url = match admin_url.rsplit_once('/') {
                Some((base, _)) => format!("{base}/{name}"),
                None => panic!("GATHER_TEST_POSTGRES_URL must name a database"),
            };
            let db = Db::connect(&url).await.expect("postgres");
            measure("Postgres", &db, &mailer, direct_rate).await;
            db.close().await;
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await;
        }
        Err(e) => println!("  Postgres  skipped: {admin_url} unreachable ({e})"),
    }
    let _ = server.kill();
    let _ = server.wait();
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(run());
}
