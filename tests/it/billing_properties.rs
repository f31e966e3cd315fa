//! Property-based billing tests (proptest), on both engines: random sequences of
//! attendance changes, payments at the session and on account, invoicing, refunds,
//! write-offs and voids (credit notes come from attendance changes after invoicing) keep
//! the ledger true after every step:
//! - per payer, the account's balance is charges less adjustments less allocated payments,
//!   and its credit is payments less refunds less allocated payments;
//! - allocations and refunds never exceed their payment; allocations and adjustments never
//!   exceed their charge;
//! - receipts, invoices and credit notes are each numbered 1..n without gaps;
//! - an issued document never changes (its SHA-256 before and after every later step);
//! - the aged balance of each payer ends where their statement ends;
//! - a step refused as bad input changes nothing;
//! - once everything is invoiced, what the documents bill is exactly what was charged.
//!
//! Each case runs in a practice of its own. `GATHER_PROPTEST_CASES` sets how many (default
//! 16 per engine).

use crate::billing::{charge_of, correct, mark};
use crate::common::fixtures::{schedule_on, session_with, Practice};
use crate::documents::{billing_practice, statement};
use crate::on_both_engines;
use gather::attendance::live::Live;
use gather::billing::adjustments::server as adjustments;
use gather::billing::adjustments::{AdjustmentInput, RefundInput};
use gather::billing::invoices::server as invoices;
use gather::billing::reports::server::{report, Listing};
use gather::billing::reports::{ReportAsk, ReportBody};
use gather::billing::server as billing;
use gather::billing::PaymentInput;
use gather::domain::adjustments::AdjustmentReason;
use gather::domain::attendance::Choice;
use gather::domain::billing::PaymentMethod;
use gather::domain::money::Money;
use gather::domain::{AppointmentId, InvoiceId, PersonId, ServiceId};
use gather::error::AppError;
use gather::on_conn;
use gather::server::db::Db;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

on_both_engines!(random_billing_work_keeps_the_ledger_true);

/// One piece of billing work, as the strategy draws it. People and sessions are indexes
/// into the case's three participants and two sessions.
#[derive(Clone, Debug)]
enum Step {
    Mark {
        session: usize,
        person: usize,
        choice: u8,
    },
    PayAtSession {
        session: usize,
        person: usize,
        dollars: u32,
    },
    PayOnAccount {
        person: usize,
        dollars: u32,
    },
    Invoice {
        person: Option<usize>,
    },
    Refund {
        person: usize,
        dollars: u32,
    },
    WriteOff {
        person: usize,
        dollars: u32,
    },
    Void {
        nth: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..2usize, 0..3usize, 0..6u8)
            .prop_map(|(session, person, choice)| Step::Mark { session, person, choice }),
        2 => (0..2usize, 0..3usize, 1..90u32)
            .prop_map(|(session, person, dollars)| Step::PayAtSession { session, person, dollars }),
        1 => (0..3usize, 1..150u32).prop_map(|(person, dollars)| Step::PayOnAccount { person, dollars }),
        2 => proptest::option::of(0..3usize).prop_map(|person| Step::Invoice { person }),
        1 => (0..3usize, 1..70u32).prop_map(|(person, dollars)| Step::Refund { person, dollars }),
        1 => (0..3usize, 1..50u32).prop_map(|(person, dollars)| Step::WriteOff { person, dollars }),
        1 => (0..6usize).prop_map(|nth| Step::Void { nth }),
    ]
}

struct Case {
    p: Practice,
    svc: ServiceId,
    sessions: [AppointmentId; 2],
    people: Vec<PersonId>,
    /// Each issued document's digest, as first seen.
    issued: HashMap<i64, String>,
}

static CASES: AtomicUsize = AtomicUsize::new(0);

/// The kinds of step that did something, across a run: a run where some kind of work
/// never happened would prove nothing about it, so the test says so and fails.
type Done = std::sync::Mutex<Vec<&'static str>>;

fn did(log: &Done, kind: &'static str) {
    if let Ok(mut d) = log.lock() {
        d.push(kind);
    }
}

