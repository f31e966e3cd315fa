//! What staff do with attendance, with every check: who is asking, whether they may see the
//! exact session, whether each participant is on its roster; each request in one
//! transaction with its history and audit entries, then sent to every open screen.
//! Server functions, the live stream, tests and the benchmark call these. Server only.

use super::live::Live;
use super::repo::{self, AttendanceRow, NewChoice, NewHistory};
use super::{
    ChangeOutcome, ChangeRequest, HistoryEntry, RowState, Sheet, SheetRow, MAX_CHANGES_PER_REQUEST,
};
use crate::audit::server::{audit_refusal, record};
use crate::audit::{Action, Outcome};
use crate::auth::server::SignedIn;
use crate::calendar::repo as calendar;
use crate::calendar::server::{local, roster_of, visible_appointment};
use crate::domain::attendance::{
    charge, check_missed_fee, choice_menu, describe, made_at_on_server, offers_service, resolve,
    Choice, Confirmation, MissedSessionFees, Proposed, Resolution, ServiceOption, Stored,
};
use crate::domain::services::{format_money, parse_money};
use crate::domain::{AppointmentId, PersonId, Role, ServiceId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Db, Tx};
use crate::services::repo as services;
use chrono_tz::Tz;
use std::collections::HashMap;

fn state_of(row: &AttendanceRow, tz: Tz) -> RowState {
    let choice = row.choice();
    RowState {
        person_id: PersonId(row.person_id),
        confirmation: row.confirmation(),
        choice,
        label: describe(choice, row.service_code.as_deref()),
        charge_cents: row.charge_cents,
        version: row.version,
        changed_by: row.changed_by_name.clone(),
        changed_at: (row.changed_at > 0)
            .then(|| local(tz, row.changed_at).format("%H:%M").to_string()),
    }
}

fn blank(person: PersonId) -> AttendanceRow {
    AttendanceRow {
        person_id: person.0,
        confirmation: Confirmation::NotConfirmed.as_str().into(),
        ..AttendanceRow::default()
    }
}

/// The roster of a session the caller may see, each with their stored attendance.
async fn roster_states(
    tx: &mut Tx,
    who: &SignedIn,
    id: AppointmentId,
) -> AppResult<(
    Vec<SheetRow>,
    calendar::AppointmentRow,
    crate::cases::repo::CaseRow,
)> {
    let (row, case) = visible_appointment(tx, who, id).await?;
    let roster = roster_of(tx.conn(), &row).await?;
    let mut stored: HashMap<i64, AttendanceRow> = repo::rows(tx.conn(), id)
        .await?
        .into_iter()
        .map(|r| (r.person_id, r))
        .collect();
    let rows = roster
        .into_iter()
        .map(|r| {
            let a = stored
                .remove(&r.person_id.0)
                .unwrap_or_else(|| blank(r.person_id));
            SheetRow {
                name: r.display_name,
                state: state_of(&a, who.time_zone),
            }
        })
        .collect();
    Ok((rows, row, case))
}

/// The services a case's attendance may record: active, and of a category its kind allows.
async fn offered_services(
    tx: &mut Tx,
    who: &SignedIn,
    kind: crate::domain::cases::CaseKind,
) -> AppResult<Vec<crate::services::Service>> {
    Ok(services::list(tx.conn(), who.practice_id, false)
        .await?
        .into_iter()
        .filter(|s| offers_service(kind, s.category))
        .collect())
}

/// The session screen, audited as a read (it shows the roster and attendance).
pub async fn sheet(db: &Db, who: &SignedIn, id: AppointmentId) -> AppResult<Sheet> {
    audit_refusal(db, who, "appointment", id.0, sheet_in(db, who, id)).await
}

