//! Server functions for cases, groups, membership, billing responsibility and diagnoses.
//! Staff only; each checks the exact case or membership it touches.

use super::{
    Added, CaseDetails, CaseEdit, ContactItems, ContactList, ContactSection, NewCase, StaffMember,
};
use crate::domain::billing::Payer;
use crate::domain::paging::Cursor;
use crate::domain::{AccountId, CaseId, MembershipId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

#[cfg(feature = "ssr")]
fn day(field: &str, text: &str) -> Result<chrono::NaiveDate, AppError> {
    crate::domain::membership::parse_day(field, text).map_err(|m| AppError::invalid(field, m))
}

/// The contacts list's first page of groups, other cases and people matching `query`.
#[server(endpoint = "contacts", input = Json)]
pub async fn contacts(query: String) -> Result<ContactList, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::contacts(&state.db, &who, &query).await
    })
    .await
}

/// The next page of one section of the contacts list, for "Show more".
#[server(endpoint = "more_contacts", input = Json)]
pub async fn more_contacts(
    query: String,
    section: ContactSection,
    after: Cursor,
) -> Result<ContactItems, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::more_contacts(&state.db, &who, &query, section, &after).await
    })
    .await
}

#[server(endpoint = "care_staff", input = Json)]
pub async fn care_staff() -> Result<Vec<StaffMember>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::care_staff(&state.db, &who).await
    })
    .await
}

#[server(endpoint = "create_case", input = Json)]
pub async fn create_case(draft: NewCase) -> Result<CaseId, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::create_case(&state.db, &who, draft).await
    })
    .await
}

#[server(endpoint = "case_details", input = Json)]
pub async fn get_case_details(id: CaseId) -> Result<CaseDetails, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::case_details(&state.db, &who, id).await
    })
    .await
}

#[server(endpoint = "update_case", input = Json)]
pub async fn update_case(id: CaseId, edit: CaseEdit) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::update_case(&state.db, &who, id, edit).await
    })
    .await
}

#[server(endpoint = "add_member", input = Json)]
pub async fn add_member(
    case: CaseId,
    person: PersonId,
    joined_on: String,
) -> Result<Added, AppError> {
    serve(Area::Staff, move |state, who| async move {
        let on = day("joined_on", &joined_on)?;
        let done = super::server::add_member(&state.db, &who, case, person, on).await?;
        // Reminders follow sessions and rosters.
        crate::reminders::worker::wake();
        Ok(done)
    })
    .await
}

#[server(endpoint = "end_membership", input = Json)]
pub async fn end_membership(membership: MembershipId, left_on: String) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        let on = day("left_on", &left_on)?;
        super::server::end_membership(&state.db, &who, membership, on).await?;
        // Reminders follow sessions and rosters.
        crate::reminders::worker::wake();
        Ok(())
    })
    .await
}

#[server(endpoint = "promote_member", input = Json)]
pub async fn promote_member(membership: MembershipId, joined_on: String) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        let on = day("joined_on", &joined_on)?;
        super::server::promote(&state.db, &who, membership, on).await?;
        // Reminders follow sessions and rosters.
        crate::reminders::worker::wake();
        Ok(())
    })
    .await
}

#[server(endpoint = "set_case_payer", input = Json)]
pub async fn set_case_payer(case: CaseId, payer: Payer) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::set_case_payer(&state.db, &who, case, payer).await
    })
    .await
}

/// Sets (or, with `None`, clears) one participant's own payer.
#[server(endpoint = "set_member_payer", input = Json)]
pub async fn set_member_payer(
    membership: MembershipId,
    payer: Option<Payer>,
) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::set_member_payer(&state.db, &who, membership, payer).await
    })
    .await
}

#[server(endpoint = "add_diagnosis", input = Json)]
pub async fn add_diagnosis(
    case: CaseId,
    person: PersonId,
    code: String,
    description: String,
    noted_on: String,
) -> Result<i64, AppError> {
    serve(Area::Staff, move |state, who| async move {
        let on = day("noted_on", &noted_on)?;
        super::server::add_diagnosis(&state.db, &who, case, person, &code, &description, on).await
    })
    .await
}

#[server(endpoint = "share_case", input = Json)]
pub async fn share_case(case: CaseId, with: AccountId) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::share_case(&state.db, &who, case, with).await
    })
    .await
}
