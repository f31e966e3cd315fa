//! Accounts, sessions and sign-in failures in the database. Server only.

use crate::domain::sign_in::FailureRecord;
use crate::domain::{AccountId, PracticeId, Role};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

/// An account as stored. Never sent to the browser: it holds the password hash.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccountRecord {
    pub id: i64,
    pub practice_id: i64,
    pub email: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub supervisor_id: Option<i64>,
    pub password_hash: String,
    pub active: bool,
}

pub struct NewAccount<'a> {
    pub practice_id: PracticeId,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub supervisor_id: Option<AccountId>,
    pub password_hash: &'a str,
}

/// A live session joined with who it belongs to, as the session middleware needs it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRecord {
    pub token_hash: String,
    pub account_id: i64,
    pub practice_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub display_name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub active: bool,
    pub practice_name: String,
    pub time_zone: String,
}

pub async fn create_practice(
    mut c: Conn<'_>,
    name: &str,
    time_zone: &str,
    now: i64,
) -> Result<PracticeId, DbError> {
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO practices (name, time_zone, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(name)
        .bind(time_zone)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(PracticeId(id))
}

pub async fn count_practices(mut c: Conn<'_>) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM practices")
            .fetch_one(&mut *c)
            .await?
    }))
}

pub async fn create_account(
    mut c: Conn<'_>,
    a: NewAccount<'_>,
    now: i64,
) -> Result<AccountId, DbError> {
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO accounts
                (practice_id, email, display_name, role, supervisor_id, password_hash, active, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7)
             RETURNING id",
        )
        .bind(a.practice_id.0)
        .bind(a.email)
        .bind(a.display_name)
        .bind(a.role.as_str())
        .bind(a.supervisor_id.map(|s| s.0))
        .bind(a.password_hash)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(AccountId(id))
}

const ACCOUNT_COLUMNS: &str =
    "id, practice_id, email, display_name, role, supervisor_id, password_hash, active";

pub async fn account_by_email(
    mut c: Conn<'_>,
    email: &str,
) -> Result<Option<AccountRecord>, DbError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = $1");
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, AccountRecord>(&sql)
            .bind(email)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// An account of `practice`: an account of another practice is simply not found.
pub async fn account_in_practice(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: AccountId,
) -> Result<Option<AccountRecord>, DbError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE practice_id = $1 AND id = $2");
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, AccountRecord>(&sql)
            .bind(practice.0)
            .bind(id.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// Ties a portal account to the person it belongs to.
pub async fn link_person(
    mut c: Conn<'_>,
    email: &str,
    person: crate::domain::PersonId,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE accounts SET person_id = $1 WHERE email = $2")
            .bind(person.0)
            .bind(email)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

pub async fn set_active(mut c: Conn<'_>, id: AccountId, active: bool) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE accounts SET active = $1 WHERE id = $2")
            .bind(active)
            .bind(id.0)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

pub async fn insert_session(
    mut c: Conn<'_>,
    token_hash: &str,
    account: AccountId,
    practice: PracticeId,
    now: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, practice_id, created_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(token_hash)
        .bind(account.0)
        .bind(practice.0)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

pub async fn session_by_token_hash(
    mut c: Conn<'_>,
    token_hash: &str,
) -> Result<Option<SessionRecord>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, SessionRecord>(
            "SELECT s.token_hash, s.account_id, s.practice_id, s.created_at, s.last_seen_at,
                    a.display_name, a.email, a.role, a.active, p.name AS practice_name, p.time_zone
             FROM sessions s
             JOIN accounts a ON a.id = s.account_id AND a.practice_id = s.practice_id
             JOIN practices p ON p.id = s.practice_id
             WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&mut *c)
        .await?
    }))
}

pub async fn touch_session(mut c: Conn<'_>, token_hash: &str, now: i64) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// Ends a session on the server: the cookie that named it is refused from now on.
pub async fn delete_session(mut c: Conn<'_>, token_hash: &str) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    Ok(done > 0)
}

/// Takes the write lock on an address's failure record for the rest of the transaction,
/// creating an empty one if needed, so concurrent failed attempts count one after another
/// instead of each overwriting the same old count.
pub async fn lock_failure_record(mut c: Conn<'_>, email: &str, now: i64) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO sign_in_failures (email, failures, window_started_at, locked_until)
             VALUES ($1, 0, $2, NULL)
             ON CONFLICT (email) DO UPDATE SET email = excluded.email",
        )
        .bind(email)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Forgets failure records whose window and lock have both passed.
pub async fn purge_stale_failures(
    mut c: Conn<'_>,
    window_start_before: i64,
    now: i64,
) -> Result<u64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query(
            "DELETE FROM sign_in_failures
             WHERE window_started_at < $1 AND (locked_until IS NULL OR locked_until < $2)",
        )
        .bind(window_start_before)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected()
    }))
}

/// Deletes sessions past their idle or absolute limit: ones never presented again would
/// otherwise stay forever.
pub async fn purge_expired_sessions(
    mut c: Conn<'_>,
    idle_before: i64,
    created_before: i64,
) -> Result<u64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query("DELETE FROM sessions WHERE last_seen_at <= $1 OR created_at <= $2")
            .bind(idle_before)
            .bind(created_before)
            .execute(&mut *c)
            .await?
            .rows_affected()
    }))
}

pub async fn failure_record(mut c: Conn<'_>, email: &str) -> Result<FailureRecord, DbError> {
    let row: Option<(i64, i64, Option<i64>)> = on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT failures, window_started_at, locked_until FROM sign_in_failures WHERE email = $1",
        )
        .bind(email)
        .fetch_optional(&mut *c)
        .await?
    });
    Ok(row
        .map(
            |(failures, window_started_at, locked_until)| FailureRecord {
                failures,
                window_started_at,
                locked_until,
            },
        )
        .unwrap_or_default())
}

pub async fn save_failure_record(
    mut c: Conn<'_>,
    email: &str,
    r: &FailureRecord,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO sign_in_failures (email, failures, window_started_at, locked_until)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (email) DO UPDATE SET
                failures = excluded.failures,
                window_started_at = excluded.window_started_at,
                locked_until = excluded.locked_until",
        )
        .bind(email)
        .bind(r.failures)
        .bind(r.window_started_at)
        .bind(r.locked_until)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

pub async fn clear_failures(mut c: Conn<'_>, email: &str) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("DELETE FROM sign_in_failures WHERE email = $1")
            .bind(email)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}