async fn random_billing_work_keeps_the_ledger_true(db: Db) {
    let cases = std::env::var("GATHER_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(16);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    // The same sequences every run (so CI is repeatable), unless asked for fresh ones.
    let mut runner = if std::env::var_os("GATHER_PROPTEST_RANDOM").is_some() {
        TestRunner::new(config)
    } else {
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
    };
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let rt = tokio::runtime::Handle::current();
    let log = Done::default();
    // One live attendance hub for the run, as a server has one: each holds a writer.
    let live = Live::start(&db);
    // proptest drives each case synchronously; the case itself is async database work.
    let result = tokio::task::block_in_place(|| {
        runner.run(&proptest::collection::vec(step(), 3..16), |steps| {
            rt.block_on(run_case(&db, &live, &log, steps))
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let kinds = log.lock().map(|d| d.clone()).unwrap_or_default();
    for kind in [
        "mark",
        "pay at session",
        "pay on account",
        "invoice",
        "refund",
        "write-off",
        "void",
    ] {
        assert!(
            kinds.contains(&kind),
            "no {kind} step did anything: {kinds:?}"
        );
    }
    let mut c = db.acquire().await.expect("conn");
    let credit_notes: i64 = on_conn!(c.conn(), |x| {
        sqlx::query_scalar("SELECT COUNT(*) FROM invoices WHERE kind = 'credit_note'")
            .fetch_one(&mut *x)
            .await
            .expect("credit notes")
    });
    assert!(
        credit_notes > 0,
        "no attendance change after invoicing was credited"
    );
}

async fn run_case(db: &Db, live: &Live, log: &Done, steps: Vec<Step>) -> Result<(), TestCaseError> {
    let n = CASES.fetch_add(1, Ordering::SeqCst);
    let (p, svc) = billing_practice(db, &format!("prop{n}")).await;
    let who = &p.provider;
    let (case_id, today, people) = session_with(db, who, &format!("P{n}"), 3, svc).await;
    let yesterday = schedule_on(db, who, case_id, who.today() - chrono::Duration::days(1)).await;
    let mut case = Case {
        p,
        svc,
        sessions: [today, yesterday],
        people,
        issued: HashMap::new(),
    };
    // Everyone came to both sessions: there is something to bill from the first step on.
    for session in case.sessions {
        for person in case.people.clone() {
            let attended = Some(Choice::Attended(case.svc));
            mark(db, live, &case.p.provider, session, person, attended).await;
        }
    }
    holds(db, &mut case).await?;
    for s in &steps {
        let before = snapshot(db, &case).await;
        let outcome = perform(db, live, &case, s, log).await;
        match outcome {
            Ok(()) => {}
            Err(AppError::InvalidInput { .. }) => {
                prop_assert_eq!(
                    &before,
                    &snapshot(db, &case).await,
                    "refused {:?} changed something",
                    s
                );
            }
            Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(TestCaseError::fail(format!("{s:?}: {e:?}"))),
        }
        holds(db, &mut case).await?;
    }
    // Everything invoiced: the documents bill exactly what was charged.
    let admin = &case.p.admin.clone();
    match invoices::invoice_unbilled(db, admin, None, &admin.today().to_string()).await {
        Ok(_) | Err(AppError::InvalidInput { .. }) => {}
        Err(e) => return Err(TestCaseError::fail(format!("final run: {e:?}"))),
    }
    holds(db, &mut case).await?;
    for payer in &case.people {
        let (charged, billed) = charged_and_billed(db, *payer).await;
        prop_assert_eq!(charged, billed, "payer {:?}: charged vs billed", payer);
        let account = billing::account(db, admin, *payer).await.map_err(fail)?;
        let today = admin.today();
        let closing = statement(db, admin, *payer, today, today)
            .await
            .ledger
            .closing;
        prop_assert_eq!(
            closing,
            account.balance - account.credit,
            "payer {:?}",
            payer
        );
        prop_assert_eq!(account.unbilled, Money::ZERO);
    }
    Ok(())
}

fn fail(e: AppError) -> TestCaseError {
    TestCaseError::fail(format!("{e:?}"))
}

fn dollars(d: u32) -> String {
    d.to_string()
}

async fn perform(db: &Db, live: &Live, c: &Case, s: &Step, log: &Done) -> Result<(), AppError> {
    let (who, admin) = (&c.p.provider, &c.p.admin);
    match *s {
        Step::Mark {
            session,
            person,
            choice,
        } => {
            let choice = match choice {
                0 => None,
                1 => Some(Choice::Attended(c.svc)),
                2 => Some(Choice::NoShow),
                3 => Some(Choice::LateCancel),
                4 => Some(Choice::AbsentNoFee),
                _ => Some(Choice::AttendedNoFee),
            };
            let (id, person) = (c.sessions[session], c.people[person]);
            // Attendance invoiced is changed only by a correction with a reason.
            let on_record = gather::attendance::server::sheet(db, who, id)
                .await?
                .rows
                .iter()
                .any(|r| r.state.person_id == person && r.on_record.is_some());
            if on_record {
                correct(
                    db,
                    live,
                    who,
                    id,
                    person,
                    choice,
                    "corrected in a property step",
                )
                .await;
            } else {
                mark(db, live, who, id, person, choice).await;
            }
            did(log, "mark");
            Ok(())
        }
        Step::PayAtSession {
            session,
            person,
            dollars: d,
        } => {
            let id = c.sessions[session];
            let person = c.people[person];
            // Only a charge can be paid at the session.
            if charge_of(db, who, id)
                .await
                .get(&person)
                .is_none_or(|r| r.0 == 0)
            {
                return Ok(());
            }
            billing::take_payment(db, who, id, person, None, &cash(d)).await?;
            did(log, "pay at session");
            Ok(())
        }
        Step::PayOnAccount { person, dollars: d } => {
            billing::take_account_payment(db, admin, c.people[person], &cash(d), &[]).await?;
            did(log, "pay on account");
            Ok(())
        }
        Step::Invoice { person } => {
            let payer = person.map(|i| c.people[i]);
            let run =
                invoices::invoice_unbilled(db, admin, payer, &admin.today().to_string()).await?;
            if !run.invoices.is_empty() {
                did(log, "invoice");
            }
            Ok(())
        }
        Step::Refund { person, dollars: d } => {
            // The drawn payer, or the next one with money to give back.
            for k in 0..c.people.len() {
                let payer = c.people[(person + k) % c.people.len()];
                let account = billing::account(db, admin, payer).await?;
                let Some(p) = account
                    .payments
                    .iter()
                    .find(|p| p.refundable().is_positive())
                else {
                    continue;
                };
                let amount = Money((i64::from(d) * 100).min(p.refundable().cents()));
                let input = RefundInput {
                    amount: amount.as_input(),
                    method: PaymentMethod::Cash,
                    reference: String::new(),
                    reason: "Moved away".into(),
                };
                adjustments::refund_payment(db, admin, payer, p.id, &input).await?;
                did(log, "refund");
                break;
            }
            Ok(())
        }
        Step::WriteOff { person, dollars: d } => {
            let payer = c.people[person];
            let account = billing::account(db, admin, payer).await?;
            let Some(open) = account.open.iter().find(|x| x.owed.is_positive()) else {
                return Ok(());
            };
            let amount = Money((i64::from(d) * 100).min(open.owed.cents()));
            let input = AdjustmentInput {
                amount: amount.as_input(),
                reason: AdjustmentReason::SlidingScale,
                note: String::new(),
            };
            adjustments::adjust_charge(db, admin, payer, open.id, &input).await?;
            did(log, "write-off");
            Ok(())
        }
        Step::Void { nth } => {
            let open = standing_documents(db, c).await;
            if open.is_empty() {
                return Ok(());
            }
            let id = open[nth % open.len()];
            invoices::void(db, admin, InvoiceId(id), "Issued in error").await?;
            did(log, "void");
            Ok(())
        }
    }
}

fn cash(d: u32) -> PaymentInput {
    PaymentInput {
        amount: dollars(d),
        method: PaymentMethod::Cash,
        reference: String::new(),
    }
}

async fn standing_documents(db: &Db, c: &Case) -> Vec<i64> {
    let mut conn = db.acquire().await.expect("conn");
    on_conn!(conn.conn(), |x| {
        sqlx::query_scalar::<_, i64>(
            "SELECT id FROM invoices WHERE practice_id = $1 AND voided_at IS NULL ORDER BY id",
        )
        .bind(c.p.id.0)
        .fetch_all(&mut *x)
        .await
        .expect("documents")
    })
}

/// Everything a refused step must leave as it was: each table's rows, summed.
async fn snapshot(db: &Db, c: &Case) -> Vec<i64> {
    let mut conn = db.acquire().await.expect("conn");
    on_conn!(conn.conn(), |x| {
        let (a, b, d, e, f, g, h): (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT
                (SELECT COUNT(*) FROM payments WHERE practice_id = $1),
                (SELECT COUNT(*) FROM refunds WHERE practice_id = $1),
                (SELECT COUNT(*) FROM adjustments WHERE practice_id = $1),
                (SELECT COUNT(*) FROM invoices WHERE practice_id = $1),
                (SELECT COUNT(*) FROM invoices WHERE practice_id = $1 AND voided_at IS NOT NULL),
                (SELECT COUNT(*) FROM allocations al JOIN payments py ON py.id = al.payment_id
                 WHERE py.practice_id = $1),
                (SELECT CAST(COALESCE(SUM(al.amount_cents), 0) AS BIGINT) FROM allocations al
                 JOIN payments py ON py.id = al.payment_id WHERE py.practice_id = $1)",
        )
        .bind(c.p.id.0)
        .fetch_one(&mut *x)
        .await
        .expect("snapshot");
        vec![a, b, d, e, f, g, h]
    })
}

/// (cents charged, cents the standing documents bill) for a payer.
async fn charged_and_billed(db: &Db, payer: PersonId) -> (i64, i64) {
    let mut conn = db.acquire().await.expect("conn");
    on_conn!(conn.conn(), |x| {
        sqlx::query_as(
            "SELECT
                CAST(COALESCE((SELECT SUM(amount_cents) FROM charges WHERE payer_id = $1), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(total_cents) FROM invoices
                               WHERE payer_id = $1 AND voided_at IS NULL), 0) AS BIGINT)",
        )
        .bind(payer.0)
        .fetch_one(&mut *x)
        .await
        .expect("charged and billed")
    })
}

/// An issued document's line as stored: id, charge, credited line, day, participant,
/// description, cents.
type Line = (i64, i64, Option<i64>, String, String, String, i64);

/// The ledger's rules, checked against what is stored.
async fn holds(db: &Db, c: &mut Case) -> Result<(), TestCaseError> {
    let admin = c.p.admin.clone();
    let practice = c.p.id.0;
    // Accounts first: reading one brings its charges up to date.
    let mut accounts = Vec::new();
    for payer in &c.people {
        accounts.push((
            *payer,
            billing::account(db, &admin, *payer).await.map_err(fail)?,
        ));
    }
    let mut conn = db.acquire().await.expect("conn");
    let (payments, charges, numbers, documents) = on_conn!(conn.conn(), |x| {
        let payments: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT py.id, py.payer_id, py.amount_cents,
                CAST(COALESCE((SELECT SUM(amount_cents) FROM allocations WHERE payment_id = py.id), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(amount_cents) FROM refunds WHERE payment_id = py.id), 0) AS BIGINT)
             FROM payments py WHERE py.practice_id = $1",
        )
        .bind(practice)
        .fetch_all(&mut *x)
        .await
        .expect("payments");
        let charges: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT ch.id, ch.payer_id, ch.amount_cents,
                CAST(COALESCE((SELECT SUM(amount_cents) FROM allocations WHERE charge_id = ch.id), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(amount_cents) FROM adjustments WHERE charge_id = ch.id), 0) AS BIGINT)
             FROM charges ch WHERE ch.practice_id = $1",
        )
        .bind(practice)
        .fetch_all(&mut *x)
        .await
        .expect("charges");
        let numbers: Vec<(String, i64)> = sqlx::query_as(
            "SELECT 'receipt', receipt_number FROM payments WHERE practice_id = $1
             UNION ALL SELECT kind, number FROM invoices WHERE practice_id = $1",
        )
        .bind(practice)
        .fetch_all(&mut *x)
        .await
        .expect("numbers");
        let documents: Vec<(i64, String)> = sqlx::query_as(
            "SELECT i.id, i.kind || '|' || CAST(i.number AS TEXT) || '|' || CAST(i.payer_id AS TEXT)
                || '|' || i.practice_name || '|' || i.payer_name || '|'
                || COALESCE(CAST(i.credits_invoice_id AS TEXT), '') || '|' || i.reason || '|'
                || i.issued_on || '|' || i.due_on || '|' || CAST(i.total_cents AS TEXT) || '|'
                || CAST(i.issued_by AS TEXT) || '|' || CAST(i.issued_at AS TEXT)
             FROM invoices i WHERE i.practice_id = $1 ORDER BY i.id",
        )
        .bind(practice)
        .fetch_all(&mut *x)
        .await
        .expect("documents");
        let mut with_lines = Vec::new();
        for (id, head) in documents {
            let lines: Vec<Line> = sqlx::query_as(
                "SELECT id, charge_id, credits_line_id, service_day, participant_name, description,
                    amount_cents FROM invoice_lines WHERE invoice_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(&mut *x)
            .await
            .expect("lines");
            with_lines.push((id, format!("{head}\n{lines:?}")));
        }
        (payments, charges, numbers, with_lines)
    });

    for (id, _, amount, allocated, refunded) in &payments {
        prop_assert!(
            allocated + refunded <= *amount,
            "payment {} of {} gave {} to charges and {} back",
            id,
            amount,
            allocated,
            refunded
        );
    }
    for (id, _, amount, allocated, adjusted) in &charges {
        prop_assert!(*adjusted >= 0, "charge {} adjusted {}", id, adjusted);
        prop_assert!(
            allocated + adjusted <= *amount,
            "charge {} of {} took {} paid and {} adjusted",
            id,
            amount,
            allocated,
            adjusted
        );
    }
    for (payer, account) in &accounts {
        let mine = |pid: &i64| *pid == payer.0;
        let charged: i64 = charges.iter().filter(|c| mine(&c.1)).map(|c| c.2).sum();
        let adjusted: i64 = charges.iter().filter(|c| mine(&c.1)).map(|c| c.4).sum();
        let allocated: i64 = charges.iter().filter(|c| mine(&c.1)).map(|c| c.3).sum();
        prop_assert_eq!(
            account.balance,
            Money(charged - adjusted - allocated),
            "balance of {:?}",
            payer
        );
        let paid: i64 = payments.iter().filter(|p| mine(&p.1)).map(|p| p.2).sum();
        let applied: i64 = payments.iter().filter(|p| mine(&p.1)).map(|p| p.3).sum();
        let refunded: i64 = payments.iter().filter(|p| mine(&p.1)).map(|p| p.4).sum();
        prop_assert_eq!(
            account.credit,
            Money(paid - refunded - applied),
            "credit of {:?}",
            payer
        );
    }
    let mut series: HashMap<String, Vec<i64>> = HashMap::new();
    for (kind, number) in numbers {
        series.entry(kind).or_default().push(number);
    }
    for (kind, mut numbers) in series {
        numbers.sort_unstable();
        let expected: Vec<i64> = (1..=numbers.len() as i64).collect();
        prop_assert_eq!(numbers, expected, "{} numbers", kind);
    }
    for (id, text) in documents {
        let digest = format!("{:x}", Sha256::digest(text.as_bytes()));
        let first = c.issued.entry(id).or_insert_with(|| digest.clone());
        prop_assert_eq!(&*first, &digest, "document {} changed", id);
    }
    // Aged as of today, each payer's balance ends where their statement ends.
    let today = admin.today();
    let aged = match report(db, &admin, &ReportAsk::default(), Listing::Page)
        .await
        .map_err(fail)?
        .body
    {
        ReportBody::Aging(a) => a,
        other => return Err(TestCaseError::fail(format!("{other:?}"))),
    };
    for payer in &c.people {
        let closing = statement(db, &admin, *payer, today, today)
            .await
            .ledger
            .closing;
        let balance = aged
            .payers
            .iter()
            .find(|x| x.id == *payer)
            .map_or(Money::ZERO, |x| x.aged.balance());
        prop_assert_eq!(balance, closing, "aged vs statement of {:?}", payer);
    }
    Ok(())
}
