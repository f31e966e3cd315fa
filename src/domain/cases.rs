//! Kinds of case and what each kind allows.
//!
//! One pure function, [`CaseKind::workflows`], decides per kind which clinical workflows
//! exist and which words the screens use. Screens ask it; none decide for themselves.

use serde::{Deserialize, Serialize};

/// The unit of care. Everything (appointments, notes, billing, messages) hangs off a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    Individual,
    Couple,
    Family,
    TherapyGroup,
    Workshop,
    IndividualConsultation,
    ConsultationGroup,
}

/// The vocabulary a case's screens use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Language {
    Therapy,
    Workshop,
    Consultation,
}

/// How a case is titled on calendars, sessions and notes: "TAG · Tuesday Anxiety Group",
/// or just the name when it has no initials.
pub fn case_title(initials: Option<&str>, name: &str) -> String {
    match initials {
        Some(i) => format!("{i} · {name}"),
        None => name.to_string(),
    }
}

impl Language {
    pub const ALL: [Language; 3] = [
        Language::Therapy,
        Language::Workshop,
        Language::Consultation,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Therapy => "therapy",
            Language::Workshop => "workshop",
            Language::Consultation => "consultation",
        }
    }

    pub fn parse(s: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// Which cases use it, as a template list says.
    pub fn label(self) -> &'static str {
        match self {
            Language::Therapy => "Therapy (individuals, couples, families, therapy groups)",
            Language::Workshop => "Workshops and skills groups",
            Language::Consultation => "Consultation",
        }
    }
}

/// The clinical workflows a case has. A workflow that is `false` is absent from the case's
/// screens, documents and billing: not greyed out, not there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workflows {
    pub diagnoses: bool,
    pub treatment_plans: bool,
    pub insurance_claims: bool,
    pub superbills: bool,
    pub therapy_intake: bool,
    pub mental_status_exam: bool,
    pub language: Language,
}

impl Workflows {
    /// Whether any clinical workflow exists for the case.
    pub fn any_clinical(&self) -> bool {
        self.diagnoses
            || self.treatment_plans
            || self.insurance_claims
            || self.superbills
            || self.therapy_intake
            || self.mental_status_exam
    }
}

/// How a person relates to a case or to the practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactType {
    Client,
    GroupParticipant,
    ConsultationClient,
    Consultee,
    BillingContact,
    Organization,
}

impl ContactType {
    pub fn label(self) -> &'static str {
        match self {
            ContactType::Client => "Client",
            ContactType::GroupParticipant => "Group participant",
            ContactType::ConsultationClient => "Consultation client",
            ContactType::Consultee => "Consultee",
            ContactType::BillingContact => "Billing contact",
            ContactType::Organization => "Organization",
        }
    }
}

/// The categories a service can be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceCategory {
    Psychotherapy,
    Consultation,
    Other,
}

impl ServiceCategory {
    pub const ALL: [ServiceCategory; 3] = [
        ServiceCategory::Psychotherapy,
        ServiceCategory::Consultation,
        ServiceCategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceCategory::Psychotherapy => "psychotherapy",
            ServiceCategory::Consultation => "consultation",
            ServiceCategory::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ServiceCategory> {
        ServiceCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ServiceCategory::Psychotherapy => "Psychotherapy",
            ServiceCategory::Consultation => "Consultation",
            ServiceCategory::Other => "Other",
        }
    }
}

/// How many participants a kind of case takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Headcount {
    pub min: usize,
    pub max: Option<usize>,
}

