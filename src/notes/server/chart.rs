//! After the lock: addenda to a locked note, and a participant's chart.

use super::*;

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

/// A correction of a participant's attendance at a session whose note is locked, as the
/// attendance writer hands it over to be written into the chart.
pub struct ChartCorrection {
    pub who: SignedIn,
    pub person: PersonId,
    /// What the attendance was and is now: "No-show", "Attended (90853)".
    pub from: String,
    pub to: String,
    /// Whether the participant now attended.
    pub attended: bool,
    pub service: Option<crate::domain::ServiceId>,
    pub reason: String,
    pub at: i64,
}

/// Writes corrections of a locked session's attendance into the charts, in the attendance
/// writer's transaction: each gets a dated, signed addendum for that participant saying what
/// changed and why; a participant corrected to attended who has no chart note from the
/// session gets one (the note as it was locked, with their attendance now), so their chart
/// holds the session they were at. Each is audited.
pub(crate) async fn chart_corrections(
    tx: &mut Tx,
    appointment: &AppointmentRow,
    case: &CaseRow,
    corrections: &[ChartCorrection],
) -> AppResult<()> {
    let Some(first) = corrections.first() else {
        return Ok(());
    };
    let practice = first.who.practice_id;
    let id = AppointmentId(appointment.id);
    let note = repo::note_for(tx.conn(), practice, id, false)
        .await?
        .filter(|n| n.status() == NoteStatus::Locked)
        .ok_or_else(|| {
            AppError::internal("a chart correction for a session without a locked note")
        })?;
    let note_id = NoteId(note.id);
    let mut charted: std::collections::HashSet<i64> = repo::chart_notes_of(tx.conn(), note_id)
        .await?
        .into_iter()
        .map(|c| c.person_id)
        .collect();
    let mut own: Option<HashMap<i64, repo::ParticipantNoteRow>> = None;
    for c in corrections {
        let who = &c.who;
        if c.attended && !charted.contains(&c.person.0) {
            if own.is_none() {
                own = Some(
                    repo::participant_notes(tx.conn(), note_id)
                        .await?
                        .into_iter()
                        .map(|p| (p.person_id, p))
                        .collect(),
                );
            }
            let service = match c.service {
                Some(s) => services::get(tx.conn(), practice, s)
                    .await?
                    .map(|s| format!("{} {}", s.code, s.name)),
                None => None,
            };
            let chart_note = NewChartNote {
                practice,
                person: c.person,
                case: CaseId(case.id),
                appointment: id,
                note: note_id,
                starts_at: appointment.starts_at,
                ends_at: appointment.ends_at,
                title: session_title(case),
                attendance: c.to.clone(),
                service,
                group_body: note.body.clone(),
                own_body: own
                    .as_ref()
                    .and_then(|o| o.get(&c.person.0))
                    .filter(|p| !repo::from_json(&p.body).is_blank())
                    .map(|p| p.body.clone()),
                signed_by_name: note.signed_by_name.clone().unwrap_or_default(),
                signed_at: note.signed_at.unwrap_or(c.at),
                cosigned_by_name: note.cosigned_by_name.clone(),
                cosigned_at: note.cosigned_at,
            };
            repo::insert_chart_notes(tx.conn(), std::slice::from_ref(&chart_note)).await?;
            charted.insert(c.person.0);
            record(
                tx.conn(),
                who,
                Event::create(ObjectKind::Chart, c.person.0).detail(format!(
                    "chart note from group note {} ({}), added by a correction",
                    note.id, c.to
                )),
            )
            .await?;
        }
        let text = crate::domain::attendance::correction_addendum(
            &c.from,
            &c.to,
            &c.reason,
            &who.display_name,
            &when_label(who.time_zone, c.at),
        );
        repo::insert_addendum(
            tx.conn(),
            &NewAddendum {
                practice,
                note: note_id,
                person: Some(c.person),
                body: &Document::paragraph(&text),
                by: who.account_id,
                by_name: &who.display_name,
                at: c.at,
            },
        )
        .await?;
        record(
            tx.conn(),
            who,
            Event::create(ObjectKind::GroupNote, note.id).detail(format!(
                "addendum for person {}: attendance corrected, {} -> {}",
                c.person, c.from, c.to
            )),
        )
        .await?;
    }
    Ok(())
}

/// A participant's chart: the newest page of their chart notes from cases the caller may
/// see, each with its addenda. Audited as a read.
pub async fn chart(db: &Db, who: &SignedIn, person: PersonId) -> AppResult<Chart> {
    let (name, page) = chart_page(db, who, person, Earlier::newest()).await?;
    Ok(Chart {
        person_id: person,
        name,
        notes: page.items,
        earlier: page.next,
    })
}

/// The page of a participant's chart before `before` ("Show earlier notes"). Audited as a
/// read of the chart, like the first page.
pub async fn earlier_chart_notes(
    db: &Db,
    who: &SignedIn,
    person: PersonId,
    before: Earlier,
) -> AppResult<Page<ChartNoteView, Earlier>> {
    Ok(chart_page(db, who, person, before).await?.1)
}

async fn chart_page(
    db: &Db,
    who: &SignedIn,
    person: PersonId,
    before: Earlier,
) -> AppResult<(String, Page<ChartNoteView, Earlier>)> {
    let tz = who.time_zone;
    let mut c = db.acquire().await?;
    let p = crate::people::repo::get(c.conn(), &who.scope(), person)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Person, person.0))?;
    let rows = repo::chart(c.conn(), &who.scope(), person, before, CHART_PAGE).await?;
    let mut note_ids: Vec<NoteId> = rows.items.iter().map(|r| NoteId(r.group_note_id)).collect();
    note_ids.dedup();
    let addenda = repo::addenda(c.conn(), &note_ids).await?;
    drop(c);
    let name = p.display_name();
    let notes = rows
        .items
        .iter()
        .map(|r| ChartNoteView {
            person_id: person,
            person_name: name.clone(),
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
    let mut read = Event::read(ObjectKind::Chart, person.0);
    if before != Earlier::newest() {
        read = read.detail("earlier notes");
    }
    crate::audit::server::read(db, who, read).await?;
    Ok((
        name,
        Page {
            items: notes,
            next: rows.next,
        },
    ))
}
