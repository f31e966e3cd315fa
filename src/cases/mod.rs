//! Cases of every kind, groups among them: creation, details, providers, dated membership
//! with a waitlist, and the clinical records only clinical kinds have.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::billing::Payer;
use crate::domain::cases::{CaseKind, Workflows};
use crate::domain::paging::Page;
use crate::domain::{AccountId, CaseId, MembershipId, PersonId, ServiceId};
use serde::{Deserialize, Serialize};

/// Lines each page of a contacts list section holds.
pub const CONTACTS_PAGE: usize = 25;

/// The longest search the contacts list takes.
pub const MAX_CONTACT_QUERY: usize = 100;

/// The contacts list's first page of each section, for one search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactList {
    /// The search these are for, as the server read it (trimmed).
    pub query: String,
    pub groups: Page<CaseSummary>,
    pub cases: Page<CaseSummary>,
    pub people: Page<crate::people::PersonSummary>,
}

/// A section of the contacts list, for asking for its next page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactSection {
    Groups,
    Cases,
    People,
}

/// A further page of one section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactItems {
    Cases(Page<CaseSummary>),
    People(Page<crate::people::PersonSummary>),
}

/// One line of the contacts list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: CaseId,
    pub kind: CaseKind,
    pub name: String,
    pub initials: Option<String>,
    pub current_members: i64,
    pub capacity: Option<i64>,
}

/// What "New client or case" sends once reviewed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCase {
    pub kind: CaseKind,
    pub name: String,
    /// Groups only.
    pub initials: String,
    /// Groups only; `None` for no limit.
    pub capacity: Option<i64>,
    pub provider_ids: Vec<AccountId>,
    pub default_service_id: Option<ServiceId>,
    pub participant_ids: Vec<PersonId>,
    pub payer: Payer,
}

/// Edits to a case's own details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEdit {
    pub name: String,
    pub initials: String,
    pub capacity: Option<i64>,
    pub provider_ids: Vec<AccountId>,
    pub default_service_id: Option<ServiceId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: AccountId,
    pub name: String,
    pub role_label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLabel {
    pub id: ServiceId,
    pub code: String,
    pub name: String,
}

/// A payer with the words to show for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayerView {
    pub payer: Payer,
    pub label: String,
    /// The billing contact or sponsor, for editors to start from.
    pub contact: Option<crate::people::PersonSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub membership_id: MembershipId,
    pub person_id: PersonId,
    pub display_name: String,
    pub waitlisted: bool,
    pub joined_on: String,
    pub left_on: Option<String>,
    /// The participant's own payer, if it differs from the case's default.
    pub payer_override: Option<PayerView>,
    /// Shares of the participant's charges beside their own payer (who pays the rest).
    pub shares: Vec<crate::billing::shares::ShareView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub id: i64,
    pub person_id: PersonId,
    pub person_name: String,
    pub code: String,
    pub description: String,
    pub noted_on: String,
}

/// Everything the case page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetails {
    pub id: CaseId,
    pub kind: CaseKind,
    pub name: String,
    pub initials: Option<String>,
    pub capacity: Option<i64>,
    pub default_service: Option<ServiceLabel>,
    pub providers: Vec<StaffMember>,
    pub shared_with: Vec<StaffMember>,
    pub payer: PayerView,
    /// Other payers' shares of each charge; the case's payer pays the rest.
    pub shares: Vec<crate::billing::shares::ShareView>,
    pub members: Vec<Member>,
    pub workflows: Workflows,
    /// Present only for kinds with the diagnoses workflow.
    pub diagnoses: Option<Vec<Diagnosis>>,
    /// The practice's today, for date fields' defaults.
    pub today: String,
}

impl Member {
    /// Holds a place today: not ended, or ending on a later date.
    pub fn holds_place(&self, today: &str) -> bool {
        self.left_on.as_deref().is_none_or(|left| left > today)
    }
}

impl CaseDetails {
    pub fn current(&self) -> impl Iterator<Item = &Member> {
        self.members
            .iter()
            .filter(|m| m.holds_place(&self.today) && !m.waitlisted)
    }

    pub fn waitlist(&self) -> impl Iterator<Item = &Member> {
        self.members
            .iter()
            .filter(|m| m.holds_place(&self.today) && m.waitlisted)
    }

    pub fn past(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| !m.holds_place(&self.today))
    }
}

/// What adding someone to a case did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Added {
    Member(MembershipId),
    /// The group was full: they are on its waitlist.
    Waitlisted(MembershipId),
}
