//! Adding and removing a case's payer shares and its participants' own, and who pays what
//! of a participant's charge at a session. Server only.

use super::repo;
use super::{ChargePart, ShareInput};
use crate::access::SignedIn;
use crate::billing::repo as billing_repo;
use crate::billing::server::{bring_up_to_date, payer_changed};
use crate::calendar::server::{roster_of, visible_appointment};
use crate::cases::server::{case_changed, check_payer, visible_case, visible_membership};
use crate::domain::billing::Payer;
use crate::domain::money::Money;
use crate::domain::people::display_name;
use crate::domain::shares::{check_shares, parse_percent, Part, Share};
use crate::domain::{AppointmentId, CaseId, ChargeId, MembershipId, PersonId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Conn, Db, Tx};
use std::collections::HashMap;

/// Shares in the order they split in, with their ids beside them (the rules take the
/// shares as a slice, so billing a session allocates nothing per participant).
#[derive(Clone, Debug, Default)]
pub struct SharesWithIds {
    pub ids: Vec<i64>,
    pub shares: Vec<Share>,
}

impl SharesWithIds {
    fn push(&mut self, id: i64, share: Share) {
        self.ids.push(id);
        self.shares.push(share);
    }

    pub fn iter(&self) -> impl Iterator<Item = (i64, &Share)> {
        self.ids.iter().copied().zip(&self.shares)
    }
}

/// A case's shares and each participant's own (by membership).
#[derive(Clone, Debug, Default)]
pub struct AllShares {
    pub case: SharesWithIds,
    pub own: HashMap<i64, SharesWithIds>,
}

impl AllShares {
    /// One participant's own shares (by membership).
    pub fn own_of(&self, membership: Option<i64>) -> &[Share] {
        membership
            .and_then(|m| self.own.get(&m))
            .map_or(&[], |s| &s.shares)
    }
}

/// Reads a case's shares and its participants' own, once.
pub async fn all_of_case(c: Conn<'_>, case: CaseId) -> AppResult<AllShares> {
    let mut all = AllShares::default();
    for r in repo::of_case(c, case).await? {
        let share = r
            .share()
            .ok_or_else(|| AppError::internal("a payer share is not a known kind"))?;
        match r.membership_id {
            None => all.case.push(r.id, share),
            Some(m) => all.own.entry(m).or_default().push(r.id, share),
        }
    }
    Ok(all)
}

/// A case's shares as the rules see them, in the order they split in.
pub async fn shares_of(c: Conn<'_>, case: CaseId) -> AppResult<Vec<Share>> {
    Ok(all_of_case(c, case).await?.case.shares)
}

/// Checks that a case's shares still make sense with `payer` as the case's payer (a payer
/// who already holds a share cannot also become the one paying the rest).
pub async fn check_new_payer(c: Conn<'_>, case: CaseId, payer: Payer) -> AppResult<()> {
    let shares = shares_of(c, case).await?;
    if shares.iter().any(|s| s.payer == payer) {
        return Err(AppError::invalid(
            "payer",
            "That payer already has a share of this case's charges; remove the share first.",
        ));
    }
    Ok(())
}

/// The part of a new share as typed: a percentage, or dollars of each charge.
fn part_of(input: &ShareInput) -> AppResult<Part> {
    if input.fixed {
        Money::parse_positive(&input.amount)
            .map(Part::Fixed)
            .map_err(|m| AppError::invalid("amount", m))
    } else {
        parse_percent(&input.amount)
            .map(Part::Percent)
            .map_err(|m| AppError::invalid("amount", m))
    }
}

/// Checks a new share beside `primary` (who pays the rest) and the shares already there,
/// then writes it (a case's when `membership` is `None`, else that participant's).
async fn add_checked(
    tx: &mut Tx,
    who: &SignedIn,
    case: CaseId,
    membership: Option<MembershipId>,
    primary: Payer,
    mut shares: Vec<Share>,
    share: Share,
) -> AppResult<i64> {
    check_payer(tx.conn(), who, share.payer).await?;
    shares.push(share);
    check_shares(primary, &shares).map_err(|m| AppError::invalid("share", m))?;
    Ok(repo::insert(
        tx.conn(),
        who.practice_id,
        case,
        membership,
        share,
        who.account_id,
        now_ms(),
    )
    .await?)
}

