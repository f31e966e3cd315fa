//! What moved a payer's balance, read by period for a statement. Days are the practice's
//! local days (`YYYY-MM-DD`); voids are read by instant (UTC milliseconds). Server only.

use crate::domain::{PersonId, PracticeId};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IssuedRow {
    pub kind: String,
    pub number: i64,
    pub total_cents: i64,
    pub issued_on: String,
    pub credits_number: Option<i64>,
}

/// The payer's invoices and credit notes issued from `from` to `to` (days, inclusive),
/// voided or not: a void is an entry of its own, on its own day.
pub async fn issued(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer: PersonId,
    from: &str,
    to: &str,
) -> Result<Vec<IssuedRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT i.kind, i.number, i.total_cents, i.issued_on, o.number AS credits_number
             FROM invoices i LEFT JOIN invoices o ON o.id = i.credits_invoice_id
             WHERE i.practice_id = $1 AND i.payer_id = $2 AND i.issued_on >= $3 AND i.issued_on <= $4",
        )
        .bind(practice.0)
        .bind(payer.0)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *c)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VoidRow {
    pub kind: String,
    pub number: i64,
    pub total_cents: i64,
    pub voided_at: i64,
    pub void_reason: Option<String>,
}

/// The payer's documents voided in `[from_ms, until_ms)`.
pub async fn voided(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer: PersonId,
    from_ms: i64,
    until_ms: i64,
) -> Result<Vec<VoidRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT kind, number, total_cents, voided_at, void_reason FROM invoices
             WHERE practice_id = $1 AND payer_id = $2 AND voided_at IS NOT NULL
               AND voided_at >= $3 AND voided_at < $4",
        )
        .bind(practice.0)
        .bind(payer.0)
        .bind(from_ms)
        .bind(until_ms)
        .fetch_all(&mut *c)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReceivedRow {
    pub receipt_number: i64,
    pub method: String,
    pub reference: String,
    pub amount_cents: i64,
    pub received_on: String,
}

/// The payer's payments received from `from` to `to` (days, inclusive).
pub async fn received(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer: PersonId,
    from: &str,
    to: &str,
) -> Result<Vec<ReceivedRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT receipt_number, method, reference, amount_cents, received_on FROM payments
             WHERE practice_id = $1 AND payer_id = $2 AND received_on >= $3 AND received_on <= $4",
        )
        .bind(practice.0)
        .bind(payer.0)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *c)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RefundRow {
    pub id: i64,
    pub receipt_number: i64,
    pub method: String,
    pub reference: String,
    pub amount_cents: i64,
    pub refunded_on: String,
    pub reason: String,
}

/// The payer's refunds given from `from` to `to` (days, inclusive), with the receipt of the
/// payment each came out of.
pub async fn refunded(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer: PersonId,
    from: &str,
    to: &str,
) -> Result<Vec<RefundRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT rf.id, py.receipt_number, rf.method, rf.reference, rf.amount_cents,
                rf.refunded_on, rf.reason
             FROM refunds rf JOIN payments py ON py.id = rf.payment_id
             WHERE rf.practice_id = $1 AND py.payer_id = $2
               AND rf.refunded_on >= $3 AND rf.refunded_on <= $4",
        )
        .bind(practice.0)
        .bind(payer.0)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *c)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AdjustmentRow {
    pub id: i64,
    pub reason: String,
    pub note: String,
    pub amount_cents: i64,
    pub adjusted_on: String,
    pub service_day: String,
    pub description: String,
}

/// The adjustments made from `from` to `to` (days, inclusive) to charges the payer holds.
pub async fn adjusted(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer: PersonId,
    from: &str,
    to: &str,
) -> Result<Vec<AdjustmentRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT ad.id, ad.reason, ad.note, ad.amount_cents, ad.adjusted_on, ch.service_day,
                ch.description
             FROM adjustments ad JOIN charges ch ON ch.id = ad.charge_id
             WHERE ad.practice_id = $1 AND ch.payer_id = $2
               AND ad.adjusted_on >= $3 AND ad.adjusted_on <= $4",
        )
        .bind(practice.0)
        .bind(payer.0)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// The balance before the period: everything invoiced before `from` (voided or not), less
/// what voids before `from_ms` took back, less what was adjusted off and received before
/// `from`, plus what was refunded before it.
pub async fn balance_before(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer: PersonId,
    from: &str,
    from_ms: i64,
) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT CAST(
                COALESCE((SELECT SUM(total_cents) FROM invoices
                          WHERE practice_id = $1 AND payer_id = $2 AND issued_on < $3), 0)
              - COALESCE((SELECT SUM(total_cents) FROM invoices
                          WHERE practice_id = $1 AND payer_id = $2 AND voided_at IS NOT NULL
                            AND voided_at < $4), 0)
              - COALESCE((SELECT SUM(amount_cents) FROM payments
                          WHERE practice_id = $1 AND payer_id = $2 AND received_on < $3), 0)
              - COALESCE((SELECT SUM(ad.amount_cents) FROM adjustments ad
                          JOIN charges ch ON ch.id = ad.charge_id
                          WHERE ad.practice_id = $1 AND ch.payer_id = $2 AND ad.adjusted_on < $3), 0)
              + COALESCE((SELECT SUM(rf.amount_cents) FROM refunds rf
                          JOIN payments py ON py.id = rf.payment_id
                          WHERE rf.practice_id = $1 AND py.payer_id = $2 AND rf.refunded_on < $3), 0)
             AS BIGINT)",
        )
        .bind(practice.0)
        .bind(payer.0)
        .bind(from)
        .bind(from_ms)
        .fetch_one(&mut *c)
        .await?
    }))
}
