//! Services in the database. Server only.

use super::Service;
use crate::domain::cases::ServiceCategory;
use crate::domain::services::STANDARD_SERVICES;
use crate::domain::{PracticeId, ServiceId};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    name: String,
    category: String,
    minutes: i64,
    fee_cents: i64,
    standard: bool,
    active: bool,
}

fn service(r: Row) -> Service {
    Service {
        id: ServiceId(r.id),
        code: r.code,
        name: r.name,
        category: ServiceCategory::parse(&r.category).unwrap_or(ServiceCategory::Other),
        minutes: r.minutes,
        fee_cents: r.fee_cents,
        standard: r.standard,
        active: r.active,
    }
}

const COLUMNS: &str = "id, code, name, category, minutes, fee_cents, standard, active";

pub struct ServiceFields<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub category: ServiceCategory,
    pub minutes: i64,
    pub fee_cents: i64,
}

/// Adds the standard CPT set to a practice's catalogue (a new practice starts with it).
pub async fn seed_standard(mut c: Conn<'_>, practice: PracticeId, now: i64) -> Result<(), DbError> {
    for s in STANDARD_SERVICES {
        insert(
            c.re(),
            practice,
            &ServiceFields {
                code: s.code,
                name: s.name,
                category: s.category,
                minutes: s.minutes,
                fee_cents: s.fee_cents,
            },
            true,
            now,
        )
        .await?;
    }
    Ok(())
}

pub async fn insert(
    mut c: Conn<'_>,
    practice: PracticeId,
    f: &ServiceFields<'_>,
    standard: bool,
    now: i64,
) -> Result<ServiceId, DbError> {
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO services (practice_id, code, name, category, minutes, fee_cents, standard, active, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8) RETURNING id",
        )
        .bind(practice.0)
        .bind(f.code)
        .bind(f.name)
        .bind(f.category.as_str())
        .bind(f.minutes)
        .bind(f.fee_cents)
        .bind(standard)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(ServiceId(id))
}

pub async fn update(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: ServiceId,
    f: &ServiceFields<'_>,
) -> Result<bool, DbError> {
    let n = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE services SET code = $3, name = $4, category = $5, minutes = $6, fee_cents = $7
             WHERE practice_id = $1 AND id = $2",
        )
        .bind(practice.0)
        .bind(id.0)
        .bind(f.code)
        .bind(f.name)
        .bind(f.category.as_str())
        .bind(f.minutes)
        .bind(f.fee_cents)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(n > 0)
}

pub async fn set_active(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: ServiceId,
    active: bool,
) -> Result<bool, DbError> {
    let n = on_conn!(c.re(), |c| {
        sqlx::query("UPDATE services SET active = $3 WHERE practice_id = $1 AND id = $2")
            .bind(practice.0)
            .bind(id.0)
            .bind(active)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    Ok(n > 0)
}

/// Deletes a service nothing refers to. Returns false when it is in use (or not found).
pub async fn delete_unused(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: ServiceId,
) -> Result<bool, DbError> {
    let n = on_conn!(c.re(), |c| {
        sqlx::query(
            "DELETE FROM services WHERE practice_id = $1 AND id = $2
               AND NOT EXISTS (SELECT 1 FROM cases WHERE default_service_id = $2)",
        )
        .bind(practice.0)
        .bind(id.0)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(n > 0)
}

/// Takes a service out of use: deleted if nothing refers to it, otherwise deactivated so
/// the records that used it keep their meaning. `Some(true)` deleted, `Some(false)`
/// deactivated, `None` no such service in the practice.
pub async fn retire(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: ServiceId,
) -> Result<Option<bool>, DbError> {
    if delete_unused(c.re(), practice, id).await? {
        return Ok(Some(true));
    }
    Ok(set_active(c.re(), practice, id, false)
        .await?
        .then_some(false))
}

pub async fn list(
    mut c: Conn<'_>,
    practice: PracticeId,
    include_inactive: bool,
) -> Result<Vec<Service>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM services WHERE practice_id = $1 AND ($2 OR active = TRUE) ORDER BY category, code"
    );
    let rows: Vec<Row> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(include_inactive)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(rows.into_iter().map(service).collect())
}

pub async fn get(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: ServiceId,
) -> Result<Option<Service>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM services WHERE practice_id = $1 AND id = $2");
    let row: Option<Row> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(id.0)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(row.map(service))
}

pub async fn by_code(
    mut c: Conn<'_>,
    practice: PracticeId,
    code: &str,
) -> Result<Option<Service>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM services WHERE practice_id = $1 AND code = $2");
    let row: Option<Row> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(code)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(row.map(service))
}
