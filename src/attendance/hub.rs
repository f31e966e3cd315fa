//! The per-process hub of open sessions: every open screen of a session hears each change
//! as it commits.
//!
//! Each server process keeps one broadcast channel per session that has open screens. On
//! SQLite (one process) a change is handed to it right after its transaction commits. On
//! Postgres the change travels through `pg_notify` inside the transaction, so every server
//! process on the database (this one included) hears it once it commits, through one
//! `LISTEN` connection per process.

use super::{LiveEvent, RowState};
use crate::domain::AppointmentId;
use crate::server::db::{Db, DbError, Pool, Tx};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;

/// The Postgres notification channel attendance changes travel on.
const CHANNEL: &str = "gather_attendance";

/// Postgres refuses a notification payload of 8,000 bytes or more.
const NOTIFY_LIMIT: usize = 7_900;

/// What a session's subscribers receive.
#[derive(Clone, Debug)]
pub enum Message {
    /// Changed rows, already encoded as the `changed` event's JSON.
    Changed(Arc<str>),
    /// Notifications may have been missed (the listener reconnected): send every row again.
    Resync,
}

/// The per-process hub of open sessions: who is listening to which session.
#[derive(Debug)]
pub struct Hub {
    channels: Mutex<HashMap<i64, broadcast::Sender<Message>>>,
    via_postgres: bool,
}

impl Hub {
    /// The hub for `db`; on Postgres it also starts listening for other processes' changes.
    /// Must be called inside the server's runtime.
    pub fn start(db: &Db) -> Arc<Hub> {
        let hub = Arc::new(Hub {
            channels: Mutex::default(),
            via_postgres: matches!(db.pool(), Pool::Postgres(_)),
        });
        if let Pool::Postgres(pool) = db.pool() {
            tokio::spawn(listen(pool.clone(), hub.clone()));
        }
        hub
    }

    pub(super) fn subscribe(&self, id: AppointmentId) -> broadcast::Receiver<Message> {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        // Drop channels nobody listens to any more, so the map stays the size of what is open.
        channels.retain(|_, tx| tx.receiver_count() > 0);
        channels
            .entry(id.0)
            .or_insert_with(|| broadcast::channel(1024).0)
            .subscribe()
    }

    fn deliver(&self, id: i64, message: Message) {
        let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = channels.get(&id) {
            // No receivers is fine: nobody has the session open.
            let _ = tx.send(message);
        }
    }

    fn resync_all(&self) {
        let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        for tx in channels.values() {
            let _ = tx.send(Message::Resync);
        }
    }

    /// Inside the change's transaction: on Postgres, queues the notification, which the
    /// database delivers to every listening process only if the transaction commits. A
    /// notification holds under 8,000 bytes, so many rows ("Mark all attended" on a large
    /// workshop) go as several.
    pub async fn publish(
        &self,
        tx: &mut Tx,
        id: AppointmentId,
        rows: &[RowState],
    ) -> Result<(), DbError> {
        let Tx::Postgres(t) = tx else {
            return Ok(());
        };
        let mut pending = vec![rows];
        while let Some(part) = pending.pop() {
            if part.is_empty() {
                continue;
            }
            let payload = format!("{}:{}", id.0, encode(part));
            if payload.len() >= NOTIFY_LIMIT && part.len() > 1 {
                let (a, b) = part.split_at(part.len() / 2);
                pending.push(b);
                pending.push(a);
                continue;
            }
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    /// After the change's transaction committed: on SQLite, hands it to this process's
    /// screens (on Postgres the notification does).
    pub fn committed(&self, id: AppointmentId, rows: Vec<RowState>) {
        if !self.via_postgres && !rows.is_empty() {
            self.deliver(id.0, Message::Changed(encode(&rows).into()));
        }
    }
}

fn encode(rows: &[RowState]) -> String {
    serde_json::to_string(&LiveEvent::Changed(rows.to_vec())).unwrap_or_default()
}

/// One `LISTEN` connection per process, forwarding notifications to local subscribers.
/// If the connection drops, sqlx reconnects; whatever was missed meanwhile is made good by
/// telling every open screen to take a fresh snapshot.
async fn listen(pool: sqlx::PgPool, live: Arc<Hub>) {
    loop {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "live attendance: cannot listen, retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %e, "live attendance: LISTEN failed, retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) => {
                    if let Some((id, json)) = n.payload().split_once(':') {
                        if let Ok(id) = id.parse::<i64>() {
                            live.deliver(id, Message::Changed(json.into()));
                        }
                    }
                }
                // The connection was lost and is being re-established.
                Ok(None) => live.resync_all(),
                Err(e) => {
                    tracing::warn!(error = %e, "live attendance: listener failed");
                    live.resync_all();
                    break;
                }
            }
        }
    }
}
