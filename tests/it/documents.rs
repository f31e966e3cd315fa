//! Billing settings, receipts and statements against a real database: settings are checked,
//! audited, and printed on invoices as they were when issued; a receipt says what its
//! payment paid, only to those who may read it and with other cases' charges summed; a
//! statement brings the balance forward and runs it through invoices, credit notes, voids
//! and payments.

use crate::billing::{cash, charge_of, correct, mark};
use crate::common::fixtures::{group, practice, schedule_on, service, session_with, Practice};
use crate::on_both_engines;
use gather::access::SignedIn;
use gather::attendance::live::Live;
use gather::attendance::server as attendance;
use gather::audit::repo as audit;
use gather::billing::invoices::server as invoices;
use gather::billing::receipts::server as receipts;
use gather::billing::server as billing;
use gather::billing::settings::server as settings;
use gather::billing::statements::server as statements;
use gather::cases::server as cases;
use gather::domain::attendance::Choice;
use gather::domain::billing_settings::BillingSettingsInput;
use gather::domain::cases::CaseKind;
use gather::domain::money::Money;
use gather::domain::statements::EntryKind;
use gather::domain::{AccountId, PaymentId, PersonId, ServiceId};
use gather::error::AppError;
use gather::on_conn;
use gather::server::db::Db;

on_both_engines!(
    billing_settings_are_checked_audited_and_kept_on_invoices_as_issued,
    a_receipt_says_what_its_payment_paid_to_those_who_may_read_it,
    a_statement_brings_the_balance_forward_and_runs_it_through_the_period,
);

pub(crate) async fn billing_practice(db: &Db, tag: &str) -> (Practice, ServiceId) {
    let p = practice(db, tag).await;
    attendance::save_missed_fees(db, &p.owner, "40", "25")
        .await
        .expect("fees");
    let svc = service(db, &p, "90853").await;
    (p, svc)
}

fn input(address: &str, npi: &str, terms: &str) -> BillingSettingsInput {
    BillingSettingsInput {
        legal_name: "Harbor Counseling, PLLC".into(),
        address: address.into(),
        tax_id: "12 3456789".into(),
        npi: npi.into(),
        payment_terms_days: terms.into(),
    }
}

pub(crate) async fn log_of(db: &Db, p: &Practice) -> Vec<gather::audit::AuditEntry> {
    let mut c = db.acquire().await.expect("conn");
    audit::recent_for_practice(c.conn(), p.id, 500)
        .await
        .expect("log")
}

