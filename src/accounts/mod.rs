//! Getting in: the practice's team (staff accounts, roles, deactivation), invitations by
//! email for staff and for the portal, and forgotten passwords.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::{AccountId, InvitationId, PersonId, Role};
use serde::{Deserialize, Serialize};

/// A staff account as the team screen shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: AccountId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub supervisor_id: Option<AccountId>,
    pub supervisor: Option<String>,
    pub active: bool,
    /// The signed-in viewer's own account.
    pub is_you: bool,
}

/// An invitation not yet accepted or withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: InvitationId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub person_id: Option<PersonId>,
    /// When it was last sent, in the practice's time zone.
    pub sent: String,
    pub expires: String,
    pub expired: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub members: Vec<TeamMember>,
    pub invitations: Vec<PendingInvitation>,
}

/// A staff invitation as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInvitationInput {
    pub email: String,
    pub name: String,
    pub role: String,
    pub supervisor_id: Option<AccountId>,
}

/// What the page behind an invitation link shows before the password is chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub practice_name: String,
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// Where a person's portal access stands, as their page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PortalStatus {
    /// Their details have no email address to invite.
    NoEmail,
    NotInvited,
    Invited(PendingInvitation),
    Active,
    Deactivated,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalAccess {
    pub person: PersonId,
    /// The address an invitation goes to, or the account signs in with.
    pub email: Option<String>,
    pub status: PortalStatus,
}
