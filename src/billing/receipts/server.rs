//! Reading a receipt. Server only.

use super::repo;
use super::{Receipt, ReceiptLine};
use crate::access::SignedIn;
use crate::audit::server::read;
use crate::audit::{Event, ObjectKind};
use crate::billing::adjustments::repo::refunds_of;
use crate::billing::invoices::repo::practice_for_documents;
use crate::billing::server::{long_day, method_said};
use crate::domain::money::Money;
use crate::domain::people::display_name;
use crate::domain::{PaymentId, PersonId};
use crate::error::AppResult;
use crate::server::db::Db;

/// A payment's receipt: for owners and administrators, or the staff member who took the
/// payment (who knew it already), with the charges of cases they may not see as one sum.
/// An audited read: it names participants and their sessions.
pub async fn receipt(db: &Db, who: &SignedIn, id: PaymentId) -> AppResult<Receipt> {
    let runs_billing = who.role.manages_practice();
    let me = who.account_id.0;
    read_receipt(
        db,
        who,
        id,
        |p| runs_billing || p.recorded_by == me,
        runs_billing,
    )
    .await
}

/// A payment's receipt for a caller `may_read` allows (judged from the payment), showing
/// every charge it paid when `show_all`, else those of cases the caller may see and the
/// rest as one sum. An audited read.
pub(in crate::billing) async fn read_receipt(
    db: &Db,
    who: &SignedIn,
    id: PaymentId,
    may_read: impl FnOnce(&repo::PaymentRow) -> bool,
    show_all: bool,
) -> AppResult<Receipt> {
    let scope = who.scope();
    let runs_billing = who.role.manages_practice();
    let mut tx = db.begin_read().await?;
    let row = repo::payment(tx.conn(), &scope, id)
        .await?
        .filter(may_read)
        .ok_or_else(|| who.not_found(ObjectKind::Payment, id.0))?;
    let paid = repo::paid_by(tx.conn(), &scope, id).await?;
    let (issuer, _) = practice_for_documents(tx.conn(), who.practice_id).await?;
    let refunds = refunds_of(tx.conn(), who.practice_id, id.0).await?;
    tx.commit().await?;
    let refunded: Money = refunds.iter().map(|r| Money(r.3)).sum();
    let applied: Money = paid.iter().map(|p| Money(p.amount_cents)).sum();
    let (shown, hidden): (Vec<_>, Vec<_>) =
        paid.into_iter().partition(|p| show_all || p.visible == 1);
    read(db, who, Event::read(ObjectKind::Payment, id.0)).await?;
    Ok(Receipt {
        id,
        title: format!("Receipt {}", row.receipt_number),
        issuer,
        payer_id: PersonId(row.payer_id),
        payer_name: display_name(&row.payer_legal_name, row.payer_preferred_name.as_deref()),
        received_on: long_day(row.received_on),
        method: method_said(&row.method, &row.reference),
        amount: Money(row.amount_cents),
        lines: shown
            .into_iter()
            .map(|p| ReceiptLine {
                day: long_day(p.service_day),
                participant: display_name(&p.person_legal_name, p.person_preferred_name.as_deref()),
                description: p.description,
                amount: Money(p.amount_cents),
            })
            .collect(),
        elsewhere: hidden.iter().map(|p| Money(p.amount_cents)).sum(),
        refunds: refunds
            .into_iter()
            .map(|(day, method, reference, cents, reason)| {
                (
                    format!(
                        "Refunded on {} by {}: {reason}",
                        long_day(day),
                        method_said(&method, &reference)
                    ),
                    Money(cents),
                )
            })
            .collect(),
        on_account: (Money(row.amount_cents) - applied - refunded).max(Money::ZERO),
        recorded_by: row.recorded_by_name,
        runs_billing,
    })
}
