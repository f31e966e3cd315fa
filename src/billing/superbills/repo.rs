//! Superbills in the database: the sessions one goes over, and superbills as made. Server
//! only.

use crate::domain::{CaseId, PersonId, PracticeId, SuperbillId};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

/// A participant's sessions of a case in a period attended with a service ($1 practice,
/// $2 case, $3 person, $4 and $5 the first and last day): what both reads below go over.
const ATTENDED_IN_PERIOD: &str = "FROM attendance t JOIN appointments a ON a.id = t.appointment_id
    JOIN services s ON s.id = t.service_id
    WHERE t.practice_id = $1 AND a.case_id = $2 AND t.person_id = $3
      AND t.choice = 'attended' AND a.status = 'scheduled'
      AND a.local_day >= $4 AND a.local_day <= $5";

/// The sessions of a case in a period a participant attended with a service, oldest first:
/// what billing brings up to date before a superbill reads what was paid on them.
pub async fn attended_sessions(
    mut c: Conn<'_>,
    practice: PracticeId,
    case: CaseId,
    person: PersonId,
    from: &str,
    to: &str,
) -> Result<Vec<i64>, DbError> {
    let sql = format!("SELECT a.id {ATTENDED_IN_PERIOD} ORDER BY a.local_day, a.starts_at, a.id");
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(&sql)
            .bind(practice.0)
            .bind(case.0)
            .bind(person.0)
            .bind(from)
            .bind(to)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// One attended session as a superbill line reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ServiceRow {
    pub appointment_id: i64,
    pub local_day: String,
    pub location: String,
    pub video_link: String,
    pub code: String,
    pub service_name: String,
    pub charge_cents: i64,
    /// Paid on the participant's charge for the session, by every payer of it.
    pub paid_cents: i64,
    /// The session's rendering provider: one with an NPI first, then the earliest account.
    pub provider_name: String,
    pub provider_npi: String,
}

/// The services a participant received in a case in a period, oldest first.
pub async fn services_received(
    mut c: Conn<'_>,
    practice: PracticeId,
    case: CaseId,
    person: PersonId,
    from: &str,
    to: &str,
) -> Result<Vec<ServiceRow>, DbError> {
    const PROVIDER: &str = "FROM appointment_providers ap JOIN accounts ac ON ac.id = ap.account_id
        WHERE ap.appointment_id = a.id
        ORDER BY CASE WHEN ac.npi = '' THEN 1 ELSE 0 END, ac.id LIMIT 1";
    let sql = format!(
        "SELECT a.id AS appointment_id, a.local_day,
            COALESCE(a.location, '') AS location, COALESCE(a.video_link, '') AS video_link,
            s.code, s.name AS service_name, t.charge_cents,
            CAST(COALESCE((SELECT SUM(al.amount_cents) FROM allocations al
                JOIN charges ch ON ch.id = al.charge_id
                WHERE ch.appointment_id = a.id AND ch.person_id = t.person_id), 0) AS BIGINT)
                AS paid_cents,
            COALESCE((SELECT ac.display_name {PROVIDER}), '') AS provider_name,
            COALESCE((SELECT ac.npi {PROVIDER}), '') AS provider_npi
         {ATTENDED_IN_PERIOD}
         ORDER BY a.local_day, a.starts_at, a.id"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(case.0)
            .bind(person.0)
            .bind(from)
            .bind(to)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// A participant's diagnoses in a case noted on or before `through`, in the order they were
/// noted: the first is the primary.
pub async fn diagnoses_through(
    mut c: Conn<'_>,
    case: CaseId,
    person: PersonId,
    through: &str,
) -> Result<Vec<(String, String)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT code, description FROM diagnoses
             WHERE case_id = $1 AND person_id = $2 AND noted_on <= $3
             ORDER BY noted_on, id",
        )
        .bind(case.0)
        .bind(person.0)
        .bind(through)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// The client as a superbill names them: legal name and date of birth.
pub async fn client(
    mut c: Conn<'_>,
    practice: PracticeId,
    person: PersonId,
) -> Result<Option<(String, Option<String>)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT legal_name, date_of_birth FROM people WHERE id = $1 AND practice_id = $2",
        )
        .bind(person.0)
        .bind(practice.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// A superbill's header as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SuperbillRow {
    pub id: i64,
    pub case_id: i64,
    pub person_id: i64,
    pub number: i64,
    pub from_day: String,
    pub to_day: String,
    pub telehealth_place: String,
    pub practice_name: String,
    pub practice_address: String,
    pub practice_tax_id: String,
    pub practice_npi: String,
    pub client_name: String,
    pub client_birth_date: String,
    pub created_by_name: String,
    pub created_at: i64,
}

