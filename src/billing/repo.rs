//! Billing's tables: charges, payments, allocations and gapless numbering (refunds and
//! adjustments are `adjustments::repo`'s). Server only; the
//! rules (who pays, how a payment spreads, what a reference must say) are in
//! `domain::billing`, and who may do what is checked in `server`.

use crate::domain::{AccountId, AppointmentId, CaseId, PersonId, PracticeId};
use crate::on_conn;
use crate::server::db::{statement_chunks, Conn, DbError};

/// A participant's attendance whose charges are not yet brought up to date, with what
/// billing needs to know who pays for it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AttendanceToBill {
    pub person_id: i64,
    pub case_id: i64,
    pub choice: Option<String>,
    pub service_code: Option<String>,
    pub service_name: Option<String>,
    pub charge_cents: i64,
    pub version: i64,
    pub local_day: String,
    pub case_payer_kind: String,
    pub case_payer_contact_id: Option<i64>,
    /// The participant's own payer on the membership covering the session's day, if any.
    pub own_payer_kind: Option<String>,
    pub own_payer_contact_id: Option<i64>,
    /// That membership, whose own shares split the charge with the own payer.
    pub membership_id: Option<i64>,
}

/// The rows of a session (or, with `person`, one participant's row) whose attendance moved
/// on since its charges were last brought up to date.
pub async fn attendance_to_bill(
    mut c: Conn<'_>,
    practice: PracticeId,
    appointment: AppointmentId,
    person: Option<PersonId>,
) -> Result<Vec<AttendanceToBill>, DbError> {
    let sql =
        "SELECT t.person_id, a.case_id, t.choice, s.code AS service_code, s.name AS service_name,
            t.charge_cents, t.version, a.local_day,
            c.payer_kind AS case_payer_kind, c.payer_contact_id AS case_payer_contact_id,
            (SELECT m.payer_kind FROM memberships m
              WHERE m.case_id = a.case_id AND m.person_id = t.person_id
                AND m.joined_on <= a.local_day AND (m.left_on IS NULL OR m.left_on > a.local_day)
              ORDER BY m.joined_on DESC LIMIT 1) AS own_payer_kind,
            (SELECT m.payer_contact_id FROM memberships m
              WHERE m.case_id = a.case_id AND m.person_id = t.person_id
                AND m.joined_on <= a.local_day AND (m.left_on IS NULL OR m.left_on > a.local_day)
              ORDER BY m.joined_on DESC LIMIT 1) AS own_payer_contact_id,
            (SELECT m.id FROM memberships m
              WHERE m.case_id = a.case_id AND m.person_id = t.person_id
                AND m.joined_on <= a.local_day AND (m.left_on IS NULL OR m.left_on > a.local_day)
              ORDER BY m.joined_on DESC LIMIT 1) AS membership_id
         FROM attendance t
         JOIN appointments a ON a.id = t.appointment_id
         JOIN cases c ON c.id = a.case_id
         LEFT JOIN services s ON s.id = t.service_id
         WHERE t.appointment_id = $1 AND t.practice_id = $2 AND t.billed_version <> t.version
           AND ($3 = 0 OR t.person_id = $3)
         ORDER BY t.person_id";
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(sql)
            .bind(appointment.0)
            .bind(practice.0)
            .bind(person.map_or(0, |p| p.0))
            .fetch_all(&mut *c)
            .await?
    }))
}

/// Marks participants' attendance on a session as billed at the versions given, as
/// (person, version) pairs: one statement per chunk, whatever the session's size.
pub async fn mark_billed(
    mut c: Conn<'_>,
    appointment: AppointmentId,
    billed: &[(i64, i64)],
) -> Result<(), DbError> {
    for chunk in statement_chunks(billed, ROWS_PER_STATEMENT) {
        on_conn!(c.re(), |c| {
            let mut q =
                sqlx::QueryBuilder::new("UPDATE attendance SET billed_version = CASE person_id");
            for (person, version) in chunk {
                q.push(" WHEN ")
                    .push_bind(*person)
                    .push(" THEN ")
                    .push_bind(*version);
            }
            q.push(" END WHERE appointment_id = ")
                .push_bind(appointment.0);
            q.push(" AND person_id IN (");
            let mut ids = q.separated(", ");
            for (person, _) in chunk {
                ids.push_bind(*person);
            }
            q.push(")");
            q.build().execute(&mut *c).await?.rows_affected()
        });
    }
    Ok(())
}

