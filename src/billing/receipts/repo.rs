//! A payment and what it paid, for its receipt. Server only.

use crate::access::visibility::{BindScope, VISIBLE_CASE};
use crate::domain::{PaymentId, Scope};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: i64,
    pub receipt_number: i64,
    pub payer_id: i64,
    pub payer_legal_name: String,
    pub payer_preferred_name: Option<String>,
    pub method: String,
    pub reference: String,
    pub amount_cents: i64,
    pub received_on: String,
    pub recorded_by: i64,
    pub recorded_by_name: String,
}

/// A payment of the scope's practice, if it is one.
pub async fn payment(
    mut c: Conn<'_>,
    scope: &Scope,
    id: PaymentId,
) -> Result<Option<PaymentRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT py.id, py.receipt_number, py.payer_id, p.legal_name AS payer_legal_name,
                p.preferred_name AS payer_preferred_name, py.method, py.reference,
                py.amount_cents, py.received_on, py.recorded_by,
                a.display_name AS recorded_by_name
             FROM payments py JOIN people p ON p.id = py.payer_id
             JOIN accounts a ON a.id = py.recorded_by
             WHERE py.id = $1 AND py.practice_id = $2",
        )
        .bind(id.0)
        .bind(scope.practice_id.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PaidRow {
    pub service_day: String,
    pub person_legal_name: String,
    pub person_preferred_name: Option<String>,
    pub description: String,
    pub amount_cents: i64,
    /// 1 when the scope may see the charge's case.
    pub visible: i64,
}

/// What a payment paid on each charge, by day of service, each marked with whether the
/// scope may see the charge's case.
pub async fn paid_by(
    mut c: Conn<'_>,
    scope: &Scope,
    payment: PaymentId,
) -> Result<Vec<PaidRow>, DbError> {
    let sql = format!(
        "SELECT ch.service_day, pe.legal_name AS person_legal_name,
            pe.preferred_name AS person_preferred_name, ch.description, al.amount_cents,
            CAST(CASE WHEN {VISIBLE_CASE} THEN 1 ELSE 0 END AS BIGINT) AS visible
         FROM allocations al JOIN charges ch ON ch.id = al.charge_id
         JOIN people pe ON pe.id = ch.person_id
         JOIN cases c ON c.id = ch.case_id
         WHERE al.payment_id = $4 AND ch.practice_id = $1
         ORDER BY ch.service_day, ch.id"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind_scope(scope)
            .bind(payment.0)
            .fetch_all(&mut *c)
            .await?
    }))
}
