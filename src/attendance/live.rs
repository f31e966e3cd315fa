//! Live updates: every open screen of a session hears each change as it commits.
//!
//! Each server process keeps one broadcast channel per session that has open screens. On
//! SQLite (one process) a change is handed to it right after its transaction commits. On
//! Postgres the change travels through `pg_notify` inside the transaction, so every server
//! process on the database (this one included) hears it once it commits, through one
//! `LISTEN` connection per process. Screens connect with Server-Sent Events: the stream
//! starts with every row, so a screen that reconnects catches up, then sends changes.

use super::writer::{self, Job};
use super::{ChangeOutcome, ChangeRequest, LiveEvent, RowState};
use crate::access::SignedIn;
use crate::domain::{AppointmentId, Area};
use crate::error::{AppError, AppResult};
use crate::server::db::{Db, DbError, Tx};
use crate::server::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};

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

/// Live attendance for one server process: the hub, and the writer every change goes
/// through (see `writer`).
#[derive(Clone, Debug)]
pub struct Live {
    hub: Arc<Hub>,
    writer: mpsc::Sender<Job>,
}

impl Live {
    /// The hub and writer for `db`; on Postgres it also starts listening for other
    /// processes' changes. Must be called inside the server's runtime.
    pub fn start(db: &Db) -> Live {
        let hub = Arc::new(Hub {
            channels: Mutex::default(),
            via_postgres: matches!(db, Db::Postgres(_)),
        });
        if let Db::Postgres(pool) = db {
            tokio::spawn(listen(pool.clone(), hub.clone()));
        }
        let writer = writer::start(db.clone(), hub.clone());
        Live { hub, writer }
    }

    /// Starts receiving a session's changes.
    pub fn subscribe(&self, id: AppointmentId) -> broadcast::Receiver<Message> {
        self.hub.subscribe(id)
    }

    /// See [`Hub::publish`].
    pub async fn publish(
        &self,
        tx: &mut Tx,
        id: AppointmentId,
        rows: &[RowState],
    ) -> Result<(), DbError> {
        self.hub.publish(tx, id, rows).await
    }

    /// See [`Hub::committed`].
    pub fn committed(&self, id: AppointmentId, rows: Vec<RowState>) {
        self.hub.committed(id, rows)
    }

    /// Hands a request to the writer and waits for its answer.
    pub(super) async fn write(
        &self,
        who: &SignedIn,
        id: AppointmentId,
        changes: &[ChangeRequest],
        sent_at: i64,
    ) -> AppResult<Vec<ChangeOutcome>> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            who: who.clone(),
            id,
            changes: changes.to_vec(),
            sent_at,
            reply,
        };
        self.writer
            .send(job)
            .await
            .map_err(|_| AppError::Unavailable)?;
        answer.await.map_err(|_| AppError::Internal)?
    }
}

impl Hub {
    fn subscribe(&self, id: AppointmentId) -> broadcast::Receiver<Message> {
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

/// How long one stream lasts before the browser reconnects (which it does by itself): each
/// reconnection checks the session and the caller's access again.
const STREAM_LIFETIME: Duration = Duration::from_secs(10 * 60);

enum Step {
    Snapshot,
    Listen,
}

/// `GET /live/sessions/{id}`: the session's Server-Sent Events stream. Staff who may see the
/// session only; anyone else gets the same 404 as for a session that does not exist.
pub async fn stream(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let Some(who) = req.extensions().get::<SignedIn>().cloned() else {
        return (StatusCode::UNAUTHORIZED, AppError::NotSignedIn.to_string()).into_response();
    };
    if !who.role.may_enter(Area::Staff) {
        return (StatusCode::FORBIDDEN, AppError::WrongArea.to_string()).into_response();
    }
    let id = AppointmentId(id);
    // Subscribe before reading the snapshot, so no change falls between the two.
    let rx = state.live.subscribe(id);
    // Answered like a server function, so a refusal is audited the same way.
    let first = match crate::access::answer(
        &state.db,
        &who,
        super::server::snapshot(&state.db, &who, id),
    )
    .await
    {
        Ok(rows) => rows,
        Err(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND);
            return (status, e.to_string()).into_response();
        }
    };
    let deadline = tokio::time::Instant::now() + STREAM_LIFETIME;
    let db = state.db.clone();
    let events = futures::stream::unfold(
        (Step::Snapshot, Some(first), rx),
        move |(step, first, mut rx)| {
            let db = db.clone();
            let who = who.clone();
            async move {
                match step {
                    Step::Snapshot => {
                        let rows = first.unwrap_or_default();
                        let event = snapshot_event(&rows);
                        Some((
                            Ok::<_, std::convert::Infallible>(event),
                            (Step::Listen, None, rx),
                        ))
                    }
                    Step::Listen => {
                        let message = tokio::time::timeout_at(deadline, rx.recv()).await.ok()?;
                        let event = match message {
                            Ok(Message::Changed(json)) => {
                                Event::default().event("changed").data(json.as_ref())
                            }
                            Ok(Message::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => {
                                let rows = super::server::snapshot(&db, &who, id).await.ok()?;
                                snapshot_event(&rows)
                            }
                            Err(broadcast::error::RecvError::Closed) => return None,
                        };
                        Some((Ok(event), (Step::Listen, None, rx)))
                    }
                }
            }
        },
    );
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    // Proxies must not hold events back.
    response.headers_mut().insert(
        "x-accel-buffering",
        axum::http::HeaderValue::from_static("no"),
    );
    response
}

fn snapshot_event(rows: &[RowState]) -> Event {
    let json = serde_json::to_string(&LiveEvent::Snapshot(rows.to_vec())).unwrap_or_default();
    // A reconnecting browser waits this long before trying again.
    Event::default()
        .event("snapshot")
        .retry(Duration::from_millis(1000))
        .data(json)
}
