//! Making a statement. Server only.

use super::repo;
use super::Statement;
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Event, ObjectKind};
use crate::billing::invoices::repo::{practice_for_documents, unbilled_of};
use crate::billing::server::{
    bring_payer_up_to_date, long_day, may_run_billing, method_said, payer_named,
};
use crate::domain::adjustments::AdjustmentReason;
use crate::domain::invoicing::DocumentKind;
use crate::domain::money::Money;
use crate::domain::statements::{check_period, default_period, ledger, Entry, EntryKind};
use crate::domain::PersonId;
use crate::error::{AppError, AppResult};
use crate::server::db::Db;
use crate::server::time::{local, start_of_day};
use chrono::{Days, NaiveDate};

fn kind_of(stored: &str) -> AppResult<DocumentKind> {
    DocumentKind::parse(stored).ok_or_else(|| AppError::internal("a document is not a known kind"))
}

/// A payer's statement for a period. Owners and administrators only; the payer's charges
/// are brought up to date first (a change after invoicing may owe a credit note), then the
/// period is read in one transaction. Audited as a read of the payer's account.
pub async fn statement(
    db: &Db,
    who: &SignedIn,
    payer: PersonId,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<Statement> {
    may_run_billing(who)?;
    let today = who.today();
    let (from, to) = match (from, to) {
        (None, None) => default_period(today),
        (from, to) => check_period(from.unwrap_or(""), to.unwrap_or(""), today)
            .map_err(|(field, m)| AppError::invalid(field, m))?,
    };
    let tz = who.time_zone;
    let (from_day, to_day) = (from.to_string(), to.to_string());
    let from_ms = start_of_day(tz, from);
    let until_ms = to
        .checked_add_days(Days::new(1))
        .map_or(i64::MAX, |d| start_of_day(tz, d));
    let mut tx = db.begin().await?;
    let payer_name = payer_named(&mut tx, who, payer).await?;
    bring_payer_up_to_date(&mut tx, who, payer).await?;
    let opening =
        repo::balance_before(tx.conn(), who.practice_id, payer, &from_day, from_ms).await?;
    let mut entries = Vec::new();
    for d in repo::issued(tx.conn(), who.practice_id, payer, &from_day, &to_day).await? {
        let kind = kind_of(&d.kind)?;
        let title = kind.title(d.number);
        entries.push(Entry {
            day: NaiveDate::parse_from_str(&d.issued_on, "%Y-%m-%d").map_err(AppError::internal)?,
            kind: match kind {
                DocumentKind::Invoice => EntryKind::Invoice,
                DocumentKind::CreditNote => EntryKind::CreditNote,
            },
            number: d.number,
            label: match d.credits_number {
                Some(n) => format!("{title} (against {})", DocumentKind::Invoice.title(n)),
                None => title,
            },
            amount: Money(d.total_cents),
        });
    }
    for v in repo::voided(tx.conn(), who.practice_id, payer, from_ms, until_ms).await? {
        let kind = kind_of(&v.kind)?;
        entries.push(Entry {
            day: local(tz, v.voided_at).date_naive(),
            kind: EntryKind::Void,
            number: v.number,
            label: format!(
                "{} voided: {}",
                kind.title(v.number),
                v.void_reason.unwrap_or_default()
            ),
            amount: Money(-v.total_cents),
        });
    }
    for p in repo::received(tx.conn(), who.practice_id, payer, &from_day, &to_day).await? {
        entries.push(Entry {
            day: NaiveDate::parse_from_str(&p.received_on, "%Y-%m-%d")
                .map_err(AppError::internal)?,
            kind: EntryKind::Payment,
            number: p.receipt_number,
            label: format!(
                "Payment, receipt {} ({})",
                p.receipt_number,
                method_said(&p.method, &p.reference)
            ),
            amount: Money(-p.amount_cents),
        });
    }
    for a in repo::adjusted(tx.conn(), who.practice_id, payer, &from_day, &to_day).await? {
        let reason = AdjustmentReason::parse(&a.reason)
            .ok_or_else(|| AppError::internal("an adjustment's reason is not known"))?;
        let mut label = format!(
            "{}: {} ({})",
            reason.label(),
            a.description,
            long_day(a.service_day)
        );
        if !a.note.is_empty() {
            label.push_str(&format!(", {}", a.note));
        }
        entries.push(Entry {
            day: NaiveDate::parse_from_str(&a.adjusted_on, "%Y-%m-%d")
                .map_err(AppError::internal)?,
            kind: EntryKind::Adjustment,
            number: a.id,
            label,
            amount: Money(-a.amount_cents),
        });
    }
    for r in repo::refunded(tx.conn(), who.practice_id, payer, &from_day, &to_day).await? {
        entries.push(Entry {
            day: NaiveDate::parse_from_str(&r.refunded_on, "%Y-%m-%d")
                .map_err(AppError::internal)?,
            kind: EntryKind::Refund,
            number: r.id,
            label: format!(
                "Refund from receipt {} ({}): {}",
                r.receipt_number,
                method_said(&r.method, &r.reference),
                r.reason
            ),
            amount: Money(r.amount_cents),
        });
    }
    let unbilled = Money(unbilled_of(tx.conn(), who.practice_id, payer).await?);
    let (issuer, _) = practice_for_documents(tx.conn(), who.practice_id).await?;
    record(
        tx.conn(),
        who,
        Event::read(ObjectKind::PayerAccount, payer.0)
            .detail(format!("statement {from_day} to {to_day}")),
    )
    .await?;
    tx.commit().await?;
    Ok(Statement {
        payer_id: payer,
        payer_name,
        issuer,
        from: from_day,
        to: to_day,
        ledger: ledger(Money(opening), entries),
        unbilled,
        made_on: long_day(today.to_string()),
    })
}
