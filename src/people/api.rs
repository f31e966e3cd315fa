//! Server functions for people. Staff only; each checks the exact person.

use super::{PersonProfile, PersonSummary};
use crate::domain::people::{PersonInput, PersonKind};
use crate::domain::{CaseId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// People whose name contains `query`, for search as you type. `kinds` narrows the
/// result (participants only, or payers only).
#[server(endpoint = "search_people", input = Json)]
pub async fn search_people(
    query: String,
    kinds: Vec<PersonKind>,
) -> Result<Vec<PersonSummary>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        let kinds = if kinds.is_empty() {
            PersonKind::ALL.to_vec()
        } else {
            kinds
        };
        super::server::search(&state.db, &who, &query, &kinds).await
    })
    .await
}

#[server(endpoint = "person_profile", input = Json)]
pub async fn get_person_profile(id: PersonId) -> Result<PersonProfile, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::profile(&state.db, &who, id).await
    })
    .await
}

#[server(endpoint = "create_person", input = Json)]
pub async fn create_person(input: PersonInput) -> Result<PersonSummary, AppError> {
    serve(Area::Staff, move |state, who| async move {
        let id = super::server::create_person(&state.db, &who, &input).await?;
        let mut c = state.db.acquire().await?;
        let row = super::repo::get(c.conn(), &who.scope(), id)
            .await?
            .ok_or_else(|| who.not_found(crate::audit::ObjectKind::Person, id.0))?;
        Ok(row.summary())
    })
    .await
}

#[server(endpoint = "update_person", input = Json)]
pub async fn update_person(id: PersonId, input: PersonInput) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::update_person(&state.db, &who, id, &input).await
    })
    .await
}

/// "Group memberships" on a profile: the groups ticked.
#[server(endpoint = "set_person_groups", input = Json)]
pub async fn set_person_groups(person: PersonId, groups: Vec<CaseId>) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::set_groups(&state.db, &who, person, groups).await
    })
    .await
}