/// Adds a share: checked with the case's payer and its other shares, written with its audit
/// entry in one transaction, and the case's charges not yet invoiced marked for billing
/// again.
pub async fn add_share(db: &Db, who: &SignedIn, case: CaseId, input: &ShareInput) -> AppResult<()> {
    let part = part_of(input)?;
    let mut tx = db.begin().await?;
    let row = visible_case(tx.conn(), who, case).await?;
    // Two shares added at once must not both pass the check against the same old list
    // (on Postgres they would together leave the case's payer nothing).
    billing_repo::lock_billing(tx.conn(), who.practice_id).await?;
    let primary = row.payer()?;
    let existing = shares_of(tx.conn(), case).await?;
    let share = Share {
        payer: input.payer,
        part,
    };
    let id = add_checked(&mut tx, who, case, None, primary, existing, share).await?;
    payer_changed(&mut tx, case, None).await?;
    case_changed(
        &mut tx,
        who,
        case.0,
        &format!(
            "payer share {id} added: {} pays {}",
            describe(input.payer),
            part.label()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes one of a case's shares; its part goes back to the case's payer.
pub async fn remove_share(db: &Db, who: &SignedIn, case: CaseId, id: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    visible_case(tx.conn(), who, case).await?;
    if !repo::delete(tx.conn(), case, None, id).await? {
        return Err(AppError::NotFound);
    }
    payer_changed(&mut tx, case, None).await?;
    case_changed(&mut tx, who, case.0, &format!("payer share {id} removed")).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a participant's own shares still make sense with `payer` as their own payer: while
/// their charges are shared they keep a payer of their own (who pays the rest), and a payer
/// who holds one of their shares cannot also become the one paying the rest.
pub async fn check_member_payer(
    c: Conn<'_>,
    case: CaseId,
    membership: MembershipId,
    payer: Option<Payer>,
) -> AppResult<()> {
    let all = all_of_case(c, case).await?;
    let own = all.own_of(Some(membership.0));
    if own.is_empty() {
        return Ok(());
    }
    match payer {
        None => Err(AppError::invalid(
            "payer",
            "This participant's charges are shared with other payers; remove those shares first, then they can follow the case's payer.",
        )),
        Some(p) if own.iter().any(|s| s.payer == p) => Err(AppError::invalid(
            "payer",
            "That payer already has a share of this participant's charges; remove the share first.",
        )),
        Some(_) => Ok(()),
    }
}

/// Adds a share of one participant's charges, beside their own payer (who pays the rest):
/// checked like a case's share, written with its audit entry in one transaction, and the
/// participant's charges not yet invoiced marked for billing again.
pub async fn add_member_share(
    db: &Db,
    who: &SignedIn,
    membership: MembershipId,
    input: &ShareInput,
) -> AppResult<()> {
    let part = part_of(input)?;
    let mut tx = db.begin().await?;
    let m = visible_membership(tx.conn(), who, membership).await?;
    billing_repo::lock_billing(tx.conn(), who.practice_id).await?;
    let Some(primary) = m.payer_override()? else {
        return Err(AppError::invalid(
            "share",
            "Choose this participant's own payer first: their shares split their charges with that payer.",
        ));
    };
    let case = CaseId(m.case_id);
    let existing = all_of_case(tx.conn(), case)
        .await?
        .own_of(Some(membership.0))
        .to_vec();
    let share = Share {
        payer: input.payer,
        part,
    };
    let id = add_checked(
        &mut tx,
        who,
        case,
        Some(membership),
        primary,
        existing,
        share,
    )
    .await?;
    payer_changed(&mut tx, case, Some(PersonId(m.person_id))).await?;
    case_changed(
        &mut tx,
        who,
        case.0,
        &format!(
            "payer share {id} of person {} added: {} pays {}",
            m.person_id,
            match input.payer {
                Payer::SelfPay => "the participant".to_string(),
                other => describe(other),
            },
            part.label()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes one of a participant's own shares; its part goes back to their own payer.
pub async fn remove_member_share(
    db: &Db,
    who: &SignedIn,
    membership: MembershipId,
    id: i64,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let m = visible_membership(tx.conn(), who, membership).await?;
    let case = CaseId(m.case_id);
    if !repo::delete(tx.conn(), case, Some(membership), id).await? {
        return Err(AppError::NotFound);
    }
    payer_changed(&mut tx, case, Some(PersonId(m.person_id))).await?;
    case_changed(
        &mut tx,
        who,
        case.0,
        &format!("payer share {id} of person {} removed", m.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A payer for the audit trail, by id only (no names in the log).
fn describe(payer: Payer) -> String {
    match payer {
        Payer::SelfPay => "each participant".into(),
        Payer::Contact(id) => format!("contact {id}"),
        Payer::Organization(id) => format!("organization {id}"),
    }
}

/// Who pays what of a participant's charge at a session the caller may open, brought up to
/// date first, so the payment form offers the parts as they are now.
pub async fn charge_parts(
    db: &Db,
    who: &SignedIn,
    appointment: AppointmentId,
    person: PersonId,
) -> AppResult<Vec<ChargePart>> {
    let mut tx = db.begin().await?;
    let (row, _case) = visible_appointment(&mut tx, who, appointment).await?;
    let roster = roster_of(tx.conn(), &row).await?;
    if !roster.iter().any(|r| r.person_id == person) {
        return Err(AppError::invalid(
            "person",
            "That person is not on this session's roster.",
        ));
    }
    bring_up_to_date(&mut tx, who, appointment, Some(person)).await?;
    let charges =
        billing_repo::charges_of(tx.conn(), who.practice_id, appointment, Some(person)).await?;
    tx.commit().await?;
    Ok(charges
        .iter()
        .filter(|c| c.amount_cents > 0)
        .map(|c| ChargePart {
            id: ChargeId(c.id),
            payer_name: display_name(&c.payer_legal_name, c.payer_preferred_name.as_deref()),
            self_pay: c.payer_kind == "self",
            amount: Money(c.amount_cents),
            owed: Money(c.owed_cents()),
        })
        .collect())
}
