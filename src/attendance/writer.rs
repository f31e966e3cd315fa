//! The attendance writer: one task per server process through which every attendance change
//! is recorded. Requests that arrive while a transaction is being written wait, and the next
//! transaction takes all of them at once (group commit): each session's checks, roster and
//! fees are read once for the lot, every participant's final row is written with one
//! statement, and the history lines and audit entries with one statement each. A single tap
//! still costs one transaction; fifty clinicians tapping at once share a few.
//!
//! Each request is decided on its own: one refused (not on the roster, a session the caller
//! may not see) is answered with its error and leaves no trace, while the others in its
//! transaction are stored. Should the transaction itself fail, each request is tried again
//! alone, so one request's trouble never becomes another's.

use super::hub::Hub;
use super::repo::{self, AttendanceRow, FinalChoice, NewHistory, OnRecordRows};
use super::rows::{blank, not_on_roster, state_of};
use super::{ChangeOutcome, ChangeRequest, RowState};
use crate::access::SignedIn;
use crate::audit::repo::{append_many, NewEntry};
use crate::audit::{Action, ObjectKind, Outcome};
use crate::calendar::repo::{self as calendar, AppointmentRow};
use crate::calendar::server::{roster_of, visible_appointment};
use crate::cases::repo::CaseRow;
use crate::domain::attendance::{
    charge, describe, made_at_on_server, offers_service, resolve, MissedSessionFees, Proposed,
    Resolution, Stored,
};
use crate::domain::schedule::AppointmentStatus;
use crate::domain::services::format_money;
use crate::domain::{AccountId, AppointmentId, PersonId, PracticeId, ServiceId};
use crate::error::{AppError, AppResult};
use crate::notes::server::ChartCorrection;
use crate::server::db::{now_ms, Db, Tx};
use crate::services::{repo as services, Service};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Changes one transaction takes at most; a longer backlog waits for the next.
const MAX_BATCH_CHANGES: usize = 2_000;

/// Requests that may wait for the writer before callers wait to hand theirs over.
const BACKLOG: usize = 4_096;

/// How often a batch is read and decided again when another process wrote the same rows in
/// between (Postgres only, and the session lock makes even that rare).
const ATTEMPTS: usize = 5;

/// One request: a tap, "Mark all attended", or a queue sent after being offline.
pub struct Job {
    pub who: SignedIn,
    pub id: AppointmentId,
    pub changes: Vec<ChangeRequest>,
    pub sent_at: i64,
    /// Given for a correction: the reason that lets a change to attendance on record (an
    /// invoiced charge, a locked note) be stored.
    pub reason: Option<String>,
    pub reply: oneshot::Sender<AppResult<Vec<ChangeOutcome>>>,
}

/// Starts the writer for `db`; requests go to the returned sender.
pub fn start(db: Db, hub: Arc<Hub>) -> mpsc::Sender<Job> {
    let (tx, rx) = mpsc::channel(BACKLOG);
    tokio::spawn(run(db, hub, rx));
    tx
}

async fn run(db: Db, hub: Arc<Hub>, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut size = first.changes.len();
        let mut batch = vec![first];
        while size < MAX_BATCH_CHANGES {
            match jobs.try_recv() {
                Ok(job) => {
                    size += job.changes.len();
                    batch.push(job);
                }
                Err(_) => break,
            }
        }
        match write(&db, &hub, &batch).await {
            Ok(answers) => answer(batch, answers),
            Err(_) if batch.len() > 1 => {
                for job in batch {
                    let answers = write(&db, &hub, std::slice::from_ref(&job))
                        .await
                        .unwrap_or_else(|e| vec![Err(e)]);
                    answer(vec![job], answers);
                }
            }
            Err(e) => answer(batch, vec![Err(e)]),
        }
    }
}

fn answer(batch: Vec<Job>, answers: Vec<AppResult<Vec<ChangeOutcome>>>) {
    for (job, result) in batch.into_iter().zip(answers) {
        // The caller may have gone (the browser closed); its changes are stored regardless.
        let _ = job.reply.send(result);
    }
}

