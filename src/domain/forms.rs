//! Rules of forms and signatures: what a form template may hold, which sets a case of each
//! kind may be sent (therapy intake only to clinical cases, workshop sets only to
//! workshops), what counts as a complete answer, what exactly is signed, and what a typed
//! signature must say. No I/O: the server stores and hashes, the client shows the same
//! errors before sending.

use super::cases::CaseKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest template name.
pub const MAX_FORM_NAME: usize = 100;
/// The most fields a template may have.
pub const MAX_FIELDS: usize = 60;
/// The longest question or statement.
pub const MAX_LABEL: usize = 300;
/// The longest information block (a policy, an agreement's text).
pub const MAX_INFO: usize = 20_000;
/// The most options a choice may offer, and the longest option.
pub const MAX_OPTIONS: usize = 20;
pub const MAX_OPTION: usize = 100;
/// The longest short and long answers.
pub const MAX_SHORT_ANSWER: usize = 300;
pub const MAX_LONG_ANSWER: usize = 10_000;
/// The longest typed signature.
pub const MAX_SIGNED_NAME: usize = 120;

super::stored_enum! {
    /// Which set a template belongs to. Workshops and consultation hide psychotherapy
    /// workflows, so therapy intake is offered only to clinical cases and workshop
    /// paperwork only to workshops.
    pub enum FormSet as "form set" {
        /// Therapy intake (history, consent to treatment): clinical cases only.
        Intake => "intake",
        /// Workshop paperwork (registration, participation agreement, policies, payment
        /// authorization): workshops only.
        Workshop => "workshop",
        /// Anything else (a release, a feedback form): any case.
        General => "general",
    }
}

impl FormSet {
    pub fn label(self) -> &'static str {
        match self {
            FormSet::Intake => "Therapy intake",
            FormSet::Workshop => "Workshop",
            FormSet::General => "General",
        }
    }

    /// Whether a template of this set may be sent to a member of a case of `kind`.
    pub fn offered_to(self, kind: CaseKind) -> bool {
        match self {
            FormSet::Intake => kind.workflows().therapy_intake,
            FormSet::Workshop => kind == CaseKind::Workshop,
            FormSet::General => true,
        }
    }
}

super::stored_enum! {
    /// A field of a form.
    pub enum FieldKind as "form field kind" {
        ShortText => "short_text",
        LongText => "long_text",
        Date => "date",
        Choice => "choice",
        Checkbox => "checkbox",
        /// The signature: its label is the intent the signer agrees to.
        Signature => "signature",
        /// Text to read (a policy, an agreement), no answer.
        Info => "info",
    }
}

impl FieldKind {
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::ShortText => "Short answer",
            FieldKind::LongText => "Long answer",
            FieldKind::Date => "Date",
            FieldKind::Choice => "Choice",
            FieldKind::Checkbox => "Checkbox",
            FieldKind::Signature => "Signature",
            FieldKind::Info => "Information",
        }
    }

    /// Whether the person answers this field (information and the signature are not
    /// answers: the signature is its own record).
    pub fn answered(self) -> bool {
        !matches!(self, FieldKind::Signature | FieldKind::Info)
    }
}

/// One field of a template, as stored (inside the template's version) and as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// Stable within the template ("f3"): answers are keyed by it.
    pub key: String,
    pub kind: FieldKind,
    /// The question; for a signature, the intent agreed to; for information, its heading.
    pub label: String,
    pub required: bool,
    /// A choice's options.
    #[serde(default)]
    pub options: Vec<String>,
    /// An information block's text.
    #[serde(default)]
    pub text: String,
}

/// A template checked: its name and fields, trimmed, with keys given to new fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedTemplate {
    pub name: String,
    pub fields: Vec<FormField>,
}

