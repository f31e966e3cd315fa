//! Adjusting a charge and refunding a payment. Owners and administrators only, on a payer of
//! their practice, on that payer's own charge or payment; under the billing lock, so two at
//! once never take more than is owed or refundable. Server only.

use super::repo::{self, NewAdjustment, NewRefund};
use super::{AccountChanged, AdjustmentInput, RefundInput};
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Event, ObjectKind};
use crate::billing::repo::{self as billing_repo, ChargeRow};
use crate::billing::server::{
    apply_credit, bring_payer_up_to_date, may_run_billing, method_said, payer_named, read_account,
};
use crate::domain::adjustments::{
    check_adjustment, check_refund, check_refund_reason, AdjustmentReason,
};
use crate::domain::money::Money;
use crate::domain::{AppointmentId, ChargeId, PaymentId, PersonId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Db, Tx};

/// A charge shrank below what was adjusted off it: `excess` comes back as a "charge
/// changed" movement (the original adjustment stays as it was), inside the caller's
/// transaction. Audited against the payer's account.
pub async fn give_back_adjustment(
    tx: &mut Tx,
    who: &SignedIn,
    charge: &ChargeRow,
    appointment: AppointmentId,
    excess: Money,
) -> AppResult<()> {
    write_adjustment(
        tx,
        who,
        charge.id,
        AdjustmentReason::ChargeChanged,
        "",
        -excess.cents(),
        format!(
            "{excess} adjusted off session {} (person {}, payer {}) given back: the charge changed",
            appointment.0, charge.person_id, charge.payer_id
        ),
    )
    .await
}

/// Writes one adjustment of the caller's today and its audit entry (saying `detail`),
/// inside the caller's transaction.
async fn write_adjustment(
    tx: &mut Tx,
    who: &SignedIn,
    charge_id: i64,
    reason: AdjustmentReason,
    note: &str,
    amount_cents: i64,
    detail: String,
) -> AppResult<()> {
    let id = repo::insert_adjustment(
        tx.conn(),
        &NewAdjustment {
            practice: who.practice_id,
            charge_id,
            reason: reason.as_str(),
            note,
            amount_cents,
            adjusted_on: &who.today().to_string(),
            by: who.account_id,
            at: now_ms(),
        },
    )
    .await?;
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::Adjustment, id).detail(detail),
    )
    .await?;
    Ok(())
}

/// "Adjust" beside an open charge on the payer's account: takes up to what is owed off it,
/// with a reason, in one transaction with its audit entry.
pub async fn adjust_charge(
    db: &Db,
    who: &SignedIn,
    payer: PersonId,
    charge: ChargeId,
    input: &AdjustmentInput,
) -> AppResult<AccountChanged> {
    may_run_billing(who)?;
    let amount =
        Money::parse_positive(&input.amount).map_err(|m| AppError::invalid("amount", m))?;
    let note = input
        .reason
        .check_note(&input.note)
        .map_err(|m| AppError::invalid("note", m))?;
    let mut tx = db.begin().await?;
    let name = payer_named(&mut tx, who, payer).await?;
    bring_payer_up_to_date(&mut tx, who, payer).await?;
    // Credit on the account pays before anything is written off.
    apply_credit(&mut tx, who, payer).await?;
    let (row, appointment) =
        billing_repo::charge_of_payer(tx.conn(), who.practice_id, payer.0, charge.0)
            .await?
            .ok_or_else(|| who.not_found(ObjectKind::PayerAccount, payer.0))?;
    check_adjustment(amount, Money(row.owed_cents()))
        .map_err(|m| AppError::invalid("amount", m))?;
    write_adjustment(
        &mut tx,
        who,
        row.id,
        input.reason,
        &note,
        amount.cents(),
        format!(
            "{amount} off session {appointment} (person {}) for payer {}: {}{}",
            row.person_id,
            payer.0,
            input.reason.as_str(),
            if note.is_empty() {
                String::new()
            } else {
                format!(", {note}")
            }
        ),
    )
    .await?;
    let account = read_account(&mut tx, who, payer, name).await?;
    tx.commit().await?;
    Ok(AccountChanged {
        said: format!("{amount} taken off ({}).", input.reason.label()),
        amount,
        account,
    })
}

/// "Refund" beside a payment on the payer's account: gives back up to what of it no
/// session took and no earlier refund gave back, by the method stated, with a reason. Any
/// credit is first applied to what the payer owes, so a refund never leaves a debt behind
/// money handed back.
pub async fn refund_payment(
    db: &Db,
    who: &SignedIn,
    payer: PersonId,
    payment: PaymentId,
    input: &RefundInput,
) -> AppResult<AccountChanged> {
    may_run_billing(who)?;
    let amount =
        Money::parse_positive(&input.amount).map_err(|m| AppError::invalid("amount", m))?;
    let reference = input
        .method
        .check_reference(&input.reference)
        .map_err(|m| AppError::invalid("reference", m))?;
    let reason = check_refund_reason(&input.reason).map_err(|m| AppError::invalid("reason", m))?;
    let mut tx = db.begin().await?;
    let name = payer_named(&mut tx, who, payer).await?;
    bring_payer_up_to_date(&mut tx, who, payer).await?;
    apply_credit(&mut tx, who, payer).await?;
    let paid = repo::payment_of_payer(tx.conn(), who.practice_id, payer.0, payment.0)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Payment, payment.0))?;
    check_refund(amount, Money(paid.refundable_cents()))
        .map_err(|m| AppError::invalid("amount", m))?;
    let id = repo::insert_refund(
        tx.conn(),
        &NewRefund {
            practice: who.practice_id,
            payment_id: paid.id,
            method: input.method.as_str(),
            reference: &reference,
            amount_cents: amount.cents(),
            reason: &reason,
            refunded_on: &who.today().to_string(),
            by: who.account_id,
            at: now_ms(),
        },
    )
    .await?;
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::Refund, id).detail(format!(
            "{amount} refunded from receipt {} to payer {} by {}: {reason}",
            paid.receipt_number,
            payer.0,
            input.method.as_str()
        )),
    )
    .await?;
    let account = read_account(&mut tx, who, payer, name).await?;
    tx.commit().await?;
    Ok(AccountChanged {
        said: format!(
            "{amount} refunded from receipt {} ({}).",
            paid.receipt_number,
            method_said(input.method.as_str(), &reference)
        ),
        amount,
        account,
    })
}
