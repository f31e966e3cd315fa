//! Charges brought up to date from attendance, and payments taken at a session. Every staff
//! member who may open a session may take a payment for it (clinicians take them in the
//! room); each payment is audited with its receipt number. Server only.

use super::repo::{self, AttendanceToBill, ChargeRow, NewCharge, NewPayment};
use super::shares::server::AllShares;
use super::{
    AccountCharge, AccountPaid, AccountPayment, ChosenPart, PayerAccount, PaymentInput,
    PaymentTaken,
};
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Event, ObjectKind};
use crate::calendar::server::{roster_of, visible_appointment};
use crate::domain::adjustments::adjustment_excess;
use crate::domain::attendance::Choice;
use crate::domain::billing::{
    allocate, check_allocation, responsible, Allocation, Open, Payer, PaymentMethod,
};
use crate::domain::money::Money;
use crate::domain::people::display_name;
use crate::domain::shares::{payer_parts, shares_applying, PayerPart};
use crate::domain::when;
use crate::domain::{AppointmentId, CaseId, ChargeId, PaymentId, PersonId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Db, Tx};
use std::collections::HashMap;

/// The numbering series of receipts.
const RECEIPTS: &str = "receipt";

/// What a charge's line says, from the attendance choice it came from.
fn description(row: &AttendanceToBill) -> String {
    charged_for(
        row.choice.as_deref(),
        row.service_code.as_deref(),
        row.service_name.as_deref(),
    )
    .unwrap_or_else(|| "Session".into())
}

/// What a participant's charge is for, as its line says: the fee of a missed session, else
/// the service attended ("90853 Group psychotherapy"); `None` when there is neither.
pub(in crate::billing) fn charged_for(
    choice: Option<&str>,
    service_code: Option<&str>,
    service_name: Option<&str>,
) -> Option<String> {
    match choice {
        Some(c) if c == Choice::NoShow.code() => Some("No-show fee".into()),
        Some(c) if c == Choice::LateCancel.code() => Some("Late cancellation fee".into()),
        _ => service_code
            .zip(service_name)
            .map(|(code, name)| format!("{code} {name}")),
    }
}

/// Who pays what of a row's charge: a participant's own payer pays what their own shares
/// leave (all of it without shares); otherwise the case's shares take their parts and the
/// case's payer the rest.
fn parts_of(row: &AttendanceToBill, shares: &AllShares) -> AppResult<Vec<PayerPart>> {
    let case = Payer::from_parts(&row.case_payer_kind, row.case_payer_contact_id)
        .ok_or_else(|| AppError::internal("a case's payer is not a known kind"))?;
    let own = match &row.own_payer_kind {
        Some(kind) => Some(
            Payer::from_parts(kind, row.own_payer_contact_id)
                .ok_or_else(|| AppError::internal("a membership's payer is not a known kind"))?,
        ),
        None => None,
    };
    let payer = responsible(own, case);
    Ok(payer_parts(
        Money(row.charge_cents),
        row.person_id,
        payer,
        shares_applying(
            own.is_some(),
            &shares.case.shares,
            shares.own_of(row.membership_id),
        ),
    ))
}

/// A charge's line: what it is for, and which share of it this payer pays when it is shared
/// ("90853 Group psychotherapy — 80% share of $100.00").
fn line_of(base: &str, part: &PayerPart) -> String {
    if part.note.is_empty() {
        base.to_string()
    } else {
        format!("{base} — {}", part.note)
    }
}

/// One payer's part of a row's charge as it should now stand.
fn new_charge<'a>(
    who: &SignedIn,
    appointment: AppointmentId,
    row: &'a AttendanceToBill,
    part: &PayerPart,
    line: &'a str,
    at: i64,
) -> NewCharge<'a> {
    NewCharge {
        practice: who.practice_id,
        appointment,
        person: PersonId(row.person_id),
        case_id: row.case_id,
        payer_kind: part.payer.kind_str(),
        payer_id: part.account,
        service_day: &row.local_day,
        description: line,
        amount_cents: part.amount.cents(),
        attendance_version: row.version,
        at,
    }
}

