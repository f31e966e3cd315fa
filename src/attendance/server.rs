//! What staff do with attendance, with every check: who is asking, whether they may see the
//! exact session, whether each participant is on its roster; each request in one
//! transaction with its history and audit entries, then sent to every open screen.
//! Server functions, the live stream, tests and the benchmark call these. Server only.

use super::live::Live;
use super::repo;
use super::rows::{blank, not_on_roster, roster_states, state_of};
use super::{ChangeOutcome, ChangeRequest, HistoryEntry, RowState, Sheet, MAX_CHANGES_PER_REQUEST};
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Event, ObjectKind};
use crate::calendar::server::{period, roster_of, visible_appointment};
use crate::domain::attendance::{
    check_correction_reason, check_missed_fee, choice_menu, describe, offers_service, Choice,
    Confirmation, HistoryOutcome, MissedSessionFees, ServiceOption,
};
use crate::domain::cases::case_title;
use crate::domain::schedule::AppointmentStatus;
use crate::domain::services::{format_money, parse_money};
use crate::domain::when;
use crate::domain::{AppointmentId, PersonId, PracticeId, ServiceId};
use crate::error::{AppError, AppResult};
use crate::server::db::{Db, Tx};
use crate::server::time::wall;
use crate::services::repo as services;

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
    let tz = who.time_zone;
    let mut tx = db.begin_read().await?;
    let (mut rows, row, case) = roster_states(&mut tx, who, id).await?;
    let paid = crate::billing::server::paid_at_session(&mut tx, who, id).await?;
    for r in &mut rows {
        if let Some((p, adjusted)) = paid.get(&r.state.person_id) {
            // Charges are brought up to date by billing's own writes, not by this read: a
            // charge lowered since shows no more paid or adjusted than it now comes to (the
            // rest goes back when billing next runs).
            let charge = crate::domain::money::Money(r.state.charge_cents);
            r.adjusted = (*adjusted).min(charge);
            r.paid = (*p).min(charge - r.adjusted);
        }
    }
    let on_record = repo::on_record(tx.conn(), id).await?;
    for r in &mut rows {
        r.on_record = on_record.of(r.state.person_id).explain();
    }
    let note_locked = on_record.note_locked;
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
    tx.commit().await?;
    crate::audit::server::read(db, who, Event::read(ObjectKind::Attendance, id.0)).await?;
    Ok(Sheet {
        appointment_id: id,
        case_id: crate::domain::CaseId(case.id),
        title: case_title(case.initials.as_deref(), &case.name),
        kind_label: case.kind().label().to_string(),
        when: period(tz, row.starts_at, row.ends_at),
        cancelled: row.status == AppointmentStatus::Cancelled,
        default_label: default_service
            .and_then(|d| options.iter().find(|o| o.id == d))
            .map(|o| o.label.clone()),
        default_service,
        attended_options,
        absent_options,
        note_locked,
        rows,
    })
}

/// Records a request's changes (one tap, "Mark all attended", or a queue sent after being
/// offline) through the process's attendance writer, which checks them, stores them with
/// their history and audit entries in one transaction, and sends the changed rows to every
/// open screen. A refused request changes nothing.
pub async fn record_changes(
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
    live.write(who, id, changes, sent_at, None).await
}

/// Corrects one participant's attendance with a reason: how attendance on record (a charge
/// on an issued invoice, a session whose note is locked) is changed. Through the writer like
/// any change, so the row, its history line (with the reason), the audit entry and, for a
/// locked note, the chart's addendum are written in one transaction. Billing takes the
/// difference when it next brings charges up to date (a credit note, or the next invoice).
/// A reason may be given for any change; it is kept in the history.
pub async fn correct(
    live: &Live,
    who: &SignedIn,
    id: AppointmentId,
    change: ChangeRequest,
    reason: &str,
) -> AppResult<ChangeOutcome> {
    let reason = check_correction_reason(reason).map_err(|m| AppError::invalid("reason", m))?;
    let change = ChangeRequest {
        fill_only: false,
        ..change
    };
    let sent_at = change.made_at;
    live.write(who, id, &[change], sent_at, Some(reason))
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("the attendance writer gave no answer"))
}

/// One participant's confirmation as it is set: by staff on the session screen, or by the
/// participant through a reminder's link.
#[derive(Clone, Copy, Debug)]
pub struct ConfirmationChange {
    pub practice: PracticeId,
    /// The practice's time zone, for the row's "changed at".
    pub tz: chrono_tz::Tz,
    pub id: AppointmentId,
    pub person: PersonId,
    pub confirmation: Confirmation,
}

