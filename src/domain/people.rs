//! People and organizations the practice knows: validation of what staff type in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What kind of contact a record is. People receive care or pay for it; organizations
/// (employers, schools, agencies) sponsor it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    /// Someone who receives care (client, participant, consultee).
    Person,
    /// Someone who only pays for another's care (a parent, a partner).
    BillingContact,
    Organization,
}

impl PersonKind {
    pub const ALL: [PersonKind; 3] = [
        PersonKind::Person,
        PersonKind::BillingContact,
        PersonKind::Organization,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PersonKind::Person => "person",
            PersonKind::BillingContact => "billing_contact",
            PersonKind::Organization => "organization",
        }
    }

    pub fn parse(s: &str) -> Option<PersonKind> {
        PersonKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PersonKind::Person => "Person",
            PersonKind::BillingContact => "Billing contact",
            PersonKind::Organization => "Organization",
        }
    }

    /// Only people receive care; billing contacts and organizations only pay.
    pub fn may_participate(self) -> bool {
        self == PersonKind::Person
    }
}

/// A person's details as a form sends them. Strings are as typed; [`PersonInput::clean`]
/// trims them, checks them and turns empty optional fields into `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonInput {
    pub kind: Option<PersonKind>,
    pub legal_name: String,
    pub preferred_name: String,
    pub pronouns: String,
    pub date_of_birth: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub emergency_contact: String,
    pub admin_notes: String,
}

/// A checked person, ready to store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFields {
    pub kind: PersonKind,
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub emergency_contact: Option<String>,
    pub admin_notes: Option<String>,
}

/// A field that failed its check, and why: shown beside that field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn optional(text: &str, field: &'static str, max: usize) -> Result<Option<String>, FieldError> {
    let t = text.trim();
    if t.chars().count() > max {
        return Err(FieldError {
            field,
            message: format!("Keep this under {max} characters."),
        });
    }
    Ok((!t.is_empty()).then(|| t.to_string()))
}

impl PersonInput {
    pub fn clean(&self, today: NaiveDate) -> Result<PersonFields, FieldError> {
        let kind = self.kind.unwrap_or(PersonKind::Person);
        let legal_name = self.legal_name.trim().to_string();
        if legal_name.is_empty() {
            return Err(FieldError {
                field: "legal_name",
                message: if kind == PersonKind::Organization {
                    "Enter the organization's name.".into()
                } else {
                    "Enter the person's legal name.".into()
                },
            });
        }
        if legal_name.chars().count() > 200 {
            return Err(FieldError {
                field: "legal_name",
                message: "Keep the name under 200 characters.".into(),
            });
        }
        let date_of_birth = match self.date_of_birth.trim() {
            "" => None,
            text => {
                let d = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| FieldError {
                    field: "date_of_birth",
                    message: "Enter the date of birth as a date, like 1990-04-17.".into(),
                })?;
                if d > today {
                    return Err(FieldError {
                        field: "date_of_birth",
                        message: "The date of birth cannot be in the future.".into(),
                    });
                }
                if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) {
                    return Err(FieldError {
                        field: "date_of_birth",
                        message: "Check the year of birth.".into(),
                    });
                }
                Some(d)
            }
        };
        let email = match optional(&self.email, "email", 254)? {
            None => None,
            Some(e) => Some(super::sign_in::normalize_email(&e).ok_or(FieldError {
                field: "email",
                message: "Enter an email address like name@example.com, or leave it empty.".into(),
            })?),
        };
        let phone = optional(&self.phone, "phone", 40)?;
        if let Some(p) = &phone {
            let digits = p.chars().filter(char::is_ascii_digit).count();
            let allowed = p
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().x".contains(c));
            if digits < 7 || !allowed {
                return Err(FieldError {
                    field: "phone",
                    message: "Enter a phone number with at least 7 digits, or leave it empty."
                        .into(),
                });
            }
        }
        Ok(PersonFields {
            kind,
            legal_name,
            preferred_name: optional(&self.preferred_name, "preferred_name", 200)?,
            pronouns: optional(&self.pronouns, "pronouns", 40)?,
            date_of_birth,
            email,
            phone,
            address: optional(&self.address, "address", 500)?,
            emergency_contact: optional(&self.emergency_contact, "emergency_contact", 500)?,
            admin_notes: optional(&self.admin_notes, "admin_notes", 5000)?,
        })
    }
}

/// The name to greet and list someone by: preferred name and legal surname when there is
/// a preferred name ("Sam (Samantha) Lee" is noise in a list).
pub fn display_name(legal: &str, preferred: Option<&str>) -> String {
    match preferred {
        Some(p) if !p.trim().is_empty() => {
            let surname = legal.split_whitespace().last().unwrap_or("");
            if surname.is_empty() || p.contains(surname) {
                p.to_string()
            } else {
                format!("{p} {surname}")
            }
        }
        _ => legal.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    fn input(name: &str) -> PersonInput {
        PersonInput {
            legal_name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_name_is_all_that_is_required() {
        let p = input("  Alex Rivera ").clean(today()).expect("valid");
        assert_eq!(p.legal_name, "Alex Rivera");
        assert_eq!(p.kind, PersonKind::Person);
        assert_eq!(p.email, None);
        assert_eq!(
            input("   ").clean(today()).err().map(|e| e.field),
            Some("legal_name")
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases = [
            (
                PersonInput {
                    date_of_birth: "2030-01-01".into(),
                    ..input("A B")
                },
                "date_of_birth",
            ),
            (
                PersonInput {
                    date_of_birth: "01/02/1990".into(),
                    ..input("A B")
                },
                "date_of_birth",
            ),
            (
                PersonInput {
                    email: "not-an-email".into(),
                    ..input("A B")
                },
                "email",
            ),
            (
                PersonInput {
                    phone: "12".into(),
                    ..input("A B")
                },
                "phone",
            ),
            (
                PersonInput {
                    phone: "call me".into(),
                    ..input("A B")
                },
                "phone",
            ),
            (
                PersonInput {
                    pronouns: "x".repeat(41),
                    ..input("A B")
                },
                "pronouns",
            ),
        ];
        for (i, field) in cases {
            assert_eq!(i.clean(today()).err().map(|e| e.field), Some(field));
        }
    }

    #[test]
    fn good_optional_fields_are_kept() {
        let p = PersonInput {
            preferred_name: "Sam".into(),
            pronouns: "they/them".into(),
            date_of_birth: "1990-04-17".into(),
            email: " Sam@Example.org ".into(),
            phone: "+1 (555) 010-2030".into(),
            ..input("Samantha Lee")
        }
        .clean(today())
        .expect("valid");
        assert_eq!(p.email.as_deref(), Some("sam@example.org"));
        assert_eq!(p.date_of_birth, NaiveDate::from_ymd_opt(1990, 4, 17));
        assert_eq!(
            display_name(&p.legal_name, p.preferred_name.as_deref()),
            "Sam Lee"
        );
    }

    #[test]
    fn only_people_participate() {
        assert!(PersonKind::Person.may_participate());
        assert!(!PersonKind::BillingContact.may_participate());
        assert!(!PersonKind::Organization.may_participate());
    }
}