/// Keeps what was adjusted off and paid on a charge within `keep`, its new amount:
/// adjustments beyond it come back first (as a "charge changed" movement, the original left
/// as it was), then payments beyond what remains return to the payer's credit, newest
/// payment first, rather than vanishing with the charge. Money movements, so each is
/// audited (against the payer's account) when it moves anything.
async fn release(
    tx: &mut Tx,
    who: &SignedIn,
    charge: &ChargeRow,
    appointment: AppointmentId,
    keep: i64,
) -> AppResult<()> {
    let keep = keep.max(0);
    let excess = adjustment_excess(Money(keep), Money(charge.adjusted_cents));
    if excess.is_positive() {
        super::adjustments::server::give_back_adjustment(tx, who, charge, appointment, excess)
            .await?;
    }
    let adjusted = charge.adjusted_cents - excess.cents();
    let allocations = repo::allocations_of(tx.conn(), charge.id).await?;
    let mut excess =
        allocations.iter().map(|a| a.amount_cents).sum::<i64>() - (keep - adjusted).max(0);
    let mut returned = 0;
    for a in allocations {
        if excess <= 0 {
            break;
        }
        let back = a.amount_cents.min(excess);
        repo::set_allocation(tx.conn(), a.payment_id, charge.id, a.amount_cents - back).await?;
        excess -= back;
        returned += back;
    }
    if returned > 0 {
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::PayerAccount, charge.payer_id).detail(format!(
                "{} paid for session {} (person {}) returned to credit: the charge changed",
                Money(returned),
                appointment.0,
                charge.person_id
            )),
        )
        .await?;
    }
    Ok(())
}

/// Brings a session's charges (or one participant's) up to date with its attendance,
/// inside the caller's transaction: each participant's charge goes to the payer responsible
/// on the session's day; a charge that shrank or moved to another payer gives back what was
/// paid on it beyond its new amount. Rows already up to date cost one read.
pub async fn bring_up_to_date(
    tx: &mut Tx,
    who: &SignedIn,
    appointment: AppointmentId,
    person: Option<PersonId>,
) -> AppResult<()> {
    repo::lock_billing(tx.conn(), who.practice_id).await?;
    reconcile(tx, who, appointment, person).await
}

/// `bring_up_to_date` for a caller already holding the billing lock.
pub(super) async fn reconcile(
    tx: &mut Tx,
    who: &SignedIn,
    appointment: AppointmentId,
    person: Option<PersonId>,
) -> AppResult<()> {
    let rows = repo::attendance_to_bill(tx.conn(), who.practice_id, appointment, person).await?;
    if rows.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    let mut existing: HashMap<i64, Vec<ChargeRow>> = HashMap::new();
    for c in repo::charges_of(tx.conn(), who.practice_id, appointment, person).await? {
        existing.entry(c.person_id).or_default().push(c);
    }
    // One session, so one case: its shares (and its participants') are read once.
    let shares = super::shares::server::all_of_case(tx.conn(), CaseId(rows[0].case_id)).await?;
    // New charges and the "billed" marks are written together after the loop, a few
    // multi-row statements per session however many take part (a workshop of 200).
    let mut to_insert: Vec<(usize, PayerPart, String)> = Vec::new();
    let mut billed: Vec<(i64, i64)> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let base = description(row);
        let mut parts = parts_of(row, &shares)?;
        for c in existing.remove(&row.person_id).unwrap_or_default() {
            let wanted = parts
                .iter()
                .position(|p| p.account == c.payer_id && p.amount.is_positive());
            if let Some(i) = wanted {
                let part = parts.remove(i);
                let line = line_of(&base, &part);
                let n = new_charge(who, appointment, row, &part, &line, now);
                release(tx, who, &c, appointment, part.amount.cents()).await?;
                repo::update_charge(tx.conn(), c.id, &n).await?;
            } else {
                release(tx, who, &c, appointment, 0).await?;
                repo::retire_charge(tx.conn(), c.id, now).await?;
            }
        }
        for part in parts.into_iter().filter(|p| p.amount.is_positive()) {
            let line = line_of(&base, &part);
            to_insert.push((i, part, line));
        }
        billed.push((row.person_id, row.version));
    }
    let new: Vec<NewCharge<'_>> = to_insert
        .iter()
        .map(|(i, part, line)| new_charge(who, appointment, &rows[*i], part, line, now))
        .collect();
    repo::insert_charges(tx.conn(), &new).await?;
    repo::mark_billed(tx.conn(), appointment, &billed).await?;
    // What was invoiced beyond what the charges come to now is credited, never edited.
    super::invoices::server::credit_over_invoiced(tx, who, appointment, person).await
}

