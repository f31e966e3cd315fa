//! Forms and signatures: templates the practice builds (sets for therapy intake, workshops
//! and anything else), forms shared from a case to one member or every member, with their
//! status and reminders; the portal's side where a person fills a form in and signs it (for
//! themself, as a parent or guardian, or as a representative), several signers where a
//! document needs them; and the completed form as a PDF with a signature page. A submitted
//! form never changes: the database refuses it.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod download;
#[cfg(feature = "ssr")]
pub mod pdf;
pub mod portal;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::forms::{Answers, FieldKind, FormField, FormSet, FormStatus};
use crate::domain::{FormId, FormTemplateId, PersonId};
use serde::{Deserialize, Serialize};

/// A template in the practice's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub id: FormTemplateId,
    pub name: String,
    pub set: FormSet,
    pub version: i64,
    pub active: bool,
    pub fields: usize,
    pub signed: bool,
}

/// A template as its editor shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub id: FormTemplateId,
    pub name: String,
    pub set: FormSet,
    pub version: i64,
    pub active: bool,
    pub fields: Vec<FormField>,
}

/// What a case's "Forms" card offers and shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseForms {
    /// The templates this case's kind may be sent (intake only to clinical cases, workshop
    /// sets only to workshops), active ones.
    pub templates: Vec<(FormTemplateId, String, FormSet)>,
    /// Current members, to send to one of them.
    pub members: Vec<(PersonId, String)>,
    /// Whether "one form signed by every member" is offered (couples and families).
    pub joint: bool,
    pub forms: Vec<SentForm>,
}

/// A form sent to someone, as staff follow it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentForm {
    pub id: FormId,
    pub person: String,
    pub title: String,
    pub status: FormStatus,
    /// "1 of 2 signed" for forms with a signature; empty otherwise.
    pub signed: String,
    /// "7 Dec 14:05".
    pub sent: String,
    pub completed: Option<String>,
    pub reminders: i64,
    /// Whether a reminder can go: incomplete and someone to sign has an email address.
    pub can_remind: bool,
}

/// What sharing a form from a case asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareForm {
    pub template: FormTemplateId,
    /// One member, or every current member when absent.
    pub person: Option<PersonId>,
    /// The member signs (for themself).
    pub member_signs: bool,
    /// The member's payer contact (a parent or guardian) signs too.
    pub payer_signs: bool,
    /// Couples and families: one form, signed by every member.
    pub joint: bool,
}

/// What a share did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared {
    pub sent: usize,
    /// Members who already had this form open (not sent again).
    pub skipped: usize,
}

/// A form in the portal's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyFormSummary {
    pub id: FormId,
    pub title: String,
    /// Whose form it is, when not the signer's own ("for Robin Lee").
    pub for_whom: Option<String>,
    pub status: FormStatus,
    /// The caller still has to fill it in or sign it.
    pub to_do: bool,
    pub sent: String,
}

/// One signature, as a signer sees it on the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureView {
    pub name: String,
    pub capacity: String,
    pub signed_at: String,
}

/// A form as the portal shows it to one of its signers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyForm {
    pub id: FormId,
    pub title: String,
    pub for_whom: Option<String>,
    /// How the caller signs: "Self", "Parent or guardian".
    pub capacity: String,
    pub fields: Vec<FormField>,
    /// The answers once submitted (then read-only).
    pub answers: Option<Answers>,
    pub status: FormStatus,
    pub needs_signature: bool,
    pub signed_by_me: bool,
    /// "1 of 2 signed".
    pub progress: String,
    pub signatures: Vec<SignatureView>,
    /// The completed form as a PDF.
    pub pdf: Option<String>,
}

impl MyForm {
    /// The intent the signer agrees to (the signature field's statement).
    pub fn intent(&self) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.kind == FieldKind::Signature)
            .map(|f| f.label.as_str())
    }
}

/// The staff download of a completed form.
pub fn staff_pdf(id: FormId) -> String {
    format!("/documents/forms/{}.pdf", id.0)
}

/// The portal's download of a completed form of theirs.
pub fn my_pdf(id: FormId) -> String {
    format!("/documents/mine/forms/{}.pdf", id.0)
}
