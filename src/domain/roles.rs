//! Who a signed-in account is to the practice, and which side of the product it may use.

use serde::{Deserialize, Serialize};

/// The role of an account. Staff roles run the practice; participants use the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Provider,
    Associate,
    Supervisor,
    Participant,
}

/// The two sides of the product. Each is refused to the other's accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Area {
    /// The practice's own app: calendars, cases, attendance, notes, billing.
    Staff,
    /// The participant portal: own sessions, forms, invoices, messages.
    Portal,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Owner,
        Role::Admin,
        Role::Provider,
        Role::Associate,
        Role::Supervisor,
        Role::Participant,
    ];

    /// The stored and wire name of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Provider => "provider",
            Role::Associate => "associate",
            Role::Supervisor => "supervisor",
            Role::Participant => "participant",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// How the role is named on screen.
    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Administrator",
            Role::Provider => "Provider",
            Role::Associate => "Associate",
            Role::Supervisor => "Supervisor",
            Role::Participant => "Participant",
        }
    }

    pub fn area(self) -> Area {
        match self {
            Role::Participant => Area::Portal,
            _ => Area::Staff,
        }
    }

    pub fn is_staff(self) -> bool {
        self.area() == Area::Staff
    }

    /// Whether an account of this role may use pages and server functions of `area`.
    /// Staff never see the portal (it would show them one participant's view with their
    /// own staff identity), and participants never see staff pages.
    pub fn may_enter(self, area: Area) -> bool {
        self.area() == area
    }

    /// Where an account lands after signing in.
    pub fn landing_path(self) -> &'static str {
        match self.area() {
            Area::Staff => "/app",
            Area::Portal => "/portal",
        }
    }

    /// Owners and admins run the whole practice and see every case; everyone else sees
    /// only what they are assigned, shared or supervise.
    pub fn sees_every_case(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// Owners and admins run the practice itself: its service catalogue, note templates,
    /// missed-session fees and (later) billing settings. Not the same question as
    /// [`Role::sees_every_case`], though today the same roles answer yes to both.
    pub fn manages_practice(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// Roles that deliver care and so can be a case's provider or write chart notes.
    pub fn provides_care(self) -> bool {
        matches!(
            self,
            Role::Provider | Role::Associate | Role::Supervisor | Role::Owner
        )
    }

    /// Only an associate works under a supervisor.
    pub fn needs_supervisor(self) -> bool {
        matches!(self, Role::Associate)
    }

    /// Whether a supervisor link from an account of this role to `supervisor` is valid.
    pub fn may_be_supervised_by(self, supervisor: Role) -> bool {
        self.needs_supervisor() && matches!(supervisor, Role::Supervisor | Role::Owner)
    }
}

/// What one staff account may see: its practice, and within it every case or only its
/// own, shared and supervised ones. Repositories filter by it; nothing crosses practices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub practice_id: super::PracticeId,
    pub account_id: super::AccountId,
    pub sees_every_case: bool,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_stored_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(
            Role::parse("Owner"),
            None,
            "stored names are lower case only"
        );
    }

    #[test]
    fn staff_and_participants_are_refused_each_others_area() {
        for role in Role::ALL {
            let staff = role != Role::Participant;
            assert_eq!(role.is_staff(), staff, "{role:?}");
            assert_eq!(role.may_enter(Area::Staff), staff, "{role:?}");
            assert_eq!(role.may_enter(Area::Portal), !staff, "{role:?}");
        }
    }

    #[test]
    fn landing_follows_the_area() {
        assert_eq!(Role::Owner.landing_path(), "/app");
        assert_eq!(Role::Associate.landing_path(), "/app");
        assert_eq!(Role::Participant.landing_path(), "/portal");
    }

    #[test]
    fn only_owners_and_admins_see_every_case() {
        let all: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.sees_every_case())
            .collect();
        assert_eq!(all, vec![Role::Owner, Role::Admin]);
    }

    #[test]
    fn admins_and_participants_do_not_provide_care() {
        assert!(!Role::Admin.provides_care());
        assert!(!Role::Participant.provides_care());
        assert!(Role::Associate.provides_care());
    }

    #[test]
    fn only_associates_are_supervised_and_only_by_a_supervisor_or_owner() {
        assert!(Role::Associate.may_be_supervised_by(Role::Supervisor));
        assert!(Role::Associate.may_be_supervised_by(Role::Owner));
        assert!(!Role::Associate.may_be_supervised_by(Role::Provider));
        assert!(!Role::Associate.may_be_supervised_by(Role::Associate));
        assert!(!Role::Provider.may_be_supervised_by(Role::Supervisor));
    }
}