/// A payment form's input, checked: an amount more than nothing, and the reference its
/// method needs.
fn checked_payment(input: &PaymentInput) -> AppResult<(Money, String)> {
    let amount =
        Money::parse_positive(&input.amount).map_err(|m| AppError::invalid("amount", m))?;
    let reference = input
        .method
        .check_reference(&input.reference)
        .map_err(|m| AppError::invalid("reference", m))?;
    Ok((amount, reference))
}

/// Writes a payment received today from `payer_id` with the practice's next receipt number,
/// inside the caller's transaction. Returns (payment id, receipt number).
async fn record_payment(
    tx: &mut Tx,
    who: &SignedIn,
    payer_id: i64,
    method: PaymentMethod,
    amount: Money,
    reference: &str,
) -> AppResult<(i64, i64)> {
    let receipt_number = repo::next_number(tx.conn(), who.practice_id, RECEIPTS).await?;
    let payment = repo::insert_payment(
        tx.conn(),
        &NewPayment {
            practice: who.practice_id,
            payer_id,
            receipt_number,
            method: method.as_str(),
            reference,
            amount_cents: amount.cents(),
            received_on: &who.today().to_string(),
            by: who.account_id,
            at: now_ms(),
        },
    )
    .await?;
    Ok((payment, receipt_number))
}