async fn sheet_in(db: &Db, who: &SignedIn, id: AppointmentId) -> AppResult<Sheet> {
    let tz = who.time_zone;
    let mut tx = db.begin().await?;
    let (rows, row, case) = roster_states(&mut tx, who, id).await?;
    let fees = repo::missed_fees(tx.conn(), who.practice_id).await?;
    let offered = offered_services(&mut tx, who, case.kind()).await?;
    let options: Vec<ServiceOption> = offered
        .iter()
        .map(|s| ServiceOption {
            id: s.id,
            label: format!("{} {}", s.code, s.name),
            fee_cents: s.fee_cents,
        })
        .collect();
    let default_service = case
        .default_service_id
        .map(ServiceId)
        .filter(|d| options.iter().any(|o| o.id == *d));
    let (attended_options, absent_options) = choice_menu(default_service, &options, fees);
    record(
        tx.conn(),
        who,
        Action::Read,
        "attendance",
        Some(id.0),
        Outcome::Success,
        "",
    )
    .await?;
    tx.commit().await?;
    let start = local(tz, row.starts_at);
    let end = local(tz, row.ends_at);
    let title = match &case.initials {
        Some(i) => format!("{i} · {}", case.name),
        None => case.name.clone(),
    };
    Ok(Sheet {
        appointment_id: id,
        case_id: crate::domain::CaseId(case.id),
        title,
        kind_label: case.kind().label().to_string(),
        when: format!(
            "{} · {}–{}",
            start.format("%A %-d %B %Y"),
            start.format("%H:%M"),
            end.format("%H:%M")
        ),
        cancelled: row.status == "cancelled",
        default_label: default_service
            .and_then(|d| options.iter().find(|o| o.id == d))
            .map(|o| o.label.clone()),
        default_service,
        attended_options,
        absent_options,
        rows,
    })
}

/// Every row of a session, for a live stream (re)connecting. Checked like the sheet, and
/// audited as a read like it: the stream shows the same attendance.
pub async fn snapshot(db: &Db, who: &SignedIn, id: AppointmentId) -> AppResult<Vec<RowState>> {
    audit_refusal(db, who, "appointment", id.0, async {
        let mut tx = db.begin().await?;
        let (rows, _, _) = roster_states(&mut tx, who, id).await?;
        record(
            tx.conn(),
            who,
            Action::Read,
            "attendance",
            Some(id.0),
            Outcome::Success,
            "live stream",
        )
        .await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(|r| r.state).collect())
    })
    .await
}

/// Records a batch of changes (one tap, "Mark all attended", or a queue sent after being
/// offline) in one transaction, then sends the changed rows to every open screen.
pub async fn record_changes(
    db: &Db,
    live: &Live,
    who: &SignedIn,
    id: AppointmentId,
    changes: &[ChangeRequest],
    sent_at: i64,
) -> AppResult<Vec<ChangeOutcome>> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    if changes.len() > MAX_CHANGES_PER_REQUEST {
        return Err(AppError::invalid(
            "changes",
            format!("Send at most {MAX_CHANGES_PER_REQUEST} changes at once."),
        ));
    }
    let (outcomes, changed) = audit_refusal(db, who, "appointment", id.0, async {
        let mut tx = db.begin().await?;
        let result = apply(&mut tx, who, id, changes, sent_at).await?;
        live.publish(&mut tx, id, &result.1).await?;
        tx.commit().await?;
        Ok(result)
    })
    .await?;
    live.committed(id, changed);
    Ok(outcomes)
}

fn not_on_roster() -> AppError {
    AppError::invalid(
        "person",
        "Someone in these changes is not on this session's roster. Reload the session to see who is.",
    )
}

