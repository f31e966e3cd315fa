//! The tables of invoices and credit notes. Server only: documents are written once, by
//! `server`, and the database refuses any later change but a void (see migration 0007).

use crate::billing::Issuer;
use crate::domain::{AccountId, AppointmentId, PersonId, PracticeId};
use crate::on_conn;
use crate::server::db::{statement_chunks, Conn, DbError};

/// The practice as its documents print it (billing settings), and its payment terms (days).
pub async fn practice_for_documents(
    mut c: Conn<'_>,
    practice: PracticeId,
) -> Result<(Issuer, i64), DbError> {
    let (name, legal_name, address, tax_id, terms): (String, String, String, String, i64) =
        on_conn!(c.re(), |c| {
            sqlx::query_as(
                "SELECT name, legal_name, address, tax_id, payment_terms_days
                 FROM practices WHERE id = $1",
            )
            .bind(practice.0)
            .fetch_one(&mut *c)
            .await?
        });
    Ok((Issuer::new(&name, legal_name, address, tax_id), terms))
}

/// The sessions on or before `through` whose attendance billing has not brought up to
/// date (found by the `attendance_unbilled` partial index).
pub async fn sessions_to_bill_through(
    mut c: Conn<'_>,
    practice: PracticeId,
    through: &str,
) -> Result<Vec<i64>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT DISTINCT t.appointment_id FROM attendance t
             JOIN appointments a ON a.id = t.appointment_id
             WHERE t.practice_id = $1 AND t.billed_version <> t.version AND a.local_day <= $2
             ORDER BY t.appointment_id",
        )
        .bind(practice.0)
        .bind(through)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// A charge with more to bill than its issued lines bill, with the names a line prints.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ChargeToBill {
    pub id: i64,
    pub payer_id: i64,
    pub payer_legal_name: String,
    pub payer_preferred_name: Option<String>,
    pub person_legal_name: String,
    pub person_preferred_name: Option<String>,
    pub service_day: String,
    pub description: String,
    pub amount_cents: i64,
    pub invoiced_cents: i64,
}

const TO_BILL_COLUMNS: &str = "ch.id, ch.payer_id, py.legal_name AS payer_legal_name,
    py.preferred_name AS payer_preferred_name, pp.legal_name AS person_legal_name,
    pp.preferred_name AS person_preferred_name, ch.service_day, ch.description,
    ch.amount_cents, ch.invoiced_cents";

/// The charges to invoice on or before `through` (every payer's, or one payer's), by payer,
/// then day of service and session, the order an invoice lists them in.
pub async fn unbilled(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer: Option<PersonId>,
    through: &str,
    session: Option<AppointmentId>,
) -> Result<Vec<ChargeToBill>, DbError> {
    let sql = format!(
        "SELECT {TO_BILL_COLUMNS} FROM charges ch
         JOIN people py ON py.id = ch.payer_id
         JOIN people pp ON pp.id = ch.person_id
         JOIN appointments a ON a.id = ch.appointment_id
         WHERE ch.practice_id = $1 AND ($2 = 0 OR ch.payer_id = $2) AND ch.service_day <= $3
           AND ($4 = 0 OR ch.appointment_id = $4)
           AND ch.amount_cents <> ch.invoiced_cents AND ch.amount_cents > ch.invoiced_cents
         ORDER BY ch.payer_id, ch.service_day, a.starts_at, a.id, pp.legal_name, ch.id"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(payer.map_or(0, |p| p.0))
            .bind(through)
            .bind(session.map_or(0, |s| s.0))
            .fetch_all(&mut *c)
            .await?
    }))
}

/// A session's charges (or one participant's) invoiced beyond what they come to now.
pub async fn over_invoiced(
    mut c: Conn<'_>,
    practice: PracticeId,
    appointment: AppointmentId,
    person: Option<PersonId>,
) -> Result<Vec<ChargeToBill>, DbError> {
    let sql = format!(
        "SELECT {TO_BILL_COLUMNS} FROM charges ch
         JOIN people py ON py.id = ch.payer_id
         JOIN people pp ON pp.id = ch.person_id
         WHERE ch.appointment_id = $1 AND ch.practice_id = $2 AND ($3 = 0 OR ch.person_id = $3)
           AND ch.amount_cents < ch.invoiced_cents
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

/// A charge's issued invoice lines on documents not voided, newest first, each with what
/// credit notes have not yet credited of it: (line, invoice, left).
pub async fn billed_lines(mut c: Conn<'_>, charge: i64) -> Result<Vec<(i64, i64, i64)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT l.id, l.invoice_id, l.amount_cents + CAST(COALESCE((
                    SELECT SUM(cl.amount_cents) FROM invoice_lines cl
                    JOIN invoices cn ON cn.id = cl.invoice_id
                    WHERE cl.credits_line_id = l.id AND cn.voided_at IS NULL), 0) AS BIGINT)
             FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
             WHERE l.charge_id = $1 AND l.amount_cents > 0 AND i.voided_at IS NULL
             ORDER BY l.id DESC",
        )
        .bind(charge)
        .fetch_all(&mut *c)
        .await?
    }))
}

