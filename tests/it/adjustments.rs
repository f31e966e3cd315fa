//! Adjustments and refunds against a real database: an adjustment takes off no more than is
//! owed and comes back when the charge shrinks below it; a refund gives back only what no
//! session took; both are checked, audited, on the statement and the receipt, refused to
//! those who do not run billing, and never changed once written.

use crate::billing::{cash, charge_of, mark};
use crate::common::fixtures::{practice, session_with};
use crate::documents::{billing_practice, log_of, statement};
use crate::on_both_engines;
use gather::attendance::live::Live;
use gather::billing::adjustments::server as adjustments;
use gather::billing::adjustments::{AdjustmentInput, RefundInput};
use gather::billing::receipts::server as receipts;
use gather::billing::server as billing;
use gather::domain::adjustments::AdjustmentReason;
use gather::domain::attendance::Choice;
use gather::domain::billing::PaymentMethod;
use gather::domain::money::Money;
use gather::domain::statements::EntryKind;
use gather::domain::ChargeId;
use gather::error::AppError;
use gather::on_conn;
use gather::server::db::Db;

on_both_engines!(
    adjustments_take_off_what_is_owed_and_come_back_when_the_charge_shrinks,
    refunds_give_back_only_what_no_session_took,
    adjustments_and_refunds_never_change_once_written,
);

fn adjustment(amount: &str, reason: AdjustmentReason, note: &str) -> AdjustmentInput {
    AdjustmentInput {
        amount: amount.into(),
        reason,
        note: note.into(),
    }
}

fn refund(amount: &str, method: PaymentMethod, reference: &str, reason: &str) -> RefundInput {
    RefundInput {
        amount: amount.into(),
        method,
        reference: reference.into(),
        reason: reason.into(),
    }
}

