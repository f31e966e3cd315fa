//! Sends what the outbox holds: by SMTP when a server is configured, otherwise as `.eml`
//! files in a folder. Any number of workers (in one process or several on one Postgres
//! database) may run; each email is claimed by one of them. Server only.

use super::repo::{self, Claimed};
use crate::domain::mail::{retry_after, LEASE_MS};
use crate::server::config::{MailConfig, SmtpTls};
use crate::server::db::{now_ms, Db, DbError};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use tokio::sync::Notify;

/// Rung when an email is written, so a waiting worker sends it at once instead of at its
/// next poll.
static WAKE: Notify = Notify::const_new();

/// Tells this process's worker there is something to send (after the transaction that
/// wrote it committed).
pub fn wake() {
    WAKE.notify_one();
}

/// How long an idle worker waits before looking again: the wake-up covers this process's
/// emails; this covers retries falling due and other processes' emails.
const POLL: Duration = Duration::from_secs(5);
/// Emails claimed at once: few enough to send well inside the lease at the SMTP timeout.
const BATCH: i64 = 5;

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(AsyncFileTransport<Tokio1Executor>),
}

/// Where emails go, and from whom.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    /// The mailer the configuration describes. With no SMTP server the folder is created.
    pub fn from_config(config: &MailConfig) -> Result<Mailer, String> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| format!("mail.from {:?}: {e}", config.from))?;
        let transport = match &config.smtp {
            None => {
                std::fs::create_dir_all(&config.folder)
                    .map_err(|e| format!("cannot create the mail folder {}: {e}", config.folder))?;
                Transport::Folder(AsyncFileTransport::<Tokio1Executor>::new(&config.folder))
            }
            Some(smtp) => {
                let builder = match smtp.tls {
                    SmtpTls::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                    }
                    SmtpTls::StartTls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                            .map_err(|e| format!("mail.smtp_host {:?}: {e}", smtp.host))?
                    }
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                        .map_err(|e| format!("mail.smtp_host {:?}: {e}", smtp.host))?,
                };
                let mut builder = builder
                    .port(smtp.port)
                    .timeout(Some(Duration::from_secs(20)));
                if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Mailer { transport, from })
    }

    /// Sends one email. The error is the reason shown on the outbox screen.
    async fn send(&self, email: &Claimed) -> Result<(), Failure> {
        let to: Mailbox = email.recipient.parse().map_err(|_| {
            Failure::Permanent(format!("{:?} is not an email address", email.recipient))
        })?;
        // The same id on every attempt, so a receiving server that got an earlier attempt
        // (whose success we never heard of) can tell it is the same message.
        let message_id = format!(
            "<gather-{}-{}@{}>",
            email.id,
            email.created_at,
            self.domain()
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(message_id))
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone())
            .map_err(|e| Failure::Permanent(e.to_string()))?;
        match &self.transport {
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    Failure::Permanent(e.to_string())
                } else {
                    Failure::Transient(e.to_string())
                }
            }),
            Transport::Folder(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| Failure::Transient(e.to_string())),
        }
    }

    fn domain(&self) -> &str {
        self.from.email.domain()
    }
}

enum Failure {
    /// The server refused this message for good (no such mailbox, malformed address).
    Permanent(String),
    /// Worth trying again: the server is down, busy or the network failed.
    Transient(String),
}

/// What one pass of a worker did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// Sends every email due now, batch by batch, as worker `worker`.
pub async fn send_due(db: &Db, mailer: &Mailer, worker: &str) -> Result<Pass, DbError> {
    send_due_as_of(db, mailer, worker, 0).await
}

/// [`send_due`] as if the clock read `skew` milliseconds later: tests follow an email
/// through its retries without waiting hours.
pub async fn send_due_as_of(
    db: &Db,
    mailer: &Mailer,
    worker: &str,
    skew: i64,
) -> Result<Pass, DbError> {
    let clock = || now_ms() + skew;
    let mut pass = Pass::default();
    loop {
        let now = clock();
        let claimed = {
            let mut c = db.acquire().await?;
            repo::claim(c.conn(), worker, now, now + LEASE_MS, BATCH).await?
        };
        if claimed.is_empty() {
            return Ok(pass);
        }
        for email in &claimed {
            let outcome = mailer.send(email).await;
            let mut c = db.acquire().await?;
            match outcome {
                Ok(()) => {
                    repo::mark_sent(c.conn(), email.id, worker, clock()).await?;
                    pass.sent += 1;
                }
                Err(failure) => {
                    let (reason, retry_at) = match failure {
                        Failure::Permanent(r) => (r, None),
                        Failure::Transient(r) => {
                            (r, retry_after(email.attempts).map(|d| clock() + d))
                        }
                    };
                    tracing::warn!(email = email.id, attempts = email.attempts, %reason, "email not sent");
                    let reason: String = reason.chars().take(500).collect();
                    repo::mark_failed_attempt(c.conn(), email.id, worker, &reason, retry_at)
                        .await?;
                    if retry_at.is_some() {
                        pass.retrying += 1;
                    } else {
                        pass.failed += 1;
                    }
                }
            }
        }
    }
}

/// A name for this worker, unique across processes.
pub fn worker_name() -> String {
    let token = crate::auth::server::new_session_token();
    format!("{}-{}", std::process::id(), &token[..8])
}

/// Runs a worker for the life of the server.
pub async fn run(db: Db, mailer: Mailer) {
    let name = worker_name();
    loop {
        match send_due(&db, &mailer, &name).await {
            Ok(p) if p != Pass::default() => {
                tracing::info!(
                    sent = p.sent,
                    retrying = p.retrying,
                    failed = p.failed,
                    "outbox"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "outbox worker"),
        }
        let _ = tokio::time::timeout(POLL, WAKE.notified()).await;
    }
}