/// One payer's part of a participant's charge for a session, with what is paid on it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ChargeRow {
    pub id: i64,
    pub person_id: i64,
    pub payer_kind: String,
    pub payer_id: i64,
    pub payer_legal_name: String,
    pub payer_preferred_name: Option<String>,
    pub description: String,
    pub amount_cents: i64,
    pub allocated_cents: i64,
    /// Taken off by adjustments and write-offs (never more than the charge).
    pub adjusted_cents: i64,
}

impl ChargeRow {
    /// What is still owed on it.
    pub fn owed_cents(&self) -> i64 {
        (self.amount_cents - self.allocated_cents - self.adjusted_cents).max(0)
    }
}

const CHARGE_COLUMNS: &str = "ch.id, ch.person_id, ch.payer_kind, ch.payer_id,
    p.legal_name AS payer_legal_name, p.preferred_name AS payer_preferred_name, ch.description,
    ch.amount_cents,
    CAST(COALESCE((SELECT SUM(al.amount_cents) FROM allocations al WHERE al.charge_id = ch.id), 0) AS BIGINT)
        AS allocated_cents,
    CAST(COALESCE((SELECT SUM(ad.amount_cents) FROM adjustments ad WHERE ad.charge_id = ch.id), 0) AS BIGINT)
        AS adjusted_cents";

/// A session's charges (or one participant's), each with what is paid on it.
pub async fn charges_of(
    mut c: Conn<'_>,
    practice: PracticeId,
    appointment: AppointmentId,
    person: Option<PersonId>,
) -> Result<Vec<ChargeRow>, DbError> {
    let sql = format!(
        "SELECT {CHARGE_COLUMNS} FROM charges ch JOIN people p ON p.id = ch.payer_id
         WHERE ch.appointment_id = $1 AND ch.practice_id = $2 AND ($3 = 0 OR ch.person_id = $3)
         ORDER BY ch.person_id, ch.id"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(appointment.0)
            .bind(practice.0)
            .bind(person.map_or(0, |p| p.0))
            .fetch_all(&mut *c)
            .await?
    }))
}

/// One charge of the practice held by `payer_id`, with what is paid on and adjusted off it,
/// and its session: (charge, session).
pub async fn charge_of_payer(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer_id: i64,
    id: i64,
) -> Result<Option<(ChargeRow, i64)>, DbError> {
    #[derive(sqlx::FromRow)]
    struct WithSession {
        #[sqlx(flatten)]
        charge: ChargeRow,
        appointment_id: i64,
    }
    let sql = format!(
        "SELECT {CHARGE_COLUMNS}, ch.appointment_id FROM charges ch JOIN people p ON p.id = ch.payer_id
         WHERE ch.id = $1 AND ch.practice_id = $2 AND ch.payer_id = $3"
    );
    let row: Option<WithSession> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(id)
            .bind(practice.0)
            .bind(payer_id)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(row.map(|r| (r.charge, r.appointment_id)))
}

pub struct NewCharge<'a> {
    pub practice: PracticeId,
    pub appointment: AppointmentId,
    pub person: PersonId,
    pub case_id: i64,
    pub payer_kind: &'a str,
    pub payer_id: i64,
    pub service_day: &'a str,
    pub description: &'a str,
    pub amount_cents: i64,
    pub attendance_version: i64,
    pub at: i64,
}

/// Rows per multi-row statement: at most 12 values each, well inside both engines'
/// parameter limits.
const ROWS_PER_STATEMENT: usize = 128;

/// Writes new charges in a few multi-row statements, in the caller's transaction.
pub async fn insert_charges(mut c: Conn<'_>, charges: &[NewCharge<'_>]) -> Result<(), DbError> {
    for chunk in statement_chunks(charges, ROWS_PER_STATEMENT) {
        on_conn!(c.re(), |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO charges (practice_id, appointment_id, person_id, case_id, payer_kind,
                    payer_id, service_day, description, amount_cents, attendance_version,
                    created_at, updated_at) ",
            );
            q.push_values(chunk, |mut b, n| {
                b.push_bind(n.practice.0)
                    .push_bind(n.appointment.0)
                    .push_bind(n.person.0)
                    .push_bind(n.case_id)
                    .push_bind(n.payer_kind)
                    .push_bind(n.payer_id)
                    .push_bind(n.service_day)
                    .push_bind(n.description)
                    .push_bind(n.amount_cents)
                    .push_bind(n.attendance_version)
                    .push_bind(n.at)
                    .push_bind(n.at);
            });
            q.build().execute(&mut *c).await?.rows_affected()
        });
    }
    Ok(())
}

