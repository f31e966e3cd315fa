//! Superbills: for one client of an individual, couple, family or therapy-group case and a
//! period, what the client hands their insurer to be reimbursed: the practice (name,
//! address, tax id, NPI), each rendering provider and NPI, the client's name and date of
//! birth, their diagnoses lettered A to L, and per date of service the CPT code, modifiers,
//! place of service, units, fee and amount paid. A superbill is made once and kept as made,
//! numbered without gaps per practice. Workshops and consultation have none: no screen
//! offers one, the server refuses one and the database cannot hold one.
//!
//! Who may make and read them: whoever may see the case (its providers, those it is shared
//! with, supervisors, owners and administrators). A clinician already sees the client's
//! diagnoses and sessions; what was paid on them is what the client themself would tell
//! their insurer.

pub mod components;
#[cfg(feature = "ssr")]
pub mod download;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use super::Issuer;
use crate::domain::money::Money;
use crate::domain::superbills::PlaceOfService;
use crate::domain::{CaseId, PersonId, SuperbillId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// What the "Create superbill" form sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuperbillDraft {
    pub case: CaseId,
    pub person: PersonId,
    /// The period, as `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    /// Where the client was for the period's video sessions.
    pub telehealth: PlaceOfService,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuperbillDiagnosis {
    /// "A".
    pub pointer: String,
    pub code: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuperbillLine {
    /// The date of service as `MM/DD/YYYY`, the way claim forms print it.
    pub date: String,
    pub code: String,
    /// Said when the code is the practice's own, not a CPT code.
    pub flag: Option<String>,
    pub description: String,
    /// "95", or empty.
    pub modifiers: String,
    /// "11", "10", "02".
    pub place: String,
    pub place_label: String,
    pub units: i64,
    pub fee: Money,
    pub paid: Money,
    pub provider: String,
    pub provider_npi: String,
    /// "AB".
    pub pointers: String,
}

/// A rendering provider of the period, with their NPI (empty when not recorded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderingProvider {
    pub name: String,
    pub npi: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Superbill {
    pub id: SuperbillId,
    /// "Superbill 3".
    pub title: String,
    pub issuer: Issuer,
    /// The practice's NPI, empty when not recorded.
    pub practice_npi: String,
    pub case_id: CaseId,
    pub client_name: String,
    /// As claim forms print it (`MM/DD/YYYY`); empty when not recorded.
    pub client_birth_date: String,
    /// "1 Nov – 30 Nov 2026".
    pub period: String,
    pub providers: Vec<RenderingProvider>,
    pub diagnoses: Vec<SuperbillDiagnosis>,
    pub lines: Vec<SuperbillLine>,
    pub made_by: String,
    pub made_on: String,
}

impl Superbill {
    pub fn total_fee(&self) -> Money {
        self.lines.iter().map(|l| l.fee).sum()
    }

    pub fn total_paid(&self) -> Money {
        self.lines.iter().map(|l| l.paid).sum()
    }

    /// Fees less what was paid.
    pub fn balance(&self) -> Money {
        self.total_fee() - self.total_paid()
    }

    /// How many lines carry a code that is not a CPT code.
    pub fn flagged(&self) -> usize {
        self.lines.iter().filter(|l| l.flag.is_some()).count()
    }
}

/// A superbill as the case page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuperbillSummary {
    pub id: SuperbillId,
    pub title: String,
    pub client_name: String,
    pub period: String,
    pub made_on: String,
}

/// Makes a superbill for one client of a clinical case; answers its id.
#[server(endpoint = "create_superbill", input = Json)]
pub async fn create_superbill(draft: SuperbillDraft) -> Result<SuperbillId, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::create(&state.db, &who, &draft).await
    })
    .await
}

/// One superbill.
#[server(endpoint = "superbill", input = Json)]
pub async fn get_superbill(id: SuperbillId) -> Result<Superbill, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::superbill(&state.db, &who, id).await
    })
    .await
}

/// A clinical case's superbills, newest first.
#[server(endpoint = "case_superbills", input = Json)]
pub async fn case_superbills(case: CaseId) -> Result<Vec<SuperbillSummary>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::of_case(&state.db, &who, case).await
    })
    .await
}