/// Writes a batch in one transaction, trying again if another process got in between;
/// returns each request's answer, or the error that stopped the whole transaction.
async fn write(db: &Db, hub: &Hub, batch: &[Job]) -> AppResult<Vec<AppResult<Vec<ChangeOutcome>>>> {
    for _ in 0..ATTEMPTS {
        let mut tx = db.begin().await?;
        let mut work = Batch::default();
        let mut answers = Vec::with_capacity(batch.len());
        for job in batch {
            match work.decide(&mut tx, job).await {
                Ok(outcomes) => answers.push(Ok(outcomes)),
                // The database failed: the whole transaction is abandoned.
                Err(e @ (AppError::Internal | AppError::Unavailable)) => return Err(e),
                Err(refused) => answers.push(Err(refused)),
            }
        }
        if !work.store(&mut tx, hub).await? {
            continue;
        }
        tx.commit().await?;
        for (id, rows) in work.changed_rows() {
            hub.committed(id, rows);
        }
        return Ok(answers);
    }
    Err(AppError::Conflict(
        "Attendance for this session is changing very fast; please try again.".into(),
    ))
}

/// A session as a batch found it and is changing it.
struct Session {
    appointment: AppointmentRow,
    case: CaseRow,
    fees: MissedSessionFees,
    /// Participants on the roster, as stored and then as changed by the batch so far: all of
    /// them while the roster is still to be frozen, else those the batch has needed.
    rows: HashMap<PersonId, AttendanceRow>,
    whole_roster: bool,
    /// People asked about who are not on the (frozen) roster.
    not_on_roster: HashSet<PersonId>,
    /// The rows the batch changed, as every screen will be sent them.
    changed: BTreeMap<PersonId, RowState>,
    /// Who last changed each changed row, for storing it.
    changed_by: HashMap<PersonId, (PracticeId, AccountId)>,
    /// What puts the session's attendance on record, read once a batch when a change would
    /// first apply (most requests change nothing on record, but every tap must be checked).
    on_record: Option<OnRecordRows>,
    /// Corrections to write into the locked note's charts.
    corrections: Vec<ChartCorrection>,
}

#[derive(Default)]
struct Batch {
    sessions: HashMap<AppointmentId, Session>,
    /// Whether each account may see each session, checked once a batch.
    visible: HashMap<(AccountId, AppointmentId), Result<(), AppError>>,
    services: HashMap<(PracticeId, ServiceId), Option<Service>>,
    fees: HashMap<PracticeId, MissedSessionFees>,
    history: Vec<NewHistory>,
    /// Audit entries: who, session, and what.
    audit: Vec<(SignedIn, AppointmentId, String)>,
}

