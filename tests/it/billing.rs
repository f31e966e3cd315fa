//! Billing against a real database: charges follow attendance to the payer responsible on
//! the session's day (a participant's own payer, else the case's), payments at the session
//! apply to the charge and keep the rest as credit, a charge that shrinks gives back what was
//! paid on it, receipt numbers have no gaps even under concurrent payments, and bad input or
//! a caller who may not see the session changes nothing.

use crate::common::fixtures::{person, person_of_kind, practice, service, session_with};
use crate::on_both_engines;
use gather::access::SignedIn;
use gather::attendance::live::Live;
use gather::attendance::server as attendance;
use gather::attendance::{ChangeOutcome, ChangeRequest};
use gather::audit::repo as audit;
use gather::billing::repo as billing_repo;
use gather::billing::server as billing;
use gather::billing::PaymentInput;
use gather::cases::server as cases;
use gather::domain::attendance::Choice;
use gather::domain::billing::{Payer, PaymentMethod};
use gather::domain::money::Money;
use gather::domain::people::PersonKind;
use gather::domain::{AppointmentId, MembershipId, PersonId};
use gather::error::AppError;
use gather::server::db::{now_ms, Db};
use std::collections::HashMap;

on_both_engines!(
    charges_follow_attendance_to_the_payer_responsible,
    payments_apply_to_the_charge_and_keep_the_rest_as_credit,
    receipts_are_numbered_without_gaps_and_bad_payments_change_nothing,
    a_payers_account_pays_the_oldest_charges_first,
    a_payment_on_account_goes_to_the_charges_chosen_by_hand,
);

/// A change of a participant's attendance made on the row as the session screen reads it.
pub(crate) async fn change_of(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
    person: PersonId,
    choice: Option<Choice>,
) -> ChangeRequest {
    let rows = charge_of(db, who, id).await;
    ChangeRequest {
        person_id: person,
        choice,
        base_version: rows.get(&person).map_or(0, |r| r.1),
        made_at: now_ms(),
        fill_only: false,
    }
}

pub(crate) async fn mark(
    db: &Db,
    live: &Live,
    who: &SignedIn,
    id: AppointmentId,
    person: PersonId,
    choice: Option<Choice>,
) {
    let change = change_of(db, who, id, person, choice).await;
    let outcomes = attendance::record_changes(live, who, id, &[change], now_ms())
        .await
        .expect("attendance");
    assert!(
        matches!(outcomes[..], [ChangeOutcome::Stored(_)]),
        "not stored (on record? use `correct`): {outcomes:?}"
    );
}

/// Corrects a participant's attendance on record (invoiced, or charted by a locked note)
/// with a reason, as the session screen's correction form does.
pub(crate) async fn correct(
    db: &Db,
    live: &Live,
    who: &SignedIn,
    id: AppointmentId,
    person: PersonId,
    choice: Option<Choice>,
    reason: &str,
) -> ChangeOutcome {
    let change = change_of(db, who, id, person, choice).await;
    attendance::correct(live, who, id, change, reason)
        .await
        .expect("correction")
}

/// Each participant's (charge, attendance version, paid) as the session screen reads them.
pub(crate) async fn charge_of(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
) -> HashMap<PersonId, (i64, i64, Money)> {
    attendance::sheet(db, who, id)
        .await
        .expect("sheet")
        .rows
        .into_iter()
        .map(|r| {
            (
                r.state.person_id,
                (r.state.charge_cents, r.state.version, r.paid),
            )
        })
        .collect()
}

pub(crate) fn cash(amount: &str) -> PaymentInput {
    PaymentInput {
        amount: amount.into(),
        method: PaymentMethod::Cash,
        reference: String::new(),
    }
}

/// The session's charges as stored: person -> [(payer, amount, description)].
async fn stored(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
) -> HashMap<i64, Vec<(i64, i64, String)>> {
    let mut tx = db.begin().await.expect("tx");
    billing::bring_up_to_date(&mut tx, who, id, None)
        .await
        .expect("up to date");
    let rows = billing_repo::charges_of(tx.conn(), who.practice_id, id, None)
        .await
        .expect("charges");
    tx.commit().await.expect("commit");
    let mut out: HashMap<i64, Vec<(i64, i64, String)>> = HashMap::new();
    for r in rows {
        out.entry(r.person_id)
            .or_default()
            .push((r.payer_id, r.amount_cents, r.description));
    }
    out
}