/// "Take payment" beside a participant's charge on the session screen: records a payment
/// from the charge's payer, applies it to that charge, and keeps any overpayment as the
/// payer's credit. A charge shared between payers is paid one part at a time: `part` names
/// whose part (needed only when more than one is owed). One transaction: the receipt number, the payment, its allocation and its
/// audit entry are all written or none is.
pub async fn take_payment(
    db: &Db,
    who: &SignedIn,
    appointment: AppointmentId,
    person: PersonId,
    part: Option<ChargeId>,
    input: &PaymentInput,
) -> AppResult<PaymentTaken> {
    let (amount, reference) = checked_payment(input)?;
    let mut tx = db.begin().await?;
    let (row, _case) = visible_appointment(&mut tx, who, appointment).await?;
    let roster = roster_of(tx.conn(), &row).await?;
    let Some(member) = roster.iter().find(|r| r.person_id == person) else {
        return Err(AppError::invalid(
            "person",
            "That person is not on this session's roster.",
        ));
    };
    bring_up_to_date(&mut tx, who, appointment, Some(person)).await?;
    let charges = repo::charges_of(tx.conn(), who.practice_id, appointment, Some(person)).await?;
    let owing: Vec<&ChargeRow> = charges.iter().filter(|c| c.owed_cents() > 0).collect();
    let chosen = match part {
        Some(id) => match charges.iter().find(|c| c.id == id.0) {
            Some(c) if c.owed_cents() > 0 => Some(c),
            Some(c) => {
                return Err(AppError::Conflict(format!(
                    "{}'s part of this charge is already paid in full.",
                    display_name(&c.payer_legal_name, c.payer_preferred_name.as_deref())
                )))
            }
            None => {
                return Err(AppError::invalid(
                    "part",
                    "That part of the charge is no longer there; reload the page.",
                ))
            }
        },
        None if owing.len() > 1 => {
            return Err(AppError::invalid(
                "part",
                "This charge is shared between payers; choose whose part is being paid.",
            ))
        }
        None => owing.first().copied(),
    };
    let Some(charge) = chosen else {
        return Err(AppError::Conflict(if charges.is_empty() {
            format!(
                "There is no charge for {} at this session.",
                member.display_name
            )
        } else {
            format!(
                "{}'s charge for this session is already paid in full.",
                member.display_name
            )
        }));
    };
    let owed = Money(charge.owed_cents());
    let applied = owed.min(amount);
    let (payment, receipt_number) = record_payment(
        &mut tx,
        who,
        charge.payer_id,
        input.method,
        amount,
        &reference,
    )
    .await?;
    repo::set_allocation(tx.conn(), payment, charge.id, applied.cents()).await?;
    // Only what this payment left over: the payer's whole credit may come from cases the
    // caller cannot see.
    let credit = amount - applied;
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::Payment, payment).detail(format!(
            "receipt {receipt_number}: {amount} by {} from payer {} for session {} (person {}), {applied} applied",
            input.method.as_str(),
            charge.payer_id,
            appointment.0,
            person.0
        )),
    )
    .await?;
    tx.commit().await?;
    // The participant's whole charge, every payer's part of it.
    let paid = charges
        .iter()
        .map(|c| Money(c.allocated_cents))
        .sum::<Money>()
        + applied;
    let owed_now = charges.iter().map(|c| Money(c.owed_cents())).sum::<Money>() - applied;
    Ok(PaymentTaken {
        payment: PaymentId(payment),
        receipt_number,
        payer_name: display_name(
            &charge.payer_legal_name,
            charge.payer_preferred_name.as_deref(),
        ),
        amount,
        applied,
        credit,
        paid,
        owed: owed_now,
    })
}

/// After who pays for a case (or for one participant in it) changed: its charges not yet
/// invoiced go to the new payer when next brought up to date, and what was paid on them
/// returns to the old payer's credit.
pub async fn payer_changed(tx: &mut Tx, case: CaseId, person: Option<PersonId>) -> AppResult<()> {
    Ok(repo::rebill(tx.conn(), case, person).await?)
}

/// What is paid on and adjusted off each participant's charges for a session, for the
/// session screen; read inside the screen's own read.
pub async fn paid_at_session(
    tx: &mut Tx,
    who: &SignedIn,
    appointment: AppointmentId,
) -> AppResult<HashMap<PersonId, (Money, Money)>> {
    Ok(
        repo::paid_at_session(tx.conn(), who.practice_id, appointment)
            .await?
            .into_iter()
            .map(|(p, paid, adjusted)| (PersonId(p), (Money(paid), Money(adjusted))))
            .collect(),
    )
}

/// How many of a payer's payments the account page lists.
const ACCOUNT_PAYMENTS: i64 = 50;
/// How many of a payer's invoices and credit notes the account page lists.
const ACCOUNT_DOCUMENTS: i64 = 50;

/// Payers' accounts span cases: only those who run billing see them whole.
pub(super) fn may_run_billing(who: &SignedIn) -> AppResult<()> {
    who.permit(
        who.role.manages_practice(),
        "Only the practice's owners and administrators see payers' accounts.",
    )
}

/// Checks the payer is a person or organization of the caller's practice (before any work).
pub(super) async fn payer_named(tx: &mut Tx, who: &SignedIn, payer: PersonId) -> AppResult<String> {
    let p = crate::people::repo::get(tx.conn(), &who.scope(), payer)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::PayerAccount, payer.0))?;
    Ok(display_name(&p.legal_name, p.preferred_name.as_deref()))
}

