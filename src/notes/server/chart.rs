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
