//! Group notes against a real database: only attendees get chart notes, a lock is all or
//! nothing (a failure injected midway leaves nothing), the database refuses any change to a
//! locked note or its chart notes, addenda reach the right charts, two writers never
//! overwrite each other, associates' notes are co-signed first, and templates keep clinical
//! language out of workshops and consultations.

use crate::common::fixtures::{
    group, person, practice, schedule_on, service, session_with, Practice,
};
use crate::on_both_engines;
use chrono::Duration;
use gather::access::SignedIn;
use gather::attendance::live::Live;
use gather::attendance::server as attendance;
use gather::attendance::ChangeRequest;
use gather::audit::repo as audit;
use gather::cases::server as cases;
use gather::cases::NewCase;
use gather::domain::attendance::Choice;
use gather::domain::cases::{CaseKind, Language};
use gather::domain::notes::{Block, BlockKind, Document, Marks, NoteStatus, Span};
use gather::domain::{AppointmentId, NoteId, PersonId};
use gather::error::AppError;
use gather::notes::progress::Board;
use gather::notes::repo as notes_repo;
use gather::notes::server as notes;
use gather::notes::{NotePart, SaveOutcome, CHART_PAGE};
use gather::server::db::{now_ms, Db};

fn rich(text: &str) -> Document {
    Document {
        blocks: vec![
            Block::new(BlockKind::Heading(2), "Session focus"),
            Block {
                kind: BlockKind::Paragraph,
                indent: 0,
                spans: vec![
                    Span {
                        text: "Grounding".into(),
                        marks: Marks {
                            bold: true,
                            ..Marks::default()
                        },
                    },
                    Span::plain(&format!(" {text}")),
                ],
            },
            Block::new(BlockKind::Numbered, "breathing"),
        ],
    }
}

async fn mark(live: &Live, who: &SignedIn, id: AppointmentId, marks: &[(PersonId, Choice)]) {
    let changes: Vec<ChangeRequest> = marks
        .iter()
        .map(|(p, c)| ChangeRequest {
            person_id: *p,
            choice: Some(*c),
            base_version: 0,
            made_at: now_ms(),
            fill_only: false,
        })
        .collect();
    attendance::record_changes(live, who, id, &changes, now_ms())
        .await
        .expect("attendance");
}

/// A session of a `n`-member therapy group, every member attended, its note started and the
/// group text written.
async fn written_note(
    db: &Db,
    p: &Practice,
    who: &SignedIn,
    n: usize,
    tag: &str,
) -> (AppointmentId, Vec<PersonId>) {
    let svc = service(db, p, "90853").await;
    let (_, id, people) = session_with(db, who, tag, n, svc).await;
    let live = Live::start(db);
    let marks: Vec<(PersonId, Choice)> =
        people.iter().map(|p| (*p, Choice::Attended(svc))).collect();
    mark(&live, who, id, &marks).await;
    notes::start(db, who, id, None).await.expect("start");
    let out = notes::save(db, who, id, NotePart::Group, 1, rich("for everyone")).await;
    assert!(
        matches!(out, Ok(SaveOutcome::Saved { version: 2, .. })),
        "{out:?}"
    );
    (id, people)
}

async fn chart_len(db: &Db, who: &SignedIn, person: PersonId) -> usize {
    notes::chart(db, who, person)
        .await
        .expect("chart")
        .notes
        .len()
}

async fn note_id(db: &Db, who: &SignedIn, id: AppointmentId) -> NoteId {
    let mut c = db.acquire().await.expect("conn");
    NoteId(
        notes_repo::note_for(c.conn(), who.practice_id, id, false)
            .await
            .expect("read")
            .expect("note")
            .id,
    )
}