impl CaseKind {
    pub const ALL: [CaseKind; 7] = [
        CaseKind::Individual,
        CaseKind::Couple,
        CaseKind::Family,
        CaseKind::TherapyGroup,
        CaseKind::Workshop,
        CaseKind::IndividualConsultation,
        CaseKind::ConsultationGroup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Individual => "individual",
            CaseKind::Couple => "couple",
            CaseKind::Family => "family",
            CaseKind::TherapyGroup => "therapy_group",
            CaseKind::Workshop => "workshop",
            CaseKind::IndividualConsultation => "individual_consultation",
            CaseKind::ConsultationGroup => "consultation_group",
        }
    }

    pub fn parse(s: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The name of the kind, as the "New client or case" chooser shows it.
    pub fn label(self) -> &'static str {
        match self {
            CaseKind::Individual => "Individual",
            CaseKind::Couple => "Couple",
            CaseKind::Family => "Family",
            CaseKind::TherapyGroup => "Therapy group",
            CaseKind::Workshop => "Workshop / skills group",
            CaseKind::IndividualConsultation => "Individual consultation",
            CaseKind::ConsultationGroup => "Clinical consultation group",
        }
    }

    /// One line under the label in the chooser, so the right kind is picked.
    pub fn description(self) -> &'static str {
        match self {
            CaseKind::Individual => "Psychotherapy with one client.",
            CaseKind::Couple => "Psychotherapy with two partners, organised around the relationship.",
            CaseKind::Family => "Psychotherapy with several members of a family.",
            CaseKind::TherapyGroup => "Group psychotherapy (default service 90853).",
            CaseKind::Workshop => {
                "Trainings, skills, coaching or parent-education groups not billed as psychotherapy."
            }
            CaseKind::IndividualConsultation => "Professional consultation with one person.",
            CaseKind::ConsultationGroup => "Clinicians receiving group consultation or supervision.",
        }
    }

    /// Groups have initials, a capacity and a waitlist; they appear first in contacts.
    pub fn is_group(self) -> bool {
        matches!(
            self,
            CaseKind::TherapyGroup | CaseKind::Workshop | CaseKind::ConsultationGroup
        )
    }

    /// Which clinical workflows exist for this kind, and its vocabulary.
    pub fn workflows(self) -> Workflows {
        let clinical = matches!(
            self,
            CaseKind::Individual | CaseKind::Couple | CaseKind::Family | CaseKind::TherapyGroup
        );
        let language = match self {
            CaseKind::Workshop => Language::Workshop,
            CaseKind::IndividualConsultation | CaseKind::ConsultationGroup => {
                Language::Consultation
            }
            _ => Language::Therapy,
        };
        Workflows {
            diagnoses: clinical,
            treatment_plans: clinical,
            insurance_claims: clinical,
            superbills: clinical,
            therapy_intake: clinical,
            mental_status_exam: clinical,
            language,
        }
    }

    /// What this kind calls the people it serves.
    pub fn participant_type(self) -> ContactType {
        match self {
            CaseKind::Individual | CaseKind::Couple | CaseKind::Family => ContactType::Client,
            CaseKind::TherapyGroup => ContactType::Client,
            CaseKind::Workshop => ContactType::GroupParticipant,
            CaseKind::IndividualConsultation => ContactType::ConsultationClient,
            CaseKind::ConsultationGroup => ContactType::Consultee,
        }
    }

    /// The word for one participant on this kind's screens.
    pub fn participant_label(self) -> &'static str {
        match self {
            CaseKind::TherapyGroup => "Group client",
            _ => self.participant_type().label(),
        }
    }

    /// The word for the participants together ("Clients", "Participants", "Consultees").
    pub fn participants_heading(self) -> &'static str {
        match self {
            CaseKind::Individual | CaseKind::Couple | CaseKind::Family => "Clients",
            CaseKind::TherapyGroup => "Group clients",
            CaseKind::Workshop => "Group participants",
            CaseKind::IndividualConsultation => "Consultation client",
            CaseKind::ConsultationGroup => "Consultees",
        }
    }

    /// The category the default service is drawn from.
    pub fn default_service_category(self) -> ServiceCategory {
        match self.workflows().language {
            Language::Therapy => ServiceCategory::Psychotherapy,
            Language::Workshop => ServiceCategory::Other,
            Language::Consultation => ServiceCategory::Consultation,
        }
    }

    /// The standard code a new case of this kind is offered first, if any.
    pub fn suggested_service_code(self) -> Option<&'static str> {
        match self {
            CaseKind::TherapyGroup => Some("90853"),
            CaseKind::Individual => Some("90834"),
            CaseKind::Couple | CaseKind::Family => Some("90847"),
            _ => None,
        }
    }

    pub fn headcount(self) -> Headcount {
        match self {
            CaseKind::Individual | CaseKind::IndividualConsultation => Headcount {
                min: 1,
                max: Some(1),
            },
            CaseKind::Couple => Headcount {
                min: 2,
                max: Some(2),
            },
            CaseKind::Family => Headcount { min: 2, max: None },
            // A group may be set up before anyone has signed up.
            CaseKind::TherapyGroup | CaseKind::Workshop | CaseKind::ConsultationGroup => {
                Headcount { min: 0, max: None }
            }
        }
    }

    /// Checks the number of participants a new case starts with.
    pub fn check_headcount(self, n: usize) -> Result<(), String> {
        let h = self.headcount();
        let too_few = n < h.min;
        let too_many = h.max.is_some_and(|max| n > max);
        match (too_few || too_many, h.max) {
            (false, _) => Ok(()),
            (true, Some(max)) if max == h.min => Err(format!(
                "{} case needs exactly {} {}.",
                article(self.label()),
                max,
                if max == 1 {
                    "participant"
                } else {
                    "participants"
                }
            )),
            (true, _) => Err(format!(
                "{} case needs at least {} participants.",
                article(self.label()),
                h.min
            )),
        }
    }

    /// Whether a service of `category` may be this kind's default service. Workshops and
    /// consultation never default to a psychotherapy code (that would bill them as therapy).
    pub fn accepts_default_service(self, category: ServiceCategory) -> bool {
        match self.workflows().language {
            Language::Therapy => category == ServiceCategory::Psychotherapy,
            Language::Workshop => category == ServiceCategory::Other,
            Language::Consultation => category == ServiceCategory::Consultation,
        }
    }
}

