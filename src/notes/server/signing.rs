//! Review and lock: a supervisor's decision, the review screen with each chart's preview,
//! locking into every attending participant's chart with progress, and the review queue.

use super::*;

/// Chart notes written per statement during a lock; the progress bar moves once per batch.
const LOCK_BATCH: usize = 25;

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
    let mut tx = db.begin_read().await?;
    let (row, case, note) = existing_note(&mut tx, who, id, false).await?;
    let people = members(&mut tx, who, &row).await?;
    let own: HashMap<i64, repo::ParticipantNoteRow> =
        repo::participant_notes(tx.conn(), NoteId(note.id))
            .await?
            .into_iter()
            .map(|p| (p.person_id, p))
            .collect();
    let chart_notes = chart_previews(who, &row, &case, &note, &people, &own);
    tx.commit().await?;
    crate::audit::server::read(
        db,
        who,
        Event::read(ObjectKind::GroupNote, note.id).detail("review before lock"),
    )
    .await?;
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
    lock_check(who, &note, &people).map_err(|e| match e {
        crate::domain::notes::LockRefusal::NotAllowed => AppError::Forbidden(e.to_string()),
        crate::domain::notes::LockRefusal::AttendanceMissing(_)
        | crate::domain::notes::LockRefusal::Blank
        | crate::domain::notes::LockRefusal::NobodyAttended => {
            AppError::invalid("lock", e.to_string())
        }
        _ => AppError::Conflict(e.to_string()),
    })?;
    let attendees = people.iter().filter(|m| m.attended).count();
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
