//! Invoices and credit notes against a real database: each payer is invoiced once for what
//! it owes, numbers have no gaps, an issued invoice never changes (a later change is a credit
//! note or goes on the next invoice, and the database refuses edits), voiding keeps the
//! number and bills the charges again, and two invoice runs at once never bill a charge twice.

use crate::billing::{cash, charge_of, correct, mark, membership_of};
use crate::common::fixtures::{
    person_of_kind, practice, schedule_on, service, session_with, Practice,
};
use crate::on_both_engines;
use gather::attendance::live::Live;
use gather::attendance::server as attendance;
use gather::audit::repo as audit;
use gather::billing::invoices::server as invoices;
use gather::billing::invoices::{InvoiceDocument, InvoiceRun};
use gather::billing::server as billing;
use gather::cases::server as cases;
use gather::domain::attendance::Choice;
use gather::domain::billing::Payer;
use gather::domain::invoicing::DocumentKind;
use gather::domain::money::Money;
use gather::domain::people::PersonKind;
use gather::domain::{InvoiceId, PersonId, ServiceId};
use gather::error::AppError;
use gather::on_conn;
use gather::server::db::Db;

on_both_engines!(
    each_payer_is_invoiced_once_with_numbers_without_gaps,
    an_issued_invoice_never_changes_and_later_changes_are_credited_or_billed_next,
    voiding_keeps_the_number_and_bills_the_charges_again,
    two_invoice_runs_at_once_never_bill_a_charge_twice,
    invoicing_one_session_bills_that_session_alone,
);

fn today(who: &gather::access::SignedIn) -> String {
    who.today().to_string()
}

async fn run(db: &Db, who: &gather::access::SignedIn, payer: Option<PersonId>) -> InvoiceRun {
    invoices::invoice_unbilled(db, who, payer, &today(who))
        .await
        .expect("invoice run")
}

async fn doc(db: &Db, who: &gather::access::SignedIn, id: InvoiceId) -> InvoiceDocument {
    invoices::document(db, who, id).await.expect("document")
}

/// A practice with missed-session fees of $40 and $25, and its 90853 service.
async fn billing_practice(db: &Db, tag: &str) -> (Practice, ServiceId) {
    let p = practice(db, tag).await;
    attendance::save_missed_fees(db, &p.owner, "40", "25")
        .await
        .expect("fees");
    let svc = service(db, &p, "90853").await;
    (p, svc)
}

