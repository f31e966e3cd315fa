//! Writing a note: the note screen, starting from a template, saving a part against the
//! version it started from, and submitting for review or sign-off.

use super::*;

/// The note screen of a session, audited as a read.
pub async fn screen(db: &Db, who: &SignedIn, id: AppointmentId) -> AppResult<NoteScreen> {
    let mut tx = db.begin_read().await?;
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
    tx.commit().await?;
    if let Some(n) = &note {
        crate::audit::server::read(db, who, Event::read(ObjectKind::GroupNote, n.id)).await?;
    }
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

pub(super) fn not_a_writer() -> AppError {
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
pub(super) async fn existing_note(
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
pub(super) fn checked(doc: Document) -> AppResult<Document> {
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
                at: when::clock(wall(tz, at).time()),
            }
        } else {
            SaveOutcome::Conflict {
                theirs,
                version,
                by,
                at: when::clock(wall(tz, at).time()),
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
        at: when::clock(wall(tz, now).time()),
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