async fn billing_settings_are_checked_audited_and_kept_on_invoices_as_issued(db: Db) {
    let (p, svc) = billing_practice(&db, "s1").await;
    let (who, admin) = (&p.provider, &p.admin);

    // Those who run billing only.
    assert!(matches!(
        settings::settings(&db, who).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        settings::save(&db, who, &input("1 Main St", "", "30")).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        settings::save_npi(&db, who, who.account_id, "1234567893").await,
        Err(AppError::Forbidden(_))
    ));

    // Bad input names its field and changes nothing.
    let before = settings::settings(&db, admin).await.expect("settings");
    assert_eq!(before.payment_terms_days, 30);
    assert_eq!(before.legal_name, "");
    for (bad, field) in [
        (input("1 Main St", "1234567890", "30"), "npi"),
        (input("1 Main St", "", "400"), "payment_terms_days"),
        (input("a\nb\nc\nd\ne\nf\ng", "", "30"), "address"),
        (
            BillingSettingsInput {
                tax_id: "12-34".into(),
                ..input("1 Main St", "", "30")
            },
            "tax_id",
        ),
    ] {
        match settings::save(&db, admin, &bad).await {
            Err(AppError::InvalidInput { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(
        settings::settings(&db, admin).await.expect("settings"),
        before
    );

    // Saved in stored form, and audited with what changed.
    let saved = settings::save(
        &db,
        admin,
        &input(" 200 Harbor Way \n\nPortland, ME 04101", "1234567893", "15"),
    )
    .await
    .expect("save");
    assert_eq!(saved.tax_id, "12-3456789");
    assert_eq!(saved.address, "200 Harbor Way\nPortland, ME 04101");
    assert_eq!(
        (saved.npi.as_str(), saved.payment_terms_days),
        ("1234567893", 15)
    );
    let log = log_of(&db, &p).await;
    let entry = log
        .iter()
        .find(|e| e.object_kind == "billing_settings" && e.action == "update")
        .expect("audited");
    assert!(
        entry.detail.contains("payment terms 30 -> 15 days"),
        "{}",
        entry.detail
    );

    // A clinician's NPI: checked, audited, and only for the practice's own staff.
    let npi = settings::save_npi(&db, admin, who.account_id, "1245319599")
        .await
        .expect("npi");
    assert_eq!(npi.npi, "1245319599");
    assert!(matches!(
        settings::save_npi(&db, admin, who.account_id, "1245319590").await,
        Err(AppError::InvalidInput { ref field, .. }) if field == "npi"
    ));
    let other = practice(&db, "s1x").await;
    assert!(matches!(
        settings::save_npi(&db, &other.admin, who.account_id, "1245319599").await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        settings::save_npi(&db, admin, AccountId(987_654), "").await,
        Err(AppError::NotFound)
    ));
    let listed = settings::settings(&db, admin).await.expect("settings");
    assert!(listed
        .clinicians
        .iter()
        .any(|c| c.account_id == who.account_id && c.npi == "1245319599"));
    assert!(log_of(&db, &p)
        .await
        .iter()
        .any(|e| e.object_kind == "account"
            && e.object_id == Some(who.account_id.0)
            && e.detail.contains("1245319599")));

    // An invoice prints the settings as they were when it was issued, due on the terms.
    let (_, id, people) = session_with(&db, who, "SA", 1, svc).await;
    let live = Live::start(&db);
    mark(&db, &live, who, id, people[0], Some(Choice::Attended(svc))).await;
    let today = admin.today();
    let run = invoices::invoice_unbilled(&db, admin, Some(people[0]), &today.to_string())
        .await
        .expect("invoice");
    let first = run.invoices[0].id;
    let doc = invoices::document(&db, admin, first).await.expect("doc");
    assert_eq!(doc.issuer.name, "Harbor Counseling, PLLC");
    assert_eq!(doc.issuer.address, "200 Harbor Way\nPortland, ME 04101");
    assert_eq!(doc.issuer.tax_id, "12-3456789");
    assert_eq!(
        doc.due_on.as_deref(),
        Some(gather::domain::when::long_date(today + chrono::Duration::days(15)).as_str())
    );
    settings::save(&db, admin, &input("9 New Street", "1234567893", "15"))
        .await
        .expect("moved");
    let again = invoices::document(&db, admin, first).await.expect("doc");
    assert_eq!(again.issuer, doc.issuer, "an issued invoice never changes");
}

async fn a_receipt_says_what_its_payment_paid_to_those_who_may_read_it(db: Db) {
    let (p, svc) = billing_practice(&db, "s2").await;
    let (who, admin, other) = (&p.provider, &p.admin, &p.other_provider);
    let (_, id, people) = session_with(&db, who, "SB", 1, svc).await;
    let payer = people[0];
    // The same person also attends a group of another provider's, which the first provider
    // may not see. They join before today's session is scheduled: a session that has
    // already begun keeps the roster it started with.
    let mut draft = group(CaseKind::TherapyGroup, "Group SC", "SC", other, Some(svc));
    draft.name = "Group SC".into();
    let theirs = cases::create_case(&db, other, draft).await.expect("group");
    cases::add_member(
        &db,
        admin,
        theirs,
        payer,
        admin.today() - chrono::Duration::days(30),
    )
    .await
    .expect("member of both");
    let their_id = schedule_on(&db, other, theirs, other.today()).await;
    let live = Live::start(&db);
    mark(&db, &live, who, id, payer, Some(Choice::Attended(svc))).await;
    mark(&db, &live, other, their_id, payer, Some(Choice::NoShow)).await;
    let fee = charge_of(&db, who, id).await[&payer].0;

    // Paid at the first session, with $30 over.
    let over = Money(fee) + Money(3_000);
    let taken = billing::take_payment(&db, who, id, payer, None, &cash(&over.as_input()))
        .await
        .expect("paid");
    let receipt = receipts::receipt(&db, who, taken.payment)
        .await
        .expect("receipt");
    assert_eq!(receipt.title, format!("Receipt {}", taken.receipt_number));
    assert_eq!(receipt.amount, over);
    assert_eq!(receipt.lines.len(), 1);
    assert_eq!(receipt.lines[0].amount, Money(fee));
    assert!(receipt.lines[0].description.starts_with("90853 "));
    assert_eq!(receipt.on_account, Money(3_000));
    assert_eq!(receipt.elsewhere, Money::ZERO);
    assert_eq!(receipt.method, "Cash");
    assert!(!receipt.runs_billing);

    // The account applies the credit to the no-show at the other provider's group: the
    // owner's receipt lists it; the provider's sums it, naming nothing of that case.
    billing::account(&db, admin, payer).await.expect("account");
    let whole = receipts::receipt(&db, admin, taken.payment)
        .await
        .expect("receipt");
    assert_eq!(whole.lines.len(), 2, "{whole:?}");
    assert!(whole
        .lines
        .iter()
        .any(|l| l.description == "No-show fee" && l.amount == Money(3_000)));
    assert_eq!(whole.on_account, Money::ZERO);
    assert!(whole.runs_billing);
    let theirs_hidden = receipts::receipt(&db, who, taken.payment)
        .await
        .expect("receipt");
    assert_eq!(theirs_hidden.lines.len(), 1);
    assert_eq!(theirs_hidden.elsewhere, Money(3_000));
    assert_eq!(theirs_hidden.on_account, Money::ZERO);

    // Nobody else: a colleague who did not take it, another practice, an id that is none.
    assert!(matches!(
        receipts::receipt(&db, other, taken.payment).await,
        Err(AppError::NotFound)
    ));
    let elsewhere = practice(&db, "s2x").await;
    assert!(matches!(
        receipts::receipt(&db, &elsewhere.admin, taken.payment).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        receipts::receipt(&db, admin, PaymentId(987_654)).await,
        Err(AppError::NotFound)
    ));

    // Every read is audited.
    let reads = log_of(&db, &p)
        .await
        .into_iter()
        .filter(|e| {
            e.object_kind == "payment" && e.action == "read" && e.object_id == Some(taken.payment.0)
        })
        .count();
    assert_eq!(reads, 3);
}

/// Moves a payment to an earlier day, as if received then (nothing in the app backdates).
async fn received_on(db: &Db, payment: PaymentId, day: chrono::NaiveDate) {
    let mut c = db.acquire().await.expect("conn");
    on_conn!(c.conn(), |c| {
        sqlx::query("UPDATE payments SET received_on = $2 WHERE id = $1")
            .bind(payment.0)
            .bind(day.to_string())
            .execute(&mut *c)
            .await
            .expect("backdate")
            .rows_affected()
    });
}

pub(crate) async fn statement(
    db: &Db,
    who: &SignedIn,
    payer: PersonId,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> gather::billing::statements::Statement {
    statements::statement(
        db,
        who,
        payer,
        Some(&from.to_string()),
        Some(&to.to_string()),
    )
    .await
    .expect("statement")
}

async fn a_statement_brings_the_balance_forward_and_runs_it_through_the_period(db: Db) {
    let (p, svc) = billing_practice(&db, "s3").await;
    let (who, admin) = (&p.provider, &p.admin);
    let (_, id, people) = session_with(&db, who, "SD", 1, svc).await;
    let payer = people[0];
    let live = Live::start(&db);
    mark(&db, &live, who, id, payer, Some(Choice::Attended(svc))).await;
    let fee = charge_of(&db, who, id).await[&payer].0;
    let today = admin.today();
    let yesterday = today - chrono::Duration::days(1);

    // $10 yesterday; today an invoice, a correction's credit note, $5 more, and a void.
    let early = billing::take_payment(&db, who, id, payer, None, &cash("10"))
        .await
        .expect("paid");
    received_on(&db, early.payment, yesterday).await;
    let run = invoices::invoice_unbilled(&db, admin, Some(payer), &today.to_string())
        .await
        .expect("invoice");
    let invoice = run.invoices[0].id;
    correct(
        &db,
        &live,
        who,
        id,
        payer,
        Some(Choice::LateCancel),
        "A late cancellation",
    )
    .await;
    billing::take_account_payment(&db, admin, payer, &cash("5"), &[])
        .await
        .expect("paid");
    invoices::void(&db, admin, invoice, "Sent to the wrong address")
        .await
        .expect("void");

    let s = statement(&db, admin, payer, today, today).await;
    let l = &s.ledger;
    assert_eq!(
        l.opening,
        Money(-1_000),
        "yesterday's payment is brought forward"
    );
    let kinds: Vec<EntryKind> = l.lines.iter().map(|x| x.entry.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EntryKind::Invoice,
            EntryKind::CreditNote,
            EntryKind::Void,
            EntryKind::Void,
            EntryKind::Payment
        ]
    );
    assert_eq!(l.invoiced, Money(fee));
    assert_eq!(l.credited, Money(2_500 - fee));
    assert_eq!(l.voided, Money(-fee) + Money(fee - 2_500));
    assert_eq!(l.paid, Money(-500));
    assert_eq!(
        l.closing,
        Money(-1_500),
        "everything voided: the payments are credit"
    );
    assert_eq!(l.lines.last().map(|x| x.balance), Some(l.closing));
    assert!(
        l.lines[1].entry.label.contains("(against Invoice 1)"),
        "{:?}",
        l.lines[1]
    );
    assert!(l.lines[2]
        .entry
        .label
        .ends_with("voided: Sent to the wrong address"));
    assert_eq!(
        s.unbilled,
        Money(2_500),
        "the voided charge is billed again later"
    );
    // No legal name saved: the statement is issued in the practice's own name.
    assert_eq!(s.issuer.name, "Practice s3");

    // From yesterday: nothing brought forward, the $10 is a line of its own.
    let s = statement(&db, admin, payer, yesterday, today).await;
    assert_eq!(s.ledger.opening, Money::ZERO);
    assert_eq!(s.ledger.lines[0].entry.kind, EntryKind::Payment);
    assert_eq!(s.ledger.lines[0].entry.amount, Money(-1_000));
    assert_eq!(s.ledger.closing, Money(-1_500));
    // Before anything happened: an empty period.
    let s = statement(
        &db,
        admin,
        payer,
        yesterday - chrono::Duration::days(9),
        yesterday - chrono::Duration::days(1),
    )
    .await;
    assert!(s.ledger.lines.is_empty());
    assert_eq!(
        (s.ledger.opening, s.ledger.closing),
        (Money::ZERO, Money::ZERO)
    );
    // Without a period: from the first of last month to today.
    let s = statements::statement(&db, admin, payer, None, None)
        .await
        .expect("default");
    assert_eq!(s.to, today.to_string());
    assert_eq!(s.ledger.closing, Money(-1_500));

    // Bad periods name their field; a provider and another practice are refused.
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    for (from, to, field) in [
        ("", "2026-01-01", "from"),
        ("2026-01-01", "later", "to"),
        (today.to_string().as_str(), tomorrow.as_str(), "to"),
        ("2020-01-01", today.to_string().as_str(), "from"),
    ] {
        match statements::statement(&db, admin, payer, Some(from), Some(to)).await {
            Err(AppError::InvalidInput { field: f, .. }) => assert_eq!(f, field, "{from} {to}"),
            other => panic!("{from} {to}: {other:?}"),
        }
    }
    assert!(matches!(
        statements::statement(&db, who, payer, None, None).await,
        Err(AppError::Forbidden(_))
    ));
    let other = practice(&db, "s3x").await;
    assert!(matches!(
        statements::statement(&db, &other.admin, payer, None, None).await,
        Err(AppError::NotFound)
    ));
    assert!(log_of(&db, &p)
        .await
        .iter()
        .any(|e| e.object_kind == "payer_account"
            && e.action == "read"
            && e.detail.starts_with("statement ")));
}