async fn each_payer_is_invoiced_once_with_numbers_without_gaps(db: Db) {
    let (p, svc) = billing_practice(&db, "i1").await;
    let (who, admin) = (&p.provider, &p.admin);
    let (case, id, people) = session_with(&db, who, "IA", 4, svc).await;
    let sponsor = person_of_kind(&db, who, "Acme Sponsor", PersonKind::Organization).await;
    let parent = person_of_kind(&db, who, "Pat Parent", PersonKind::BillingContact).await;
    cases::set_case_payer(&db, who, case, Payer::Organization(sponsor.0))
        .await
        .expect("sponsor pays");
    let m = membership_of(&db, who, case, people[3]).await;
    cases::set_member_payer(&db, who, m, Some(Payer::Contact(parent.0)))
        .await
        .expect("parent pays");
    let live = Live::start(&db);
    for person in &people[..3] {
        mark(&db, &live, who, id, *person, Some(Choice::Attended(svc))).await;
    }
    mark(&db, &live, who, id, people[3], Some(Choice::NoShow)).await;
    let fee = charge_of(&db, who, id).await[&people[0]].0;

    // Those who run billing do; a provider, and bad dates, are refused before anything.
    assert!(matches!(
        invoices::invoice_unbilled(&db, who, None, &today(who)).await,
        Err(AppError::Forbidden(_))
    ));
    for bad in ["", "next week", "2026-02-30"] {
        assert!(
            matches!(
                invoices::invoice_unbilled(&db, admin, None, bad).await,
                Err(AppError::InvalidInput { ref field, .. }) if field == "through"
            ),
            "{bad:?}"
        );
    }
    let tomorrow = (admin.today() + chrono::Duration::days(1)).to_string();
    assert!(matches!(
        invoices::invoice_unbilled(&db, admin, None, &tomorrow).await,
        Err(AppError::InvalidInput { .. })
    ));
    // A day before the session bills nothing.
    let before = (admin.today() - chrono::Duration::days(1)).to_string();
    let none = invoices::invoice_unbilled(&db, admin, None, &before)
        .await
        .expect("empty run");
    assert!(none.invoices.is_empty());

    let overview = invoices::overview(&db, admin).await.expect("overview");
    assert_eq!(overview.unbilled_charges, 4);
    assert_eq!(overview.unbilled_payers, 2);
    assert_eq!(overview.unbilled, Money(3 * fee + 4_000));

    // The batch: one invoice per payer, numbered 1 and 2, each listing only its own.
    let first = run(&db, admin, None).await;
    assert_eq!(first.invoices.len(), 2, "{first:?}");
    let mut numbers: Vec<String> = first.invoices.iter().map(|i| i.title.clone()).collect();
    numbers.sort();
    assert_eq!(numbers, vec!["Invoice 1", "Invoice 2"]);
    assert_eq!(first.lines, 4);
    assert_eq!(first.total, Money(3 * fee + 4_000));
    let to_sponsor = first
        .invoices
        .iter()
        .find(|i| i.payer_id == sponsor)
        .expect("sponsor's invoice");
    let d = doc(&db, admin, to_sponsor.id).await;
    assert_eq!(d.payer_name, "Acme Sponsor");
    assert_eq!(d.lines.len(), 3, "the sponsor pays for three: {d:?}");
    assert!(d.lines.iter().all(|l| l.description.starts_with("90853 ")));
    assert_eq!(d.total, Money(3 * fee));
    assert!(d.due_on.is_some());
    let to_parent = first
        .invoices
        .iter()
        .find(|i| i.payer_id == parent)
        .expect("parent's invoice");
    let d = doc(&db, admin, to_parent.id).await;
    assert_eq!(d.lines.len(), 1);
    assert_eq!(
        (d.lines[0].description.as_str(), d.lines[0].amount),
        ("No-show fee", Money(4_000))
    );
    assert_eq!(d.lines[0].participant, "Member IA 003");

    // Run again: nothing is left, and no number is taken.
    assert!(run(&db, admin, None).await.invoices.is_empty());
    let overview = invoices::overview(&db, admin).await.expect("overview");
    assert_eq!(overview.unbilled_charges, 0);
    assert_eq!(overview.documents.items.len(), 2);

    // The account page says what is invoiced.
    let account = billing::account(&db, admin, sponsor)
        .await
        .expect("account");
    assert_eq!(account.unbilled, Money::ZERO);
    assert_eq!(account.documents.len(), 1);
    assert!(account.open.iter().all(|c| !c.unbilled));

    // Another practice's staff cannot read or void them.
    let other = practice(&db, "i1x").await;
    assert!(matches!(
        invoices::document(&db, &other.admin, to_sponsor.id).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        invoices::void(&db, &other.admin, to_sponsor.id, "no").await,
        Err(AppError::NotFound)
    ));

    // Every document written is in the audit log, and so is every read of one.
    let mut c = db.acquire().await.expect("conn");
    let log = audit::recent_for_practice(c.conn(), p.id, 500)
        .await
        .expect("log");
    let created = log
        .iter()
        .filter(|e| e.object_kind == "invoice" && e.action == "create")
        .count();
    assert_eq!(created, 2);
    assert!(log.iter().any(|e| e.object_kind == "invoice"
        && e.action == "read"
        && e.object_id == Some(to_sponsor.id.0)));
}

