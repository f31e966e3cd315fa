//! Server functions for cases, groups, membership, billing responsibility and diagnoses.
//! Staff only; each checks the exact case or membership it touches.

use super::{Added, CaseDetails, CaseEdit, CaseSummary, NewCase, StaffMember};
use crate::domain::billing::Payer;
use crate::domain::{AccountId, CaseId, MembershipId, PersonId};
use crate::error::AppError;
use crate::people::PersonSummary;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{auth::server::require, domain::Area};

#[cfg(feature = "ssr")]
fn day(field: &str, text: &str) -> Result<chrono::NaiveDate, AppError> {
    crate::domain::membership::parse_day(field, text).map_err(|m| AppError::invalid(field, m))
}

/// The contacts list: groups first, then other cases, then people.
#[server(endpoint = "contacts", input = Json)]
pub async fn contacts(query: String) -> Result<(Vec<CaseSummary>, Vec<PersonSummary>), AppError> {
    let (state, who) = require(Area::Staff).await?;
    super::server::contacts(&state.db, &who, &query).await
}

#[server(endpoint = "care_staff", input = Json)]
pub async fn care_staff() -> Result<Vec<StaffMember>, AppError> {
    let (state, who) = require(Area::Staff).await?;
    super::server::care_staff(&state.db, &who).await
}

#[server(endpoint = "create_case", input = Json)]
pub async fn create_case(draft: NewCase) -> Result<CaseId, AppError> {
    let (state, who) = require(Area::Staff).await?;
    super::server::create_case(&state.db, &who, draft).await
}

#[server(endpoint = "case_details", input = Json)]
pub async fn get_case_details(id: CaseId) -> Result<CaseDetails, AppError> {
    let (state, who) = require(Area::Staff).await?;
    super::server::case_details(&state.db, &who, id).await
}

#[server(endpoint = "update_case", input = Json)]
pub async fn update_case(id: CaseId, edit: CaseEdit) -> Result<(), AppError> {
    let (state, who) = require(Area::Staff).await?;
    super::server::update_case(&state.db, &who, id, edit).await
}

#[server(endpoint = "add_member", input = Json)]
pub async fn add_member(
    case: CaseId,
    person: PersonId,
    joined_on: String,
) -> Result<Added, AppError> {
    let (state, who) = require(Area::Staff).await?;
    let on = day("joined_on", &joined_on)?;
    super::server::add_member(&state.db, &who, case, person, on).await
}

#[server(endpoint = "end_membership", input = Json)]
pub async fn end_membership(membership: MembershipId, left_on: String) -> Result<(), AppError> {
    let (state, who) = require(Area::Staff).await?;
    let on = day("left_on", &left_on)?;
    super::server::end_membership(&state.db, &who, membership, on).await
}

#[server(endpoint = "promote_member", input = Json)]
pub async fn promote_member(membership: MembershipId, joined_on: String) -> Result<(), AppError> {
    let (state, who) = require(Area::Staff).await?;
    let on = day("joined_on", &joined_on)?;
    super::server::promote(&state.db, &who, membership, on).await
}

#[server(endpoint = "set_case_payer", input = Json)]
pub async fn set_case_payer(case: CaseId, payer: Payer) -> Result<(), AppError> {
    let (state, who) = require(Area::Staff).await?;
    super::server::set_case_payer(&state.db, &who, case, payer).await
}

/// Sets (or, with `None`, clears) one participant's own payer.
#[server(endpoint = "set_member_payer", input = Json)]
pub async fn set_member_payer(
    membership: MembershipId,
    payer: Option<Payer>,
) -> Result<(), AppError> {
    let (state, who) = require(Area::Staff).await?;
    super::server::set_member_payer(&state.db, &who, membership, payer).await
}

#[server(endpoint = "add_diagnosis", input = Json)]
pub async fn add_diagnosis(
    case: CaseId,
    person: PersonId,
    code: String,
    description: String,
    noted_on: String,
) -> Result<i64, AppError> {
    let (state, who) = require(Area::Staff).await?;
    let on = day("noted_on", &noted_on)?;
    super::server::add_diagnosis(&state.db, &who, case, person, &code, &description, on).await
}

#[server(endpoint = "share_case", input = Json)]
pub async fn share_case(case: CaseId, with: AccountId) -> Result<(), AppError> {
    let (state, who) = require(Area::Staff).await?;
    super::server::share_case(&state.db, &who, case, with).await
}