/// Sets what a not-yet-invoiced charge comes to now (its line, amount and day).
pub async fn update_charge(mut c: Conn<'_>, id: i64, n: &NewCharge<'_>) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE charges SET description = $2, amount_cents = $3, attendance_version = $4,
                service_day = $5, case_id = $6, payer_kind = $7, updated_at = $8 WHERE id = $1",
        )
        .bind(id)
        .bind(n.description)
        .bind(n.amount_cents)
        .bind(n.attendance_version)
        .bind(n.service_day)
        .bind(n.case_id)
        .bind(n.payer_kind)
        .bind(n.at)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// A charge gone with the attendance that made it (or moved to another payer): deleted when
/// nothing was ever paid on or invoiced for it, else kept at nothing, so the documents and
/// payments that name it still do (a credit note then credits what was invoiced).
pub async fn retire_charge(mut c: Conn<'_>, id: i64, at: i64) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        let gone = sqlx::query(
            "DELETE FROM charges WHERE id = $1
               AND NOT EXISTS (SELECT 1 FROM allocations al WHERE al.charge_id = charges.id)
               AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.charge_id = charges.id)
               AND NOT EXISTS (SELECT 1 FROM adjustments ad WHERE ad.charge_id = charges.id)",
        )
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected();
        if gone == 0 {
            sqlx::query("UPDATE charges SET amount_cents = 0, updated_at = $2 WHERE id = $1")
                .bind(id)
                .bind(at)
                .execute(&mut *c)
                .await?;
        }
        gone
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AllocationRow {
    pub payment_id: i64,
    pub amount_cents: i64,
}

/// What was paid on a charge, newest payment first (the first to give back when the charge
/// shrinks).
pub async fn allocations_of(mut c: Conn<'_>, charge: i64) -> Result<Vec<AllocationRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT payment_id, amount_cents FROM allocations WHERE charge_id = $1
             ORDER BY payment_id DESC",
        )
        .bind(charge)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Sets (or, at zero, removes) what one payment pays on one charge.
pub async fn set_allocation(
    mut c: Conn<'_>,
    payment: i64,
    charge: i64,
    amount_cents: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        if amount_cents > 0 {
            sqlx::query(
                "INSERT INTO allocations (payment_id, charge_id, amount_cents) VALUES ($1, $2, $3)
                 ON CONFLICT (payment_id, charge_id) DO UPDATE SET amount_cents = excluded.amount_cents",
            )
            .bind(payment)
            .bind(charge)
            .bind(amount_cents)
            .execute(&mut *c)
            .await?
            .rows_affected()
        } else {
            sqlx::query("DELETE FROM allocations WHERE payment_id = $1 AND charge_id = $2")
                .bind(payment)
                .bind(charge)
                .execute(&mut *c)
                .await?
                .rows_affected()
        }
    });
    Ok(())
}

/// Takes the practice's billing lock for the rest of the caller's transaction: on Postgres
/// a row lock that makes concurrent payments and reconciliations of one practice wait for
/// each other (so none reads what another is about to change); on SQLite the transaction
/// already holds the database's write lock.
pub async fn lock_billing(mut c: Conn<'_>, practice: PracticeId) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO numbering (practice_id, series, last) VALUES ($1, 'billing lock', 1)
             ON CONFLICT (practice_id, series) DO UPDATE SET last = numbering.last",
        )
        .bind(practice.0)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// Marks a case's charges (or one participant's in it) for bringing up to date again, after