pub(crate) async fn membership_of(
    db: &Db,
    who: &SignedIn,
    case: gather::domain::CaseId,
    p: PersonId,
) -> MembershipId {
    cases::case_details(db, who, case)
        .await
        .expect("case")
        .members
        .into_iter()
        .find(|m| m.person_id == p)
        .expect("member")
        .membership_id
}

/// What the payer has on account as credit.
pub(crate) async fn credit(db: &Db, who: &SignedIn, payer: PersonId) -> i64 {
    let mut c = db.acquire().await.expect("conn");
    billing_repo::credit_of(c.conn(), who.practice_id, payer.0)
        .await
        .expect("credit")
}

async fn charges_follow_attendance_to_the_payer_responsible(db: Db) {
    let p = practice(&db, "b1").await;
    let who = &p.provider;
    attendance::save_missed_fees(&db, &p.owner, "40", "25")
        .await
        .expect("fees");
    let svc = service(&db, &p, "90853").await;
    let (case, id, people) = session_with(&db, who, "BA", 3, svc).await;
    let (own, child, sponsored) = (people[0], people[1], people[2]);
    let sponsor = person_of_kind(&db, who, "Riverside Employer", PersonKind::Organization).await;
    let parent = person_of_kind(&db, who, "Parent Of Child", PersonKind::BillingContact).await;
    // The case's payer is the sponsor; one member pays for themself, one's parent pays.
    cases::set_case_payer(&db, who, case, Payer::Organization(sponsor.0))
        .await
        .expect("case payer");
    let m = membership_of(&db, who, case, own).await;
    cases::set_member_payer(&db, who, m, Some(Payer::SelfPay))
        .await
        .expect("own payer");
    let m = membership_of(&db, who, case, child).await;
    cases::set_member_payer(&db, who, m, Some(Payer::Contact(parent.0)))
        .await
        .expect("parent pays");

    let live = Live::start(&db);
    mark(&db, &live, who, id, own, Some(Choice::Attended(svc))).await;
    mark(&db, &live, who, id, child, Some(Choice::NoShow)).await;
    mark(&db, &live, who, id, sponsored, Some(Choice::Attended(svc))).await;
    let fee = charge_of(&db, who, id).await[&own].0;
    assert!(fee > 0, "the service has a fee");

    let charges = stored(&db, who, id).await;
    assert_eq!(charges[&own.0].len(), 1);
    assert_eq!(
        charges[&own.0][0].0, own.0,
        "self-pay: the participant's own account"
    );
    assert_eq!(charges[&own.0][0].1, fee);
    assert!(
        charges[&own.0][0].2.starts_with("90853 "),
        "{:?}",
        charges[&own.0]
    );
    assert_eq!(
        charges[&child.0],
        vec![(parent.0, 4_000, "No-show fee".to_string())],
        "the parent pays the child's no-show fee"
    );
    assert_eq!(
        charges[&sponsored.0][0].0, sponsor.0,
        "else the case's payer"
    );

    // Attendance changes before invoicing: the charge follows, to the cent, and a cleared or
    // free choice leaves no charge at all.
    mark(&db, &live, who, id, child, Some(Choice::LateCancel)).await;
    mark(&db, &live, who, id, sponsored, Some(Choice::AttendedNoFee)).await;
    let charges = stored(&db, who, id).await;
    assert_eq!(
        charges[&child.0],
        vec![(parent.0, 2_500, "Late cancellation fee".to_string())]
    );
    assert!(!charges.contains_key(&sponsored.0), "{charges:?}");

    // Who pays changes before invoicing: the charge moves to the new payer, and what the old
    // payer paid on it goes back to their credit.
    billing::take_payment(&db, who, id, own, None, &cash("10"))
        .await
        .expect("paid part");
    let m = membership_of(&db, who, case, own).await;
    cases::set_member_payer(&db, who, m, Some(Payer::Contact(parent.0)))
        .await
        .expect("parent pays now");
    let charges = stored(&db, who, id).await;
    assert_eq!(charges[&own.0].len(), 1, "{charges:?}");
    assert_eq!(
        (charges[&own.0][0].0, charges[&own.0][0].1),
        (parent.0, fee)
    );
    assert_eq!(credit(&db, who, own).await, 1_000);
    assert_eq!(charge_of(&db, who, id).await[&own].2, Money::ZERO);
    // And the case's own payer changing moves the charges that follow it.
    cases::set_case_payer(&db, who, case, Payer::SelfPay)
        .await
        .expect("self-pay");
    mark(&db, &live, who, id, sponsored, Some(Choice::Attended(svc))).await;
    let charges = stored(&db, who, id).await;
    assert_eq!(charges[&sponsored.0][0].0, sponsored.0);
    assert_eq!(charges[&own.0][0].0, parent.0, "an own payer still wins");
}