/// Stores a confirmation with its audit entry in `tx` and queues it for every open screen;
/// the caller commits, then hands the row to [`Live::committed`].
pub(crate) async fn write_confirmation(
    tx: &mut Tx,
    live: &Live,
    change: &ConfirmationChange,
    entry: &crate::audit::repo::NewEntry<'_>,
) -> AppResult<RowState> {
    let ConfirmationChange {
        practice,
        tz,
        id,
        person,
        confirmation,
    } = *change;
    repo::set_confirmation(tx.conn(), practice, id, person, confirmation).await?;
    crate::audit::repo::append(tx.conn(), entry, crate::server::db::now_ms()).await?;
    let stored = repo::row(tx.conn(), id, person)
        .await?
        .unwrap_or_else(|| blank(person));
    let state = state_of(&stored, tz);
    live.publish(tx, id, std::slice::from_ref(&state)).await?;
    Ok(state)
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
    let state = async {
        let mut tx = db.begin().await?;
        let (row, _) = visible_appointment(&mut tx, who, id).await?;
        let roster = roster_of(tx.conn(), &row).await?;
        if !roster.iter().any(|r| r.person_id == person) {
            return Err(not_on_roster());
        }
        let event = Event::update(ObjectKind::Attendance, id.0).detail(format!(
            "person {person}: confirmation {}",
            confirmation.as_str()
        ));
        let change = ConfirmationChange {
            practice: who.practice_id,
            tz: who.time_zone,
            id,
            person,
            confirmation,
        };
        let state = write_confirmation(
            &mut tx,
            live,
            &change,
            &crate::audit::server::entry(who, &event),
        )
        .await?;
        tx.commit().await?;
        Ok(state)
    }
    .await?;
    live.committed(id, vec![state.clone()]);
    Ok(state)
}

/// A participant's own answer from a reminder's link: sets their confirmation, audited under
/// `actor_label` (they have no staff account), and sent to every open screen of the session.
/// The caller has checked that the link stands for this person and session.
pub async fn confirm_by_link(
    db: &Db,
    live: &Live,
    change: ConfirmationChange,
    actor_label: &str,
) -> AppResult<RowState> {
    let detail = format!(
        "person {}: confirmation {} (reminder link)",
        change.person,
        change.confirmation.as_str()
    );
    let entry = crate::audit::repo::NewEntry {
        practice_id: Some(change.practice),
        actor: None,
        actor_label,
        action: crate::audit::Action::Update,
        object_kind: ObjectKind::Attendance,
        object_id: Some(change.id.0),
        outcome: crate::audit::Outcome::Success,
        detail: &detail,
    };
    let mut tx = db.begin().await?;
    let state = write_confirmation(&mut tx, live, &change, &entry).await?;
    tx.commit().await?;
    live.committed(change.id, vec![state.clone()]);
    Ok(state)
}

/// A participant's attendance history in one session, audited as a read.
pub async fn history(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
    person: PersonId,
) -> AppResult<Vec<HistoryEntry>> {
    let tz = who.time_zone;
    let mut tx = db.begin_read().await?;
    visible_appointment(&mut tx, who, id).await?;
    let rows = repo::history(tx.conn(), id, person).await?;
    tx.commit().await?;
    crate::audit::server::read(
        db,
        who,
        Event::read(ObjectKind::AttendanceHistory, id.0).detail(format!("person {person}")),
    )
    .await?;
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
                when: when::short_stamp(wall(tz, h.made_at)),
                who: h.changed_by_name,
                from: describe(from, h.from_code.as_deref()),
                to: describe(to, h.to_code.as_deref()),
                charge_cents: h.charge_cents,
                superseded: h.outcome == HistoryOutcome::Superseded,
                // Sent more than a minute after it was made: it waited on the device.
                queued: h.recorded_at - h.made_at > 60_000,
                reason: h.reason,
            }
        })
        .collect())
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
    who.permit(
        who.role.manages_practice(),
        "Only the practice owner or an admin can change fees.",
    )?;
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
        Event::update(ObjectKind::PracticeFees, who.practice_id.0).detail(format!(
            "no-show {}, late cancel {}",
            format_money(fees.no_show_cents),
            format_money(fees.late_cancel_cents)
        )),
    )
    .await?;
    tx.commit().await?;
    Ok(fees)
}
