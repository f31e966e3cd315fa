//! Live attendance: the process's hub and writer behind one handle, and the Server-Sent
//! Events stream a session screen connects to. The stream starts with every row, so a
//! screen that reconnects catches up, then sends changes as they commit (see `hub`).

use super::hub::{Hub, Message};
use super::rows::snapshot;
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
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};

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
        let hub = Hub::start(db);
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

    /// Hands a request to the writer and waits for its answer. `reason` makes it a
    /// correction (see [`super::server::correct`]).
    pub(super) async fn write(
        &self,
        who: &SignedIn,
        id: AppointmentId,
        changes: &[ChangeRequest],
        sent_at: i64,
        reason: Option<String>,
    ) -> AppResult<Vec<ChangeOutcome>> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            who: who.clone(),
            id,
            changes: changes.to_vec(),
            sent_at,
            reason,
            reply,
        };
        self.writer
            .send(job)
            .await
            .map_err(|_| AppError::Unavailable)?;
        answer
            .await
            .map_err(|_| AppError::internal("the attendance writer dropped a reply"))?
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
    let first = match crate::access::answer(&state.db, &who, snapshot(&state.db, &who, id)).await {
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
                                let rows = snapshot(&db, &who, id).await.ok()?;
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
