//! The practice's billing details and staff NPIs. Server only.

use crate::domain::billing_settings::CheckedSettings;
use crate::domain::{AccountId, PracticeId, Role};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SettingsRow {
    pub name: String,
    pub legal_name: String,
    pub address: String,
    pub tax_id: String,
    pub npi: String,
    pub payment_terms_days: i64,
}

pub async fn read(mut c: Conn<'_>, practice: PracticeId) -> Result<SettingsRow, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT name, legal_name, address, tax_id, npi, payment_terms_days
             FROM practices WHERE id = $1",
        )
        .bind(practice.0)
        .fetch_one(&mut *c)
        .await?
    }))
}

pub async fn save(
    mut c: Conn<'_>,
    practice: PracticeId,
    s: &CheckedSettings,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE practices SET legal_name = $2, address = $3, tax_id = $4, npi = $5,
                payment_terms_days = $6 WHERE id = $1",
        )
        .bind(practice.0)
        .bind(&s.legal_name)
        .bind(&s.address)
        .bind(&s.tax_id)
        .bind(&s.npi)
        .bind(s.payment_terms_days)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ClinicianRow {
    pub id: i64,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub npi: String,
}

/// How many staff the settings page lists: a practice's staff, with room to spare.
const MAX_STAFF: i64 = 500;

/// The practice's active staff (one, with `only`), by name.
pub async fn clinicians(
    mut c: Conn<'_>,
    practice: PracticeId,
    only: Option<AccountId>,
) -> Result<Vec<ClinicianRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT id, display_name, role, npi FROM accounts
             WHERE practice_id = $1 AND role <> 'participant' AND active = TRUE
               AND ($2 = 0 OR id = $2)
             ORDER BY display_name, id LIMIT $3",
        )
        .bind(practice.0)
        .bind(only.map_or(0, |a| a.0))
        .bind(MAX_STAFF)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Sets a staff member's NPI (an active staff account of the practice).
pub async fn set_npi(
    mut c: Conn<'_>,
    practice: PracticeId,
    account: AccountId,
    npi: &str,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE accounts SET npi = $3
             WHERE id = $2 AND practice_id = $1 AND role <> 'participant' AND active = TRUE",
        )
        .bind(practice.0)
        .bind(account.0)
        .bind(npi)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}
