//! What staff do with notes, with every check: who is asking, whether they may see the exact
//! session (and so its case), whether they write notes, whether the note is in a state that
//! allows it, whether a participant really attended; each change in one transaction with its
//! audit entry. Server functions, tests and the benchmark call these. Server only.

use super::progress::Board;
use super::repo::{self, NewAddendum, NewChartNote, NewNote, NoteRow, StatusExtra};
use super::{
    AddendumView, AttendeeNote, Chart, ChartNoteView, LockProgress, NotAttending, NotePart,
    NoteScreen, NoteState, Review, ReviewItem, SaveOutcome, Template,
};
use crate::access::SignedIn;
use crate::attendance::repo as attendance;
use crate::audit::repo::{append_many, NewEntry};
use crate::audit::server::record;
use crate::audit::{Action, Event, ObjectKind, Outcome};
use crate::auth::repo as accounts;
use crate::calendar::repo::AppointmentRow;
use crate::calendar::server::{local, period, roster_of, visible_appointment};
use crate::cases::repo::CaseRow;
use crate::domain::attendance::describe;
use crate::domain::cases::{case_title, Language};
use crate::domain::notes::{
    check_comments, check_lock, check_template, from_sections, permissions, Document,
    NotePermissions, NoteStatus,
};
use crate::domain::people::display_name;
use crate::domain::schedule::AppointmentStatus;
use crate::domain::{AccountId, AppointmentId, CaseId, NoteId, PersonId, TemplateId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Db, Tx};
use crate::services::repo as services;
use chrono_tz::Tz;
use std::collections::HashMap;

/// Chart notes written per statement during a lock; the progress bar moves once per batch.
const LOCK_BATCH: usize = 25;