fn article(label: &str) -> String {
    let vowel = label
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c));
    format!(
        "{} {}",
        if vowel { "An" } else { "A" },
        label.to_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole gating matrix, written out so a change to any cell is deliberate.
    #[test]
    fn gating_matrix() {
        use CaseKind::*;
        // kind, clinical workflows, language, participant type, default category, group
        let expected = [
            (
                Individual,
                true,
                Language::Therapy,
                ContactType::Client,
                ServiceCategory::Psychotherapy,
                false,
            ),
            (
                Couple,
                true,
                Language::Therapy,
                ContactType::Client,
                ServiceCategory::Psychotherapy,
                false,
            ),
            (
                Family,
                true,
                Language::Therapy,
                ContactType::Client,
                ServiceCategory::Psychotherapy,
                false,
            ),
            (
                TherapyGroup,
                true,
                Language::Therapy,
                ContactType::Client,
                ServiceCategory::Psychotherapy,
                true,
            ),
            (
                Workshop,
                false,
                Language::Workshop,
                ContactType::GroupParticipant,
                ServiceCategory::Other,
                true,
            ),
            (
                IndividualConsultation,
                false,
                Language::Consultation,
                ContactType::ConsultationClient,
                ServiceCategory::Consultation,
                false,
            ),
            (
                ConsultationGroup,
                false,
                Language::Consultation,
                ContactType::Consultee,
                ServiceCategory::Consultation,
                true,
            ),
        ];
        assert_eq!(
            expected.len(),
            CaseKind::ALL.len(),
            "every kind is in the matrix"
        );
        for (kind, clinical, language, participant, category, group) in expected {
            let w = kind.workflows();
            for (name, on) in [
                ("diagnoses", w.diagnoses),
                ("treatment plans", w.treatment_plans),
                ("insurance claims", w.insurance_claims),
                ("superbills", w.superbills),
                ("therapy intake", w.therapy_intake),
                ("mental status exam", w.mental_status_exam),
            ] {
                assert_eq!(on, clinical, "{kind:?}: {name}");
            }
            assert_eq!(w.any_clinical(), clinical, "{kind:?}");
            assert_eq!(w.language, language, "{kind:?}");
            assert_eq!(kind.participant_type(), participant, "{kind:?}");
            assert_eq!(kind.default_service_category(), category, "{kind:?}");
            assert_eq!(kind.is_group(), group, "{kind:?}");
            for c in ServiceCategory::ALL {
                assert_eq!(
                    kind.accepts_default_service(c),
                    c == category,
                    "{kind:?} {c:?}"
                );
            }
        }
    }

    #[test]
    fn kinds_round_trip_through_their_stored_names() {
        for kind in CaseKind::ALL {
            assert_eq!(CaseKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(CaseKind::parse("group"), None);
    }

    #[test]
    fn labels_use_each_kinds_words() {
        assert_eq!(CaseKind::Workshop.participant_label(), "Group participant");
        assert_eq!(CaseKind::ConsultationGroup.participant_label(), "Consultee");
        assert_eq!(
            CaseKind::IndividualConsultation.participant_label(),
            "Consultation client"
        );
        assert_eq!(CaseKind::Individual.participant_label(), "Client");
        assert_eq!(
            CaseKind::TherapyGroup.suggested_service_code(),
            Some("90853")
        );
        assert_eq!(CaseKind::Workshop.suggested_service_code(), None);
    }

    #[test]
    fn headcounts() {
        assert!(CaseKind::Individual.check_headcount(1).is_ok());
        assert_eq!(
            CaseKind::Individual.check_headcount(2).err().as_deref(),
            Some("An individual case needs exactly 1 participant.")
        );
        assert!(CaseKind::Couple.check_headcount(1).is_err());
        assert!(CaseKind::Couple.check_headcount(2).is_ok());
        assert_eq!(
            CaseKind::Family.check_headcount(1).err().as_deref(),
            Some("A family case needs at least 2 participants.")
        );
        assert!(CaseKind::Family.check_headcount(6).is_ok());
        assert!(CaseKind::Workshop.check_headcount(0).is_ok());
        assert!(CaseKind::IndividualConsultation.check_headcount(0).is_err());
    }
}