fn field_of<T: std::fmt::Debug>(r: Result<T, AppError>) -> String {
    match r {
        Err(AppError::InvalidInput { field, .. }) => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn adjustments_take_off_what_is_owed_and_come_back_when_the_charge_shrinks(db: Db) {
    let (p, svc) = billing_practice(&db, "a1").await;
    let (who, admin) = (&p.provider, &p.admin);
    let (_, id, people) = session_with(&db, who, "AA", 2, svc).await;
    let (payer, other) = (people[0], people[1]);
    let live = Live::start(&db);
    mark(&db, &live, who, id, payer, Some(Choice::Attended(svc))).await;
    mark(&db, &live, who, id, other, Some(Choice::Attended(svc))).await;
    let fee = charge_of(&db, who, id).await[&payer].0;
    assert!(
        fee > 2_500,
        "the service costs more than the late-cancel fee"
    );

    let account = billing::account(&db, admin, payer).await.expect("account");
    let charge = account.open[0].id;
    assert_eq!(account.open[0].owed, Money(fee));

    // Checked before anything is written: more than is owed, nothing, "Other" without a
    // note, and a reason only billing itself records.
    let too_much = Money(fee + 1).as_input();
    for (input, field) in [
        (
            adjustment(&too_much, AdjustmentReason::Courtesy, ""),
            "amount",
        ),
        (adjustment("0", AdjustmentReason::Courtesy, ""), "amount"),
        (adjustment("abc", AdjustmentReason::Courtesy, ""), "amount"),
        (adjustment("5", AdjustmentReason::Other, "  "), "note"),
        (
            adjustment("5", AdjustmentReason::ChargeChanged, "x"),
            "note",
        ),
    ] {
        assert_eq!(
            field_of(adjustments::adjust_charge(&db, admin, payer, charge, &input).await),
            field,
            "{input:?}"
        );
    }
    // Only those who run billing; only the payer's own charge; only this practice.
    assert!(matches!(
        adjustments::adjust_charge(
            &db,
            who,
            payer,
            charge,
            &adjustment("5", AdjustmentReason::Courtesy, "")
        )
        .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        adjustments::adjust_charge(
            &db,
            admin,
            other,
            charge,
            &adjustment("5", AdjustmentReason::Courtesy, "")
        )
        .await,
        Err(AppError::NotFound)
    ));
    let elsewhere = practice(&db, "a1x").await;
    assert!(matches!(
        adjustments::adjust_charge(
            &db,
            &elsewhere.admin,
            payer,
            charge,
            &adjustment("5", AdjustmentReason::Courtesy, "")
        )
        .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        adjustments::adjust_charge(
            &db,
            admin,
            payer,
            ChargeId(987_654),
            &adjustment("5", AdjustmentReason::Courtesy, "")
        )
        .await,
        Err(AppError::NotFound)
    ));

    // $20 off on a sliding scale: owed drops by it, on the account and at the session.
    let done = adjustments::adjust_charge(
        &db,
        admin,
        payer,
        charge,
        &adjustment("20", AdjustmentReason::SlidingScale, " income under $30k "),
    )
    .await
    .expect("adjusted");
    assert_eq!(done.amount, Money(2_000));
    assert_eq!(done.said, "$20.00 taken off (Sliding scale).");
    assert_eq!(done.account.balance, Money(fee - 2_000));
    assert_eq!(done.account.open[0].adjusted, Money(2_000));
    assert_eq!(done.account.open[0].owed, Money(fee - 2_000));
    let sheet = gather::attendance::server::sheet(&db, who, id)
        .await
        .expect("sheet");
    let row = sheet
        .rows
        .iter()
        .find(|r| r.state.person_id == payer)
        .expect("row");
    assert_eq!((row.adjusted, row.paid), (Money(2_000), Money::ZERO));

    // The rest is paid at the session: exactly what is owed, nothing kept as credit.
    let paid = billing::take_payment(
        &db,
        who,
        id,
        payer,
        None,
        &cash(&Money(fee - 2_000).as_input()),
    )
    .await
    .expect("paid");
    assert_eq!(
        (paid.applied, paid.credit, paid.owed),
        (Money(fee - 2_000), Money::ZERO, Money::ZERO)
    );
    assert!(matches!(
        billing::take_payment(&db, who, id, payer, None, &cash("1")).await,
        Err(AppError::Conflict(_))
    ));

    // A late cancellation instead: $25, of which $20 stays adjusted off and $5 paid; the
    // rest of the payment returns to credit.
    mark(&db, &live, who, id, payer, Some(Choice::LateCancel)).await;
    let account = billing::account(&db, admin, payer).await.expect("account");
    assert_eq!(account.balance, Money::ZERO);
    assert_eq!(account.credit, Money(fee - 2_000 - 500));
    // No charge at all: the adjustment comes back, as a movement of its own, and every
    // cent paid is credit.
    mark(&db, &live, who, id, payer, Some(Choice::AbsentNoFee)).await;
    let account = billing::account(&db, admin, payer).await.expect("account");
    assert_eq!(account.credit, Money(fee - 2_000));
    let log = log_of(&db, &p).await;
    let adjusted: Vec<&str> = log
        .iter()
        .filter(|e| e.object_kind == "adjustment")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(adjusted.len(), 2, "{adjusted:?}");
    assert!(adjusted
        .iter()
        .any(|d| d.contains("sliding_scale, income under $30k")));
    assert!(adjusted
        .iter()
        .any(|d| d.contains("given back: the charge changed")));

    // The statement shows both movements; nothing was invoiced, so the balance is the
    // payment, less the adjustment, plus its return.
    let today = admin.today();
    let s = statement(&db, admin, payer, today, today).await;
    let moved: Vec<Money> = s
        .ledger
        .lines
        .iter()
        .filter(|l| l.entry.kind == EntryKind::Adjustment)
        .map(|l| l.entry.amount)
        .collect();
    assert_eq!(moved, vec![Money(-2_000), Money(2_000)]);
    assert_eq!(s.ledger.adjusted, Money::ZERO);
    assert_eq!(s.ledger.closing, Money(-(fee - 2_000)));
}

async fn refunds_give_back_only_what_no_session_took(db: Db) {
    let (p, svc) = billing_practice(&db, "a2").await;
    let (who, admin) = (&p.provider, &p.admin);
    let (_, id, people) = session_with(&db, who, "AB", 1, svc).await;
    let payer = people[0];
    let live = Live::start(&db);
    mark(&db, &live, who, id, payer, Some(Choice::Attended(svc))).await;
    let fee = charge_of(&db, who, id).await[&payer].0;
    // $30 over the session's fee.
    let taken = billing::take_payment(
        &db,
        who,
        id,
        payer,
        None,
        &cash(&Money(fee + 3_000).as_input()),
    )
    .await
    .expect("paid");
    let account = billing::account(&db, admin, payer).await.expect("account");
    assert_eq!(account.payments[0].refundable(), Money(3_000));

    for (input, field) in [
        (refund("30.01", PaymentMethod::Cash, "", "over"), "amount"),
        (refund("0", PaymentMethod::Cash, "", "over"), "amount"),
        (refund("10", PaymentMethod::Check, " ", "over"), "reference"),
        (refund("10", PaymentMethod::Cash, "", "  "), "reason"),
    ] {
        assert_eq!(
            field_of(adjustments::refund_payment(&db, admin, payer, taken.payment, &input).await),
            field,
            "{input:?}"
        );
    }
    assert!(matches!(
        adjustments::refund_payment(
            &db,
            who,
            payer,
            taken.payment,
            &refund("10", PaymentMethod::Cash, "", "over")
        )
        .await,
        Err(AppError::Forbidden(_))
    ));
    let elsewhere = practice(&db, "a2x").await;
    assert!(matches!(
        adjustments::refund_payment(
            &db,
            &elsewhere.admin,
            payer,
            taken.payment,
            &refund("10", PaymentMethod::Cash, "", "over")
        )
        .await,
        Err(AppError::NotFound)
    ));

    // $10 back by check, then the other $20; then nothing is left to give.
    let done = adjustments::refund_payment(
        &db,
        admin,
        payer,
        taken.payment,
        &refund("10", PaymentMethod::Check, "2201", "Paid twice by mistake"),
    )
    .await
    .expect("refunded");
    assert_eq!(
        done.said,
        format!(
            "$10.00 refunded from receipt {} (Check 2201).",
            taken.receipt_number
        )
    );
    assert_eq!(done.account.credit, Money(2_000));
    assert_eq!(done.account.payments[0].refunded, Money(1_000));
    adjustments::refund_payment(
        &db,
        admin,
        payer,
        taken.payment,
        &refund("20", PaymentMethod::Cash, "", "Rest of the overpayment"),
    )
    .await
    .expect("refunded");
    assert_eq!(
        field_of(
            adjustments::refund_payment(
                &db,
                admin,
                payer,
                taken.payment,
                &refund("0.01", PaymentMethod::Cash, "", "more")
            )
            .await
        ),
        "amount"
    );
    let account = billing::account(&db, admin, payer).await.expect("account");
    assert_eq!(
        (account.credit, account.balance),
        (Money::ZERO, Money::ZERO)
    );

    // The receipt lists both refunds; nothing is left on account.
    let r = receipts::receipt(&db, admin, taken.payment)
        .await
        .expect("receipt");
    assert_eq!(r.refunds.len(), 2);
    assert!(r.refunds[0]
        .0
        .contains("by Check 2201: Paid twice by mistake"));
    assert_eq!(r.refunds[1].1, Money(2_000));
    assert_eq!(r.on_account, Money::ZERO);

    // On the statement: the payment takes the balance down, the refunds bring it back.
    let today = admin.today();
    let s = statement(&db, admin, payer, today, today).await;
    assert_eq!(s.ledger.refunded, Money(3_000));
    assert_eq!(s.ledger.paid, Money(-(fee + 3_000)));
    assert_eq!(
        s.ledger.closing,
        Money(-fee),
        "the session is not invoiced yet"
    );
    let refunds = log_of(&db, &p)
        .await
        .into_iter()
        .filter(|e| e.object_kind == "refund" && e.action == "create")
        .count();
    assert_eq!(refunds, 2);
}

async fn adjustments_and_refunds_never_change_once_written(db: Db) {
    let (p, svc) = billing_practice(&db, "a3").await;
    let (who, admin) = (&p.provider, &p.admin);
    let (_, id, people) = session_with(&db, who, "AC", 1, svc).await;
    let payer = people[0];
    let live = Live::start(&db);
    mark(&db, &live, who, id, payer, Some(Choice::Attended(svc))).await;
    let account = billing::account(&db, admin, payer).await.expect("account");
    adjustments::adjust_charge(
        &db,
        admin,
        payer,
        account.open[0].id,
        &adjustment("5", AdjustmentReason::Courtesy, ""),
    )
    .await
    .expect("adjusted");
    let fee = charge_of(&db, who, id).await[&payer].0;
    let taken = billing::take_payment(&db, who, id, payer, None, &cash(&Money(fee).as_input()))
        .await
        .expect("paid");
    adjustments::refund_payment(
        &db,
        admin,
        payer,
        taken.payment,
        &refund("5", PaymentMethod::Cash, "", "over"),
    )
    .await
    .expect("refunded");
    let mut c = db.acquire().await.expect("conn");
    for sql in [
        "UPDATE adjustments SET amount_cents = 1",
        "DELETE FROM adjustments",
        "UPDATE refunds SET amount_cents = 1",
        "DELETE FROM refunds",
    ] {
        let refused = on_conn!(c.conn(), |c| sqlx::query(sql)
            .execute(&mut *c)
            .await
            .is_err());
        assert!(refused, "{sql} must be refused");
    }
    // Nor can the database hold a write-off that is a give-back, or an "other" without a
    // note.
    let bad = on_conn!(c.conn(), |c| {
        sqlx::query(
        "INSERT INTO adjustments (practice_id, charge_id, reason, note, amount_cents, adjusted_on,
            recorded_by, recorded_at)
         SELECT practice_id, charge_id, 'other', '', 100, adjusted_on, recorded_by, recorded_at
         FROM adjustments LIMIT 1"
    )
    .execute(&mut *c)
    .await
    .is_err()
    });
    assert!(bad);
}