fn when_label(tz: Tz, at: i64) -> String {
    local(tz, at).format("%-d %b %Y %H:%M").to_string()
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

fn template_of(row: &repo::TemplateRow) -> Template {
    Template {
        id: TemplateId(row.id),
        name: row.name.clone(),
        language: row.language(),
        sections: row.sections(),
        active: row.active,
    }
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
    let unrecorded: Vec<String> = people
        .iter()
        .filter(|m| !m.recorded)
        .map(|m| m.name.clone())
        .collect();
    let attendees = people.iter().filter(|m| m.attended).count();
    check_lock(
        status,
        true,
        who.role.needs_supervisor(),
        note.body().is_blank(),
        &unrecorded,
        attendees,
    )
    .err()
    .map(|e| e.to_string())
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

/// The note screen of a session, audited as a read.
pub async fn screen(db: &Db, who: &SignedIn, id: AppointmentId) -> AppResult<NoteScreen> {
    let mut tx = db.begin().await?;
    let (row, case) = visible_appointment(&mut tx, who, id).await?;
    let language = case.kind().workflows().language;
    let note = repo::note_for(tx.conn(), who.practice_id, id, false).await?;
    let state = match &note {
        Some(n) => Some(note_state(&mut tx, who, &row, n).await?),
        None => None,
    };
    let templates = repo::templates(tx.conn(), who.practice_id)
        .await?
        .iter()
        .filter(|t| t.active && t.language() == language)
        .map(template_of)
        .collect();
    if let Some(n) = &note {
        record(tx.conn(), who, Event::read(ObjectKind::GroupNote, n.id)).await?;
    }
    tx.commit().await?;
    Ok(NoteScreen {
        appointment_id: id,
        title: session_title(&case),
        kind_label: case.kind().label().to_string(),
        language,
        when: session_when(who.time_zone, &row),
        cancelled: row.status == AppointmentStatus::Cancelled,
        writes_notes: writes_notes(who),
        note: state,
        templates,
    })
}

fn not_a_writer() -> AppError {
    AppError::Forbidden(
        "Only the practice's clinicians write notes; administrators can read them.".into(),
    )
}

/// Starts a session's note, from a template of the case's kind or blank. Starting a note
/// someone else just started is not an error: theirs stands.
pub async fn start(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
    template: Option<TemplateId>,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let (row, case) = visible_appointment(&mut tx, who, id).await?;
    if !writes_notes(who) {
        return Err(not_a_writer());
    }
    if row.status == AppointmentStatus::Cancelled {
        return Err(AppError::Conflict(
            "This session was cancelled; there is no session to write a note about.".into(),
        ));
    }
    let body = match template {
        Some(t) => {
            let t = repo::template(tx.conn(), who.practice_id, t)
                .await?
                .filter(|t| t.active)
                .ok_or_else(|| {
                    AppError::invalid("template", "Choose one of the listed templates.")
                })?;
            if t.language() != case.kind().workflows().language {
                return Err(AppError::invalid(
                    "template",
                    "That template is for another kind of case; choose one of the listed templates.",
                ));
            }
            from_sections(&t.sections())
        }
        None => Document::default(),
    };
    let created = repo::insert_note(
        tx.conn(),
        &NewNote {
            practice: who.practice_id,
            appointment: id,
            case: CaseId(case.id),
            template,
            body: &body,
            by: who.account_id,
            at: now_ms(),
        },
    )
    .await?;
    if created {
        record(
            tx.conn(),
            who,
            Event::create(ObjectKind::GroupNote, id.0).detail("started for this session"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The note of a session the caller may see, or a clear error if it was never started.
async fn existing_note(
    tx: &mut Tx,
    who: &SignedIn,
    id: AppointmentId,
    for_update: bool,
) -> AppResult<(AppointmentRow, CaseRow, NoteRow)> {
    let (row, case) = visible_appointment(tx, who, id).await?;
    let note = repo::note_for(tx.conn(), who.practice_id, id, for_update)
        .await?
        .ok_or_else(|| {
            AppError::Conflict("This session has no note yet; start it first.".into())
        })?;
    Ok((row, case, note))
}

fn not_editable(status: NoteStatus) -> AppError {
    AppError::Conflict(match status {
        NoteStatus::InReview => {
            "This note is with the supervisor for review; it can't be edited until it comes back."
                .into()
        }
        NoteStatus::CoSigned => {
            "This note was co-signed; it can't be edited any more, only locked.".into()
        }
        NoteStatus::Locked => {
            "This note is signed and locked; it never changes. Add an addendum instead.".into()
        }
        _ => "This note can't be edited now.".into(),
    })
}

/// A document as a client sent it, made canonical and checked.
fn checked(doc: Document) -> AppResult<Document> {
    let doc = doc.normalized();
    doc.validate()
        .map_err(|e| AppError::invalid("note", e.to_string()))?;
    Ok(doc)
}

/// Saves one part of a session's note if nobody else saved it since `base`; otherwise
/// returns their text, and nothing is overwritten. Audited.
pub async fn save(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
    part: NotePart,
    base: i64,
    doc: Document,
) -> AppResult<SaveOutcome> {
    let doc = checked(doc)?;
    let tz = who.time_zone;
    let now = now_ms();
    let mut tx = db.begin().await?;
    // On Postgres the note's row is held until this save ends, so a lock, a status change
    // and a save take turns, and the status read here stands. (SQLite: the write lock.)
    let (_, _, note) = existing_note(&mut tx, who, id, true).await?;
    if !writes_notes(who) {
        return Err(not_a_writer());
    }
    if !note.status().editable() {
        return Err(not_editable(note.status()));
    }
    let note_id = NoteId(note.id);
    let (stored, detail) = match part {
        NotePart::Group => (
            repo::save_group(tx.conn(), note_id, base, &doc, who.account_id, now).await?,
            "group text".to_string(),
        ),
        NotePart::Participant(person) => {
            // Attendance is only ever recorded for people on the session's roster, so
            // an attended row is all this needs to read.
            let stored = attendance::row(tx.conn(), id, person).await?;
            let choice = stored.as_ref().and_then(|r| r.choice);
            if !choice.is_some_and(|c| c.attended()) {
                let label = match (&stored, choice) {
                    (Some(r), Some(c)) => describe(Some(c), r.service_code.as_deref()),
                    _ => "attendance not recorded".into(),
                };
                return Err(AppError::invalid(
                    "person",
                    format!(
                        "This participant did not attend this session ({label}), so they get no note from it."
                    ),
                ));
            }
            (
                repo::save_participant(tx.conn(), note_id, person, base, &doc, who.account_id, now)
                    .await?,
                format!("note for person {person}"),
            )
        }
    };
    if stored == 0 {
        // Someone saved first. If what they saved is what this save says (a retry of a
        // save whose answer was lost), it is saved; otherwise both texts go back.
        let (theirs, version, by, at) = match part {
            NotePart::Group => {
                let n = repo::note_for(tx.conn(), who.practice_id, id, false)
                    .await?
                    .ok_or_else(|| who.not_found(ObjectKind::Appointment, id.0))?;
                (n.body(), n.version, n.updated_by_name, n.updated_at)
            }
            NotePart::Participant(person) => {
                // A screen that says it had a version the server never stored.
                let p = repo::participant_notes(tx.conn(), note_id)
                    .await?
                    .into_iter()
                    .find(|p| p.person_id == person.0)
                    .ok_or_else(|| {
                        AppError::Conflict(
                            "This participant's note is not at the version your screen had. Reload to see where it stands."
                                .into(),
                        )
                    })?;
                (
                    repo::from_json(&p.body),
                    p.version,
                    p.updated_by_name,
                    p.updated_at,
                )
            }
        };
        tx.commit().await?;
        return Ok(if theirs == doc {
            SaveOutcome::Saved {
                version,
                at: local(tz, at).format("%H:%M").to_string(),
            }
        } else {
            SaveOutcome::Conflict {
                theirs,
                version,
                by,
                at: local(tz, at).format("%H:%M").to_string(),
            }
        });
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::GroupNote, note.id).detail(&detail),
    )
    .await?;
    // Both parts start from the version the writer saw (0: a participant note not yet
    // written) and a stored save moves them on by one.
    let version = base + 1;
    tx.commit().await?;
    Ok(SaveOutcome::Saved {
        version,
        at: local(tz, now).format("%H:%M").to_string(),
    })
}

/// An associate sends the note to their supervisor.
pub async fn submit(db: &Db, who: &SignedIn, id: AppointmentId) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let (_, _, note) = existing_note(&mut tx, who, id, true).await?;
    if !perms_of(who, &note).submit {
        return Err(if who.role.needs_supervisor() {
            not_editable(note.status())
        } else {
            AppError::Forbidden(
                "Only associates send notes for review; you can sign and lock it yourself.".into(),
            )
        });
    }
    if note.body().is_blank() {
        return Err(AppError::invalid(
            "note",
            "Write the group note before sending it for review.",
        ));
    }
    let supervisor = accounts::account_in_practice(tx.conn(), who.practice_id, who.account_id)
        .await?
        .and_then(|a| a.supervisor_id)
        .ok_or_else(|| {
            AppError::invalid(
                "supervisor",
                "You have no supervisor on record. Ask the practice owner to set one.",
            )
        })?;
    move_status(
        &mut tx,
        who,
        &note,
        note.status(),
        NoteStatus::InReview,
        StatusExtra {
            reviewer: Some(AccountId(supervisor)),
            comments: None,
        },
        "sent for review",
    )
    .await?;
    tx.commit().await?;
    Ok(())
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

fn not_the_reviewer() -> AppError {
    AppError::Forbidden(
        "Only the supervisor this note was sent to can return or co-sign it.".into(),
    )
}

/// The supervisor returns the note with comments, or co-signs it (`comments` is `None`).
pub async fn review_decision(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
    comments: Option<&str>,
) -> AppResult<()> {
    let comments = match comments {
        Some(c) => Some(check_comments(c).map_err(|m| AppError::invalid("comments", m))?),
        None => None,
    };
    let mut tx = db.begin().await?;
    let (_, _, note) = existing_note(&mut tx, who, id, true).await?;
    if !perms_of(who, &note).review {
        return Err(if note.reviewer_id == Some(who.account_id.0) {
            AppError::Conflict("This note is not waiting for your review.".into())
        } else {
            not_the_reviewer()
        });
    }
    let to = if comments.is_some() {
        NoteStatus::Returned
    } else {
        NoteStatus::CoSigned
    };
    move_status(
        &mut tx,
        who,
        &note,
        NoteStatus::InReview,
        to,
        StatusExtra {
            reviewer: None,
            comments: comments.as_deref(),
        },
        if comments.is_some() {
            "returned with comments"
        } else {
            "co-signed"
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the chart notes of a lock will say, from the note as it stands.
fn chart_previews(
    who: &SignedIn,
    row: &AppointmentRow,
    case: &CaseRow,
    note: &NoteRow,
    people: &[Member],
    own: &HashMap<i64, repo::ParticipantNoteRow>,
) -> Vec<ChartNoteView> {
    let tz = who.time_zone;
    let group = note.body();
    people
        .iter()
        .filter(|m| m.attended)
        .map(|m| ChartNoteView {
            person_id: m.person,
            person_name: m.name.clone(),
            session_title: session_title(case),
            when: session_when(tz, row),
            attendance: m.label.clone(),
            service: m.service.clone(),
            group: group.clone(),
            own: own
                .get(&m.person.0)
                .map(|p| repo::from_json(&p.body))
                .filter(|d| !d.is_blank()),
            signed: signature(tz, note.signed_by_name.as_ref(), note.signed_at),
            cosigned: signature(tz, note.cosigned_by_name.as_ref(), note.cosigned_at),
            addenda: Vec::new(),
        })
        .collect()
}

/// The review screen: each attendee's chart note as a lock would write it. Audited as a read.
pub async fn review(db: &Db, who: &SignedIn, id: AppointmentId) -> AppResult<Review> {
    let mut tx = db.begin().await?;
    let (row, case, note) = existing_note(&mut tx, who, id, false).await?;
    let people = members(&mut tx, who, &row).await?;
    let own: HashMap<i64, repo::ParticipantNoteRow> =
        repo::participant_notes(tx.conn(), NoteId(note.id))
            .await?
            .into_iter()
            .map(|p| (p.person_id, p))
            .collect();
    let chart_notes = chart_previews(who, &row, &case, &note, &people, &own);
    record(
        tx.conn(),
        who,
        Event::read(ObjectKind::GroupNote, note.id).detail("review before lock"),
    )
    .await?;
    tx.commit().await?;
    Ok(Review {
        appointment_id: id,
        title: session_title(&case),
        when: session_when(who.time_zone, &row),
        status: note.status(),
        permissions: perms_of(who, &note),
        lock_blocked: lock_blocked(who, &note, &people),
        not_attending: people
            .iter()
            .filter(|m| !m.attended)
            .map(|m| NotAttending {
                name: m.name.clone(),
                attendance: m.label.clone(),
            })
            .collect(),
        chart_notes,
    })
}

/// Signs and locks the note: in one transaction the note is locked and every attendee gets a
/// chart note (the group note, their own note, their attendance and service, signatures),
/// each audited. Progress is reported as chart notes are written; a failure anywhere leaves
/// nothing behind. Returns how many chart notes were created.
pub async fn lock(db: &Db, board: &Board, who: &SignedIn, id: AppointmentId) -> AppResult<usize> {
    let tz = who.time_zone;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let (row, case, note) = existing_note(&mut tx, who, id, true).await?;
    let people = members(&mut tx, who, &row).await?;
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
    .map_err(|e| match e {
        crate::domain::notes::LockRefusal::NotAllowed => AppError::Forbidden(e.to_string()),
        crate::domain::notes::LockRefusal::AttendanceMissing(_)
        | crate::domain::notes::LockRefusal::Blank
        | crate::domain::notes::LockRefusal::NobodyAttended => {
            AppError::invalid("lock", e.to_string())
        }
        _ => AppError::Conflict(e.to_string()),
    })?;
    let tracker = board.start(id, attendees as i64);
    let note_id = NoteId(note.id);
    let moved = repo::set_status(
        tx.conn(),
        note_id,
        note.status(),
        NoteStatus::Locked,
        who.account_id,
        now,
        StatusExtra::default(),
    )
    .await?;
    if moved != 1 {
        return Err(changed_meanwhile());
    }
    let own: HashMap<i64, repo::ParticipantNoteRow> = repo::participant_notes(tx.conn(), note_id)
        .await?
        .into_iter()
        .map(|p| (p.person_id, p))
        .collect();
    let group_body = note.body.clone();
    let title = session_title(&case);
    let chart_notes: Vec<NewChartNote> = people
        .iter()
        .filter(|m| m.attended)
        .map(|m| NewChartNote {
            practice: who.practice_id,
            person: m.person,
            case: CaseId(case.id),
            appointment: id,
            note: note_id,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            title: title.clone(),
            attendance: m.label.clone(),
            service: m.service.clone(),
            group_body: group_body.clone(),
            own_body: own
                .get(&m.person.0)
                .filter(|p| !repo::from_json(&p.body).is_blank())
                .map(|p| p.body.clone()),
            signed_by_name: who.display_name.clone(),
            signed_at: now,
            cosigned_by_name: note.cosigned_by_name.clone(),
            cosigned_at: note.cosigned_at,
        })
        .collect();
    let details: Vec<String> = chart_notes
        .iter()
        .map(|c| format!("chart note from group note {} ({})", note.id, c.attendance))
        .collect();
    let mut done = 0;
    for (batch, detail) in chart_notes
        .chunks(LOCK_BATCH)
        .zip(details.chunks(LOCK_BATCH))
    {
        repo::insert_chart_notes(tx.conn(), batch).await?;
        let entries: Vec<NewEntry<'_>> = batch
            .iter()
            .zip(detail)
            .map(|(c, d)| NewEntry {
                practice_id: Some(who.practice_id),
                actor: Some(who.account_id),
                actor_label: &who.email,
                action: Action::Create,
                object_kind: ObjectKind::Chart,
                object_id: Some(c.person.0),
                outcome: Outcome::Success,
                detail: d,
            })
            .collect();
        append_many(tx.conn(), &entries, now).await?;
        done += batch.len();
        tracker.done(done as i64);
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::GroupNote, note.id).detail(format!(
            "signed and locked into {} chart(s), {}",
            chart_notes.len(),
            when_label(tz, now)
        )),
    )
    .await?;
    tx.commit().await?;
    tracker.finish();
    Ok(chart_notes.len())
}

/// How far the session's lock has got in this process. Checked like the note itself.
pub async fn lock_progress(
    db: &Db,
    board: &Board,
    who: &SignedIn,
    id: AppointmentId,
) -> AppResult<Option<LockProgress>> {
    let mut c = db.acquire().await?;
    let not_found = || who.not_found(ObjectKind::Appointment, id.0);
    let row = crate::calendar::repo::appointment(c.conn(), who.practice_id, id)
        .await?
        .ok_or_else(not_found)?;
    crate::cases::repo::get(c.conn(), &who.scope(), CaseId(row.case_id))
        .await?
        .ok_or_else(not_found)?;
    Ok(board.of(id))
}

/// Adds a dated, signed addendum to a locked note, for every attendee's chart or one's.
pub async fn add_addendum(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
    person: Option<PersonId>,
    doc: Document,
) -> AppResult<()> {
    let doc = checked(doc)?;
    if doc.is_blank() {
        return Err(AppError::invalid("addendum", "Write the addendum first."));
    }
    let mut tx = db.begin().await?;
    let (_, _, note) = existing_note(&mut tx, who, id, true).await?;
    if !writes_notes(who) {
        return Err(not_a_writer());
    }
    if note.status() != NoteStatus::Locked {
        return Err(AppError::Conflict(
            "Addenda are for locked notes; this one can still be edited.".into(),
        ));
    }
    let charted = repo::chart_notes_of(tx.conn(), NoteId(note.id)).await?;
    if let Some(p) = person {
        if !charted.iter().any(|c| c.person_id == p.0) {
            return Err(AppError::invalid(
                "person",
                "That person has no chart note from this session.",
            ));
        }
    }
    repo::insert_addendum(
        tx.conn(),
        &NewAddendum {
            practice: who.practice_id,
            note: NoteId(note.id),
            person,
            body: &doc,
            by: who.account_id,
            by_name: &who.display_name,
            at: now_ms(),
        },
    )
    .await?;
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::GroupNote, note.id).detail(&match person {
            Some(p) => format!("addendum for person {p}"),
            None => "addendum for every attendee".into(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A participant's chart: their chart notes from cases the caller may see, newest first,
/// each with its addenda. Audited as a read.
pub async fn chart(db: &Db, who: &SignedIn, person: PersonId) -> AppResult<Chart> {
    let tz = who.time_zone;
    let mut c = db.acquire().await?;
    let p = crate::people::repo::get(c.conn(), &who.scope(), person)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Person, person.0))?;
    let rows = repo::chart(c.conn(), &who.scope(), person).await?;
    let mut note_ids: Vec<NoteId> = rows.iter().map(|r| NoteId(r.group_note_id)).collect();
    note_ids.dedup();
    let addenda = repo::addenda(c.conn(), &note_ids).await?;
    let notes = rows
        .iter()
        .map(|r| ChartNoteView {
            person_id: person,
            person_name: p.display_name(),
            session_title: r.session_title.clone(),
            when: period(tz, r.session_starts_at, r.session_ends_at),
            attendance: r.attendance.clone(),
            service: r.service.clone(),
            group: repo::from_json(&r.group_body),
            own: r.own_body.as_deref().map(repo::from_json),
            signed: Some(format!(
                "{}, {}",
                r.signed_by_name,
                when_label(tz, r.signed_at)
            )),
            cosigned: signature(tz, r.cosigned_by_name.as_ref(), r.cosigned_at),
            addenda: addenda
                .iter()
                .filter(|a| {
                    a.group_note_id == r.group_note_id && a.person_id.is_none_or(|x| x == person.0)
                })
                .map(|a| addendum_view(tz, a))
                .collect(),
        })
        .collect();
    record(c.conn(), who, Event::read(ObjectKind::Chart, person.0)).await?;
    Ok(Chart {
        person_id: person,
        name: p.display_name(),
        notes,
    })
}

/// Notes waiting for the caller's review.
pub async fn waiting_for_me(db: &Db, who: &SignedIn) -> AppResult<Vec<ReviewItem>> {
    let mut c = db.acquire().await?;
    let rows = repo::waiting_for(c.conn(), who.practice_id, who.account_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| ReviewItem {
            appointment_id: AppointmentId(r.appointment_id),
            title: case_title(r.initials.as_deref(), &r.case_name),
            when: when_label(who.time_zone, r.starts_at),
            from: r.submitted_by_name.unwrap_or_default(),
        })
        .collect())
}

/// The practice's templates (every staff member chooses from them).
pub async fn templates(db: &Db, who: &SignedIn) -> AppResult<Vec<Template>> {
    let mut c = db.acquire().await?;
    Ok(repo::templates(c.conn(), who.practice_id)
        .await?
        .iter()
        .map(template_of)
        .collect())
}

/// Creates (`id` `None`) or changes a template. Owners and administrators only.
pub async fn save_template(
    db: &Db,
    who: &SignedIn,
    id: Option<TemplateId>,
    name: &str,
    language: Language,
    sections: &str,
    active: bool,
) -> AppResult<Template> {
    who.permit(
        who.role.manages_practice(),
        "Only the practice owner or an administrator can change note templates.",
    )?;
    let sections =
        check_template(name, language, sections).map_err(|(f, m)| AppError::invalid(f, m))?;
    let name = name.trim();
    let now = now_ms();
    let mut tx = db.begin().await?;
    let fields = repo::TemplateFields {
        name,
        language,
        sections: &sections,
        active,
    };
    let result = match id {
        Some(id) => match repo::update_template(tx.conn(), who.practice_id, id, &fields, now).await
        {
            Ok(0) => return Err(who.not_found(ObjectKind::NoteTemplate, id.0)),
            Ok(_) => Ok(id),
            Err(e) => Err(e),
        },
        None => repo::insert_template(tx.conn(), who.practice_id, &fields, now).await,
    };
    // A taken name answers as a field error on the name (`server::constraints`).
    let id = result?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::NoteTemplate, id.0).detail(name),
    )
    .await?;
    tx.commit().await?;
    Ok(Template {
        id,
        name: name.to_string(),
        language,
        sections,
        active,
    })
}
