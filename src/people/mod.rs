//! People and organizations: profiles, search as you type, and group memberships from a
//! person's profile.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::cases::CaseKind;
use crate::domain::people::{PersonInput, PersonKind};
use crate::domain::{CaseId, MembershipId, PersonId};
use serde::{Deserialize, Serialize};

/// One line in a search or a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonSummary {
    pub id: PersonId,
    pub kind: PersonKind,
    pub display_name: String,
    pub legal_name: String,
    pub email: Option<String>,
}

/// A person's membership in a case, as their profile lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonMembership {
    pub membership_id: MembershipId,
    pub case_id: CaseId,
    pub case_name: String,
    pub case_kind: CaseKind,
    pub initials: Option<String>,
    pub waitlisted: bool,
    pub joined_on: String,
    pub left_on: Option<String>,
}

impl PersonMembership {
    /// Holds a place on `today` (ISO date): not ended, or ending on a later date.
    pub fn is_current(&self, today: &str) -> bool {
        self.left_on.as_deref().is_none_or(|left| left > today)
    }
}

/// A whole profile: the details as stored (for the edit form) and every case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonProfile {
    pub id: PersonId,
    pub display_name: String,
    pub details: PersonInput,
    pub memberships: Vec<PersonMembership>,
    /// Groups of the practice the viewer may add this person to, for "Group memberships".
    pub groups_available: Vec<GroupChoice>,
    /// The practice's today (ISO date), which decides current from past.
    pub today: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChoice {
    pub case_id: CaseId,
    pub name: String,
    pub initials: Option<String>,
    pub kind: CaseKind,
}