async fn payments_apply_to_the_charge_and_keep_the_rest_as_credit(db: Db) {
    let p = practice(&db, "b2").await;
    let who = &p.provider;
    attendance::save_missed_fees(&db, &p.owner, "40", "25")
        .await
        .expect("fees");
    let svc = service(&db, &p, "90853").await;
    let (_, id, people) = session_with(&db, who, "BB", 2, svc).await;
    let (a, b) = (people[0], people[1]);
    let live = Live::start(&db);
    mark(&db, &live, who, id, a, Some(Choice::Attended(svc))).await;
    mark(&db, &live, who, id, b, Some(Choice::Attended(svc))).await;
    let fee = charge_of(&db, who, id).await[&a].0;

    // Part now, the rest later: two receipts, the charge paid in full.
    let first = billing::take_payment(&db, who, id, a, None, &cash("10"))
        .await
        .expect("part");
    assert_eq!(first.applied, Money(1_000));
    assert_eq!(first.paid, Money(1_000));
    assert_eq!(first.owed, Money(fee - 1_000));
    assert_eq!(first.credit, Money::ZERO);
    let rest = Money(fee - 1_000).as_input();
    let second = billing::take_payment(
        &db,
        who,
        id,
        a,
        None,
        &PaymentInput {
            amount: rest,
            method: PaymentMethod::Check,
            reference: " 1042 ".into(),
        },
    )
    .await
    .expect("rest");
    assert_eq!(second.receipt_number, first.receipt_number + 1);
    assert_eq!(second.owed, Money::ZERO);
    assert_eq!(
        charge_of(&db, who, id).await[&a].2,
        Money(fee),
        "the screen shows it paid"
    );
    let again = billing::take_payment(&db, who, id, a, None, &cash("1")).await;
    assert!(
        matches!(&again, Err(AppError::Conflict(m)) if m.contains("paid in full")),
        "{again:?}"
    );

    // An overpayment is the payer's credit, not lost and not applied elsewhere unasked.
    let over = billing::take_payment(&db, who, id, b, None, &cash(&Money(fee + 2_000).as_input()))
        .await
        .expect("over");
    assert_eq!(over.applied, Money(fee));
    assert_eq!(over.credit, Money(2_000));
    assert_eq!(credit(&db, who, b).await, 2_000);

    // A charge that shrinks after payment keeps what it still comes to and gives the rest
    // back to the payer's credit; one that goes to nothing gives back everything.
    mark(&db, &live, who, id, a, Some(Choice::LateCancel)).await;
    assert_eq!(
        charge_of(&db, who, id).await[&a].2,
        Money(2_500),
        "the screen never shows more paid than is charged"
    );
    stored(&db, who, id).await;
    assert_eq!(credit(&db, who, a).await, fee - 2_500);
    assert_eq!(charge_of(&db, who, id).await[&a].2, Money(2_500));
    mark(&db, &live, who, id, a, Some(Choice::AttendedNoFee)).await;
    stored(&db, who, id).await;
    assert_eq!(
        credit(&db, who, a).await,
        fee,
        "both payments are credit now"
    );
    assert_eq!(charge_of(&db, who, id).await[&a].2, Money::ZERO);

    // Each payment is in the audit log with its receipt number.
    let mut c = db.acquire().await.expect("conn");
    let entries: Vec<String> = audit::recent_for_practice(c.conn(), p.id, 500)
        .await
        .expect("log")
        .into_iter()
        .filter(|e| e.object_kind == "payment" && e.action == "create")
        .map(|e| e.detail)
        .collect();
    assert_eq!(entries.len(), 3, "{entries:?}");
    // Money the charges gave back is a movement too, in the payer's account's log.
    let returned = audit::recent_for_practice(c.conn(), p.id, 500)
        .await
        .expect("log")
        .into_iter()
        .filter(|e| {
            e.object_kind == "payer_account"
                && e.object_id == Some(a.0)
                && e.detail.contains("returned to credit")
        })
        .count();
    assert_eq!(returned, 2, "the late cancel, then the free attendance");
    assert!(entries.iter().any(
        |d| d.starts_with(&format!("receipt {}:", second.receipt_number)) && d.contains("by check")
    ));
}

