//! Billing responsibility: who pays, kept apart from who participates.

use super::people::PersonKind;
use serde::{Deserialize, Serialize};

/// Who is responsible for a participant's charges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "contact")]
pub enum Payer {
    /// The participant pays for themself.
    SelfPay,
    /// A billing contact (a parent, a partner, one contact for the whole group).
    Contact(i64),
    /// A sponsoring organization.
    Organization(i64),
}

impl Payer {
    pub fn kind_str(self) -> &'static str {
        match self {
            Payer::SelfPay => "self",
            Payer::Contact(_) => "contact",
            Payer::Organization(_) => "organization",
        }
    }

    pub fn contact_id(self) -> Option<i64> {
        match self {
            Payer::SelfPay => None,
            Payer::Contact(id) | Payer::Organization(id) => Some(id),
        }
    }

    /// Rebuilds a payer from its stored parts.
    pub fn from_parts(kind: &str, contact: Option<i64>) -> Option<Payer> {
        match (kind, contact) {
            ("self", None) => Some(Payer::SelfPay),
            ("contact", Some(id)) => Some(Payer::Contact(id)),
            ("organization", Some(id)) => Some(Payer::Organization(id)),
            _ => None,
        }
    }

    /// Checks that the named contact is of a kind that can be this payer: an organization
    /// sponsors; a person or billing contact pays as a contact.
    pub fn check_contact_kind(self, kind: PersonKind) -> Result<(), String> {
        match (self, kind) {
            (Payer::SelfPay, _) => Ok(()),
            (Payer::Organization(_), PersonKind::Organization) => Ok(()),
            (Payer::Organization(_), _) => Err("Pick an organization as the sponsor.".into()),
            (Payer::Contact(_), PersonKind::Organization) => {
                Err("An organization pays as a sponsor; choose \"Sponsoring organization\".".into())
            }
            (Payer::Contact(_), _) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payers_round_trip_through_stored_parts() {
        for p in [Payer::SelfPay, Payer::Contact(4), Payer::Organization(9)] {
            assert_eq!(Payer::from_parts(p.kind_str(), p.contact_id()), Some(p));
        }
        assert_eq!(Payer::from_parts("contact", None), None);
        assert_eq!(Payer::from_parts("self", Some(3)), None);
    }

    #[test]
    fn sponsors_are_organizations_and_contacts_are_people() {
        assert!(Payer::Organization(1)
            .check_contact_kind(PersonKind::Organization)
            .is_ok());
        assert!(Payer::Organization(1)
            .check_contact_kind(PersonKind::Person)
            .is_err());
        assert!(Payer::Contact(1)
            .check_contact_kind(PersonKind::BillingContact)
            .is_ok());
        assert!(Payer::Contact(1)
            .check_contact_kind(PersonKind::Person)
            .is_ok());
        assert!(Payer::Contact(1)
            .check_contact_kind(PersonKind::Organization)
            .is_err());
    }
}