/// Why a template cannot be saved: the field of the form at fault ("name", "fields", or
/// "field-3" for the fourth field) and what to do.
pub type TemplateError = (String, String);

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// Checks a template as the practice built it. Keys already given are kept (answers of
/// earlier versions stay readable); new fields get the next free key.
pub fn check_template(name: &str, fields: &[FormField]) -> Result<CheckedTemplate, TemplateError> {
    let name = name.trim();
    let err = |at: &str, m: &str| Err((at.to_string(), m.to_string()));
    if name.is_empty() {
        return err("name", "Give the form a name.");
    }
    if too_long(name, MAX_FORM_NAME) {
        return err("name", "Keep the name to 100 characters.");
    }
    if fields.is_empty() {
        return err("fields", "Add at least one field.");
    }
    if fields.len() > MAX_FIELDS {
        return err("fields", "A form can have at most 60 fields.");
    }
    if fields
        .iter()
        .filter(|f| f.kind == FieldKind::Signature)
        .count()
        > 1
    {
        return err("fields", "A form has at most one signature field.");
    }
    let mut used: Vec<u32> = fields
        .iter()
        .filter_map(|f| f.key.strip_prefix('f')?.parse().ok())
        .collect();
    let mut out = Vec::with_capacity(fields.len());
    for (i, f) in fields.iter().enumerate() {
        let at = format!("field-{i}");
        let label = f.label.trim().to_string();
        if label.is_empty() {
            return err(
                &at,
                match f.kind {
                    FieldKind::Signature => "Say what the signer agrees to.",
                    FieldKind::Info => "Give the information a heading.",
                    _ => "Write the question.",
                },
            );
        }
        if too_long(&label, MAX_LABEL) {
            return err(&at, "Keep the question to 300 characters.");
        }
        let text = f.text.trim().to_string();
        if f.kind == FieldKind::Info && text.is_empty() {
            return err(&at, "Write the information to show.");
        }
        if too_long(&text, MAX_INFO) {
            return err(&at, "Keep the information to 20,000 characters.");
        }
        let options: Vec<String> = f
            .options
            .iter()
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty())
            .collect();
        if f.kind == FieldKind::Choice {
            if options.len() < 2 {
                return err(&at, "A choice needs at least two options, one per line.");
            }
            if options.len() > MAX_OPTIONS {
                return err(&at, "A choice can have at most 20 options.");
            }
            if options.iter().any(|o| too_long(o, MAX_OPTION)) {
                return err(&at, "Keep each option to 100 characters.");
            }
            let mut seen = options.clone();
            seen.sort();
            seen.dedup();
            if seen.len() != options.len() {
                return err(&at, "Each option must be different.");
            }
        }
        // A key stays the field's for good; a new field (or a duplicate) gets a fresh one.
        let key = match f.key.strip_prefix('f').and_then(|n| n.parse::<u32>().ok()) {
            Some(n) if !out.iter().any(|o: &FormField| o.key == f.key) => format!("f{n}"),
            _ => {
                let next = used.iter().copied().max().unwrap_or(0) + 1;
                used.push(next);
                format!("f{next}")
            }
        };
        out.push(FormField {
            key,
            kind: f.kind,
            label,
            // Information is never answered; a signature is always required.
            required: match f.kind {
                FieldKind::Info => false,
                FieldKind::Signature => true,
                _ => f.required,
            },
            options: if f.kind == FieldKind::Choice {
                options
            } else {
                Vec::new()
            },
            text: if f.kind == FieldKind::Info {
                text
            } else {
                String::new()
            },
        });
    }
    Ok(CheckedTemplate {
        name: name.to_string(),
        fields: out,
    })
}

/// The answers to a form, by field key. A checkbox is "yes" when ticked; a date is
/// "YYYY-MM-DD".
pub type Answers = BTreeMap<String, String>;

/// What is wrong with the answers, per field key.
pub type AnswerErrors = BTreeMap<String, String>;