/// Brings up to date the sessions whose charges may be this payer's, under the billing
/// lock: only those, so a page view does no work for the rest of the practice.
pub(super) async fn bring_payer_up_to_date(
    tx: &mut Tx,
    who: &SignedIn,
    payer: PersonId,
) -> AppResult<()> {
    repo::lock_billing(tx.conn(), who.practice_id).await?;
    for id in repo::sessions_to_bill_for(tx.conn(), who.practice_id, payer.0).await? {
        reconcile(tx, who, AppointmentId(id), None).await?;
    }
    Ok(())
}

/// What is owed on each of the payer's open charges, oldest first.
async fn owed_on(tx: &mut Tx, who: &SignedIn, payer: PersonId) -> AppResult<Vec<Open>> {
    Ok(repo::open_charges(tx.conn(), who.practice_id, payer.0)
        .await?
        .iter()
        .map(|c| Open {
            charge: c.id,
            owed: Money(c.owed_cents()),
        })
        .collect())
}

/// Applies what the payer has on account (payments not yet taken by a charge, oldest first)
/// to their open charges, oldest first: credit and an open charge never stand side by side.
/// Audited when it moves anything. Returns how much it applied.
pub(super) async fn apply_credit(tx: &mut Tx, who: &SignedIn, payer: PersonId) -> AppResult<Money> {
    let credits = repo::payments_with_credit(tx.conn(), who.practice_id, payer.0).await?;
    if credits.is_empty() {
        return Ok(Money::ZERO);
    }
    let mut open = owed_on(tx, who, payer).await?;
    let mut applied = Money::ZERO;
    for (payment, left) in credits {
        let (parts, _) = allocate(Money(left), &open);
        for part in parts {
            repo::add_allocation(tx.conn(), payment, part.charge, part.amount.cents()).await?;
            if let Some(o) = open.iter_mut().find(|o| o.charge == part.charge) {
                o.owed -= part.amount;
            }
            applied += part.amount;
        }
    }
    if applied.is_positive() {
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::PayerAccount, payer.0)
                .detail(format!("{applied} of credit applied to open charges")),
        )
        .await?;
    }
    Ok(applied)
}

/// How a payment was made, as people read it: "Check 1042", "Cash".
pub(in crate::billing) fn method_said(method: &str, reference: &str) -> String {
    let label = PaymentMethod::parse(method).map_or("Payment", |m| m.label());
    if reference.is_empty() {
        label.to_string()
    } else {
        format!("{label} {reference}")
    }
}

/// A stored day as people read it ("Tuesday 24 November 2026").
pub(in crate::billing) fn long_day(stored: String) -> String {
    chrono::NaiveDate::parse_from_str(&stored, "%Y-%m-%d")
        .map(when::long_date)
        .unwrap_or(stored)
}

/// The payer's account as it stands, read inside `tx` after charges are brought up to date.
pub(in crate::billing) async fn read_account(
    tx: &mut Tx,
    who: &SignedIn,
    payer: PersonId,
    name: String,
) -> AppResult<PayerAccount> {
    let charges = repo::open_charges(tx.conn(), who.practice_id, payer.0).await?;
    let payments =
        repo::account_payments(tx.conn(), who.practice_id, payer.0, ACCOUNT_PAYMENTS).await?;
    let credit = Money(repo::credit_of(tx.conn(), who.practice_id, payer.0).await?);
    let (documents, unbilled) =
        super::invoices::server::of_payer(tx, who, payer, ACCOUNT_DOCUMENTS).await?;
    let balance: Money = charges.iter().map(|c| Money(c.owed_cents())).sum();
    let open = charges
        .into_iter()
        .map(|c| AccountCharge {
            id: ChargeId(c.id),
            owed: Money(c.owed_cents()),
            adjusted: Money(c.adjusted_cents),
            day: long_day(c.service_day),
            participant: display_name(&c.person_legal_name, c.person_preferred_name.as_deref()),
            description: c.description,
            amount: Money(c.amount_cents),
            paid: Money(c.allocated_cents),
            unbilled: c.amount_cents > c.invoiced_cents,
        })
        .collect();
    let payments = payments
        .into_iter()
        .map(|py| AccountPayment {
            id: PaymentId(py.id),
            receipt_number: py.receipt_number,
            received_on: long_day(py.received_on),
            method: method_said(&py.method, &py.reference),
            amount: Money(py.amount_cents),
            applied: Money(py.applied_cents),
            refunded: Money(py.refunded_cents),
        })
        .collect();
    Ok(PayerAccount {
        payer_id: payer,
        name,
        balance,
        credit,
        unbilled,
        open,
        payments,
        documents,
        today: who.today().to_string(),
    })
}