async fn apply(
    tx: &mut Tx,
    who: &SignedIn,
    id: AppointmentId,
    changes: &[ChangeRequest],
    sent_at: i64,
) -> AppResult<(Vec<ChangeOutcome>, Vec<RowState>)> {
    let now = now_ms();
    let tz = who.time_zone;
    let (row, case) = visible_appointment(tx, who, id).await?;
    if row.status == "cancelled" {
        return Err(AppError::Conflict(
            "This session was cancelled, so attendance can't be recorded for it.".into(),
        ));
    }
    // Recording attendance documents the session: from now on it keeps its roster.
    if !row.roster_frozen {
        calendar::freeze_roster(tx.conn(), id).await?;
    }
    let fees = repo::missed_fees(tx.conn(), who.practice_id).await?;
    // Every check before any write, so a refused request changes nothing. The rows read
    // here are decided on, unless a write since made them stale.
    let mut read: HashMap<PersonId, AttendanceRow> = HashMap::new();
    let mut fee_of: HashMap<ServiceId, (i64, String)> = HashMap::new();
    for change in changes {
        if let Some(service) = change.choice.and_then(|c| c.service()) {
            if fee_of.contains_key(&service) {
                continue;
            }
            let s = services::get(tx.conn(), who.practice_id, service)
                .await?
                .filter(|s| s.active && offers_service(case.kind(), s.category))
                .ok_or_else(|| {
                    AppError::invalid(
                        "service",
                        "That service can't be recorded for this case; choose another.",
                    )
                })?;
            fee_of.insert(service, (s.fee_cents, s.code));
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = read.entry(change.person_id) {
            slot.insert(
                repo::on_roster(tx.conn(), id, change.person_id)
                    .await?
                    .ok_or_else(not_on_roster)?,
            );
        }
    }
    let mut outcomes = Vec::with_capacity(changes.len());
    let mut changed: Vec<RowState> = Vec::new();
    for change in changes {
        let made_at = made_at_on_server(change.made_at, sent_at, now);
        let proposed = Proposed {
            choice: change.choice,
            base_version: change.base_version,
            made_at,
            fill_only: change.fill_only,
        };
        // Read, decide, write if the row is still as read; on Postgres another server may
        // have written it in between, and then this decides again on what it wrote.
        let outcome = loop {
            let current = match read.remove(&change.person_id) {
                Some(row) => row,
                None => repo::on_roster(tx.conn(), id, change.person_id)
                    .await?
                    .ok_or_else(not_on_roster)?,
            };
            let stored = Stored {
                choice: current.choice(),
                version: current.version,
                changed_at: current.changed_at,
            };
            let service = change.choice.and_then(|c| c.service());
            let (fee, code) = match service.and_then(|s| fee_of.get(&s)) {
                Some((fee, code)) => (Some(*fee), Some(code.clone())),
                None => (None, None),
            };
            let cents = charge(change.choice, fee, fees);
            // What is kept of this change, applied or not: its history line and audit entry.
            let kept = Kept {
                person: change.person_id,
                from: stored.choice,
                to: change.choice,
                charge_cents: cents,
                made_at,
                recorded_at: now,
            };
            match resolve(stored, proposed) {
                Resolution::Unchanged => break ChangeOutcome::Stored(state_of(&current, tz)),
                Resolution::Superseded => {
                    keep(tx, who, id, &kept, stored.version, true).await?;
                    let by = current.changed_by_name.clone().unwrap_or_default();
                    break ChangeOutcome::Superseded {
                        message: format!(
                            "{by} changed this to {} after your change was made; theirs stands. Yours is kept in the history.",
                            describe(stored.choice, current.service_code.as_deref())
                        ),
                        row: state_of(&current, tz),
                    };
                }
                Resolution::Apply => {
                    let new = NewChoice {
                        practice: who.practice_id,
                        appointment: id,
                        person: change.person_id,
                        choice: change.choice,
                        charge_cents: cents,
                        by: who.account_id,
                        at: made_at,
                    };
                    let Some(version) = repo::store_choice(tx.conn(), &new, stored.version).await?
                    else {
                        continue;
                    };
                    keep(tx, who, id, &kept, version, false).await?;
                    let state = RowState {
                        person_id: change.person_id,
                        confirmation: current.confirmation(),
                        choice: change.choice,
                        label: describe(change.choice, code.as_deref()),
                        charge_cents: cents,
                        version,
                        changed_by: Some(who.display_name.clone()),
                        changed_at: Some(local(tz, made_at).format("%H:%M").to_string()),
                    };
                    changed.retain(|r| r.person_id != state.person_id);
                    changed.push(state.clone());
                    break ChangeOutcome::Stored(state);
                }
            }
        };
        outcomes.push(outcome);
    }
    Ok((outcomes, changed))
}

/// One change as the history and the audit log keep it.
struct Kept {
    person: PersonId,
    from: Option<Choice>,
    to: Option<Choice>,
    charge_cents: i64,
    made_at: i64,
    recorded_at: i64,
}

/// Writes a change's history line and its audit entry. `version` is the row's new version
/// for an applied change, the version that stood for a superseded one.
async fn keep(
    tx: &mut Tx,
    who: &SignedIn,
    id: AppointmentId,
    k: &Kept,
    version: i64,
    superseded: bool,
) -> AppResult<()> {
    repo::add_history(
        tx.conn(),
        &NewHistory {
            practice: who.practice_id,
            appointment: id,
            person: k.person,
            from: k.from,
            to: k.to,
            charge_cents: k.charge_cents,
            superseded,
            version,
            by: who.account_id,
            made_at: k.made_at,
            recorded_at: k.recorded_at,
        },
    )
    .await?;
    let code = |c: Option<Choice>| c.map(|c| c.key()).unwrap_or_else(|| "none".into());
    let outcome = if superseded {
        "superseded by a newer change".to_string()
    } else {
        format_money(k.charge_cents)
    };
    record(
        tx.conn(),
        who,
        Action::Update,
        "attendance",
        Some(id.0),
        Outcome::Success,
        &format!(
            "person {}: {} -> {} ({outcome})",
            k.person,
            code(k.from),
            code(k.to)
        ),
    )
    .await?;
    Ok(())
}

/// Records whether a participant confirmed. Audited; sent to every open screen.
pub async fn set_confirmation(
    db: &Db,
    live: &Live,
    who: &SignedIn,
    id: AppointmentId,
    person: PersonId,
    confirmation: Confirmation,
) -> AppResult<RowState> {
    let state = audit_refusal(db, who, "appointment", id.0, async {
        let mut tx = db.begin().await?;
        let (row, _) = visible_appointment(&mut tx, who, id).await?;
        let roster = roster_of(tx.conn(), &row).await?;
        if !roster.iter().any(|r| r.person_id == person) {
            return Err(not_on_roster());
        }
        repo::set_confirmation(tx.conn(), who.practice_id, id, person, confirmation).await?;
        record(
            tx.conn(),
            who,
            Action::Update,
            "attendance",
            Some(id.0),
            Outcome::Success,
            &format!("person {person}: confirmation {}", confirmation.as_str()),
        )
        .await?;
        let stored = repo::row(tx.conn(), id, person)
            .await?
            .unwrap_or_else(|| blank(person));
        let state = state_of(&stored, who.time_zone);
        live.publish(&mut tx, id, std::slice::from_ref(&state))
            .await?;
        tx.commit().await?;
        Ok(state)
    })
    .await?;
    live.committed(id, vec![state.clone()]);
    Ok(state)
}

/// A participant's attendance history in one session, audited as a read.
pub async fn history(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
    person: PersonId,
) -> AppResult<Vec<HistoryEntry>> {
    audit_refusal(db, who, "appointment", id.0, async {
        let tz = who.time_zone;
        let mut tx = db.begin().await?;
        visible_appointment(&mut tx, who, id).await?;
        let rows = repo::history(tx.conn(), id, person).await?;
        record(
            tx.conn(),
            who,
            Action::Read,
            "attendance_history",
            Some(id.0),
            Outcome::Success,
            &format!("person {person}"),
        )
        .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|h| {
                let from = h
                    .from_choice
                    .as_deref()
                    .and_then(|c| Choice::from_parts(c, h.from_service_id));
                let to = h
                    .to_choice
                    .as_deref()
                    .and_then(|c| Choice::from_parts(c, h.to_service_id));
                HistoryEntry {
                    when: local(tz, h.made_at).format("%-d %b %H:%M").to_string(),
                    who: h.changed_by_name,
                    from: describe(from, h.from_code.as_deref()),
                    to: describe(to, h.to_code.as_deref()),
                    charge_cents: h.charge_cents,
                    superseded: h.outcome == "superseded",
                    // Sent more than a minute after it was made: it waited on the device.
                    queued: h.recorded_at - h.made_at > 60_000,
                }
            })
            .collect())
    })
    .await
}