/// Checks answers against the form's fields: every required field answered, a choice one of
/// its options, a date a real date, text within its length. Returns the answers kept
/// (trimmed, only the form's own answered fields; an unticked checkbox is absent).
pub fn check_answers(fields: &[FormField], given: &Answers) -> Result<Answers, AnswerErrors> {
    let mut kept = Answers::new();
    let mut errors = AnswerErrors::new();
    for f in fields.iter().filter(|f| f.kind.answered()) {
        let value = given.get(&f.key).map(|v| v.trim()).unwrap_or("");
        let value = match f.kind {
            FieldKind::Checkbox => {
                if value == "yes" {
                    "yes"
                } else {
                    ""
                }
            }
            _ => value,
        };
        if value.is_empty() {
            if f.required {
                errors.insert(
                    f.key.clone(),
                    match f.kind {
                        FieldKind::Checkbox => "Tick this box to go on.",
                        FieldKind::Choice => "Choose one.",
                        _ => "This question needs an answer.",
                    }
                    .to_string(),
                );
            }
            continue;
        }
        let problem = match f.kind {
            FieldKind::ShortText if too_long(value, MAX_SHORT_ANSWER) => {
                Some("Keep this answer to 300 characters.")
            }
            FieldKind::LongText if too_long(value, MAX_LONG_ANSWER) => {
                Some("Keep this answer to 10,000 characters.")
            }
            FieldKind::Date if chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_err() => {
                Some("Enter a date (year-month-day).")
            }
            FieldKind::Choice if !f.options.iter().any(|o| o == value) => {
                Some("Choose one of the options.")
            }
            _ => None,
        };
        match problem {
            Some(m) => {
                errors.insert(f.key.clone(), m.to_string());
            }
            None => {
                kept.insert(f.key.clone(), value.to_string());
            }
        }
    }
    if errors.is_empty() {
        Ok(kept)
    } else {
        Err(errors)
    }
}

/// Whether a form is completed by signatures (it has a signature field) rather than by
/// being submitted.
pub fn needs_signatures(fields: &[FormField]) -> bool {
    fields.iter().any(|f| f.kind == FieldKind::Signature)
}

/// Exactly what is signed: the template and its version, the form as the signer saw it
/// (every field, with information blocks' text and the signature's intent) and the
/// answers, as one canonical JSON text. Its SHA-256 is kept with every signature, so a
/// change to any of it shows.
pub fn signed_content(
    template_id: i64,
    version: i64,
    title: &str,
    person: &str,
    fields: &[FormField],
    answers: &Answers,
) -> String {
    // serde_json writes struct fields in declaration order and BTreeMap keys sorted: the
    // same form always gives the same text.
    #[derive(Serialize)]
    struct Content<'a> {
        template_id: i64,
        version: i64,
        title: &'a str,
        person: &'a str,
        fields: &'a [FormField],
        answers: &'a Answers,
    }
    serde_json::to_string(&Content {
        template_id,
        version,
        title,
        person,
        fields,
        answers,
    })
    .unwrap_or_default()
}

super::stored_enum! {
    /// In what capacity someone signs.
    pub enum SignerCapacity as "signer capacity" {
        /// For themself.
        OwnBehalf => "self",
        /// For a child or someone in their care.
        ParentOrGuardian => "parent_guardian",
        /// As someone's legal or personal representative.
        Representative => "representative",
    }
}

impl SignerCapacity {
    pub fn label(self) -> &'static str {
        match self {
            SignerCapacity::OwnBehalf => "Self",
            SignerCapacity::ParentOrGuardian => "Parent or guardian",
            SignerCapacity::Representative => "Representative",
        }
    }
}

super::stored_enum! {
    /// Where one person's form stands.
    pub enum FormStatus as "form status" {
        Sent => "sent",
        /// Opened in the portal, not yet completed.
        Viewed => "viewed",
        /// Submitted and, where the form has a signature, signed by every signer.
        Completed => "completed",
    }
}

impl FormStatus {
    pub fn label(self) -> &'static str {
        match self {
            FormStatus::Sent => "Sent",
            FormStatus::Viewed => "Viewed",
            FormStatus::Completed => "Completed",
        }
    }
}

/// A typed signature: the name as typed (trimmed), which must be a name, and the stated
/// intent agreed to.
pub fn check_signature(typed: &str, agreed: bool) -> Result<String, TemplateError> {
    let typed = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if typed.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return Err(("signature".into(), "Type your full name to sign.".into()));
    }
    if too_long(&typed, MAX_SIGNED_NAME) {
        return Err((
            "signature".into(),
            "Keep the signature to 120 characters.".into(),
        ));
    }
    if !agreed {
        return Err((
            "agree".into(),
            "Tick the box to agree to what you are signing.".into(),
        ));
    }
    Ok(typed)
}

const DAY_MS: i64 = 86_400_000;
/// Days after sending before the first automatic reminder of an incomplete form.
pub const FIRST_REMINDER_DAYS: i64 = 3;
/// Days between later reminders.
pub const REMINDER_EVERY_DAYS: i64 = 7;
/// Reminders of one form in all (staff's and automatic): after these, staff follow up.
pub const MAX_REMINDERS: i64 = 3;