/// A payer's account: open charges oldest first, recent payments and credit. Owners and
/// admins only; audited as a read (it names participants and their sessions).
pub async fn account(db: &Db, who: &SignedIn, payer: PersonId) -> AppResult<PayerAccount> {
    may_run_billing(who)?;
    let mut tx = db.begin().await?;
    let name = payer_named(&mut tx, who, payer).await?;
    bring_payer_up_to_date(&mut tx, who, payer).await?;
    apply_credit(&mut tx, who, payer).await?;
    let account = read_account(&mut tx, who, payer, name).await?;
    record(
        tx.conn(),
        who,
        Event::read(ObjectKind::PayerAccount, payer.0),
    )
    .await?;
    tx.commit().await?;
    Ok(account)
}

/// "Take payment" on a payer's account: credit already on the account is applied first,
/// then the payment, to the charges chosen by hand when `chosen` names any (each no more
/// than is owed on it, all within the payment), else to the oldest open charges first; what
/// is left over is credit. A payment when nothing is owed is all credit (a deposit). One
/// transaction with its receipt number and audit entry.
pub async fn take_account_payment(
    db: &Db,
    who: &SignedIn,
    payer: PersonId,
    input: &PaymentInput,
    chosen: &[ChosenPart],
) -> AppResult<AccountPaid> {
    may_run_billing(who)?;
    let (amount, reference) = checked_payment(input)?;
    let mut parts_chosen = Vec::with_capacity(chosen.len());
    for part in chosen {
        parts_chosen.push(Allocation {
            charge: part.charge.0,
            amount: Money::parse_positive(&part.amount)
                .map_err(|m| AppError::invalid("chosen", m))?,
        });
    }
    let mut tx = db.begin().await?;
    let name = payer_named(&mut tx, who, payer).await?;
    bring_payer_up_to_date(&mut tx, who, payer).await?;
    let from_credit = apply_credit(&mut tx, who, payer).await?;
    let open = owed_on(&mut tx, who, payer).await?;
    let by_hand = !parts_chosen.is_empty();
    let (parts, credit) = if by_hand {
        let left = check_allocation(amount, &open, &parts_chosen)
            .map_err(|m| AppError::invalid("chosen", m))?;
        (parts_chosen, left)
    } else {
        allocate(amount, &open)
    };
    let (payment, receipt_number) =
        record_payment(&mut tx, who, payer.0, input.method, amount, &reference).await?;
    for part in &parts {
        repo::set_allocation(tx.conn(), payment, part.charge, part.amount.cents()).await?;
    }
    let applied: Money = parts.iter().map(|p| p.amount).sum();
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::Payment, payment).detail(format!(
            "receipt {receipt_number}: {amount} by {} from payer {} on account, {applied} applied to {} charge(s){}, {credit} credit",
            input.method.as_str(),
            payer.0,
            parts.len(),
            if by_hand { " chosen by hand" } else { "" }
        )),
    )
    .await?;
    let account = read_account(&mut tx, who, payer, name).await?;
    tx.commit().await?;
    Ok(AccountPaid {
        payment: PaymentId(payment),
        receipt_number,
        applied,
        charges: parts.len(),
        credit,
        from_credit,
        account,
    })
}