impl Batch {
    /// Checks a request and, if every change in it is allowed, decides each one against the
    /// rows as the batch has left them. Nothing of a refused request is kept.
    async fn decide(&mut self, tx: &mut Tx, job: &Job) -> AppResult<Vec<ChangeOutcome>> {
        let who = &job.who;
        let id = job.id;
        self.check_session(tx, who, id).await?;
        let session = self
            .sessions
            .get_mut(&id)
            .ok_or_else(|| AppError::internal(format!("session {} was not loaded", id.0)))?;
        if session.appointment.status == AppointmentStatus::Cancelled {
            return Err(AppError::Conflict(
                "This session was cancelled, so attendance can't be recorded for it.".into(),
            ));
        }
        let kind = session.case.kind();
        if !session.whole_roster {
            // Read only the rows this request needs, once a batch.
            let unread: BTreeSet<PersonId> = job
                .changes
                .iter()
                .map(|c| c.person_id)
                .filter(|p| !session.rows.contains_key(p) && !session.not_on_roster.contains(p))
                .collect();
            if !unread.is_empty() {
                let unread: Vec<PersonId> = unread.into_iter().collect();
                for row in repo::on_roster(tx.conn(), id, &unread).await? {
                    session.rows.insert(PersonId(row.person_id), row);
                }
                for p in unread {
                    if !session.rows.contains_key(&p) {
                        session.not_on_roster.insert(p);
                    }
                }
            }
        }
        // Every check before deciding anything.
        for change in &job.changes {
            if !session.rows.contains_key(&change.person_id) {
                return Err(not_on_roster());
            }
        }
        let mut codes: HashMap<ServiceId, (i64, String)> = HashMap::new();
        for service in job.changes.iter().filter_map(|c| c.choice?.service()) {
            if codes.contains_key(&service) {
                continue;
            }
            let key = (who.practice_id, service);
            if let Entry::Vacant(slot) = self.services.entry(key) {
                slot.insert(services::get(tx.conn(), who.practice_id, service).await?);
            }
            let s = self.services[&key]
                .as_ref()
                .filter(|s| s.active && offers_service(kind, s.category))
                .ok_or_else(|| {
                    AppError::invalid(
                        "service",
                        "That service can't be recorded for this case; choose another.",
                    )
                })?;
            codes.insert(service, (s.fee_cents, s.code.clone()));
        }

        let now = now_ms();
        let tz = who.time_zone;
        let session = self
            .sessions
            .get_mut(&id)
            .ok_or_else(|| AppError::internal(format!("session {} was not loaded", id.0)))?;
        let mut outcomes = Vec::with_capacity(job.changes.len());
        for change in &job.changes {
            let made_at = made_at_on_server(change.made_at, job.sent_at, now);
            let current = session
                .rows
                .get_mut(&change.person_id)
                .ok_or_else(not_on_roster)?;
            let stored = Stored {
                choice: current.choice,
                version: current.version,
                changed_at: current.changed_at,
            };
            let proposed = Proposed {
                choice: change.choice,
                base_version: change.base_version,
                made_at,
                fill_only: change.fill_only,
            };
            let service = change.choice.and_then(|c| c.service());
            let (fee, code) = match service.and_then(|s| codes.get(&s)) {
                Some((fee, code)) => (Some(*fee), Some(code.clone())),
                None => (None, None),
            };
            let cents = charge(change.choice, fee, session.fees);
            let mut line = NewHistory {
                practice: who.practice_id,
                appointment: id,
                person: change.person_id,
                from: stored.choice,
                to: change.choice,
                charge_cents: cents,
                superseded: false,
                version: stored.version,
                by: who.account_id,
                made_at,
                recorded_at: now,
                reason: job.reason.clone(),
            };
            let key = |c: Option<crate::domain::attendance::Choice>| {
                c.map(|c| c.key()).unwrap_or_else(|| "none".into())
            };
            let outcome = match resolve(stored, proposed) {
                Resolution::Unchanged => {
                    outcomes.push(ChangeOutcome::Stored(state_of(current, tz)));
                    continue;
                }
                Resolution::Superseded => {
                    line.superseded = true;
                    let by = current.changed_by_name.clone().unwrap_or_default();
                    let outcome = ChangeOutcome::Superseded {
                        message: format!(
                            "{by} changed this to {} after your change was made; theirs stands. Yours is kept in the history.",
                            describe(stored.choice, current.service_code.as_deref())
                        ),
                        row: state_of(current, tz),
                    };
                    self.audit.push((
                        who.clone(),
                        id,
                        format!(
                            "person {}: {} -> {} (superseded by a newer change)",
                            change.person_id,
                            key(stored.choice),
                            key(change.choice)
                        ),
                    ));
                    outcome
                }
                Resolution::Apply => {
                    if session.on_record.is_none() {
                        session.on_record = Some(repo::on_record(tx.conn(), id).await?);
                    }
                    let on_record = session
                        .on_record
                        .as_ref()
                        .map(|o| o.of(change.person_id))
                        .unwrap_or_default();
                    if on_record.needs_reason() && job.reason.is_none() {
                        // Nothing is stored or kept: the clinician is asked for a reason.
                        outcomes.push(ChangeOutcome::NeedsReason {
                            row: state_of(current, tz),
                            message: on_record.explain().unwrap_or_default(),
                        });
                        continue;
                    }
                    let from_label = describe(stored.choice, current.service_code.as_deref());
                    current.choice = change.choice;
                    current.service_code = code;
                    current.charge_cents = cents;
                    current.version += 1;
                    current.changed_by_name = Some(who.display_name.clone());
                    current.changed_at = made_at;
                    line.version = current.version;
                    let state = state_of(current, tz);
                    session.changed.insert(change.person_id, state.clone());
                    session
                        .changed_by
                        .insert(change.person_id, (who.practice_id, who.account_id));
                    let mut detail = format!(
                        "person {}: {} -> {} ({})",
                        change.person_id,
                        key(stored.choice),
                        key(change.choice),
                        format_money(cents)
                    );
                    if let Some(reason) = &job.reason {
                        detail.push_str(&format!("; correction: {reason}"));
                        if on_record.note_locked {
                            session.corrections.push(ChartCorrection {
                                who: who.clone(),
                                person: change.person_id,
                                from: from_label,
                                to: state.label.clone(),
                                attended: change.choice.is_some_and(|c| c.attended()),
                                service,
                                reason: reason.clone(),
                                at: made_at,
                            });
                        }
                    }
                    self.audit.push((who.clone(), id, detail));
                    ChangeOutcome::Stored(state)
                }
            };
            self.history.push(line);
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Whether `who` may see session `id`, and the session's roster and fees, read once.
    async fn check_session(
        &mut self,
        tx: &mut Tx,
        who: &SignedIn,
        id: AppointmentId,
    ) -> AppResult<()> {
        let key = (who.account_id, id);
        if let Some(known) = self.visible.get(&key) {
            // This request is refused too: name the session for its own audit entry.
            return match known {
                Err(AppError::NotFound) => Err(who.not_found(ObjectKind::Appointment, id.0)),
                other => other.clone(),
            };
        }
        let seen = match visible_appointment(tx, who, id).await {
            Ok((appointment, case)) => {
                if !self.sessions.contains_key(&id) {
                    self.load(tx, who, appointment, case).await?;
                }
                Ok(())
            }
            Err(e @ (AppError::Internal | AppError::Unavailable)) => return Err(e),
            Err(refused) => Err(refused),
        };
        self.visible.insert(key, seen.clone());
        seen
    }

    async fn load(
        &mut self,
        tx: &mut Tx,
        who: &SignedIn,
        appointment: AppointmentRow,
        case: CaseRow,
    ) -> AppResult<()> {
        let id = AppointmentId(appointment.id);
        repo::lock_session(tx.conn(), id).await?;
        let fees = match self.fees.get(&who.practice_id) {
            Some(f) => *f,
            None => {
                let f = repo::missed_fees(tx.conn(), who.practice_id).await?;
                self.fees.insert(who.practice_id, f);
                f
            }
        };
        // A frozen roster is read a participant at a time as requests need them; one still
        // following the group's membership is worked out whole, once, before it freezes.
        let whole_roster = !appointment.roster_frozen;
        let mut rows = HashMap::new();
        if whole_roster {
            let mut stored: HashMap<i64, AttendanceRow> = repo::rows(tx.conn(), id)
                .await?
                .into_iter()
                .map(|r| (r.person_id, r))
                .collect();
            for r in roster_of(tx.conn(), &appointment).await? {
                let row = stored
                    .remove(&r.person_id.0)
                    .unwrap_or_else(|| blank(r.person_id));
                rows.insert(r.person_id, row);
            }
        }
        self.sessions.insert(
            id,
            Session {
                appointment,
                case,
                fees,
                rows,
                whole_roster,
                not_on_roster: HashSet::new(),
                changed: BTreeMap::new(),
                changed_by: HashMap::new(),
                on_record: None,
                corrections: Vec::new(),
            },
        );
        Ok(())
    }

    /// Writes what the batch decided; `false` when another process changed a row since it
    /// was read, and the batch must be read and decided again.
    async fn store(&self, tx: &mut Tx, hub: &Hub) -> AppResult<bool> {
        let mut ids: Vec<&AppointmentId> = self.sessions.keys().collect();
        ids.sort();
        for id in ids {
            let session = &self.sessions[id];
            let kept = self.history.iter().any(|h| h.appointment == *id);
            // Recording attendance documents the session: from now on it keeps its roster.
            if kept && !session.appointment.roster_frozen {
                calendar::freeze_roster(tx.conn(), *id).await?;
            }
            if !session.corrections.is_empty() {
                crate::notes::server::chart_corrections(
                    tx,
                    &session.appointment,
                    &session.case,
                    &session.corrections,
                )
                .await?;
            }
            if session.changed.is_empty() {
                continue;
            }
            let rows: Vec<FinalChoice> = session
                .changed
                .keys()
                .map(|person| {
                    let row = &session.rows[person];
                    let (practice, by) = session.changed_by[person];
                    FinalChoice {
                        practice,
                        appointment: *id,
                        person: *person,
                        choice: row.choice,
                        charge_cents: row.charge_cents,
                        version: row.version,
                        by,
                        at: row.changed_at,
                    }
                })
                .collect();
            if repo::store_choices(tx.conn(), &rows).await? != rows.len() as u64 {
                return Ok(false);
            }
            let changed: Vec<RowState> = session.changed.values().cloned().collect();
            hub.publish(tx, *id, &changed).await?;
        }
        repo::add_history(tx.conn(), &self.history).await?;
        let entries: Vec<NewEntry<'_>> = self
            .audit
            .iter()
            .map(|(who, id, detail)| NewEntry {
                practice_id: Some(who.practice_id),
                actor: Some(who.account_id),
                actor_label: &who.email,
                action: Action::Update,
                object_kind: ObjectKind::Attendance,
                object_id: Some(id.0),
                outcome: Outcome::Success,
                detail,
            })
            .collect();
        append_many(tx.conn(), &entries, now_ms()).await?;
        Ok(true)
    }

    fn changed_rows(self) -> impl Iterator<Item = (AppointmentId, Vec<RowState>)> {
        self.sessions
            .into_iter()
            .filter(|(_, s)| !s.changed.is_empty())
            .map(|(id, s)| (id, s.changed.into_values().collect()))
    }
}