/// Whether an incomplete form is due an automatic reminder at `now`: three days after it
/// was sent, then a week after the last reminder (whoever sent it), three in all.
pub fn reminder_due(sent_at: i64, reminded_at: Option<i64>, reminders: i64, now: i64) -> bool {
    if reminders >= MAX_REMINDERS {
        return false;
    }
    match reminded_at {
        None => now - sent_at >= FIRST_REMINDER_DAYS * DAY_MS,
        Some(last) => now - last >= REMINDER_EVERY_DAYS * DAY_MS,
    }
}

/// "1 of 2 signed", for staff and the portal.
pub fn signed_count(signed: usize, signers: usize) -> String {
    format!("{signed} of {signers} signed")
}

/// The email telling someone a form is waiting for them (sent, or a reminder): it names
/// only the practice, never the form, the person or the case.
pub fn form_notice_email(practice: &str, public_url: &str, reminder: bool) -> (String, String) {
    let subject = if reminder {
        format!("Reminder: a form from {practice} is waiting")
    } else {
        format!("A form from {practice} is waiting")
    };
    (
        subject,
        format!(
            "{practice} has asked you to complete a form.\n\n\
             Sign in to read it and complete it:\n{}/portal/forms\n",
            public_url.trim_end_matches('/')
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind, label: &str, required: bool) -> FormField {
        FormField {
            key: String::new(),
            kind,
            label: label.into(),
            required,
            options: Vec::new(),
            text: String::new(),
        }
    }

    fn agreement() -> Vec<FormField> {
        let mut info = field(FieldKind::Info, "Participation agreement", false);
        info.text = "I will keep what others share in the workshop private.".into();
        let mut choice = field(FieldKind::Choice, "How did you hear of us?", false);
        choice.options = vec!["A friend".into(), " Online ".into(), "".into()];
        check_template(
            " Participation agreement ",
            &[
                info,
                field(FieldKind::ShortText, "Emergency contact", true),
                field(FieldKind::Date, "Date of birth", false),
                choice,
                field(FieldKind::Checkbox, "I agree to the policies", true),
                field(FieldKind::Signature, "I agree to take part", false),
            ],
        )
        .expect("a good template")
        .fields
    }

    #[test]
    fn templates_are_trimmed_keyed_and_normalised() {
        let fields = agreement();
        let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["f1", "f2", "f3", "f4", "f5", "f6"]);
        assert_eq!(fields[3].options, ["A friend", "Online"]);
        assert!(fields[5].required, "a signature is always required");
        assert!(!fields[0].required, "information is never required");
        // Keys survive a second save, and a new field gets a fresh one.
        let mut again = fields.clone();
        again.remove(1);
        again.push(field(FieldKind::LongText, "Anything else?", false));
        let checked = check_template("Agreement", &again).expect("saved again");
        let keys: Vec<&str> = checked.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["f1", "f3", "f4", "f5", "f6", "f7"]);
    }

    #[test]
    fn bad_templates_say_which_field() {
        assert_eq!(
            check_template(" ", &agreement()).expect_err("refused").0,
            "name"
        );
        assert_eq!(check_template("X", &[]).expect_err("refused").0, "fields");
        let mut choice = field(FieldKind::Choice, "Pick", true);
        choice.options = vec!["Only one".into()];
        let e = check_template("X", &[field(FieldKind::ShortText, "Q", false), choice]);
        assert_eq!(e.expect_err("refused").0, "field-1");
        let e = check_template("X", &[field(FieldKind::Info, "Policies", false)]);
        assert_eq!(
            e.expect_err("refused").1,
            "Write the information to show.",
            "an information block needs its text"
        );
        let two = [
            field(FieldKind::Signature, "I agree", true),
            field(FieldKind::Signature, "I agree again", true),
        ];
        assert_eq!(check_template("X", &two).expect_err("refused").0, "fields");
    }

    #[test]
    fn required_fields_must_be_answered() {
        let fields = agreement();
        let errors = check_answers(&fields, &Answers::new()).expect_err("refused");
        assert_eq!(
            errors.keys().map(String::as_str).collect::<Vec<_>>(),
            ["f2", "f5"],
            "the emergency contact and the policies box; not the optional ones"
        );
        let mut given = Answers::new();
        given.insert("f2".into(), "  Sam, 555-0100 ".into());
        given.insert("f5".into(), "yes".into());
        given.insert("f9".into(), "not a field".into());
        given.insert("f6".into(), "a signature is not an answer".into());
        let kept = check_answers(&fields, &given).expect("complete");
        assert_eq!(kept.get("f2").map(String::as_str), Some("Sam, 555-0100"));
        assert_eq!(
            kept.len(),
            2,
            "only the form's own answered fields: {kept:?}"
        );
    }

    #[test]
    fn answers_are_checked_by_kind() {
        let fields = agreement();
        let mut given = Answers::new();
        given.insert("f2".into(), "Sam".into());
        given.insert("f5".into(), "yes".into());
        given.insert("f3".into(), "31/02/1990".into());
        given.insert("f4".into(), "A stranger".into());
        let errors = check_answers(&fields, &given).expect_err("refused");
        assert_eq!(errors["f3"], "Enter a date (year-month-day).");
        assert_eq!(errors["f4"], "Choose one of the options.");
        given.insert("f3".into(), "1990-02-28".into());
        given.insert("f4".into(), "Online".into());
        given.insert("f5".into(), "on".into());
        let errors = check_answers(&fields, &given).expect_err("refused");
        assert_eq!(errors.len(), 1, "a box is ticked only by 'yes': {errors:?}");
    }

    #[test]
    fn what_is_signed_is_canonical_and_complete() {
        let fields = agreement();
        let mut a = Answers::new();
        a.insert("f5".into(), "yes".into());
        a.insert("f2".into(), "Sam".into());
        let one = signed_content(7, 2, "Participation agreement", "Ada", &fields, &a);
        let mut b = Answers::new();
        b.insert("f2".into(), "Sam".into());
        b.insert("f5".into(), "yes".into());
        assert_eq!(
            one,
            signed_content(7, 2, "Participation agreement", "Ada", &fields, &b)
        );
        assert_ne!(
            one,
            signed_content(7, 3, "Participation agreement", "Ada", &fields, &b)
        );
        assert!(
            one.contains("I will keep what others share"),
            "the text agreed to"
        );
        assert!(one.contains("I agree to take part"), "the stated intent");
    }

    #[test]
    fn intake_is_only_for_clinical_cases_and_workshop_sets_only_for_workshops() {
        assert!(FormSet::Intake.offered_to(CaseKind::TherapyGroup));
        assert!(FormSet::Intake.offered_to(CaseKind::Couple));
        assert!(!FormSet::Intake.offered_to(CaseKind::Workshop));
        assert!(!FormSet::Intake.offered_to(CaseKind::ConsultationGroup));
        assert!(FormSet::Workshop.offered_to(CaseKind::Workshop));
        assert!(!FormSet::Workshop.offered_to(CaseKind::Individual));
        assert!(FormSet::General.offered_to(CaseKind::IndividualConsultation));
    }

    #[test]
    fn incomplete_forms_are_reminded_after_three_days_then_weekly_three_times() {
        let day = DAY_MS;
        assert!(!reminder_due(0, None, 0, 3 * day - 1));
        assert!(reminder_due(0, None, 0, 3 * day));
        assert!(!reminder_due(0, Some(3 * day), 1, 9 * day));
        assert!(reminder_due(0, Some(3 * day), 1, 10 * day));
        // A reminder staff sent counts the same: the next is a week after it.
        assert!(!reminder_due(0, Some(5 * day), 1, 10 * day));
        assert!(
            !reminder_due(0, Some(3 * day), 3, 100 * day),
            "three in all"
        );
    }

    #[test]
    fn a_signature_is_a_typed_name_and_an_agreement() {
        assert_eq!(
            check_signature("  Ada   Quill ", true).as_deref(),
            Ok("Ada Quill")
        );
        assert_eq!(
            check_signature("x", true).expect_err("refused").0,
            "signature"
        );
        assert_eq!(
            check_signature("Ada Quill", false).expect_err("refused").0,
            "agree"
        );
        assert_eq!(signed_count(1, 2), "1 of 2 signed");
    }
}