async fn an_issued_invoice_never_changes_and_later_changes_are_credited_or_billed_next(db: Db) {
    let (p, svc) = billing_practice(&db, "i2").await;
    let (who, admin) = (&p.provider, &p.admin);
    let (case, id, people) = session_with(&db, who, "IB", 2, svc).await;
    let (a, b) = (people[0], people[1]);
    let live = Live::start(&db);
    mark(&db, &live, who, id, a, Some(Choice::Attended(svc))).await;
    mark(&db, &live, who, id, b, Some(Choice::Attended(svc))).await;
    let fee = charge_of(&db, who, id).await[&a].0;
    let issued = run(&db, admin, Some(a)).await;
    assert_eq!(issued.invoices.len(), 1, "only the payer asked for");
    let invoice = issued.invoices[0].id;
    let as_issued = doc(&db, admin, invoice).await;

    // The charge shrinks after invoicing (the participant in fact cancelled late): a credit
    // note against that invoice for the difference; the invoice itself is as it was.
    correct(
        &db,
        &live,
        who,
        id,
        a,
        Some(Choice::LateCancel),
        "Cancelled late after all",
    )
    .await;
    let account = billing::account(&db, admin, a).await.expect("account");
    let note = account
        .documents
        .iter()
        .find(|d| d.kind == DocumentKind::CreditNote)
        .expect("a credit note");
    assert_eq!(note.title, "Credit note 1");
    assert_eq!(note.total, Money(2_500 - fee));
    let credit = doc(&db, admin, note.id).await;
    assert_eq!(credit.credits, Some((invoice, as_issued.title.clone())));
    assert_eq!(credit.lines.len(), 1);
    assert!(credit.due_on.is_none());
    let now = doc(&db, admin, invoice).await;
    assert_eq!(
        now.lines, as_issued.lines,
        "an issued invoice never changes"
    );
    assert_eq!(now.total, as_issued.total);
    assert_eq!(now.credit_notes.len(), 1);
    assert_eq!(account.balance, Money(2_500));

    // It grows again: only the difference goes on the next invoice.
    correct(
        &db,
        &live,
        who,
        id,
        a,
        Some(Choice::Attended(svc)),
        "Attended after all",
    )
    .await;
    let next = run(&db, admin, Some(a)).await;
    assert_eq!(next.invoices.len(), 1);
    assert_eq!(next.invoices[0].title, "Invoice 2");
    let d = doc(&db, admin, next.invoices[0].id).await;
    assert_eq!(d.total, Money(fee - 2_500));
    assert!(
        d.lines[0]
            .description
            .ends_with("(increase after invoicing)"),
        "{d:?}"
    );
    // Billed in full now, once.
    assert!(run(&db, admin, Some(a)).await.invoices.is_empty());

    // Who pays changes after invoicing: the old payer is credited in full (newest billing
    // first, so both invoices are credited), the new payer is billed.
    let parent = person_of_kind(&db, who, "New Payer", PersonKind::BillingContact).await;
    let m = membership_of(&db, who, case, a).await;
    cases::set_member_payer(&db, who, m, Some(Payer::Contact(parent.0)))
        .await
        .expect("payer changed");
    let old = billing::account(&db, admin, a).await.expect("old payer");
    let credited: Money = old
        .documents
        .iter()
        .filter(|d| d.kind == DocumentKind::CreditNote)
        .map(|d| d.total)
        .sum();
    let invoiced: Money = old
        .documents
        .iter()
        .filter(|d| d.kind == DocumentKind::Invoice)
        .map(|d| d.total)
        .sum();
    assert_eq!(
        invoiced,
        Money(2 * fee - 2_500),
        "invoice 1, then the increase"
    );
    assert_eq!(
        invoiced + credited,
        Money::ZERO,
        "credit notes undo all that was invoiced to the old payer"
    );
    assert_eq!(
        old.documents
            .iter()
            .filter(|d| d.kind == DocumentKind::CreditNote)
            .count(),
        3,
        "the late cancel, then one against each invoice"
    );
    let new = run(&db, admin, Some(parent)).await;
    assert_eq!(new.total, Money(fee));

    // The database refuses to change an issued document or its lines, whoever asks.
    let mut c = db.acquire().await.expect("conn");
    for sql in [
        "UPDATE invoice_lines SET amount_cents = 1",
        "DELETE FROM invoice_lines",
        "UPDATE invoices SET total_cents = total_cents + 1",
        "UPDATE invoices SET number = number + 100",
        "DELETE FROM invoices",
    ] {
        let refused = on_conn!(c.conn(), |c| sqlx::query(sql)
            .execute(&mut *c)
            .await
            .is_err());
        assert!(refused, "{sql}");
    }
    drop(c);
    assert_eq!(doc(&db, admin, invoice).await.lines, as_issued.lines);
}