pub struct NewInvoice<'a> {
    pub practice: PracticeId,
    pub kind: &'a str,
    pub number: i64,
    pub payer_id: i64,
    pub practice_name: &'a str,
    pub practice_address: &'a str,
    pub practice_tax_id: &'a str,
    pub payer_name: &'a str,
    pub credits: Option<i64>,
    pub reason: &'a str,
    pub issued_on: &'a str,
    pub due_on: &'a str,
    pub total_cents: i64,
    pub by: AccountId,
    pub at: i64,
}

pub async fn insert_invoice(mut c: Conn<'_>, n: &NewInvoice<'_>) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO invoices (practice_id, kind, number, payer_id, practice_name, payer_name,
                credits_invoice_id, reason, issued_on, due_on, total_cents, issued_by, issued_at,
                practice_address, practice_tax_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind(n.practice.0)
        .bind(n.kind)
        .bind(n.number)
        .bind(n.payer_id)
        .bind(n.practice_name)
        .bind(n.payer_name)
        .bind(n.credits)
        .bind(n.reason)
        .bind(n.issued_on)
        .bind(n.due_on)
        .bind(n.total_cents)
        .bind(n.by.0)
        .bind(n.at)
        .bind(n.practice_address)
        .bind(n.practice_tax_id)
        .fetch_one(&mut *c)
        .await?
    }))
}

pub struct NewLine<'a> {
    pub charge: i64,
    pub credits_line: Option<i64>,
    pub service_day: &'a str,
    pub participant: &'a str,
    pub description: &'a str,
    pub amount_cents: i64,
}

/// Lines per multi-row INSERT: 7 values each, well inside both engines' parameter limits.
const LINES_PER_STATEMENT: usize = 128;

/// Writes a document's lines, in order, and adds each to what its charge is invoiced at, in
/// the caller's transaction. A few multi-row statements and one update, however many lines:
/// a month's batch run writes thousands.
pub async fn insert_lines(
    mut c: Conn<'_>,
    invoice: i64,
    lines: &[NewLine<'_>],
) -> Result<(), DbError> {
    for chunk in statement_chunks(lines, LINES_PER_STATEMENT) {
        on_conn!(c.re(), |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO invoice_lines (invoice_id, charge_id, credits_line_id, service_day,
                    participant_name, description, amount_cents) ",
            );
            q.push_values(chunk, |mut b, n| {
                b.push_bind(invoice)
                    .push_bind(n.charge)
                    .push_bind(n.credits_line)
                    .push_bind(n.service_day)
                    .push_bind(n.participant)
                    .push_bind(n.description)
                    .push_bind(n.amount_cents);
            });
            q.build().execute(&mut *c).await?.rows_affected()
        });
    }
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE charges SET invoiced_cents = invoiced_cents + CAST((
                SELECT SUM(l.amount_cents) FROM invoice_lines l
                WHERE l.invoice_id = $1 AND l.charge_id = charges.id) AS BIGINT)
             WHERE id IN (SELECT charge_id FROM invoice_lines WHERE invoice_id = $1)",
        )
        .bind(invoice)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// One document as lists show it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InvoiceRow {
    pub id: i64,
    pub kind: String,
    pub number: i64,
    pub payer_id: i64,
    pub payer_name: String,
    pub issued_on: String,
    pub due_on: String,
    pub total_cents: i64,
    pub voided_at: Option<i64>,
}

const INVOICE_COLUMNS: &str =
    "i.id, i.kind, i.number, i.payer_id, i.payer_name, i.issued_on, i.due_on, i.total_cents, i.voided_at";