async fn receipts_are_numbered_without_gaps_and_bad_payments_change_nothing(db: Db) {
    let p = practice(&db, "b3").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (_, id, people) = session_with(&db, who, "BC", 4, svc).await;
    let live = Live::start(&db);
    for person in &people {
        mark(&db, &live, who, id, *person, Some(Choice::Attended(svc))).await;
    }
    let outsider = person(&db, who, "Not In The Group").await;

    // Every refusal is typed and names its field; none takes a receipt number.
    let field_of = |r: Result<_, AppError>| match r {
        Err(AppError::InvalidInput { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    let a = people[0];
    assert_eq!(
        field_of(billing::take_payment(&db, who, id, a, None, &cash("0")).await),
        "amount"
    );
    assert_eq!(
        field_of(billing::take_payment(&db, who, id, a, None, &cash("ten")).await),
        "amount"
    );
    assert_eq!(
        field_of(billing::take_payment(&db, who, id, a, None, &cash("1.005")).await),
        "amount"
    );
    let no_number = PaymentInput {
        amount: "5".into(),
        method: PaymentMethod::Check,
        reference: "  ".into(),
    };
    assert_eq!(
        field_of(billing::take_payment(&db, who, id, a, None, &no_number).await),
        "reference"
    );
    assert_eq!(
        field_of(billing::take_payment(&db, who, id, outsider, None, &cash("5")).await),
        "person"
    );
    let other = practice(&db, "b3x").await;
    assert!(matches!(
        billing::take_payment(&db, &other.provider, id, a, None, &cash("5")).await,
        Err(AppError::NotFound)
    ));
    // A colleague in the same practice who does not see the case is refused the same way.
    assert!(matches!(
        billing::take_payment(&db, &p.other_provider, id, a, None, &cash("5")).await,
        Err(AppError::NotFound)
    ));
    mark(&db, &live, who, id, people[3], Some(Choice::AbsentNoFee)).await;
    assert!(matches!(
        billing::take_payment(&db, who, id, people[3], None, &cash("5")).await,
        Err(AppError::Conflict(_))
    ));

    // Three payments at once, as three devices in one room might send them.
    let mut tasks = Vec::new();
    for person in people.iter().take(3).copied() {
        let (db, who) = (db.clone(), who.clone());
        tasks.push(tokio::spawn(async move {
            billing::take_payment(&db, &who, id, person, None, &cash("5"))
                .await
                .expect("payment")
                .receipt_number
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.expect("task"));
    }
    numbers.sort();
    assert_eq!(
        numbers,
        vec![1, 2, 3],
        "no gaps, no repeats, refusals took none"
    );

    // Two payments at once for one participant's charge: together they pay it exactly once,
    // and what is over is credit.
    let last = people[3];
    mark(&db, &live, who, id, last, Some(Choice::Attended(svc))).await;
    let fee = charge_of(&db, who, id).await[&last].0;
    let each = Money(fee * 2 / 3);
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let (db, who) = (db.clone(), who.clone());
        tasks.push(tokio::spawn(async move {
            billing::take_payment(&db, &who, id, last, None, &cash(&each.as_input()))
                .await
                .expect("payment")
        }));
    }
    let mut taken = Vec::new();
    for t in tasks {
        taken.push(t.await.expect("task"));
    }
    let applied: Money = taken.iter().map(|t| t.applied).sum();
    assert_eq!(applied, Money(fee), "{taken:?}");
    assert_eq!(credit(&db, who, last).await, 2 * each.cents() - fee);
    assert_eq!(charge_of(&db, who, id).await[&last].2, Money(fee));
}

/// A parent pays for two children in a group, over two sessions: their account lists the
/// four charges oldest first, a payment goes to the oldest first, the rest is credit; only
/// owners and admins see it.
async fn a_payers_account_pays_the_oldest_charges_first(db: Db) {
    let p = practice(&db, "b4").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (case, today, kids) = session_with(&db, who, "BD", 2, svc).await;
    let parent = person_of_kind(&db, who, "Parent Of Two", PersonKind::BillingContact).await;
    cases::set_case_payer(&db, who, case, Payer::Contact(parent.0))
        .await
        .expect("parent pays");
    let earlier = crate::common::fixtures::schedule_on(
        &db,
        who,
        case,
        who.today() - chrono::Duration::days(7),
    )
    .await;
    let live = Live::start(&db);
    for id in [earlier, today] {
        for k in &kids {
            mark(&db, &live, who, id, *k, Some(Choice::Attended(svc))).await;
        }
    }
    let fee = charge_of(&db, who, today).await[&kids[0]].0;

    // Providers take payments at sessions; accounts are for those who run billing.
    assert!(matches!(
        billing::account(&db, who, parent).await,
        Err(AppError::Forbidden(_))
    ));
    let other = practice(&db, "b4x").await;
    assert!(matches!(
        billing::account(&db, &other.admin, parent).await,
        Err(AppError::NotFound)
    ));

    let admin = &p.admin;
    let account = billing::account(&db, admin, parent).await.expect("account");
    assert_eq!(account.open.len(), 4);
    assert_eq!(account.balance, Money(4 * fee));
    assert_eq!(account.credit, Money::ZERO);
    let days: Vec<String> = account.open.iter().map(|c| c.day.clone()).collect();
    let week_ago = gather::domain::when::long_date(who.today() - chrono::Duration::days(7));
    assert_eq!(
        days,
        vec![week_ago.clone(), week_ago, days[2].clone(), days[2].clone()],
        "the earlier session's charges first"
    );
    assert_ne!(days[0], days[2]);

    // One and a half charges' worth: the earlier session first, whole then half.
    let half = billing::take_account_payment(
        &db,
        admin,
        parent,
        &cash(&Money(fee + fee / 2).as_input()),
        &[],
    )
    .await
    .expect("payment");
    assert_eq!(half.charges, 2);
    assert_eq!(half.credit, Money::ZERO);
    assert_eq!(half.account.open.len(), 3);
    assert_eq!(half.account.open[0].day, days[1]);
    assert_eq!(half.account.open[0].paid, Money(fee / 2));
    assert_eq!(half.account.balance, Money(4 * fee - fee - fee / 2));
    // More than is owed: everything paid, the rest on account.
    let rest =
        billing::take_account_payment(&db, admin, parent, &cash(&Money(3 * fee).as_input()), &[])
            .await
            .expect("payment");
    assert!(rest.account.open.is_empty());
    assert_eq!(rest.account.balance, Money::ZERO);
    assert_eq!(rest.credit, Money(fee / 2), "paid 4.5 charges' worth for 4");
    assert_eq!(rest.account.credit, rest.credit);
    assert_eq!(
        rest.account
            .payments
            .iter()
            .map(|p| p.receipt_number)
            .collect::<Vec<_>>(),
        vec![rest.receipt_number, half.receipt_number],
        "newest first"
    );
    // Refusals, before and after the work of reconciling, write nothing: no payment, no
    // receipt number.
    let refused = billing::take_account_payment(&db, admin, parent, &cash("-3"), &[]).await;
    assert!(matches!(refused, Err(AppError::InvalidInput { ref field, .. }) if field == "amount"));
    assert!(matches!(
        billing::take_account_payment(&db, who, parent, &cash("5"), &[]).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        billing::take_account_payment(&db, &other.admin, parent, &cash("5"), &[]).await,
        Err(AppError::NotFound)
    ));

    // Credit already on the account goes to the next charge by itself, also one from
    // another case the same parent pays for.
    let (case2, session2, others) = session_with(&db, who, "BE", 1, svc).await;
    cases::set_case_payer(&db, who, case2, Payer::Contact(parent.0))
        .await
        .expect("parent pays here too");
    mark(
        &db,
        &live,
        who,
        session2,
        others[0],
        Some(Choice::Attended(svc)),
    )
    .await;
    let now = billing::account(&db, admin, parent).await.expect("account");
    assert_eq!(now.open.len(), 1, "{:?}", now.open);
    assert_eq!(
        now.open[0].paid,
        Money(fee / 2),
        "the credit paid part of it"
    );
    assert_eq!(now.credit, Money::ZERO);
    assert_eq!(now.balance, Money(fee - fee / 2));
    // Paying when nothing is owed is a deposit: all credit, with the next receipt number.
    let settle =
        billing::take_account_payment(&db, admin, parent, &cash(&now.balance.as_input()), &[])
            .await
            .expect("settle");
    assert_eq!(
        settle.receipt_number,
        rest.receipt_number + 1,
        "refusals took no number"
    );
    let deposit = billing::take_account_payment(&db, admin, parent, &cash("25"), &[])
        .await
        .expect("deposit");
    assert_eq!(
        (deposit.applied, deposit.credit),
        (Money::ZERO, Money(2_500))
    );
    assert_eq!(deposit.account.credit, Money(2_500));

    // Each view of the account is a read in the audit log, and applying credit a change.
    let mut c = db.acquire().await.expect("conn");
    let log = audit::recent_for_practice(c.conn(), p.id, 1_000)
        .await
        .expect("log");
    let reads = log
        .iter()
        .filter(|e| e.object_kind == "payer_account" && e.action == "read")
        .count();
    assert_eq!(reads, 2, "two views by the admin; refusals are not reads");
    assert!(log
        .iter()
        .any(|e| e.object_kind == "payer_account" && e.detail.contains("of credit applied")));
}

async fn a_payment_on_account_goes_to_the_charges_chosen_by_hand(db: Db) {
    let p = practice(&db, "b5").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (case, today, people) = session_with(&db, who, "BE", 1, svc).await;
    let payer = people[0];
    let earlier = crate::common::fixtures::schedule_on(
        &db,
        who,
        case,
        who.today() - chrono::Duration::days(7),
    )
    .await;
    let live = Live::start(&db);
    for id in [earlier, today] {
        mark(&db, &live, who, id, payer, Some(Choice::Attended(svc))).await;
    }
    let fee = charge_of(&db, who, today).await[&payer].0;
    let admin = &p.admin;
    let account = billing::account(&db, admin, payer).await.expect("account");
    let (older, newer) = (account.open[0].id, account.open[1].id);
    let part = |charge, amount: &str| gather::billing::ChosenPart {
        charge,
        amount: amount.into(),
    };
    let pay = cash(&Money(fee).as_input());

    // Refused, naming the choice, and nothing written: more than a charge owes, more than
    // the payment, a charge not open on this account, an amount that is none.
    let over_charge = Money(fee + 1).as_input();
    let half = Money(fee / 2 + 1).as_input();
    for chosen in [
        vec![part(newer, &over_charge)],
        vec![part(newer, &half), part(older, &half)],
        vec![part(gather::domain::ChargeId(987_654), "1")],
        vec![part(newer, "ten")],
    ] {
        match billing::take_account_payment(&db, admin, payer, &pay, &chosen).await {
            Err(AppError::InvalidInput { field, .. }) => assert_eq!(field, "chosen", "{chosen:?}"),
            other => panic!("{chosen:?}: {other:?}"),
        }
    }
    let unchanged = billing::account(&db, admin, payer).await.expect("account");
    assert!(unchanged.payments.is_empty());

    // Half of today's session by hand: the older charge stays open, the rest is credit.
    let paid = billing::take_account_payment(
        &db,
        admin,
        payer,
        &pay,
        &[part(newer, &Money(fee / 2).as_input())],
    )
    .await
    .expect("paid");
    assert_eq!(paid.charges, 1);
    assert_eq!(paid.applied, Money(fee / 2));
    assert_eq!(paid.credit, Money(fee - fee / 2));
    let newer_now = paid
        .account
        .open
        .iter()
        .find(|c| c.id == newer)
        .expect("still open");
    assert_eq!(newer_now.paid, Money(fee / 2));
    let older_now = paid
        .account
        .open
        .iter()
        .find(|c| c.id == older)
        .expect("still open");
    assert_eq!(older_now.paid, Money::ZERO);
    let log = crate::documents::log_of(&db, &p).await;
    assert!(log
        .iter()
        .any(|e| e.object_kind == "payment" && e.detail.contains("chosen by hand")));
}