/// who pays for them changed.
pub async fn rebill(
    mut c: Conn<'_>,
    case: CaseId,
    person: Option<PersonId>,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE attendance SET billed_version = -1
             WHERE appointment_id IN (SELECT id FROM appointments WHERE case_id = $1)
               AND ($2 = 0 OR person_id = $2)",
        )
        .bind(case.0)
        .bind(person.map_or(0, |p| p.0))
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// The next number of a practice's series ("receipt"), taken inside the caller's
/// transaction: the row is locked until it commits, and a rollback gives the number back,
/// so numbers have no gaps and no repeats even with several server processes.
pub async fn next_number(
    mut c: Conn<'_>,
    practice: PracticeId,
    series: &str,
) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO numbering (practice_id, series, last) VALUES ($1, $2, 1)
             ON CONFLICT (practice_id, series) DO UPDATE SET last = numbering.last + 1
             RETURNING last",
        )
        .bind(practice.0)
        .bind(series)
        .fetch_one(&mut *c)
        .await?
    }))
}

pub struct NewPayment<'a> {
    pub practice: PracticeId,
    pub payer_id: i64,
    pub receipt_number: i64,
    pub method: &'a str,
    pub reference: &'a str,
    pub amount_cents: i64,
    pub received_on: &'a str,
    pub by: AccountId,
    pub at: i64,
}

pub async fn insert_payment(mut c: Conn<'_>, n: &NewPayment<'_>) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO payments (practice_id, payer_id, receipt_number, method, reference,
                amount_cents, received_on, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(n.practice.0)
        .bind(n.payer_id)
        .bind(n.receipt_number)
        .bind(n.method)
        .bind(n.reference)
        .bind(n.amount_cents)
        .bind(n.received_on)
        .bind(n.by.0)
        .bind(n.at)
        .fetch_one(&mut *c)
        .await?
    }))
}

/// A payer's credit: what they paid that no charge took and no refund gave back.
pub async fn credit_of(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer_id: i64,
) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(py.amount_cents - COALESCE(
                    (SELECT SUM(al.amount_cents) FROM allocations al WHERE al.payment_id = py.id), 0)
                  - COALESCE((SELECT SUM(rf.amount_cents) FROM refunds rf WHERE rf.payment_id = py.id), 0)
                ), 0) AS BIGINT)
             FROM payments py WHERE py.practice_id = $1 AND py.payer_id = $2",
        )
        .bind(practice.0)
        .bind(payer_id)
        .fetch_one(&mut *c)
        .await?
    }))
}

/// What is paid and what adjusted off each participant's charges for a session, for the
/// session screen: (person, paid, adjusted).
pub async fn paid_at_session(
    mut c: Conn<'_>,
    practice: PracticeId,
    appointment: AppointmentId,
) -> Result<Vec<(i64, i64, i64)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT ch.person_id,
                CAST(COALESCE(SUM((SELECT SUM(al.amount_cents) FROM allocations al WHERE al.charge_id = ch.id)), 0) AS BIGINT),
                CAST(COALESCE(SUM((SELECT SUM(ad.amount_cents) FROM adjustments ad WHERE ad.charge_id = ch.id)), 0) AS BIGINT)
             FROM charges ch
             WHERE ch.appointment_id = $1 AND ch.practice_id = $2
             GROUP BY ch.person_id",
        )
        .bind(appointment.0)
        .bind(practice.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// The sessions whose attendance billing has not brought up to date and whose charges may
/// be this payer's: the payer is the participant, the case's payer, a member's own payer
/// or holds a share of the case's charges or of a participant's, or already holds a charge
/// for that row (a payer change moves it away). Found by the `attendance_unbilled` partial
/// index, so rows already billed are not read.
pub async fn sessions_to_bill_for(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer_id: i64,
) -> Result<Vec<i64>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT DISTINCT t.appointment_id FROM attendance t
             JOIN appointments a ON a.id = t.appointment_id
             JOIN cases c ON c.id = a.case_id
             WHERE t.practice_id = $1 AND t.billed_version <> t.version
               AND (t.person_id = $2 OR c.payer_contact_id = $2
                 OR EXISTS (SELECT 1 FROM memberships m WHERE m.case_id = a.case_id
                              AND m.person_id = t.person_id AND m.payer_contact_id = $2)
                 OR EXISTS (SELECT 1 FROM payer_shares sh WHERE sh.case_id = a.case_id
                              AND sh.payer_contact_id = $2)
                 OR EXISTS (SELECT 1 FROM charges ch WHERE ch.appointment_id = t.appointment_id
                              AND ch.person_id = t.person_id AND ch.payer_id = $2))
             ORDER BY t.appointment_id",
        )
        .bind(practice.0)
        .bind(payer_id)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Adds to what one payment pays on one charge.
