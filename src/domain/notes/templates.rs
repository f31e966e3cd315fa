//! Note templates: how one is checked as typed, the ones every practice starts with, and
//! the clinical words kept out of workshop and consultation templates.

use crate::domain::cases::Language;

/// Words that belong to psychotherapy records and so to no workshop or consultation
/// template: those groups have no diagnoses, treatment plans or progress notes.
const CLINICAL_TERMS: &[&str] = &[
    "diagnos",
    "treatment plan",
    "treatment-plan",
    "treatment goal",
    "progress note",
    "progress-note",
    "progress toward",
    "symptom",
    "dsm",
    "icd-",
    "icd10",
    "prognosis",
    "mental status",
    "psychotherap",
];

/// The clinical term a text uses, if any.
pub fn clinical_term(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    CLINICAL_TERMS.iter().copied().find(|t| lower.contains(t))
}

/// Most sections in one template.
pub const MAX_SECTIONS: usize = 30;

/// A template as typed: a name, the kind of case it is for, and its sections one per line.
/// Returns the cleaned sections, or the field and message to show.
pub fn check_template(
    name: &str,
    language: Language,
    sections_text: &str,
) -> Result<Vec<String>, (&'static str, String)> {
    let name = name.trim();
    if name.is_empty() {
        return Err(("name", "Give the template a name.".into()));
    }
    if name.chars().count() > 100 {
        return Err(("name", "Keep the name under 100 characters.".into()));
    }
    let sections: Vec<String> = sections_text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if sections.is_empty() {
        return Err(("sections", "Add at least one section, one per line.".into()));
    }
    if sections.len() > MAX_SECTIONS {
        return Err((
            "sections",
            format!("A template can have at most {MAX_SECTIONS} sections."),
        ));
    }
    if let Some(long) = sections.iter().find(|s| s.chars().count() > 120) {
        return Err((
            "sections",
            format!("Keep each section title under 120 characters (\"{long}\" is longer)."),
        ));
    }
    if language != Language::Therapy {
        let for_whom = match language {
            Language::Workshop => "Workshop",
            _ => "Consultation",
        };
        for (field, text) in
            std::iter::once(("name", name)).chain(sections.iter().map(|s| ("sections", s.as_str())))
        {
            if let Some(term) = clinical_term(text) {
                return Err((
                    field,
                    format!(
                        "{for_whom} notes carry no diagnosis, treatment-plan or progress-note language; \"{text}\" uses \"{term}\"."
                    ),
                ));
            }
        }
    }
    Ok(sections)
}

/// The templates every practice starts with: (name, for which cases, sections).
pub fn default_templates() -> Vec<(&'static str, Language, Vec<&'static str>)> {
    vec![
        (
            "Therapy group note",
            Language::Therapy,
            vec![
                "Session focus",
                "Interventions used",
                "Group process and participation",
                "Risk and safety",
                "Progress toward treatment goals",
                "Plan",
            ],
        ),
        (
            "Workshop session note",
            Language::Workshop,
            vec![
                "Topic or module",
                "Attendance notes",
                "Group themes",
                "Resources shared",
                "Participant follow-ups",
                "Administrative notes",
            ],
        ),
        (
            "Consultation note",
            Language::Consultation,
            vec![
                "Questions brought",
                "Discussion",
                "Guidance offered",
                "Resources shared",
                "Follow-ups",
                "Administrative notes",
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::notes::{from_sections, to_html};

    #[test]
    fn templates_become_headed_sections() {
        let doc = from_sections(&["Topic".into(), "Resources shared".into()]);
        assert_eq!(
            to_html(&doc),
            "<h2>Topic</h2><p><br></p><h2>Resources shared</h2><p><br></p>"
        );
    }

    #[test]
    fn workshop_and_consultation_templates_carry_no_clinical_language() {
        for (name, language, sections) in default_templates() {
            let text = sections.join("\n");
            assert!(check_template(name, language, &text).is_ok(), "{name}");
            if language != Language::Therapy {
                assert_eq!(clinical_term(name), None);
                for s in sections {
                    assert_eq!(clinical_term(s), None, "{name}: {s}");
                }
            }
        }
        let err = check_template(
            "Skills session",
            Language::Workshop,
            "Topic\nProgress toward treatment goals",
        )
        .expect_err("refused");
        assert_eq!(err.0, "sections");
        assert!(
            err.1.contains("Progress toward treatment goals"),
            "{}",
            err.1
        );
        assert_eq!(
            check_template("Diagnosis review", Language::Consultation, "Topic")
                .expect_err("refused")
                .0,
            "name"
        );
        assert!(check_template("Group note", Language::Therapy, "Diagnosis\nPlan").is_ok());
        assert_eq!(
            check_template(" ", Language::Therapy, "a")
                .expect_err("x")
                .0,
            "name"
        );
        assert_eq!(
            check_template("n", Language::Therapy, "\n \n")
                .expect_err("x")
                .0,
            "sections"
        );
    }
}
