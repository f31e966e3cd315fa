//! What owners and admins do to the service catalogue, each change audited with it. Every
//! staff member may read the catalogue (to pick a service). Server only.

use super::repo::{self, ServiceFields};
use super::{Service, ServiceInput};
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Event, ObjectKind};
use crate::domain::cases::ServiceCategory;
use crate::domain::services::{check_minutes, normalize_code, parse_money};
use crate::domain::ServiceId;
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Db};

fn may_manage(who: &SignedIn) -> AppResult<()> {
    who.permit(
        who.role.manages_practice(),
        "Only the practice's owners and administrators change the service catalogue.",
    )
}

pub async fn list(db: &Db, who: &SignedIn, include_inactive: bool) -> AppResult<Vec<Service>> {
    let mut c = db.acquire().await?;
    Ok(repo::list(c.conn(), who.practice_id, include_inactive).await?)
}

/// Creates (`id` = None) or edits a service.
pub async fn save(
    db: &Db,
    who: &SignedIn,
    id: Option<ServiceId>,
    input: &ServiceInput,
) -> AppResult<Service> {
    may_manage(who)?;
    let code = normalize_code(&input.code).map_err(|m| AppError::invalid("code", m))?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid(
            "name",
            "Give the service a name (up to 200 characters).",
        ));
    }
    let category = ServiceCategory::parse(&input.category).ok_or_else(|| {
        AppError::invalid("category", "Choose psychotherapy, consultation or other.")
    })?;
    let minutes = input
        .minutes
        .trim()
        .parse::<i64>()
        .map_err(|_| "Enter the duration in whole minutes.".to_string())
        .and_then(check_minutes)
        .map_err(|m| AppError::invalid("minutes", m))?;
    let fee_cents = parse_money(&input.fee).map_err(|m| AppError::invalid("fee", m))?;
    let fields = ServiceFields {
        code: &code,
        name,
        category,
        minutes,
        fee_cents,
    };

    let mut tx = db.begin().await?;
    if let Some(existing) = repo::by_code(tx.conn(), who.practice_id, &code).await? {
        if Some(existing.id) != id {
            return Err(AppError::invalid(
                "code",
                format!("{code} is already in your catalogue."),
            ));
        }
    }
    let id_given = id;
    let id = match id {
        Some(id) => {
            if !repo::update(tx.conn(), who.practice_id, id, &fields).await? {
                return Err(who.not_found(ObjectKind::Service, id.0));
            }
            id
        }
        None => repo::insert(tx.conn(), who.practice_id, &fields, false, now_ms()).await?,
    };
    let event = match id_given {
        Some(_) => Event::update(ObjectKind::Service, id.0),
        None => Event::create(ObjectKind::Service, id.0),
    };
    record(tx.conn(), who, event.detail(code.as_str())).await?;
    let saved = repo::get(tx.conn(), who.practice_id, id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Service, id.0))?;
    tx.commit().await?;
    Ok(saved)
}

/// Takes a service out of use: deleted if nothing refers to it, otherwise deactivated so
/// the records that used it keep their meaning. Returns true if it was deleted.
pub async fn retire(db: &Db, who: &SignedIn, id: ServiceId) -> AppResult<bool> {
    may_manage(who)?;
    let mut tx = db.begin().await?;
    let deleted = repo::retire(tx.conn(), who.practice_id, id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Service, id.0))?;
    let event = if deleted {
        Event::delete(ObjectKind::Service, id.0)
    } else {
        Event::update(ObjectKind::Service, id.0).detail("deactivated")
    };
    record(tx.conn(), who, event).await?;
    tx.commit().await?;
    Ok(deleted)
}

pub async fn reactivate(db: &Db, who: &SignedIn, id: ServiceId) -> AppResult<()> {
    may_manage(who)?;
    let mut tx = db.begin().await?;
    if !repo::set_active(tx.conn(), who.practice_id, id, true).await? {
        return Err(who.not_found(ObjectKind::Service, id.0));
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Service, id.0).detail("reactivated"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
