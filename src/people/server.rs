//! What staff do to people, with every check and audit. Server only.

use super::repo;
use super::{GroupChoice, PersonProfile, PersonSummary};
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Event, ObjectKind};
use crate::cases::server::{add_member_in, case_changed, end_in, visible_case, visible_membership};
use crate::domain::people::PersonInput;
use crate::domain::people::PersonKind;
use crate::domain::{CaseId, PersonId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Db};

fn field_error(e: crate::domain::people::FieldError) -> AppError {
    AppError::invalid(e.field, e.message)
}

pub async fn create_person(db: &Db, who: &SignedIn, input: &PersonInput) -> AppResult<PersonId> {
    let fields = input.clean(who.today()).map_err(field_error)?;
    let mut tx = db.begin().await?;
    let id = repo::insert(tx.conn(), &who.scope(), &fields, now_ms()).await?;
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::Person, id.0).detail(fields.kind.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Updates a person's details. Their type (person, billing contact, organization) stays as
/// created: turning a client into an "organization" would show their record to every
/// staff member and leave memberships on someone who cannot take part.
pub async fn update_person(
    db: &Db,
    who: &SignedIn,
    id: PersonId,
    input: &PersonInput,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let existing = repo::get(tx.conn(), &who.scope(), id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Person, id.0))?;
    let input = PersonInput {
        kind: Some(existing.kind()),
        ..input.clone()
    };
    let fields = input.clean(who.today()).map_err(field_error)?;
    if !repo::update(tx.conn(), &who.scope(), id, &fields, now_ms()).await? {
        return Err(who.not_found(ObjectKind::Person, id.0));
    }
    record(tx.conn(), who, Event::update(ObjectKind::Person, id.0)).await?;
    tx.commit().await?;
    Ok(())
}

/// A person's profile with every case they belong to, audited as a read.
pub async fn profile(db: &Db, who: &SignedIn, id: PersonId) -> AppResult<PersonProfile> {
    let mut c = db.acquire().await?;
    let row = repo::get(c.conn(), &who.scope(), id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Person, id.0))?;
    let memberships = repo::memberships(c.conn(), &who.scope(), id).await?;
    let groups_available = crate::cases::repo::search(c.conn(), &who.scope(), "", true, 500)
        .await?
        .into_iter()
        .map(|g| GroupChoice {
            case_id: g.id,
            name: g.name,
            initials: g.initials,
            kind: g.kind,
        })
        .collect();
    drop(c);
    crate::audit::server::read(db, who, Event::read(ObjectKind::Person, id.0)).await?;
    Ok(PersonProfile {
        id,
        display_name: row.display_name(),
        details: row.as_input(),
        memberships,
        groups_available,
        today: who.today().to_string(),
    })
}

/// People the caller may see, for pickers (participants only when `participants`).
pub async fn search(
    db: &Db,
    who: &SignedIn,
    query: &str,
    kinds: &[PersonKind],
) -> AppResult<Vec<PersonSummary>> {
    let mut c = db.acquire().await?;
    Ok(repo::search(c.conn(), &who.scope(), query, kinds, 20).await?)
}

/// "Group memberships" on a profile: the person ends up a current member (or waitlisted)
/// of exactly the ticked groups the caller can see. New ones start today; unticked ones
/// end today. Groups the caller cannot see are left as they are.
pub async fn set_groups(
    db: &Db,
    who: &SignedIn,
    person: PersonId,
    ticked: Vec<CaseId>,
) -> AppResult<()> {
    let now = now_ms();
    let today = who.today();
    let mut tx = db.begin().await?;
    if repo::get(tx.conn(), &who.scope(), person).await?.is_none() {
        return Err(who.not_found(ObjectKind::Person, person.0));
    }
    // Every ticked group is checked before anything is written.
    let mut groups = Vec::new();
    for case_id in &ticked {
        let case = visible_case(tx.conn(), who, *case_id).await?;
        if !case.kind().is_group() {
            return Err(AppError::invalid(
                "groups",
                "Only groups can be ticked here.",
            ));
        }
        groups.push(case);
    }
    let memberships = repo::memberships(tx.conn(), &who.scope(), person).await?;
    let today_text = today.to_string();
    for m in memberships
        .iter()
        .filter(|m| m.left_on.is_none() && m.case_kind.is_group())
    {
        if !ticked.contains(&m.case_id) {
            let row = visible_membership(tx.conn(), who, m.membership_id).await?;
            end_in(&mut tx, &row, today, today, now)
                .await
                .map_err(|e| match e {
                    AppError::InvalidInput { message, .. } => {
                        AppError::invalid("groups", format!("{}: {message}", m.case_name))
                    }
                    other => other,
                })?;
            case_changed(
                &mut tx,
                who,
                m.case_id.0,
                &format!("ended membership of person {} on {today}", person.0),
            )
            .await?;
        }
    }
    for case in groups {
        if memberships
            .iter()
            .any(|m| m.is_current(&today_text) && m.case_id.0 == case.id)
        {
            continue;
        }
        add_member_in(&mut tx, who, &case, person, today, now).await?;
    }
    tx.commit().await?;
    Ok(())
}