async fn voiding_keeps_the_number_and_bills_the_charges_again(db: Db) {
    let (p, svc) = billing_practice(&db, "i3").await;
    let (who, admin) = (&p.provider, &p.admin);
    let (_, id, people) = session_with(&db, who, "IC", 1, svc).await;
    let a = people[0];
    let live = Live::start(&db);
    mark(&db, &live, who, id, a, Some(Choice::Attended(svc))).await;
    let fee = charge_of(&db, who, id).await[&a].0;
    let invoice = run(&db, admin, None).await.invoices[0].id;
    correct(
        &db,
        &live,
        who,
        id,
        a,
        Some(Choice::NoShow),
        "Did not come after all",
    )
    .await;
    billing::take_payment(&db, who, id, a, None, &cash("10"))
        .await
        .expect("paid part");

    // A reason is required, and only those who run billing may void.
    assert!(matches!(
        invoices::void(&db, admin, invoice, "   ").await,
        Err(AppError::InvalidInput { ref field, .. }) if field == "reason"
    ));
    assert!(matches!(
        invoices::void(&db, who, invoice, "wrong").await,
        Err(AppError::Forbidden(_))
    ));
    let note = doc(&db, admin, invoice).await.credit_notes[0].id;
    assert!(matches!(
        invoices::void(&db, admin, note, "wrong").await,
        Err(AppError::Conflict(_))
    ));
    let voided = invoices::void(&db, admin, invoice, "Sent to the wrong address")
        .await
        .expect("void");
    assert_eq!(voided.title, "Invoice 1", "the number stays");
    let v = voided.voided.expect("void");
    assert_eq!(v.reason, "Sent to the wrong address");
    assert_eq!(v.by, "Adam Admin");
    assert!(
        voided.credit_notes.iter().all(|n| n.void),
        "its credit notes go with it"
    );
    assert!(matches!(
        invoices::void(&db, admin, invoice, "again").await,
        Err(AppError::Conflict(_))
    ));

    // The charge (now the no-show fee) is billed again, on a new number; the payment on it
    // stays.
    let again = run(&db, admin, None).await;
    assert_eq!(again.invoices.len(), 1);
    assert_eq!(again.invoices[0].title, "Invoice 2");
    assert_eq!(again.total, Money(4_000));
    assert_ne!(fee, 4_000);
    let account = billing::account(&db, admin, a).await.expect("account");
    assert_eq!(account.balance, Money(3_000));
    assert_eq!(account.documents.iter().filter(|d| d.void).count(), 2);

    let mut c = db.acquire().await.expect("conn");
    let log = audit::recent_for_practice(c.conn(), p.id, 500)
        .await
        .expect("log");
    assert!(log.iter().any(|e| e.object_kind == "invoice"
        && e.action == "update"
        && e.detail.contains("Sent to the wrong address")));
}

