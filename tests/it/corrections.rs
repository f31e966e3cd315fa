//! Corrections against a real database: once a participant's charge is on an issued invoice
//! or the session's note is locked, their attendance changes only as a correction with a
//! reason. Without one nothing is stored; with one the row, the history line (with the
//! reason), the audit entry and, for a locked note, the chart's dated addendum are written
//! together, and billing takes the difference as a credit note.

use crate::billing::{change_of, charge_of, correct, mark};
use crate::common::fixtures::{practice, service, session_with};
use crate::documents::{billing_practice, log_of};
use crate::on_both_engines;
use gather::attendance::live::Live;
use gather::attendance::server as attendance;
use gather::attendance::ChangeOutcome;
use gather::billing::invoices::server as invoices;
use gather::billing::server as billing;
use gather::domain::attendance::{Choice, MAX_CORRECTION_REASON_CHARS};
use gather::domain::invoicing::DocumentKind;
use gather::domain::money::Money;
use gather::domain::notes::Document;
use gather::domain::PersonId;
use gather::error::AppError;
use gather::notes::progress::Board;
use gather::notes::server as notes;
use gather::notes::NotePart;
use gather::server::db::{now_ms, Db};

on_both_engines!(
    invoiced_attendance_changes_only_with_a_reason_and_billing_takes_the_difference,
    a_correction_after_the_note_is_locked_adds_a_dated_addendum_to_the_chart,
);

fn on_record_of(sheet: &gather::attendance::Sheet, person: PersonId) -> Option<String> {
    sheet
        .rows
        .iter()
        .find(|r| r.state.person_id == person)
        .and_then(|r| r.on_record.clone())
}

async fn invoiced_attendance_changes_only_with_a_reason_and_billing_takes_the_difference(db: Db) {
    let (p, svc) = billing_practice(&db, "k1").await;
    let (who, admin) = (&p.provider, &p.admin);
    let (_, id, people) = session_with(&db, who, "KA", 2, svc).await;
    let (a, b) = (people[0], people[1]);
    let live = Live::start(&db);
    mark(&db, &live, who, id, a, Some(Choice::Attended(svc))).await;
    mark(&db, &live, who, id, b, Some(Choice::Attended(svc))).await;
    let fee = charge_of(&db, who, id).await[&a].0;
    let sheet = attendance::sheet(&db, who, id).await.expect("sheet");
    assert!(!sheet.note_locked);
    assert_eq!(on_record_of(&sheet, a), None, "nothing invoiced yet");

    let today = admin.today().to_string();
    let run = invoices::invoice_unbilled(&db, admin, Some(a), &today)
        .await
        .expect("invoice");
    let invoice = run.invoices[0].id;
    let sheet = attendance::sheet(&db, who, id).await.expect("sheet");
    let why = on_record_of(&sheet, a).expect("a's charge is invoiced");
    assert!(why.contains("issued invoice"), "{why}");
    assert_eq!(on_record_of(&sheet, b), None, "b's charge is not invoiced");

    // A plain change to the invoiced row is not stored, and leaves no history line.
    let before = charge_of(&db, who, id).await[&a];
    let change = change_of(&db, who, id, a, Some(Choice::LateCancel)).await;
    let out = attendance::record_changes(&live, who, id, &[change], now_ms())
        .await
        .expect("answered");
    match &out[..] {
        [ChangeOutcome::NeedsReason { row, message }] => {
            assert_eq!(row.version, before.1);
            assert_eq!(row.charge_cents, fee);
            assert_eq!(message, &why);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(charge_of(&db, who, id).await[&a], before);
    assert_eq!(
        attendance::history(&db, who, id, a)
            .await
            .expect("history")
            .len(),
        1
    );
    // The participant who is not invoiced changes as before.
    mark(&db, &live, who, id, b, Some(Choice::NoShow)).await;

    // A correction needs a reason, and a short one.
    for bad in ["", "   ", &"x".repeat(MAX_CORRECTION_REASON_CHARS + 1)] {
        assert!(
            matches!(
                attendance::correct(&live, who, id, change, bad).await,
                Err(AppError::InvalidInput { ref field, .. }) if field == "reason"
            ),
            "{bad:?}"
        );
    }
    // Someone who may not see the session cannot correct it.
    assert!(matches!(
        attendance::correct(&live, &p.other_provider, id, change, "mine").await,
        Err(AppError::NotFound)
    ));
    let other = practice(&db, "k1-other").await;
    assert!(matches!(
        attendance::correct(&live, &other.owner, id, change, "mine").await,
        Err(AppError::NotFound)
    ));
    assert_eq!(charge_of(&db, who, id).await[&a], before);

    let corrected = correct(
        &db,
        &live,
        who,
        id,
        a,
        Some(Choice::LateCancel),
        "  Cancelled by phone the day before  ",
    )
    .await;
    assert!(
        matches!(&corrected, ChangeOutcome::Stored(r) if r.charge_cents == 2_500),
        "{corrected:?}"
    );
    let history = attendance::history(&db, who, id, a).await.expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].reason, None);
    assert_eq!(
        history[1].reason.as_deref(),
        Some("Cancelled by phone the day before")
    );
    assert_eq!(history[1].to, "Late cancel");
    assert!(log_of(&db, &p).await.iter().any(|e| {
        e.object_kind == "attendance"
            && e.object_id == Some(id.0)
            && e.detail
                .contains("late_cancel ($25.00); correction: Cancelled by phone the day before")
    }));

    // Billing takes the difference: a credit note against the invoice, which never changes.
    let account = billing::account(&db, admin, a).await.expect("account");
    let credit = account
        .documents
        .iter()
        .find(|d| d.kind == DocumentKind::CreditNote)
        .expect("a credit note");
    assert_eq!(credit.total, Money(2_500 - fee));
    assert_eq!(account.balance, Money(2_500));
    let issued = invoices::document(&db, admin, invoice).await.expect("doc");
    assert_eq!(issued.total, Money(fee));

    // Once the invoice is voided, nothing of the charge is on an issued invoice: an
    // ordinary change again.
    invoices::void(&db, admin, invoice, "Issued in error")
        .await
        .expect("void");
    let sheet = attendance::sheet(&db, who, id).await.expect("sheet");
    assert_eq!(on_record_of(&sheet, a), None);
    mark(&db, &live, who, id, a, Some(Choice::NoShow)).await;
}

