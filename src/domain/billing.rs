//! Billing responsibility: who pays, kept apart from who participates.

use super::money::Money;
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

super::stored_enum! {
    /// How a payment was made. Card payments are taken on the practice's own terminal; the
    /// product records them, it does not process cards.
    pub enum PaymentMethod as "payment method" {
        Cash => "cash",
        Check => "check",
        Card => "card",
        BankTransfer => "bank_transfer",
        Other => "other",
    }
}

/// The longest reference (check number, card reference, "other" label) kept.
pub const MAX_REFERENCE: usize = 80;

impl PaymentMethod {
    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "Cash",
            PaymentMethod::Check => "Check",
            PaymentMethod::Card => "Card (taken elsewhere)",
            PaymentMethod::BankTransfer => "Bank transfer",
            PaymentMethod::Other => "Other",
        }
    }

    /// What the reference field asks for with this method, and whether it is required.
    pub fn reference_label(self) -> Option<(&'static str, bool)> {
        match self {
            PaymentMethod::Cash => None,
            PaymentMethod::Check => Some(("Check number", true)),
            PaymentMethod::Card => Some(("Card reference (optional)", false)),
            PaymentMethod::BankTransfer => Some(("Transfer reference (optional)", false)),
            PaymentMethod::Other => Some(("What it was", true)),
        }
    }

    /// The reference kept with a payment: trimmed, required for checks and "other", at most
    /// `MAX_REFERENCE` characters, and none for cash.
    pub fn check_reference(self, text: &str) -> Result<String, String> {
        let text = text.trim();
        match self.reference_label() {
            None => Ok(String::new()),
            Some((label, true)) if text.is_empty() => {
                Err(format!("Enter the {}.", label.to_lowercase()))
            }
            Some(_) if text.chars().count() > MAX_REFERENCE => {
                Err(format!("Keep the reference to {MAX_REFERENCE} characters."))
            }
            Some(_) => Ok(text.to_string()),
        }
    }
}

/// The payer of a participant's charge: their own payer on the membership that covers the
/// date of service, else the case's.
pub fn responsible(own: Option<Payer>, case: Payer) -> Payer {
    own.unwrap_or(case)
}

/// What is still owed on one charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Open {
    pub charge: i64,
    pub owed: Money,
}

/// Part of a payment applied to one charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub charge: i64,
    pub amount: Money,
}

/// Spreads a payment over open charges in the order given (oldest first); what is left over
/// stays on the payer's account as a credit and is returned.
pub fn allocate(payment: Money, open: &[Open]) -> (Vec<Allocation>, Money) {
    let mut left = payment;
    let mut out = Vec::new();
    for o in open {
        if !left.is_positive() {
            break;
        }
        if !o.owed.is_positive() {
            continue;
        }
        let amount = o.owed.min(left);
        out.push(Allocation {
            charge: o.charge,
            amount,
        });
        left -= amount;
    }
    (out, left)
}

/// Checks a payment spread by hand over open charges ("this payment is for the 3
/// November session"): each part more than nothing, no charge twice, only open charges,
/// none beyond what is owed on it, all within the payment. Returns what is left over,
/// which goes on as credit.
pub fn check_allocation(
    payment: Money,
    open: &[Open],
    chosen: &[Allocation],
) -> Result<Money, String> {
    let mut total = Money::ZERO;
    for (i, a) in chosen.iter().enumerate() {
        if !a.amount.is_positive() {
            return Err("Each amount applied must be more than $0.00.".into());
        }
        if chosen[..i].iter().any(|b| b.charge == a.charge) {
            return Err("A charge is listed twice.".into());
        }
        let Some(o) = open.iter().find(|o| o.charge == a.charge) else {
            return Err("That charge is no longer open on this account; reload the page.".into());
        };
        if a.amount > o.owed {
            return Err(format!(
                "{} is more than the {} still owed on that charge.",
                a.amount, o.owed
            ));
        }
        total += a.amount;
    }
    if total > payment {
        return Err(format!(
            "The amounts applied ({total}) are more than the payment ({payment})."
        ));
    }
    Ok(payment - total)
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

    #[test]
    fn a_participants_own_payer_wins_over_the_cases() {
        assert_eq!(responsible(None, Payer::Contact(3)), Payer::Contact(3));
        assert_eq!(
            responsible(Some(Payer::SelfPay), Payer::Organization(8)),
            Payer::SelfPay
        );
    }

    #[test]
    fn payments_go_to_the_oldest_charges_and_the_rest_is_credit() {
        let open = [
            Open {
                charge: 1,
                owed: Money(5_000),
            },
            Open {
                charge: 2,
                owed: Money::ZERO,
            },
            Open {
                charge: 3,
                owed: Money(5_000),
            },
        ];
        let (parts, credit) = allocate(Money(7_500), &open);
        assert_eq!(
            parts,
            vec![
                Allocation {
                    charge: 1,
                    amount: Money(5_000)
                },
                Allocation {
                    charge: 3,
                    amount: Money(2_500)
                },
            ]
        );
        assert_eq!(credit, Money::ZERO);
        let (all, over) = allocate(Money(12_000), &open);
        assert_eq!(all.iter().map(|a| a.amount).sum::<Money>(), Money(10_000));
        assert_eq!(over, Money(2_000));
    }

    #[test]
    fn checks_and_other_payments_say_what_they_were() {
        assert_eq!(
            PaymentMethod::Cash.check_reference(" 123 "),
            Ok(String::new())
        );
        assert_eq!(
            PaymentMethod::Check.check_reference(" 1042 "),
            Ok("1042".into())
        );
        assert_eq!(
            PaymentMethod::Check.check_reference("  "),
            Err("Enter the check number.".into())
        );
        assert!(PaymentMethod::Other.check_reference("").is_err());
        assert_eq!(PaymentMethod::Card.check_reference(""), Ok(String::new()));
        assert!(PaymentMethod::Card
            .check_reference(&"x".repeat(MAX_REFERENCE + 1))
            .is_err());
        for m in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(m.as_str()), Some(*m));
        }
    }

    #[test]
    fn a_payment_spread_by_hand_stays_within_the_payment_and_each_charge() {
        let open = [
            Open {
                charge: 1,
                owed: Money(6_000),
            },
            Open {
                charge: 3,
                owed: Money(5_000),
            },
        ];
        let to = |charge, cents| Allocation {
            charge,
            amount: Money(cents),
        };
        assert_eq!(
            check_allocation(Money(6_000), &open, &[to(3, 5_000)]),
            Ok(Money(1_000))
        );
        assert_eq!(check_allocation(Money(6_000), &open, &[]), Ok(Money(6_000)));
        assert_eq!(
            check_allocation(Money(6_000), &open, &[to(3, 5_001)]),
            Err("$50.01 is more than the $50.00 still owed on that charge.".into())
        );
        assert_eq!(
            check_allocation(Money(6_000), &open, &[to(1, 4_000), to(3, 4_000)]),
            Err("The amounts applied ($80.00) are more than the payment ($60.00).".into())
        );
        assert!(check_allocation(Money(9_000), &open, &[to(3, 100), to(3, 100)]).is_err());
        assert!(check_allocation(Money(9_000), &open, &[to(2, 100)]).is_err());
        assert!(check_allocation(Money(9_000), &open, &[to(1, 0)]).is_err());
    }
}
