//! The refunds and adjustments tables: rows are only ever inserted (the database refuses
//! changes and deletions). Server only.

use crate::domain::{AccountId, PracticeId};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

pub struct NewAdjustment<'a> {
    pub practice: PracticeId,
    pub charge_id: i64,
    pub reason: &'a str,
    pub note: &'a str,
    /// Positive takes off the charge; negative gives back (only for "charge changed").
    pub amount_cents: i64,
    pub adjusted_on: &'a str,
    pub by: AccountId,
    pub at: i64,
}

pub async fn insert_adjustment(mut c: Conn<'_>, n: &NewAdjustment<'_>) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO adjustments (practice_id, charge_id, reason, note, amount_cents,
                adjusted_on, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(n.practice.0)
        .bind(n.charge_id)
        .bind(n.reason)
        .bind(n.note)
        .bind(n.amount_cents)
        .bind(n.adjusted_on)
        .bind(n.by.0)
        .bind(n.at)
        .fetch_one(&mut *c)
        .await?
    }))
}

/// A payment of the payer's, with what charges took and refunds gave back.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RefundablePayment {
    pub id: i64,
    pub receipt_number: i64,
    pub amount_cents: i64,
    pub applied_cents: i64,
    pub refunded_cents: i64,
}

impl RefundablePayment {
    pub fn refundable_cents(&self) -> i64 {
        (self.amount_cents - self.applied_cents - self.refunded_cents).max(0)
    }
}

pub async fn payment_of_payer(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer_id: i64,
    id: i64,
) -> Result<Option<RefundablePayment>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT py.id, py.receipt_number, py.amount_cents,
                CAST(COALESCE((SELECT SUM(al.amount_cents) FROM allocations al WHERE al.payment_id = py.id), 0) AS BIGINT)
                    AS applied_cents,
                CAST(COALESCE((SELECT SUM(rf.amount_cents) FROM refunds rf WHERE rf.payment_id = py.id), 0) AS BIGINT)
                    AS refunded_cents
             FROM payments py WHERE py.id = $1 AND py.practice_id = $2 AND py.payer_id = $3",
        )
        .bind(id)
        .bind(practice.0)
        .bind(payer_id)
        .fetch_optional(&mut *c)
        .await?
    }))
}

pub struct NewRefund<'a> {
    pub practice: PracticeId,
    pub payment_id: i64,
    pub method: &'a str,
    pub reference: &'a str,
    pub amount_cents: i64,
    pub reason: &'a str,
    pub refunded_on: &'a str,
    pub by: AccountId,
    pub at: i64,
}

pub async fn insert_refund(mut c: Conn<'_>, n: &NewRefund<'_>) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO refunds (practice_id, payment_id, method, reference, amount_cents,
                reason, refunded_on, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(n.practice.0)
        .bind(n.payment_id)
        .bind(n.method)
        .bind(n.reference)
        .bind(n.amount_cents)
        .bind(n.reason)
        .bind(n.refunded_on)
        .bind(n.by.0)
        .bind(n.at)
        .fetch_one(&mut *c)
        .await?
    }))
}

/// What was refunded out of one payment: (refunded on, method, reference, amount, reason),
/// oldest first, for its receipt.
pub async fn refunds_of(
    mut c: Conn<'_>,
    practice: PracticeId,
    payment_id: i64,
) -> Result<Vec<(String, String, String, i64, String)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT refunded_on, method, reference, amount_cents, reason FROM refunds
             WHERE payment_id = $1 AND practice_id = $2 ORDER BY id",
        )
        .bind(payment_id)
        .bind(practice.0)
        .fetch_all(&mut *c)
        .await?
    }))
}