/// The practice's missed-session fees.
pub async fn missed_fees(db: &Db, who: &SignedIn) -> AppResult<MissedSessionFees> {
    let mut c = db.acquire().await?;
    Ok(repo::missed_fees(c.conn(), who.practice_id).await?)
}

/// Sets the practice's no-show and late-cancel fees (typed as dollars). Owners and admins.
pub async fn save_missed_fees(
    db: &Db,
    who: &SignedIn,
    no_show: &str,
    late_cancel: &str,
) -> AppResult<MissedSessionFees> {
    if !matches!(who.role, Role::Owner | Role::Admin) {
        return Err(AppError::Forbidden(
            "Only the practice owner or an admin can change fees.".into(),
        ));
    }
    let fee = |field: &str, text: &str| {
        let text = if text.trim().is_empty() { "0" } else { text };
        parse_money(text)
            .and_then(check_missed_fee)
            .map_err(|m| AppError::invalid(field, m))
    };
    let fees = MissedSessionFees {
        no_show_cents: fee("no_show_fee", no_show)?,
        late_cancel_cents: fee("late_cancel_fee", late_cancel)?,
    };
    let mut tx = db.begin().await?;
    repo::set_missed_fees(tx.conn(), who.practice_id, fees).await?;
    record(
        tx.conn(),
        who,
        Action::Update,
        "practice_fees",
        Some(who.practice_id.0),
        Outcome::Success,
        &format!(
            "no-show {}, late cancel {}",
            format_money(fees.no_show_cents),
            format_money(fees.late_cancel_cents)
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(fees)
}
