//! Staff accounts, invitations and password resets in the database. Server only.

use crate::domain::{AccountId, InvitationId, PersonId, PracticeId, Role};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

/// An invitation as stored, with the names its email and page show.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InvitationRecord {
    pub id: i64,
    pub practice_id: i64,
    pub practice_name: String,
    pub email: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub supervisor_id: Option<i64>,
    pub person_id: Option<i64>,
    pub invited_by: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const INVITATION_COLUMNS: &str = "i.id, i.practice_id, p.name AS practice_name, i.email,
    i.display_name, i.role, i.supervisor_id, i.person_id, i.invited_by, i.created_at,
    i.expires_at, i.accepted_at, i.revoked_at";

pub struct NewInvitation<'a> {
    pub practice: PracticeId,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub supervisor: Option<AccountId>,
    pub person: Option<PersonId>,
    pub token_hash: &'a str,
    pub invited_by: AccountId,
    pub expires_at: i64,
}

pub async fn insert_invitation(
    mut c: Conn<'_>,
    i: &NewInvitation<'_>,
    now: i64,
) -> Result<InvitationId, DbError> {
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO invitations
                (practice_id, email, display_name, role, supervisor_id, person_id, token_hash,
                 invited_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             RETURNING id",
        )
        .bind(i.practice.0)
        .bind(i.email)
        .bind(i.display_name)
        .bind(i.role.as_str())
        .bind(i.supervisor.map(|s| s.0))
        .bind(i.person.map(|p| p.0))
        .bind(i.token_hash)
        .bind(i.invited_by.0)
        .bind(now)
        .bind(i.expires_at)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(InvitationId(id))
}

/// The invitation a link's token names, whatever state it is in.
pub async fn invitation_by_token(
    mut c: Conn<'_>,
    token_hash: &str,
) -> Result<Option<InvitationRecord>, DbError> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations i JOIN practices p ON p.id = i.practice_id
         WHERE i.token_hash = $1"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, InvitationRecord>(&sql)
            .bind(token_hash)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// One of this practice's invitations.
pub async fn invitation_in_practice(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: InvitationId,
) -> Result<Option<InvitationRecord>, DbError> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations i JOIN practices p ON p.id = i.practice_id
         WHERE i.id = $1 AND i.practice_id = $2"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, InvitationRecord>(&sql)
            .bind(id.0)
            .bind(practice.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// Whether an invitation to this address is waiting (neither accepted nor withdrawn).
pub async fn open_invitation_for(mut c: Conn<'_>, email: &str) -> Result<bool, DbError> {
    let n: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM invitations
             WHERE email = $1 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(email)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(n > 0)
}

/// The practice's waiting invitations, newest first.
pub async fn open_invitations(
    mut c: Conn<'_>,
    practice: PracticeId,
) -> Result<Vec<InvitationRecord>, DbError> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations i JOIN practices p ON p.id = i.practice_id
         WHERE i.practice_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL
         ORDER BY i.created_at DESC, i.id DESC"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, InvitationRecord>(&sql)
            .bind(practice.0)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// Marks the invitation accepted by `account`. False when it was accepted, withdrawn or
/// renewed in the meantime (the check and the write are one statement, so a link used
/// twice at once makes one account).
pub async fn mark_accepted(
    mut c: Conn<'_>,
    id: InvitationId,
    token_hash: &str,
    account: AccountId,
    now: i64,
) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE invitations SET accepted_at = $1, account_id = $2
             WHERE id = $3 AND token_hash = $4 AND accepted_at IS NULL AND revoked_at IS NULL
               AND expires_at > $1",
        )
        .bind(now)
        .bind(account.0)
        .bind(id.0)
        .bind(token_hash)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(done == 1)
}

/// Gives a waiting invitation a new link and a new expiry: the old link stops working.
pub async fn renew_invitation(
    mut c: Conn<'_>,
    id: InvitationId,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE invitations SET token_hash = $1, created_at = $2, expires_at = $3
             WHERE id = $4 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .bind(expires_at)
        .bind(id.0)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(done == 1)
}

pub async fn revoke_invitation(
    mut c: Conn<'_>,
    id: InvitationId,
    now: i64,
) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE invitations SET revoked_at = $1
             WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id.0)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(done == 1)
}

/// A staff account as the team screen lists it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub display_name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub supervisor_id: Option<i64>,
    pub supervisor: Option<String>,
    pub active: bool,
}

