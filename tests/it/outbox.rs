//! The outbox and its worker against a real database: every email sent exactly once by
//! workers racing for it, the same email never written twice, and a mail server that is
//! down retried with backoff, then shown as failed with the reason.

use crate::accounts::Mailbox;
use crate::common::fixtures::practice;
use crate::on_both_engines;
use gather::domain::mail::{EmailKind, EmailStatus, MAX_ATTEMPTS};
use gather::mail::repo::{enqueue, with_key_prefix, NewEmail};
use gather::mail::worker::{send_due, send_due_as_of, Mailer};
use gather::server::config::{MailConfig, SmtpConfig, SmtpTls};
use gather::server::db::{now_ms, Db};

const DAY_MS: i64 = 24 * 3_600_000;

async fn write(db: &Db, key: &str, to: &str) -> bool {
    let mut c = db.acquire().await.expect("conn");
    enqueue(
        c.conn(),
        &NewEmail {
            practice: None,
            dedupe_key: key,
            kind: EmailKind::Invitation,
            recipient: to,
            subject: "Hello",
            body: "A line.\n",
        },
        now_ms(),
    )
    .await
    .expect("enqueue")
    .is_some()
}

async fn two_workers_send_each_email_exactly_once(db: Db) {
    let mail = Mailbox::new();
    for i in 0..40 {
        assert!(
            write(
                &db,
                &format!("race:{i}"),
                &format!("person{i}@race.example")
            )
            .await
        );
    }
    assert!(
        !write(&db, "race:7", "person7@race.example").await,
        "the same key is one email"
    );
    let (a, b) = tokio::join!(
        send_due(&db, &mail.mailer, "worker-a"),
        send_due(&db, &mail.mailer, "worker-b"),
    );
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_eq!(a.sent + b.sent, 40, "{a:?} {b:?}");
    let delivered = mail.deliver(&db).await;
    assert_eq!(delivered.len(), 40, "one file per email");
    let mut recipients: Vec<String> = delivered
        .iter()
        .filter_map(|e| {
            e.lines()
                .find_map(|l| l.strip_prefix("To: ").map(str::to_string))
        })
        .collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 40, "nobody got two");
    let mut c = db.acquire().await.expect("conn");
    let rows = with_key_prefix(c.conn(), "race:").await.expect("rows");
    assert!(rows
        .iter()
        .all(|r| r.status == EmailStatus::Sent && r.attempts == 1));
}

async fn a_server_that_is_down_is_retried_then_failed_with_the_reason(db: Db) {
    let p = practice(&db, "down").await;
    // A port nothing listens on: the connection is refused, as when the server is down.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        l.local_addr().expect("addr").port()
    };
    let mailer = Mailer::from_config(&MailConfig {
        smtp: Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            tls: SmtpTls::None,
            username: None,
            password: None,
        }),
        folder: String::new(),
        from: "Gather <no-reply@gather.test>".into(),
        public_url: "http://gather.test".into(),
    })
    .expect("smtp mailer");
    gather::accounts::server::request_reset(&db, "http://gather.test", "owner@down.example")
        .await
        .expect("reset");
    let first = send_due(&db, &mailer, "w").await.expect("pass");
    assert_eq!((first.sent, first.retrying), (0, 1));
    let outbox = gather::mail::server::recent(&db, &p.owner)
        .await
        .expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].status, EmailStatus::Retrying);
    assert!(!outbox[0].last_error.is_empty());
    assert!(outbox[0].when.is_some(), "the next try is shown");
    // Not due again at once: the backoff holds it.
    assert_eq!(send_due(&db, &mailer, "w").await.expect("pass").retrying, 0);

    for attempt in 2..=MAX_ATTEMPTS {
        send_due_as_of(&db, &mailer, "w", attempt * DAY_MS)
            .await
            .expect("pass");
    }
    let outbox = gather::mail::server::recent(&db, &p.owner)
        .await
        .expect("outbox");
    assert_eq!(outbox[0].status, EmailStatus::Failed);
    assert_eq!(outbox[0].attempts, MAX_ATTEMPTS);
    assert!(!outbox[0].last_error.is_empty(), "the reason is kept");

    // Providers do not see the outbox; the owner can queue it again.
    assert!(gather::mail::server::recent(&db, &p.provider)
        .await
        .is_err());
    gather::mail::server::send_again(&db, &p.owner, outbox[0].id)
        .await
        .expect("again");
    let outbox = gather::mail::server::recent(&db, &p.owner)
        .await
        .expect("outbox");
    assert_eq!(outbox[0].status, EmailStatus::Queued);
    let other = practice(&db, "away").await;
    assert!(
        gather::mail::server::send_again(&db, &other.owner, outbox[0].id)
            .await
            .is_err()
    );
}

on_both_engines!(
    two_workers_send_each_email_exactly_once,
    a_server_that_is_down_is_retried_then_failed_with_the_reason,
);
