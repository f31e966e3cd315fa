//! What staff do with notes, with every check: who is asking, whether they may see the exact
//! session (and so its case), whether they write notes, whether the note is in a state that
//! allows it, whether a participant really attended; each change in one transaction with its
//! audit entry. Server functions, tests and the benchmark call these. Server only.

use super::progress::Board;
use super::repo::{self, NewAddendum, NewChartNote, NewNote, NoteRow, StatusExtra};
use super::{
    AddendumView, AttendeeNote, Chart, ChartNoteView, LockProgress, NotAttending, NotePart,
    NoteScreen, NoteState, Review, ReviewItem, SaveOutcome, Template, CHART_PAGE,
};
use crate::access::SignedIn;
use crate::attendance::repo as attendance;
use crate::audit::repo::{append_many, NewEntry};
use crate::audit::server::record;
use crate::audit::{Action, Event, ObjectKind, Outcome};
use crate::auth::repo as accounts;
use crate::calendar::repo::AppointmentRow;
use crate::calendar::server::{period, roster_of, visible_appointment};
use crate::cases::repo::CaseRow;
use crate::domain::attendance::describe;
use crate::domain::cases::{case_title, Language};
use crate::domain::notes::{
    check_comments, check_lock, check_template, from_sections, permissions, Document,
    NotePermissions, NoteStatus,
};
use crate::domain::paging::{Earlier, Page};
use crate::domain::people::display_name;
use crate::domain::schedule::AppointmentStatus;
use crate::domain::when;
use crate::domain::{AccountId, AppointmentId, CaseId, NoteId, PersonId, TemplateId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Db, Tx};
use crate::server::time::wall;
use crate::services::repo as services;
use chrono_tz::Tz;
use std::collections::HashMap;

mod chart;
mod signing;
mod templates;
mod writing;
use templates::template_of;
use writing::{checked, existing_note, not_a_writer};

pub(crate) use chart::chart_corrections;
pub use chart::{add_addendum, chart, earlier_chart_notes, ChartCorrection};
pub use signing::{lock, lock_progress, review, review_decision, waiting_for_me};
pub use templates::{save_template, templates};
pub use writing::{save, screen, start, submit};

fn when_label(tz: Tz, at: i64) -> String {
    when::stamp(wall(tz, at))
}

fn session_when(tz: Tz, row: &AppointmentRow) -> String {
    period(tz, row.starts_at, row.ends_at)
}

fn session_title(case: &CaseRow) -> String {
    case_title(case.initials.as_deref(), &case.name)
}

/// Whether the caller writes notes: they deliver care, on a case they can see.
fn writes_notes(who: &SignedIn) -> bool {
    who.role.provides_care()
}

/// A roster member with their attendance, as a note sees them.
struct Member {
    person: PersonId,
    name: String,
    attended: bool,
    recorded: bool,
    label: String,
    service: Option<String>,
}

/// The session's roster with each member's attendance.
async fn members(tx: &mut Tx, who: &SignedIn, row: &AppointmentRow) -> AppResult<Vec<Member>> {
    let roster = roster_of(tx.conn(), row).await?;
    let mut stored: HashMap<i64, attendance::AttendanceRow> =
        attendance::rows(tx.conn(), AppointmentId(row.id))
            .await?
            .into_iter()
            .map(|r| (r.person_id, r))
            .collect();
    let service_names: HashMap<i64, String> = services::list(tx.conn(), who.practice_id, true)
        .await?
        .into_iter()
        .map(|s| (s.id.0, format!("{} {}", s.code, s.name)))
        .collect();
    Ok(roster
        .into_iter()
        .map(|r| {
            let a = stored.remove(&r.person_id.0);
            let choice = a.as_ref().and_then(|a| a.choice);
            let code = a.as_ref().and_then(|a| a.service_code.clone());
            Member {
                person: r.person_id,
                name: r.display_name,
                attended: choice.is_some_and(|c| c.attended()),
                recorded: choice.is_some(),
                label: if choice.is_some() {
                    describe(choice, code.as_deref())
                } else {
                    "Not recorded yet".into()
                },
                service: choice
                    .and_then(|c| c.service())
                    .and_then(|s| service_names.get(&s.0).cloned()),
            }
        })
        .collect())
}

fn perms_of(who: &SignedIn, note: &NoteRow) -> NotePermissions {
    permissions(
        note.status(),
        writes_notes(who),
        who.role.needs_supervisor(),
        note.reviewer_id == Some(who.account_id.0),
    )
}