/// A superbill's line as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LineRow {
    pub appointment_id: i64,
    pub service_day: String,
    pub code: String,
    pub is_cpt: bool,
    pub description: String,
    pub modifiers: String,
    pub place_of_service: String,
    pub units: i64,
    pub fee_cents: i64,
    pub paid_cents: i64,
    pub provider_name: String,
    pub provider_npi: String,
    pub pointers: String,
}

/// A superbill to store: its header, diagnoses (pointer, code, description) and lines.
pub struct NewSuperbill<'a> {
    pub practice: PracticeId,
    pub case: CaseId,
    pub person: PersonId,
    pub number: i64,
    pub from: &'a str,
    pub to: &'a str,
    pub telehealth_place: &'a str,
    pub practice_name: &'a str,
    pub practice_address: &'a str,
    pub practice_tax_id: &'a str,
    pub practice_npi: &'a str,
    pub client_name: &'a str,
    pub client_birth_date: &'a str,
    pub created_by: i64,
    pub created_at: i64,
    pub diagnoses: &'a [(String, String, String)],
    pub lines: &'a [LineRow],
}

/// Stores a superbill, its diagnoses and lines, inside the caller's transaction.
pub async fn insert(mut c: Conn<'_>, s: &NewSuperbill<'_>) -> Result<SuperbillId, DbError> {
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO superbills (practice_id, case_id, person_id, number, from_day, to_day,
                telehealth_place, practice_name, practice_address, practice_tax_id, practice_npi,
                client_name, client_birth_date, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
             RETURNING id",
        )
        .bind(s.practice.0)
        .bind(s.case.0)
        .bind(s.person.0)
        .bind(s.number)
        .bind(s.from)
        .bind(s.to)
        .bind(s.telehealth_place)
        .bind(s.practice_name)
        .bind(s.practice_address)
        .bind(s.practice_tax_id)
        .bind(s.practice_npi)
        .bind(s.client_name)
        .bind(s.client_birth_date)
        .bind(s.created_by)
        .bind(s.created_at)
        .fetch_one(&mut *c)
        .await?
    });
    for (pointer, code, description) in s.diagnoses {
        on_conn!(c.re(), |c| {
            sqlx::query(
                "INSERT INTO superbill_diagnoses (superbill_id, pointer, code, description)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(pointer)
            .bind(code)
            .bind(description)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
    }
    for l in s.lines {
        on_conn!(c.re(), |c| {
            sqlx::query(
                "INSERT INTO superbill_lines (superbill_id, appointment_id, service_day, code,
                    is_cpt, description, modifiers, place_of_service, units, fee_cents,
                    paid_cents, provider_name, provider_npi, pointers)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(id)
            .bind(l.appointment_id)
            .bind(&l.service_day)
            .bind(&l.code)
            .bind(l.is_cpt)
            .bind(&l.description)
            .bind(&l.modifiers)
            .bind(&l.place_of_service)
            .bind(l.units)
            .bind(l.fee_cents)
            .bind(l.paid_cents)
            .bind(&l.provider_name)
            .bind(&l.provider_npi)
            .bind(&l.pointers)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
    }
    Ok(SuperbillId(id))
}

const HEADER: &str = "SELECT s.id, s.case_id, s.person_id, s.number, s.from_day, s.to_day,
        s.telehealth_place, s.practice_name, s.practice_address, s.practice_tax_id,
        s.practice_npi, s.client_name, s.client_birth_date, a.display_name AS created_by_name,
        s.created_at
     FROM superbills s JOIN accounts a ON a.id = s.created_by";

/// A superbill of the practice, if it is one.
pub async fn get(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: SuperbillId,
) -> Result<Option<SuperbillRow>, DbError> {
    let sql = format!("{HEADER} WHERE s.id = $1 AND s.practice_id = $2");
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(id.0)
            .bind(practice.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// A case's superbills, newest first.
pub async fn of_case(
    mut c: Conn<'_>,
    practice: PracticeId,
    case: CaseId,
) -> Result<Vec<SuperbillRow>, DbError> {
    let sql = format!("{HEADER} WHERE s.case_id = $1 AND s.practice_id = $2 ORDER BY s.id DESC");
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(case.0)
            .bind(practice.0)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// A superbill's diagnoses, A first.
pub async fn diagnoses_of(
    mut c: Conn<'_>,
    id: SuperbillId,
) -> Result<Vec<(String, String, String)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT pointer, code, description FROM superbill_diagnoses
             WHERE superbill_id = $1 ORDER BY pointer",
        )
        .bind(id.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// A superbill's lines, in date order.
pub async fn lines_of(mut c: Conn<'_>, id: SuperbillId) -> Result<Vec<LineRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT appointment_id, service_day, code, is_cpt, description, modifiers,
                place_of_service, units, fee_cents, paid_cents, provider_name, provider_npi,
                pointers
             FROM superbill_lines WHERE superbill_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&mut *c)
        .await?
    }))
}