pub async fn add_allocation(
    mut c: Conn<'_>,
    payment: i64,
    charge: i64,
    amount_cents: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO allocations (payment_id, charge_id, amount_cents) VALUES ($1, $2, $3)
             ON CONFLICT (payment_id, charge_id)
             DO UPDATE SET amount_cents = allocations.amount_cents + excluded.amount_cents",
        )
        .bind(payment)
        .bind(charge)
        .bind(amount_cents)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// A payer's payments with something neither taken by a charge nor refunded: (payment,
/// what is left),
/// oldest first.
pub async fn payments_with_credit(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer_id: i64,
) -> Result<Vec<(i64, i64)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT id, left_cents FROM (
                SELECT py.id, py.receipt_number, py.amount_cents - CAST(COALESCE(
                    (SELECT SUM(al.amount_cents) FROM allocations al WHERE al.payment_id = py.id), 0) AS BIGINT)
                    - CAST(COALESCE((SELECT SUM(rf.amount_cents) FROM refunds rf WHERE rf.payment_id = py.id), 0) AS BIGINT)
                    AS left_cents
                FROM payments py WHERE py.practice_id = $1 AND py.payer_id = $2) p
             WHERE left_cents > 0 ORDER BY receipt_number",
        )
        .bind(practice.0)
        .bind(payer_id)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// One charge on a payer's account, with the participant and session it is for.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccountChargeRow {
    pub id: i64,
    pub service_day: String,
    pub description: String,
    pub person_legal_name: String,
    pub person_preferred_name: Option<String>,
    pub amount_cents: i64,
    pub invoiced_cents: i64,
    pub allocated_cents: i64,
    pub adjusted_cents: i64,
}

impl AccountChargeRow {
    pub fn owed_cents(&self) -> i64 {
        (self.amount_cents - self.allocated_cents - self.adjusted_cents).max(0)
    }
}

/// A payer's charges with something still owed (not paid, not adjusted off), oldest session
/// first (the order payments are applied in).
pub async fn open_charges(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer_id: i64,
) -> Result<Vec<AccountChargeRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT * FROM (
                SELECT ch.id, ch.appointment_id, ch.service_day, ch.description,
                    p.legal_name AS person_legal_name, p.preferred_name AS person_preferred_name,
                    ch.amount_cents, ch.invoiced_cents, a.starts_at,
                    CAST(COALESCE((SELECT SUM(al.amount_cents) FROM allocations al WHERE al.charge_id = ch.id), 0) AS BIGINT)
                        AS allocated_cents,
                    CAST(COALESCE((SELECT SUM(ad.amount_cents) FROM adjustments ad WHERE ad.charge_id = ch.id), 0) AS BIGINT)
                        AS adjusted_cents
                FROM charges ch JOIN people p ON p.id = ch.person_id
                JOIN appointments a ON a.id = ch.appointment_id
                WHERE ch.practice_id = $1 AND ch.payer_id = $2) charged
             WHERE amount_cents > allocated_cents + adjusted_cents
             ORDER BY starts_at, id",
        )
        .bind(practice.0)
        .bind(payer_id)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// One payment on a payer's account, with how much of it charges took and refunds gave back.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccountPaymentRow {
    pub id: i64,
    pub receipt_number: i64,
    pub method: String,
    pub reference: String,
    pub amount_cents: i64,
    pub received_on: String,
    pub applied_cents: i64,
    pub refunded_cents: i64,
}

/// A payer's most recent payments, newest first.
pub async fn account_payments(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer_id: i64,
    limit: i64,
) -> Result<Vec<AccountPaymentRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT py.id, py.receipt_number, py.method, py.reference, py.amount_cents, py.received_on,
                CAST(COALESCE((SELECT SUM(al.amount_cents) FROM allocations al WHERE al.payment_id = py.id), 0) AS BIGINT)
                    AS applied_cents,
                CAST(COALESCE((SELECT SUM(rf.amount_cents) FROM refunds rf WHERE rf.payment_id = py.id), 0) AS BIGINT)
                    AS refunded_cents
             FROM payments py WHERE py.practice_id = $1 AND py.payer_id = $2
             ORDER BY py.receipt_number DESC LIMIT $3",
        )
        .bind(practice.0)
        .bind(payer_id)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?
    }))
}