/// A payer's documents, newest first.
pub async fn of_payer(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer: PersonId,
    limit: i64,
) -> Result<Vec<InvoiceRow>, DbError> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM invoices i WHERE i.practice_id = $1 AND i.payer_id = $2
         ORDER BY i.id DESC LIMIT $3"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(payer.0)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// The practice's documents issued before document `before` (an id), newest first; `limit`
/// rows at most.
pub async fn recent(
    mut c: Conn<'_>,
    practice: PracticeId,
    before: i64,
    limit: i64,
) -> Result<Vec<InvoiceRow>, DbError> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM invoices i WHERE i.practice_id = $1 AND i.id < $2
         ORDER BY i.id DESC LIMIT $3"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(before)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// The credit notes issued against an invoice, oldest first.
pub async fn credit_notes_of(mut c: Conn<'_>, invoice: i64) -> Result<Vec<InvoiceRow>, DbError> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM invoices i WHERE i.credits_invoice_id = $1 ORDER BY i.id"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(invoice)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// A whole document's heading.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub kind: String,
    pub number: i64,
    pub payer_id: i64,
    pub practice_name: String,
    pub practice_address: String,
    pub practice_tax_id: String,
    pub payer_name: String,
    pub credits_invoice_id: Option<i64>,
    pub credits_number: Option<i64>,
    pub reason: String,
    pub issued_on: String,
    pub due_on: String,
    pub total_cents: i64,
    pub voided_at: Option<i64>,
    pub void_reason: Option<String>,
    pub voided_by_name: Option<String>,
}

/// A document of the practice, if it is one.
pub async fn document(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: i64,
) -> Result<Option<DocumentRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT i.id, i.kind, i.number, i.payer_id, i.practice_name, i.practice_address,
                i.practice_tax_id, i.payer_name, i.credits_invoice_id, o.number AS credits_number, i.reason, i.issued_on, i.due_on,
                i.total_cents, i.voided_at, i.void_reason, v.display_name AS voided_by_name
             FROM invoices i
             LEFT JOIN invoices o ON o.id = i.credits_invoice_id
             LEFT JOIN accounts v ON v.id = i.voided_by
             WHERE i.id = $1 AND i.practice_id = $2",
        )
        .bind(id)
        .bind(practice.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LineRow {
    pub service_day: String,
    pub participant_name: String,
    pub description: String,
    pub amount_cents: i64,
}

/// A document's lines in the order they were written.
pub async fn lines_of(mut c: Conn<'_>, invoice: i64) -> Result<Vec<LineRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT service_day, participant_name, description, amount_cents FROM invoice_lines
             WHERE invoice_id = $1 ORDER BY id",
        )
        .bind(invoice)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Voids a document (once: the database refuses a second) and takes its lines off what
/// their charges are invoiced at, so those charges are billed again.
pub async fn void(
    mut c: Conn<'_>,
    id: i64,
    by: AccountId,
    at: i64,
    reason: &str,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE invoices SET voided_at = $2, voided_by = $3, void_reason = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(at)
        .bind(by.0)
        .bind(reason)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "UPDATE charges SET invoiced_cents = invoiced_cents - CAST(COALESCE((
                SELECT SUM(l.amount_cents) FROM invoice_lines l
                WHERE l.invoice_id = $1 AND l.charge_id = charges.id), 0) AS BIGINT)
             WHERE id IN (SELECT charge_id FROM invoice_lines WHERE invoice_id = $1)",
        )
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// What is still to invoice on or before `through`: (charges, cents, payers).
pub async fn unbilled_summary(
    mut c: Conn<'_>,
    practice: PracticeId,
    through: &str,
) -> Result<(i64, i64, i64), DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(amount_cents - invoiced_cents), 0) AS BIGINT),
                COUNT(DISTINCT payer_id)
             FROM charges WHERE practice_id = $1 AND service_day <= $2
               AND amount_cents <> invoiced_cents AND amount_cents > invoiced_cents",
        )
        .bind(practice.0)
        .bind(through)
        .fetch_one(&mut *c)
        .await?
    }))
}

/// What is still to invoice for one payer.
pub async fn unbilled_of(
    mut c: Conn<'_>,
    practice: PracticeId,
    payer: PersonId,
) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount_cents - invoiced_cents), 0) AS BIGINT)
             FROM charges WHERE practice_id = $1 AND payer_id = $2
               AND amount_cents <> invoiced_cents AND amount_cents > invoiced_cents",
        )
        .bind(practice.0)
        .bind(payer.0)
        .fetch_one(&mut *c)
        .await?
    }))
}
