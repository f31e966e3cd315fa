//! What the billing reports read, practice-wide. Days are the practice's local days
//! (`YYYY-MM-DD`); voids are read by instant (UTC milliseconds). Server only.

use crate::domain::PracticeId;
use crate::on_conn;
use crate::server::db::{Conn, DbError};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UnbilledRow {
    pub id: i64,
    pub local_day: String,
    pub starts_at: i64,
    pub case_id: i64,
    pub case_name: String,
    pub items: i64,
    pub payers: i64,
    pub cents: i64,
}

/// The sessions on or before `through` with charges not yet (fully) invoiced, the oldest
/// first, at most `limit`.
pub async fn unbilled_sessions(
    mut c: Conn<'_>,
    practice: PracticeId,
    through: &str,
    limit: i64,
) -> Result<Vec<UnbilledRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT a.id, a.local_day, a.starts_at, cs.id AS case_id, cs.name AS case_name,
                COUNT(*) AS items, COUNT(DISTINCT ch.payer_id) AS payers,
                CAST(SUM(ch.amount_cents - ch.invoiced_cents) AS BIGINT) AS cents
             FROM charges ch
             JOIN appointments a ON a.id = ch.appointment_id
             JOIN cases cs ON cs.id = ch.case_id
             WHERE ch.practice_id = $1 AND ch.service_day <= $2
               AND ch.amount_cents <> ch.invoiced_cents AND ch.amount_cents > ch.invoiced_cents
             GROUP BY a.id, a.local_day, a.starts_at, cs.id, cs.name
             ORDER BY a.local_day, a.starts_at, a.id
             LIMIT $3",
        )
        .bind(practice.0)
        .bind(through)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// How many sessions on or before `through` have something unbilled.
pub async fn unbilled_session_count(
    mut c: Conn<'_>,
    practice: PracticeId,
    through: &str,
) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT COUNT(DISTINCT appointment_id) FROM charges
             WHERE practice_id = $1 AND service_day <= $2
               AND amount_cents <> invoiced_cents AND amount_cents > invoiced_cents",
        )
        .bind(practice.0)
        .bind(through)
        .fetch_one(&mut *c)
        .await?
    }))
}

