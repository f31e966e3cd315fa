//! What staff do to people, with every check and audit. Server only.

use super::repo;
use super::{GroupChoice, PersonProfile};
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Event, ObjectKind};
use crate::domain::people::PersonInput;
use crate::domain::PersonId;
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
    record(c.conn(), who, Event::read(ObjectKind::Person, id.0)).await?;
    Ok(PersonProfile {
        id,
        display_name: row.display_name(),
        details: row.as_input(),
        memberships,
        groups_available,
        today: who.today().to_string(),
    })
}