async fn a_correction_after_the_note_is_locked_adds_a_dated_addendum_to_the_chart(db: Db) {
    let p = practice(&db, "k2").await;
    let board = Board::default();
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (_, id, people) = session_with(&db, who, "KB", 3, svc).await;
    let (here, gone, late) = (people[0], people[1], people[2]);
    let live = Live::start(&db);
    mark(&db, &live, who, id, here, Some(Choice::Attended(svc))).await;
    mark(&db, &live, who, id, gone, Some(Choice::Attended(svc))).await;
    mark(&db, &live, who, id, late, Some(Choice::NoShow)).await;
    notes::start(&db, who, id, None).await.expect("start");
    notes::save(
        &db,
        who,
        id,
        NotePart::Group,
        1,
        Document::paragraph("Practised grounding"),
    )
    .await
    .expect("group note");
    notes::save(
        &db,
        who,
        id,
        NotePart::Participant(here),
        0,
        Document::paragraph("Own words"),
    )
    .await
    .expect("own note");
    assert_eq!(notes::lock(&db, &board, who, id).await.expect("lock"), 2);

    let sheet = attendance::sheet(&db, who, id).await.expect("sheet");
    assert!(sheet.note_locked);
    for r in &sheet.rows {
        let why = r.on_record.clone().expect("every row is on record");
        assert!(why.contains("addendum"), "{why}");
    }
    // Without a reason: nothing.
    let change = change_of(&db, who, id, gone, Some(Choice::NoShow)).await;
    let out = attendance::record_changes(&live, who, id, &[change], now_ms())
        .await
        .expect("answered");
    assert!(
        matches!(out[..], [ChangeOutcome::NeedsReason { .. }]),
        "{out:?}"
    );
    assert!(notes::chart(&db, who, gone).await.expect("chart").notes[0]
        .addenda
        .is_empty());

    // Attended, corrected to a no-show: the chart note stays as locked, with an addendum.
    correct(
        &db,
        &live,
        who,
        id,
        gone,
        Some(Choice::NoShow),
        "Left before the group began",
    )
    .await;
    let chart = notes::chart(&db, who, gone).await.expect("chart");
    assert_eq!(chart.notes.len(), 1);
    let note = &chart.notes[0];
    assert!(
        note.attendance.contains("90853"),
        "as locked: {}",
        note.attendance
    );
    assert_eq!(note.addenda.len(), 1);
    let text = note.addenda[0].body.plain_text();
    assert!(
        text.contains("Attended (90853) \u{2192} No-show. Reason: Left before the group began"),
        "{text}"
    );
    assert!(text.contains(&who.display_name), "{text}");
    assert_eq!(note.addenda[0].by, who.display_name);
    // The others' charts are untouched.
    assert!(notes::chart(&db, who, here).await.expect("chart").notes[0]
        .addenda
        .is_empty());

    // A no-show corrected to attended gets the session in their chart, and the addendum.
    assert!(notes::chart(&db, who, late)
        .await
        .expect("chart")
        .notes
        .is_empty());
    correct(
        &db,
        &live,
        who,
        id,
        late,
        Some(Choice::Attended(svc)),
        "Arrived ten minutes late",
    )
    .await;
    let chart = notes::chart(&db, who, late).await.expect("chart");
    assert_eq!(chart.notes.len(), 1);
    let note = &chart.notes[0];
    assert_eq!(note.group, Document::paragraph("Practised grounding"));
    assert_eq!(
        note.own, None,
        "another's own note never reaches this chart"
    );
    assert_eq!(note.attendance, "Attended (90853)");
    assert!(note
        .service
        .as_deref()
        .is_some_and(|s| s.starts_with("90853")));
    assert!(note.signed.is_some(), "signed as the note was");
    assert_eq!(note.addenda.len(), 1);
    assert!(note.addenda[0]
        .body
        .plain_text()
        .contains("No-show \u{2192} Attended (90853). Reason: Arrived ten minutes late"));

    // Audited: the chart note and the addenda.
    let log = log_of(&db, &p).await;
    assert!(log.iter().any(|e| e.object_kind == "chart"
        && e.object_id == Some(late.0)
        && e.detail.contains("added by a correction")));
    assert_eq!(
        log.iter()
            .filter(|e| e.object_kind == "group_note" && e.detail.contains("attendance corrected"))
            .count(),
        2
    );
    // The history keeps each reason.
    let history = attendance::history(&db, who, id, late)
        .await
        .expect("history");
    assert_eq!(
        history.last().and_then(|h| h.reason.as_deref()),
        Some("Arrived ten minutes late")
    );
}
