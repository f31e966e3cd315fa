//! Server functions for the service catalogue. Every staff member may read it (to pick a
//! service); only owners and admins change it.

use super::{Service, ServiceInput};
use crate::domain::ServiceId;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "services", input = Json)]
pub async fn list_services(include_inactive: bool) -> Result<Vec<Service>, AppError> {
    let (state, who) = crate::auth::server::require(crate::domain::Area::Staff).await?;
    let mut c = state.db.acquire().await?;
    Ok(super::repo::list(c.conn(), who.practice_id, include_inactive).await?)
}

/// Creates (`id` = None) or edits a service.
#[server(endpoint = "save_service", input = Json)]
pub async fn save_service(id: Option<ServiceId>, input: ServiceInput) -> Result<Service, AppError> {
    use super::repo::{self, ServiceFields};
    use crate::domain::cases::ServiceCategory;
    use crate::domain::services::{check_minutes, normalize_code, parse_money};
    use crate::server::db::now_ms;

    let (state, who) = require_catalogue_manager().await?;
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

    let mut tx = state.db.begin().await?;
    if let Some(existing) = repo::by_code(tx.conn(), who.practice_id, &code).await? {
        if Some(existing.id) != id {
            return Err(AppError::invalid(
                "code",
                format!("{code} is already in your catalogue."),
            ));
        }
    }
    let id = match id {
        Some(id) => {
            if !repo::update(tx.conn(), who.practice_id, id, &fields).await? {
                return Err(AppError::NotFound);
            }
            id
        }
        None => repo::insert(tx.conn(), who.practice_id, &fields, false, now_ms()).await?,
    };
    let saved = repo::get(tx.conn(), who.practice_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(saved)
}

/// Takes a service out of use: deleted if nothing refers to it, otherwise deactivated so
/// the records that used it keep their meaning. Returns true if it was deleted.
#[server(endpoint = "retire_service", input = Json)]
pub async fn retire_service(id: ServiceId) -> Result<bool, AppError> {
    let (state, who) = require_catalogue_manager().await?;
    let mut tx = state.db.begin().await?;
    let deleted = super::repo::retire(tx.conn(), who.practice_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(deleted)
}

#[server(endpoint = "reactivate_service", input = Json)]
pub async fn reactivate_service(id: ServiceId) -> Result<(), AppError> {
    let (state, who) = require_catalogue_manager().await?;
    let mut c = state.db.acquire().await?;
    if !super::repo::set_active(c.conn(), who.practice_id, id, true).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

#[cfg(feature = "ssr")]
async fn require_catalogue_manager() -> Result<
    (
        crate::server::state::AppState,
        crate::auth::server::SignedIn,
    ),
    AppError,
> {
    let (state, who) = crate::auth::server::require(crate::domain::Area::Staff).await?;
    if !who.role.sees_every_case() {
        crate::audit::server::denied(
            &state.db,
            &who,
            "service catalogue",
            None,
            "not an owner or admin",
        )
        .await;
        return Err(AppError::Forbidden(
            "Only the practice's owners and administrators change the service catalogue.".into(),
        ));
    }
    Ok((state, who))
}
