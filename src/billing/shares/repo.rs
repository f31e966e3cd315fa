//! A case's payer shares, and its participants' own. Server only; the rules (what a share
//! may be, how a charge splits) are in `domain::shares`, and who may change them is
//! checked in `server`.

use crate::domain::billing::Payer;
use crate::domain::shares::{Part, Share};
use crate::domain::{AccountId, CaseId, MembershipId, PracticeId};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ShareRow {
    pub id: i64,
    /// Set for one participant's own shares; `None` for the case's.
    pub membership_id: Option<i64>,
    pub payer_kind: String,
    pub payer_contact_id: Option<i64>,
    pub percent_bp: Option<i64>,
    pub fixed_cents: Option<i64>,
}

impl ShareRow {
    /// The share as the rules see it; `None` for a row the schema should never hold.
    pub fn share(&self) -> Option<Share> {
        Some(Share {
            payer: Payer::from_parts(&self.payer_kind, self.payer_contact_id)?,
            part: Part::from_stored(self.percent_bp, self.fixed_cents)?,
        })
    }
}

/// A case's shares and its participants' own, in the order they were added (the order they
/// split in).
pub async fn of_case(mut c: Conn<'_>, case: CaseId) -> Result<Vec<ShareRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT id, membership_id, payer_kind, payer_contact_id, percent_bp, fixed_cents
             FROM payer_shares WHERE case_id = $1 ORDER BY id",
        )
        .bind(case.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

pub async fn insert(
    mut c: Conn<'_>,
    practice: PracticeId,
    case: CaseId,
    membership: Option<MembershipId>,
    share: Share,
    by: AccountId,
    at: i64,
) -> Result<i64, DbError> {
    let (percent, fixed) = share.part.stored();
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO payer_shares (practice_id, case_id, payer_kind, payer_contact_id,
                percent_bp, fixed_cents, created_by, created_at, membership_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(practice.0)
        .bind(case.0)
        .bind(share.payer.kind_str())
        .bind(share.payer.contact_id())
        .bind(percent)
        .bind(fixed)
        .bind(by.0)
        .bind(at)
        .bind(membership.map(|m| m.0))
        .fetch_one(&mut *c)
        .await?
    }))
}

/// Removes one of a case's shares (`membership` `None`) or one of a participant's own;
/// false when there is no such share.
pub async fn delete(
    mut c: Conn<'_>,
    case: CaseId,
    membership: Option<MembershipId>,
    id: i64,
) -> Result<bool, DbError> {
    let n = on_conn!(c.re(), |c| {
        sqlx::query(
            "DELETE FROM payer_shares WHERE id = $1 AND case_id = $2
               AND ((membership_id IS NULL AND $3 = 0) OR membership_id = $3)",
        )
        .bind(id)
        .bind(case.0)
        .bind(membership.map_or(0, |m| m.0))
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(n > 0)
}