async fn two_invoice_runs_at_once_never_bill_a_charge_twice(db: Db) {
    let p = practice(&db, "i4").await;
    let (who, admin) = (&p.provider, &p.admin);
    let svc = service(&db, &p, "90853").await;
    let live = Live::start(&db);
    let mut charges = 0;
    let mut expected = 0;
    for g in 0..3 {
        let (_, id, people) = session_with(&db, who, &format!("ID{g}"), 5, svc).await;
        for person in &people {
            mark(&db, &live, who, id, *person, Some(Choice::Attended(svc))).await;
        }
        charges += people.len();
        expected += charge_of(&db, who, id)
            .await
            .values()
            .map(|r| r.0)
            .sum::<i64>();
    }
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let (db, admin) = (db.clone(), admin.clone());
        tasks.push(tokio::spawn(async move { run(&db, &admin, None).await }));
    }
    let mut lines = 0;
    let mut total = Money::ZERO;
    let mut titles = Vec::new();
    for t in tasks {
        let r = t.await.expect("task");
        lines += r.lines;
        total += r.total;
        titles.extend(r.invoices.into_iter().map(|i| i.title));
    }
    assert_eq!(lines, charges, "each charge billed exactly once");
    assert_eq!(total, Money(expected));
    titles.sort_by_key(|t| t.split(' ').nth(1).and_then(|n| n.parse::<i64>().ok()));
    let wanted: Vec<String> = (1..=charges as i64)
        .map(|n| format!("Invoice {n}"))
        .collect();
    assert_eq!(titles, wanted, "numbered 1..n without gaps");
}

async fn invoicing_one_session_bills_that_session_alone(db: Db) {
    let (p, svc) = billing_practice(&db, "i5").await;
    let (who, admin) = (&p.provider, &p.admin);
    let (case, id, people) = session_with(&db, who, "IE", 2, svc).await;
    let earlier = schedule_on(&db, who, case, who.today() - chrono::Duration::days(7)).await;
    let live = Live::start(&db);
    for person in &people {
        mark(&db, &live, who, id, *person, Some(Choice::Attended(svc))).await;
        mark(&db, &live, who, earlier, *person, Some(Choice::NoShow)).await;
    }
    let fee = charge_of(&db, who, id).await[&people[0]].0;

    // Those who run billing, for a session of their practice.
    assert!(matches!(
        invoices::invoice_session(&db, who, id).await,
        Err(AppError::Forbidden(_))
    ));
    let other = practice(&db, "i5-other").await;
    assert!(matches!(
        invoices::invoice_session(&db, &other.admin, id).await,
        Err(AppError::NotFound)
    ));
    assert!(run(&db, &other.admin, None).await.invoices.is_empty());

    // Each payer of the session, the session alone: the earlier no-shows stay unbilled.
    let done = invoices::invoice_session(&db, admin, id)
        .await
        .expect("invoiced");
    assert_eq!(done.invoices.len(), 2, "{done:?}");
    assert_eq!(done.lines, 2);
    assert_eq!(done.total, Money(2 * fee));
    let mut payers: Vec<PersonId> = done.invoices.iter().map(|i| i.payer_id).collect();
    payers.sort();
    let mut expected = people.clone();
    expected.sort();
    assert_eq!(payers, expected);
    for i in &done.invoices {
        let d = doc(&db, admin, i.id).await;
        assert_eq!(d.lines.len(), 1);
        assert_eq!(d.total, Money(fee));
    }
    let overview = invoices::overview(&db, admin).await.expect("overview");
    assert_eq!(
        overview.unbilled_charges, 2,
        "the earlier session's no-shows"
    );
    assert_eq!(overview.unbilled, Money(2 * 4_000));
    // Invoiced rows are now on record on the session screen.
    let sheet = attendance::sheet(&db, who, id).await.expect("sheet");
    assert!(sheet.rows.iter().all(|r| r.on_record.is_some()));

    // Nothing is billed twice: again, nothing; the run bills only the rest.
    let again = invoices::invoice_session(&db, admin, id)
        .await
        .expect("again");
    assert!(again.invoices.is_empty());
    let rest = run(&db, admin, None).await;
    assert_eq!(rest.lines, 2);
    assert_eq!(rest.total, Money(2 * 4_000));
    assert!(invoices::invoice_session(&db, admin, earlier)
        .await
        .expect("earlier")
        .invoices
        .is_empty());
}