/// Which charges' sessions `providers_of_sessions` reads the providers of.
#[derive(Clone, Copy, Debug)]
pub enum Sessions<'a> {
    /// Sessions on or before the day with something unbilled.
    UnbilledThrough(&'a str),
    /// Sessions with charges for services in the period (days, inclusive).
    ChargedIn(&'a str, &'a str),
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionProvider {
    pub appointment_id: i64,
    pub account_id: i64,
    pub display_name: String,
}

/// Who led each of the sessions `which` names, by session, then name.
pub async fn providers_of_sessions(
    mut c: Conn<'_>,
    practice: PracticeId,
    which: Sessions<'_>,
) -> Result<Vec<SessionProvider>, DbError> {
    const SELECT: &str = "SELECT ap.appointment_id, ac.id AS account_id, ac.display_name
        FROM appointment_providers ap JOIN accounts ac ON ac.id = ap.account_id
        WHERE ap.appointment_id IN (SELECT ch.appointment_id FROM charges ch
            WHERE ch.practice_id = $1";
    const ORDER: &str = ") ORDER BY ap.appointment_id, ac.display_name, ac.id";
    let (sql, from, to) = match which {
        Sessions::UnbilledThrough(through) => (
            format!(
                "{SELECT} AND ch.service_day >= $2 AND ch.service_day <= $3
                   AND ch.amount_cents <> ch.invoiced_cents
                   AND ch.amount_cents > ch.invoiced_cents{ORDER}"
            ),
            "0000-01-01",
            through,
        ),
        Sessions::ChargedIn(from, to) => (
            format!("{SELECT} AND ch.service_day >= $2 AND ch.service_day <= $3{ORDER}"),
            from,
            to,
        ),
    };
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(from)
            .bind(to)
            .fetch_all(&mut *c)
            .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DocumentDue {
    pub payer_id: i64,
    pub due_on: String,
    pub total_cents: i64,
}

/// Every invoice and credit note issued on or before `as_of` and not voided before
/// `until_ms` (the start of the day after): the documents as they stood that day.
pub async fn documents_standing(
    mut c: Conn<'_>,
    practice: PracticeId,
    as_of: &str,
    until_ms: i64,
) -> Result<Vec<DocumentDue>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT payer_id, due_on, total_cents FROM invoices
             WHERE practice_id = $1 AND issued_on <= $2
               AND (voided_at IS NULL OR voided_at >= $3)",
        )
        .bind(practice.0)
        .bind(as_of)
        .bind(until_ms)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// What took each payer's balance down by the end of `as_of`, besides credit notes:
/// payments received, less refunds given, plus adjustments made. (payer id, cents).
pub async fn credits_through(
    mut c: Conn<'_>,
    practice: PracticeId,
    as_of: &str,
) -> Result<Vec<(i64, i64)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT payer_id, CAST(SUM(cents) AS BIGINT) FROM (
                SELECT payer_id, amount_cents AS cents FROM payments
                WHERE practice_id = $1 AND received_on <= $2
              UNION ALL
                SELECT py.payer_id, -rf.amount_cents FROM refunds rf
                JOIN payments py ON py.id = rf.payment_id
                WHERE rf.practice_id = $1 AND rf.refunded_on <= $2
              UNION ALL
                SELECT ch.payer_id, ad.amount_cents FROM adjustments ad
                JOIN charges ch ON ch.id = ad.charge_id
                WHERE ad.practice_id = $1 AND ad.adjusted_on <= $2
             ) moved GROUP BY payer_id",
        )
        .bind(practice.0)
        .bind(as_of)
        .fetch_all(&mut *c)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PayerName {
    pub id: i64,
    pub legal_name: String,
    pub preferred_name: Option<String>,
}

/// The names of everyone of the practice who was ever invoiced or paid.
pub async fn payer_names(mut c: Conn<'_>, practice: PracticeId) -> Result<Vec<PayerName>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT id, legal_name, preferred_name FROM people
             WHERE practice_id = $1 AND id IN (
                SELECT payer_id FROM invoices WHERE practice_id = $1
                UNION SELECT payer_id FROM payments WHERE practice_id = $1)",
        )
        .bind(practice.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Money that moved in a period, by method.
#[derive(Clone, Copy, Debug)]
pub enum Moved {
    Received,
    Refunded,
}

/// (method, how many, cents) of the payments received, or the refunds given, in the period
/// (days, inclusive).
pub async fn by_method(
    mut c: Conn<'_>,
    practice: PracticeId,
    moved: Moved,
    from: &str,
    to: &str,
) -> Result<Vec<(String, i64, i64)>, DbError> {
    let sql = match moved {
        Moved::Received => {
            "SELECT method, COUNT(*), CAST(SUM(amount_cents) AS BIGINT) FROM payments
             WHERE practice_id = $1 AND received_on >= $2 AND received_on <= $3
             GROUP BY method"
        }
        Moved::Refunded => {
            "SELECT method, COUNT(*), CAST(SUM(amount_cents) AS BIGINT) FROM refunds
             WHERE practice_id = $1 AND refunded_on >= $2 AND refunded_on <= $3
             GROUP BY method"
        }
    };
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(sql)
            .bind(practice.0)
            .bind(from)
            .bind(to)
            .fetch_all(&mut *c)
            .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionMoney {
    pub id: i64,
    pub case_id: i64,
    pub case_name: String,
    /// The attendance choice the charges are for, and the service attended.
    pub choice: Option<String>,
    pub service_code: Option<String>,
    pub service_name: Option<String>,
    pub charged: i64,
    pub adjusted: i64,
    pub paid: i64,
}

/// Each session with charges for services in the period (days, inclusive), by what the
/// charges are for (a service attended, a missed session's fee): what they come to, what
/// was adjusted off them and what was paid on them, to date.
pub async fn session_money(
    mut c: Conn<'_>,
    practice: PracticeId,
    from: &str,
    to: &str,
) -> Result<Vec<SessionMoney>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT x.appointment_id AS id, cs.id AS case_id, cs.name AS case_name, x.choice,
                sv.code AS service_code, sv.name AS service_name,
                CAST(SUM(x.amount_cents) AS BIGINT) AS charged,
                CAST(SUM(x.adjusted) AS BIGINT) AS adjusted,
                CAST(SUM(x.paid) AS BIGINT) AS paid
             FROM (
                SELECT ch.appointment_id, ch.case_id, ch.amount_cents, t.choice, t.service_id,
                    COALESCE((SELECT SUM(ad.amount_cents) FROM adjustments ad
                              WHERE ad.charge_id = ch.id), 0) AS adjusted,
                    COALESCE((SELECT SUM(al.amount_cents) FROM allocations al
                              WHERE al.charge_id = ch.id), 0) AS paid
                FROM charges ch
                LEFT JOIN attendance t
                    ON t.appointment_id = ch.appointment_id AND t.person_id = ch.person_id
                WHERE ch.practice_id = $1 AND ch.service_day >= $2 AND ch.service_day <= $3
             ) x
             JOIN cases cs ON cs.id = x.case_id
             LEFT JOIN services sv ON sv.id = x.service_id
             GROUP BY x.appointment_id, cs.id, cs.name, x.choice, sv.code, sv.name
             HAVING SUM(x.amount_cents) <> 0 OR SUM(x.adjusted) <> 0 OR SUM(x.paid) <> 0
             ORDER BY x.appointment_id",
        )
        .bind(practice.0)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *c)
        .await?
    }))
}
