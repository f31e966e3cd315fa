//! The audit writer: one task per database through which reads of health information and
//! refused accesses are recorded. A page view waits until its entry is committed (nothing
//! is shown that is not in the log), but entries that arrive while a transaction is being
//! written share the next one (group commit), as the attendance writer does for changes.
//! Before it, every page view took the database's write lock on its own: under load on
//! SQLite, page views queued behind each other's audit rows and slept in the busy handler.
//!
//! Changes to health information do not come here: their entries are written inside the
//! change's own transaction (`audit::server::record`), so both commit or neither does.

use super::repo::{append_timed, NewEntry};
use super::{Action, ObjectKind, Outcome};
use crate::domain::{AccountId, PracticeId};
use crate::server::db::{now_ms, Db, DbError};
use tokio::sync::{mpsc, oneshot};

/// Entries one transaction takes at most; a longer backlog waits for the next.
const MAX_BATCH: usize = 1_024;

/// Entries that may wait for the writer before callers wait to hand theirs over.
const BACKLOG: usize = 8_192;

/// An entry to append, owned, so it can wait in the writer's queue.
#[derive(Clone, Debug)]
pub struct Pending {
    pub practice_id: Option<PracticeId>,
    pub actor: Option<AccountId>,
    pub actor_label: String,
    pub action: Action,
    pub object_kind: ObjectKind,
    pub object_id: Option<i64>,
    pub outcome: Outcome,
    pub detail: String,
}

impl Pending {
    pub fn of(e: &NewEntry<'_>) -> Pending {
        Pending {
            practice_id: e.practice_id,
            actor: e.actor,
            actor_label: e.actor_label.to_string(),
            action: e.action,
            object_kind: e.object_kind,
            object_id: e.object_id,
            outcome: e.outcome,
            detail: e.detail.to_string(),
        }
    }

    fn entry(&self) -> NewEntry<'_> {
        NewEntry {
            practice_id: self.practice_id,
            actor: self.actor,
            actor_label: &self.actor_label,
            action: self.action,
            object_kind: self.object_kind,
            object_id: self.object_id,
            outcome: self.outcome,
            detail: &self.detail,
        }
    }
}

struct Job {
    entry: Pending,
    /// When the entry was made: the time it is logged at, not when its batch is written.
    at: i64,
    reply: oneshot::Sender<Result<(), String>>,
}

/// The handle requests append through. Cloned with the database it belongs to.
#[derive(Clone, Debug)]
pub struct AuditWriter {
    jobs: mpsc::Sender<Job>,
}

/// Why an entry could not be written: the batch's error, as text (one error answers every
/// entry of the batch).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotWritten(pub String);

impl AuditWriter {
    /// Starts the writer for `db` on the current runtime.
    pub fn start(db: Db) -> AuditWriter {
        let (jobs, rx) = mpsc::channel(BACKLOG);
        tokio::spawn(run(db, rx));
        AuditWriter { jobs }
    }

    /// Appends `entry` and returns once it is committed.
    pub async fn append(&self, entry: Pending) -> Result<(), NotWritten> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job {
                entry,
                at: now_ms(),
                reply,
            })
            .await
            .map_err(|_| NotWritten("the audit writer has stopped".into()))?;
        match answer.await {
            Ok(result) => result.map_err(NotWritten),
            Err(_) => Err(NotWritten("the audit writer has stopped".into())),
        }
    }
}

async fn run(db: Db, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(64);
    while let Some(first) = jobs.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let result = write(&db, &batch).await.map_err(|e| {
            tracing::error!(error = %e, entries = batch.len(), "could not write audit entries");
            e.to_string()
        });
        for job in batch.drain(..) {
            // A caller that went away (the request was cancelled) needs no answer.
            let _ = job.reply.send(result.clone());
        }
    }
}

async fn write(db: &Db, batch: &[Job]) -> Result<(), DbError> {
    let entries: Vec<(NewEntry<'_>, i64)> = batch.iter().map(|j| (j.entry.entry(), j.at)).collect();
    let mut tx = db.begin().await?;
    append_timed(tx.conn(), &entries).await?;
    tx.commit().await
}