on_both_engines!(
    only_attendees_get_chart_notes,
    a_lock_is_all_or_nothing,
    the_database_refuses_changes_to_a_locked_note,
    addenda_are_dated_signed_and_reach_the_right_charts,
    two_writers_never_overwrite_each_other,
    an_associates_note_is_cosigned_before_it_locks,
    templates_keep_clinical_language_to_therapy,
    a_long_chart_is_paged_newest_first,
);

async fn only_attendees_get_chart_notes(db: Db) {
    let p = practice(&db, "n1").await;
    let board = Board::default();
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (_, id, people) = session_with(&db, who, "NA", 4, svc).await;
    let live = Live::start(&db);
    notes::start(&db, who, id, None).await.expect("start");
    // A note for someone whose attendance is not recorded yet is refused.
    let early = notes::save(
        &db,
        who,
        id,
        NotePart::Participant(people[0]),
        0,
        Document::paragraph("x"),
    )
    .await;
    assert!(
        matches!(early, Err(AppError::InvalidInput { .. })),
        "{early:?}"
    );
    mark(
        &live,
        who,
        id,
        &[
            (people[0], Choice::Attended(svc)),
            (people[1], Choice::AttendedNoFee),
            (people[2], Choice::Attended(svc)),
            (people[3], Choice::NoShow),
        ],
    )
    .await;
    notes::save(&db, who, id, NotePart::Group, 1, rich("shared"))
        .await
        .expect("group");
    let own = Document::paragraph("Only for the first participant");
    let saved = notes::save(
        &db,
        who,
        id,
        NotePart::Participant(people[0]),
        0,
        own.clone(),
    )
    .await;
    assert!(
        matches!(saved, Ok(SaveOutcome::Saved { version: 1, .. })),
        "{saved:?}"
    );
    // The no-show gets no note of their own either.
    let refused = notes::save(
        &db,
        who,
        id,
        NotePart::Participant(people[3]),
        0,
        own.clone(),
    )
    .await;
    match refused {
        Err(AppError::InvalidInput { message, .. }) => {
            assert!(message.contains("did not attend"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    // The review shows exactly the attendees' chart notes.
    let review = notes::review(&db, who, id).await.expect("review");
    assert_eq!(review.chart_notes.len(), 3);
    assert_eq!(review.not_attending.len(), 1);
    assert_eq!(review.chart_notes[0].own.as_ref(), Some(&own));

    assert_eq!(notes::lock(&db, &board, who, id).await.expect("lock"), 3);
    let first = notes::chart(&db, who, people[0]).await.expect("chart");
    assert_eq!(first.notes.len(), 1);
    assert_eq!(first.notes[0].group, rich("shared"));
    assert_eq!(first.notes[0].own.as_ref(), Some(&own));
    assert!(
        first.notes[0].attendance.contains("90853"),
        "{}",
        first.notes[0].attendance
    );
    let second = notes::chart(&db, who, people[1]).await.expect("chart");
    assert_eq!(second.notes[0].group, rich("shared"));
    assert_eq!(second.notes[0].own, None);
    assert_eq!(
        chart_len(&db, who, people[3]).await,
        0,
        "the no-show gets nothing"
    );
    // Each chart note is audited as a change to that participant's chart.
    let mut c = db.acquire().await.expect("conn");
    let entries = audit::recent_for_practice(c.conn(), p.id, 10_000)
        .await
        .expect("audit");
    let charted: Vec<i64> = entries
        .iter()
        .filter(|e| e.object_kind == "chart" && e.action == "create")
        .filter_map(|e| e.object_id)
        .collect();
    assert_eq!(charted.len(), 3);
    assert!(!charted.contains(&people[3].0));
    drop(c);
    // Someone who cannot see the case cannot read the chart notes or the note.
    assert_eq!(
        notes::chart(&db, &p.other_provider, people[0]).await.err(),
        Some(AppError::NotFound)
    );
    assert_eq!(
        notes::screen(&db, &p.other_provider, id).await.err(),
        Some(AppError::NotFound)
    );
}

/// A fault made for the test, kept out of the application binary: makes the database fail when a chart note for `person` is written, so a lock
/// fails midway through its attendees.
async fn inject_chart_failure(
    mut c: gather::server::db::Conn<'_>,
    person: PersonId,
) -> Result<(), sqlx::Error> {
    // The id is an integer, never user text.
    let id = person.0;
    match c.re() {
        gather::server::db::Conn::Sqlite(c) => {
            sqlx::query(&format!(
                "CREATE TRIGGER injected_failure BEFORE INSERT ON chart_notes WHEN NEW.person_id = {id}
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            ))
            .execute(&mut *c)
            .await?;
        }
        gather::server::db::Conn::Postgres(c) => {
            sqlx::query(&format!(
                "CREATE FUNCTION injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN IF NEW.person_id = {id} THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$"
            ))
            .execute(&mut *c)
            .await?;
            sqlx::query(
                "CREATE TRIGGER injected_failure BEFORE INSERT ON chart_notes
                 FOR EACH ROW EXECUTE FUNCTION injected_failure()",
            )
            .execute(&mut *c)
            .await?;
        }
    }
    Ok(())
}

/// Removes what [`inject_chart_failure`] added.
async fn remove_chart_failure(c: gather::server::db::Conn<'_>) -> Result<(), sqlx::Error> {
    match c {
        gather::server::db::Conn::Sqlite(c) => {
            sqlx::query("DROP TRIGGER injected_failure")
                .execute(&mut *c)
                .await?;
        }
        gather::server::db::Conn::Postgres(c) => {
            sqlx::query("DROP TRIGGER injected_failure ON chart_notes")
                .execute(&mut *c)
                .await?;
            sqlx::query("DROP FUNCTION injected_failure()")
                .execute(&mut *c)
                .await?;
        }
    }
    Ok(())
}

async fn a_lock_is_all_or_nothing(db: Db) {
    let p = practice(&db, "n2").await;
    let board = Board::default();
    let who = &p.provider;
    let (id, people) = written_note(&db, &p, who, 40, "AN").await;
    // The 31st attendee's chart note fails: the first batches were already written.
    {
        let mut c = db.acquire().await.expect("conn");
        inject_chart_failure(c.conn(), people[30])
            .await
            .expect("inject");
    }
    let err = notes::lock(&db, &board, who, id)
        .await
        .expect_err("the lock fails");
    assert_eq!(err, AppError::Internal);
    for person in [people[0], people[29], people[39]] {
        assert_eq!(chart_len(&db, who, person).await, 0, "nothing was charted");
    }
    let screen = notes::screen(&db, who, id).await.expect("screen");
    let note = screen.note.expect("note");
    assert_eq!(note.status, NoteStatus::Draft, "the note is not locked");
    assert!(note.permissions.edit);
    assert_eq!(board.of(id), None, "no progress is left for a failed lock");
    // Once the fault is gone the same lock goes through whole.
    {
        let mut c = db.acquire().await.expect("conn");
        remove_chart_failure(c.conn()).await.expect("remove");
    }
    assert_eq!(notes::lock(&db, &board, who, id).await.expect("lock"), 40);
    for person in &people {
        assert_eq!(chart_len(&db, who, *person).await, 1);
    }
    let progress = board.of(id).expect("progress");
    assert!(
        progress.finished && progress.done == 40 && progress.total == 40,
        "{progress:?}"
    );
    // A second lock is refused, and charts nobody twice.
    assert!(matches!(
        notes::lock(&db, &board, who, id).await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(chart_len(&db, who, people[0]).await, 1);
}

async fn the_database_refuses_changes_to_a_locked_note(db: Db) {
    let p = practice(&db, "n3").await;
    let board = Board::default();
    let who = &p.provider;
    let (id, people) = written_note(&db, &p, who, 2, "DB").await;
    notes::save(
        &db,
        who,
        id,
        NotePart::Participant(people[0]),
        0,
        Document::paragraph("own"),
    )
    .await
    .expect("own");
    let note = note_id(&db, who, id).await;
    // Before the lock the database lets the note change (the trigger is about locks only).
    {
        let mut c = db.acquire().await.expect("conn");
        assert_eq!(
            notes_repo::try_rewrite_note_for_test(c.conn(), note)
                .await
                .expect("draft changes"),
            1
        );
    }
    let saved = notes::save(&db, who, id, NotePart::Group, 2, rich("again"))
        .await
        .expect("save");
    assert!(
        matches!(saved, SaveOutcome::Saved { version: 3, .. }),
        "{saved:?}"
    );
    notes::lock(&db, &board, who, id).await.expect("lock");
    notes::add_addendum(&db, who, id, None, Document::paragraph("late correction"))
        .await
        .expect("addendum");
    let mut c = db.acquire().await.expect("conn");
    assert!(
        notes_repo::try_rewrite_note_for_test(c.conn(), note)
            .await
            .is_err(),
        "a locked note is refused"
    );
    for (i, r) in notes_repo::try_tamper_for_test(c.conn(), note)
        .await
        .into_iter()
        .enumerate()
    {
        assert!(r.is_err(), "statement {i} was let through: {r:?}");
    }
    drop(c);
    // Through the application, too.
    let save = notes::save(&db, who, id, NotePart::Group, 4, rich("rewrite")).await;
    assert!(matches!(save, Err(AppError::Conflict(_))), "{save:?}");
    let chart = notes::chart(&db, who, people[0]).await.expect("chart");
    assert_eq!(chart.notes[0].group, rich("again"));
    assert_eq!(chart.notes[0].attendance, "Attended (90853)");
}

async fn addenda_are_dated_signed_and_reach_the_right_charts(db: Db) {
    let p = practice(&db, "n4").await;
    let board = Board::default();
    let who = &p.provider;
    let (id, people) = written_note(&db, &p, who, 3, "AD").await;
    let early = notes::add_addendum(&db, who, id, None, Document::paragraph("too early")).await;
    assert!(matches!(early, Err(AppError::Conflict(_))), "{early:?}");
    notes::lock(&db, &board, who, id).await.expect("lock");
    let blank = notes::add_addendum(&db, who, id, None, Document::default()).await;
    assert!(matches!(blank, Err(AppError::InvalidInput { .. })));
    let stranger = person(&db, who, "Not in the group").await;
    let wrong = notes::add_addendum(&db, who, id, Some(stranger), Document::paragraph("x")).await;
    assert!(
        matches!(wrong, Err(AppError::InvalidInput { .. })),
        "{wrong:?}"
    );
    let admin = notes::add_addendum(&db, &p.admin, id, None, Document::paragraph("x")).await;
    assert!(matches!(admin, Err(AppError::Forbidden(_))), "{admin:?}");
    notes::add_addendum(&db, who, id, None, Document::paragraph("for everyone"))
        .await
        .expect("all");
    notes::add_addendum(
        &db,
        who,
        id,
        Some(people[0]),
        Document::paragraph("only the first"),
    )
    .await
    .expect("one");
    let first = notes::chart(&db, who, people[0]).await.expect("chart");
    let texts: Vec<String> = first.notes[0]
        .addenda
        .iter()
        .map(|a| a.body.plain_text())
        .collect();
    assert_eq!(texts, vec!["for everyone", "only the first"]);
    assert_eq!(first.notes[0].addenda[0].by, "Paula Provider");
    assert!(!first.notes[0].addenda[0].when.is_empty());
    let second = notes::chart(&db, who, people[1]).await.expect("chart");
    assert_eq!(second.notes[0].addenda.len(), 1);
}

async fn two_writers_never_overwrite_each_other(db: Db) {
    let p = practice(&db, "n5").await;
    let (id, _) = written_note(&db, &p, &p.owner, 2, "TW").await;
    let who = &p.owner;
    // A clinician who cannot see the case cannot write to its note either.
    assert_eq!(
        notes::save(&db, &p.provider, id, NotePart::Group, 2, rich("x"))
            .await
            .err(),
        Some(AppError::NotFound)
    );
    // Two screens: this one saves first, the other still builds on version 2.
    let mine = rich("mine");
    let out = notes::save(&db, who, id, NotePart::Group, 2, mine.clone())
        .await
        .expect("save");
    assert!(
        matches!(out, SaveOutcome::Saved { version: 3, .. }),
        "{out:?}"
    );
    // A save from the version before (another screen that had not seen "mine").
    let theirs = rich("theirs");
    match notes::save(&db, who, id, NotePart::Group, 2, theirs.clone())
        .await
        .expect("answer")
    {
        SaveOutcome::Conflict {
            theirs: stored,
            version,
            by,
            ..
        } => {
            assert_eq!(stored, mine, "the stored text comes back to compare");
            assert_eq!(version, 3);
            assert_eq!(by, "Olive Owner");
        }
        other => panic!("overwrote: {other:?}"),
    }
    // The same save sent twice (its answer was lost) is simply saved.
    let again = notes::save(&db, who, id, NotePart::Group, 2, mine.clone())
        .await
        .expect("retry");
    assert!(
        matches!(again, SaveOutcome::Saved { version: 3, .. }),
        "{again:?}"
    );
    // Keeping one's own version after seeing the conflict: saved on top of theirs.
    let kept = notes::save(&db, who, id, NotePart::Group, 3, theirs.clone())
        .await
        .expect("keep");
    assert!(
        matches!(kept, SaveOutcome::Saved { version: 4, .. }),
        "{kept:?}"
    );
    // Bad documents get a clear error.
    let mut bad = Document::paragraph("x");
    bad.blocks[0].kind = BlockKind::Heading(9);
    match notes::save(&db, who, id, NotePart::Group, 4, bad).await {
        Err(AppError::InvalidInput { field, message }) => {
            assert_eq!(field, "note");
            assert!(message.contains("1 to 6"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

async fn an_associates_note_is_cosigned_before_it_locks(db: Db) {
    let p = practice(&db, "n6").await;
    let board = Board::default();
    let svc = service(&db, &p, "90853").await;
    let draft = NewCase {
        provider_ids: vec![p.associate.account_id, p.provider.account_id],
        ..group(
            CaseKind::TherapyGroup,
            "Supervised group",
            "SG",
            &p.owner,
            Some(svc),
        )
    };
    let case = cases::create_case(&db, &p.owner, draft)
        .await
        .expect("case");
    let a = person(&db, &p.owner, "Member One").await;
    cases::add_member(&db, &p.owner, case, a, p.owner.today() - Duration::days(10))
        .await
        .expect("member");
    let id = schedule_on(&db, &p.owner, case, p.owner.today()).await;
    let live = Live::start(&db);
    mark(&live, &p.owner, id, &[(a, Choice::Attended(svc))]).await;
    let me = &p.associate;
    notes::start(&db, me, id, None).await.expect("start");
    notes::save(&db, me, id, NotePart::Group, 1, rich("draft"))
        .await
        .expect("save");
    let lock = notes::lock(&db, &board, me, id).await;
    match lock {
        Err(AppError::Conflict(m)) => assert!(m.contains("co-signature"), "{m}"),
        other => panic!("{other:?}"),
    }
    notes::submit(&db, me, id).await.expect("submit");
    // In review nobody edits, and only the supervisor it went to decides.
    assert!(matches!(
        notes::save(&db, me, id, NotePart::Group, 3, rich("sneak")).await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        notes::review_decision(&db, &p.provider, id, None).await,
        Err(AppError::Forbidden(_))
    ));
    let queue = notes::waiting_for_me(&db, &p.supervisor)
        .await
        .expect("queue");
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].from, "Asa Associate");
    assert!(matches!(
        notes::review_decision(&db, &p.supervisor, id, Some("  ")).await,
        Err(AppError::InvalidInput { .. })
    ));
    notes::review_decision(&db, &p.supervisor, id, Some("Add the plan."))
        .await
        .expect("return");
    let screen = notes::screen(&db, me, id).await.expect("screen");
    let state = screen.note.expect("note");
    assert_eq!(state.status, NoteStatus::Returned);
    assert_eq!(state.review_comments.as_deref(), Some("Add the plan."));
    assert!(state.permissions.edit && state.permissions.submit && !state.permissions.lock);
    notes::save(
        &db,
        me,
        id,
        NotePart::Group,
        state.version,
        rich("with a plan"),
    )
    .await
    .expect("edit");
    notes::submit(&db, me, id).await.expect("again");
    notes::review_decision(&db, &p.supervisor, id, None)
        .await
        .expect("cosign");
    assert!(notes::waiting_for_me(&db, &p.supervisor)
        .await
        .expect("queue")
        .is_empty());
    assert_eq!(notes::lock(&db, &board, me, id).await.expect("lock"), 1);
    let chart = notes::chart(&db, me, a).await.expect("chart");
    assert!(chart.notes[0]
        .cosigned
        .as_deref()
        .is_some_and(|c| c.starts_with("Sue Pervisor")));
    assert!(chart.notes[0]
        .signed
        .as_deref()
        .is_some_and(|s| s.starts_with("Asa Associate")));
}

async fn templates_keep_clinical_language_to_therapy(db: Db) {
    let p = practice(&db, "n7").await;
    let who = &p.provider;
    let ws = cases::create_case(
        &db,
        who,
        group(CaseKind::Workshop, "Skills", "WS", who, None),
    )
    .await
    .expect("workshop");
    let id = schedule_on(&db, who, ws, who.today()).await;
    let screen = notes::screen(&db, who, id).await.expect("screen");
    let names: Vec<&str> = screen.templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["Workshop session note"]);
    assert_eq!(screen.language, Language::Workshop);
    let all = notes::templates(&db, who).await.expect("templates");
    let therapy = all
        .iter()
        .find(|t| t.language == Language::Therapy)
        .expect("therapy");
    let wrong = notes::start(&db, who, id, Some(therapy.id)).await;
    assert!(
        matches!(wrong, Err(AppError::InvalidInput { .. })),
        "{wrong:?}"
    );
    notes::start(&db, who, id, Some(screen.templates[0].id))
        .await
        .expect("start");
    let started = notes::screen(&db, who, id)
        .await
        .expect("screen")
        .note
        .expect("note");
    let headings: Vec<String> = started
        .group
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Heading(_)))
        .map(|b| b.text())
        .collect();
    assert_eq!(headings[0], "Topic or module");
    assert!(headings.contains(&"Participant follow-ups".to_string()));
    // Only owners and administrators change templates, and never with clinical words for
    // workshops.
    let by_provider =
        notes::save_template(&db, who, None, "Mine", Language::Therapy, "A", true).await;
    assert!(matches!(by_provider, Err(AppError::Forbidden(_))));
    let clinical = notes::save_template(
        &db,
        &p.owner,
        None,
        "Skills plus",
        Language::Workshop,
        "Topic\nDiagnosis update",
        true,
    )
    .await;
    assert!(
        matches!(clinical, Err(AppError::InvalidInput { ref field, .. }) if field == "sections")
    );
    let made = notes::save_template(
        &db,
        &p.owner,
        None,
        "Skills plus",
        Language::Workshop,
        "Topic\nHomework",
        true,
    )
    .await
    .expect("made");
    let dup = notes::save_template(
        &db,
        &p.owner,
        None,
        "Skills plus",
        Language::Workshop,
        "Topic",
        true,
    )
    .await;
    assert!(matches!(dup, Err(AppError::InvalidInput { ref field, .. }) if field == "name"));
    notes::save_template(
        &db,
        &p.owner,
        Some(made.id),
        "Skills plus",
        Language::Workshop,
        "Topic",
        false,
    )
    .await
    .expect("retired");
    let quiet = notes::save_template(
        &db,
        &p.owner,
        None,
        "Not yet offered",
        Language::Workshop,
        "Topic",
        false,
    )
    .await
    .expect("quiet");
    assert!(!quiet.active);
    let stored = notes::templates(&db, who).await.expect("templates");
    assert!(
        stored.iter().any(|t| t.id == quiet.id && !t.active),
        "a new template can start not offered"
    );
    let offered = notes::screen(&db, who, id).await.expect("screen").templates;
    assert_eq!(
        offered.len(),
        1,
        "a template no longer offered is not listed"
    );
    // An administrator reads notes but does not write them.
    assert!(matches!(
        notes::save(&db, &p.admin, id, NotePart::Group, 1, rich("x")).await,
        Err(AppError::Forbidden(_))
    ));
}

/// A participant in weekly care for half a year has more chart notes than a page holds: the
/// chart comes a page at a time, newest first, every note exactly once, each page a read in
/// the audit log.
async fn a_long_chart_is_paged_newest_first(db: Db) {
    let p = practice(&db, "n8").await;
    let board = Board::default();
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (case, today, people) = session_with(&db, who, "NP", 1, svc).await;
    let member = people[0];
    let live = Live::start(&db);
    let mut sessions = vec![today];
    for back in 1..=(CHART_PAGE as i64 + 2) {
        sessions.push(schedule_on(&db, who, case, who.today() - Duration::days(back)).await);
    }
    // A second session at the very time of the 20th newest: the page ends between the two,
    // and the chart note made later (the higher id) comes first.
    let twin = schedule_on(&db, who, case, who.today() - Duration::days(19)).await;
    sessions.insert(CHART_PAGE - 1, twin);
    // Documented oldest first, as a clinician catching up would.
    for (i, id) in sessions.iter().enumerate().rev() {
        mark(&live, who, *id, &[(member, Choice::Attended(svc))]).await;
        notes::start(&db, who, *id, None).await.expect("start");
        notes::save(
            &db,
            who,
            *id,
            NotePart::Group,
            1,
            rich(&format!("week {i}")),
        )
        .await
        .expect("group");
        assert_eq!(notes::lock(&db, &board, who, *id).await.expect("lock"), 1);
    }

    let first = notes::chart(&db, who, member).await.expect("chart");
    assert_eq!(first.notes.len(), CHART_PAGE);
    assert_eq!(first.notes[0].group, rich("week 0"), "newest first");
    let before = first.earlier.expect("earlier notes follow");
    let rest = notes::earlier_chart_notes(&db, who, member, before)
        .await
        .expect("earlier");
    assert_eq!(rest.items.len(), sessions.len() - CHART_PAGE);
    assert!(rest.next.is_none(), "the second page is the last");
    let all: Vec<Document> = first
        .notes
        .iter()
        .chain(rest.items.iter())
        .map(|n| n.group.clone())
        .collect();
    let expected: Vec<Document> = (0..sessions.len())
        .map(|i| rich(&format!("week {i}")))
        .collect();
    assert_eq!(all, expected, "every note once, newest session first");

    // Another practice's provider gets nothing, not even an empty page.
    let other = practice(&db, "n8b").await;
    let refused = notes::earlier_chart_notes(&db, &other.provider, member, before).await;
    assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");

    let mut c = db.acquire().await.expect("conn");
    let reads = audit::recent_for_practice(c.conn(), p.id, 200)
        .await
        .expect("log")
        .into_iter()
        .filter(|e| e.action == "read" && e.object_kind == "chart" && e.object_id == Some(member.0))
        .count();
    assert_eq!(reads, 2, "both pages are reads of the chart");
}