/// Why the caller cannot lock the note now, if locking is otherwise theirs to do.
fn lock_blocked(who: &SignedIn, note: &NoteRow, people: &[Member]) -> Option<String> {
    let status = note.status();
    if !writes_notes(who) || status == NoteStatus::Locked {
        return None;
    }
    lock_check(who, note, people).err().map(|e| e.to_string())
}

/// Whether `who` may sign and lock `note` now, given the roster's attendance.
fn lock_check(
    who: &SignedIn,
    note: &NoteRow,
    people: &[Member],
) -> Result<(), crate::domain::notes::LockRefusal> {
    let unrecorded: Vec<String> = people
        .iter()
        .filter(|m| !m.recorded)
        .map(|m| m.name.clone())
        .collect();
    let attendees = people.iter().filter(|m| m.attended).count();
    check_lock(
        note.status(),
        writes_notes(who),
        who.role.needs_supervisor(),
        note.body().is_blank(),
        &unrecorded,
        attendees,
    )
}

fn addendum_view(tz: Tz, a: &repo::AddendumRow) -> AddendumView {
    AddendumView {
        when: when_label(tz, a.signed_at),
        by: a.signed_by_name.clone(),
        for_whom: a
            .person_legal_name
            .as_ref()
            .map(|l| display_name(l, a.person_preferred_name.as_deref())),
        body: repo::from_json(&a.body),
    }
}

fn signature(tz: Tz, name: Option<&String>, at: Option<i64>) -> Option<String> {
    match (name, at) {
        (Some(n), Some(at)) => Some(format!("{n}, {}", when_label(tz, at))),
        _ => None,
    }
}

async fn note_state(
    tx: &mut Tx,
    who: &SignedIn,
    row: &AppointmentRow,
    note: &NoteRow,
) -> AppResult<NoteState> {
    let tz = who.time_zone;
    let people = members(tx, who, row).await?;
    let own: HashMap<i64, repo::ParticipantNoteRow> =
        repo::participant_notes(tx.conn(), NoteId(note.id))
            .await?
            .into_iter()
            .map(|p| (p.person_id, p))
            .collect();
    let attendees = people
        .iter()
        .filter(|m| m.attended)
        .map(|m| {
            let p = own.get(&m.person.0);
            AttendeeNote {
                person_id: m.person,
                name: m.name.clone(),
                attendance: m.label.clone(),
                note: p.map(|p| repo::from_json(&p.body)).unwrap_or_default(),
                version: p.map(|p| p.version).unwrap_or(0),
            }
        })
        .collect();
    let not_attending = people
        .iter()
        .filter(|m| !m.attended)
        .map(|m| NotAttending {
            name: m.name.clone(),
            attendance: m.label.clone(),
        })
        .collect();
    let addenda = repo::addenda(tx.conn(), &[NoteId(note.id)])
        .await?
        .iter()
        .map(|a| addendum_view(tz, a))
        .collect();
    Ok(NoteState {
        status: note.status(),
        group: note.body(),
        version: note.version,
        attendees,
        not_attending,
        permissions: perms_of(who, note),
        started_by: note.created_by_name.clone(),
        last_saved_by: note.updated_by_name.clone(),
        last_saved_at: when_label(tz, note.updated_at),
        reviewer: note.reviewer_name.clone(),
        review_comments: note.review_comments.clone(),
        cosigned: signature(tz, note.cosigned_by_name.as_ref(), note.cosigned_at),
        signed: signature(tz, note.signed_by_name.as_ref(), note.signed_at),
        lock_blocked: lock_blocked(who, note, &people),
        addenda,
    })
}

/// Moves the note from `from` to `to` and audits it with `detail`, in the caller's
/// transaction; refuses if someone moved it meanwhile.
async fn move_status(
    tx: &mut Tx,
    who: &SignedIn,
    note: &NoteRow,
    from: NoteStatus,
    to: NoteStatus,
    extra: StatusExtra<'_>,
    detail: &str,
) -> AppResult<()> {
    let moved = repo::set_status(
        tx.conn(),
        NoteId(note.id),
        from,
        to,
        who.account_id,
        now_ms(),
        extra,
    )
    .await?;
    if moved != 1 {
        return Err(changed_meanwhile());
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::GroupNote, note.id).detail(detail),
    )
    .await?;
    Ok(())
}

fn changed_meanwhile() -> AppError {
    AppError::Conflict("Someone changed this note meanwhile. Reload to see where it stands.".into())
}