/// The practice's staff accounts (participants' portal accounts are on their own pages),
/// active first, by name.
pub async fn staff(mut c: Conn<'_>, practice: PracticeId) -> Result<Vec<MemberRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, MemberRow>(
            "SELECT a.id, a.display_name, a.email, a.role, a.supervisor_id,
                    s.display_name AS supervisor, a.active
             FROM accounts a LEFT JOIN accounts s ON s.id = a.supervisor_id
             WHERE a.practice_id = $1 AND a.role <> 'participant'
             ORDER BY a.active DESC, a.display_name, a.id",
        )
        .bind(practice.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Active owners of the practice other than `except`.
pub async fn other_active_owners(
    mut c: Conn<'_>,
    practice: PracticeId,
    except: AccountId,
) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM accounts
             WHERE practice_id = $1 AND role = 'owner' AND active AND id <> $2",
        )
        .bind(practice.0)
        .bind(except.0)
        .fetch_one(&mut *c)
        .await?
    }))
}

/// Active associates whose supervisor is this account.
pub async fn supervisees(mut c: Conn<'_>, supervisor: AccountId) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM accounts
             WHERE supervisor_id = $1 AND active AND role = 'associate'",
        )
        .bind(supervisor.0)
        .fetch_one(&mut *c)
        .await?
    }))
}

pub async fn set_role(
    mut c: Conn<'_>,
    id: AccountId,
    role: Role,
    supervisor: Option<AccountId>,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE accounts SET role = $1, supervisor_id = $2 WHERE id = $3")
            .bind(role.as_str())
            .bind(supervisor.map(|s| s.0))
            .bind(id.0)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// Ends every session of the account, or every one but `keep`.
pub async fn end_sessions(
    mut c: Conn<'_>,
    account: AccountId,
    keep: Option<&str>,
) -> Result<u64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
            .bind(account.0)
            .bind(keep.unwrap_or(""))
            .execute(&mut *c)
            .await?
            .rows_affected()
    }))
}

pub async fn set_password(
    mut c: Conn<'_>,
    account: AccountId,
    password_hash: &str,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(account.0)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// When the account was last sent a reset link, if ever.
pub async fn last_reset_at(mut c: Conn<'_>, account: AccountId) -> Result<Option<i64>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar("SELECT MAX(created_at) FROM password_resets WHERE account_id = $1")
            .bind(account.0)
            .fetch_one(&mut *c)
            .await?
    }))
}

pub async fn insert_reset(
    mut c: Conn<'_>,
    token_hash: &str,
    account: AccountId,
    now: i64,
    expires_at: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO password_resets (token_hash, account_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(account.0)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// A reset link as stored, with the account it resets.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResetRecord {
    pub account_id: i64,
    pub practice_id: i64,
    pub email: String,
    pub active: bool,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    /// A newer link was sent after this one.
    pub superseded: bool,
}

pub async fn reset_by_token(
    mut c: Conn<'_>,
    token_hash: &str,
) -> Result<Option<ResetRecord>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, ResetRecord>(
            "SELECT r.account_id, a.practice_id, a.email, a.active, r.expires_at, r.used_at,
                    EXISTS (SELECT 1 FROM password_resets n
                            WHERE n.account_id = r.account_id AND n.created_at > r.created_at)
                        AS superseded
             FROM password_resets r JOIN accounts a ON a.id = r.account_id
             WHERE r.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// Uses up a reset link, and every other the account was sent. False if it was used (or
/// had expired) in the meantime.
pub async fn use_reset(
    mut c: Conn<'_>,
    token_hash: &str,
    account: AccountId,
    now: i64,
) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE password_resets SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    if done != 1 {
        return Ok(false);
    }
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE password_resets SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(account.0)
        .execute(&mut *c)
        .await?;
    });
    Ok(true)
}

/// The portal account that belongs to a person of the practice.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PortalAccountRow {
    pub id: i64,
    pub email: String,
    pub active: bool,
}

pub async fn portal_account_of(
    mut c: Conn<'_>,
    practice: PracticeId,
    person: PersonId,
) -> Result<Option<PortalAccountRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, PortalAccountRow>(
            "SELECT id, email, active FROM accounts
             WHERE practice_id = $1 AND person_id = $2 AND role = 'participant'
             ORDER BY id LIMIT 1",
        )
        .bind(practice.0)
        .bind(person.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// The waiting portal invitation of a person, if any.
pub async fn open_invitation_of_person(
    mut c: Conn<'_>,
    practice: PracticeId,
    person: PersonId,
) -> Result<Option<InvitationRecord>, DbError> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations i JOIN practices p ON p.id = i.practice_id
         WHERE i.practice_id = $1 AND i.person_id = $2
           AND i.accepted_at IS NULL AND i.revoked_at IS NULL
         ORDER BY i.id DESC LIMIT 1"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, InvitationRecord>(&sql)
            .bind(practice.0)
            .bind(person.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}
