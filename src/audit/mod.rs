//! The audit log: an append-only record of sign-ins, sign-outs, denied accesses and every
//! read or write of health information (who, what, when, outcome).

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod writer;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        [Outcome::Success, Outcome::Failure, Outcome::Denied]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// What was done. Health-information actions (`Read`, `Create`, `Update`, `Delete`) are
/// recorded by the capabilities that hold it, through `audit::server::record`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    SignIn,
    SignOut,
    Access,
    Read,
    Create,
    Update,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SignOut => "sign_out",
            Action::Access => "access",
            Action::Read => "read",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// What kind of object an entry is about. Stored by [`ObjectKind::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectKind {
    Account,
    /// A whole side of the product (staff app or portal), for refused entries.
    Area,
    Appointment,
    Attendance,
    AttendanceHistory,
    /// Part of a charge not collected (sliding scale, courtesy, write-off), or given back.
    Adjustment,
    /// The practice's billing settings (legal name, address, tax id, NPI, terms).
    BillingSettings,
    /// A practice-wide billing report (unbilled sessions, aging, payments, revenue).
    BillingReport,
    Calendar,
    CalendarFeed,
    Case,
    Membership,
    Chart,
    Diagnosis,
    /// An email in the outbox.
    Email,
    GroupNote,
    /// An invitation to join the practice (staff or portal).
    Invitation,
    /// An invoice or a credit note.
    Invoice,
    NoteTemplate,
    /// A password-reset link.
    PasswordReset,
    PayerAccount,
    Payment,
    Person,
    /// Money given back to a payer out of a payment.
    Refund,
    PracticeFees,
    /// A secure message thread with one person (reading it, writing in it).
    MessageThread,
    /// The practice's session reminder settings.
    ReminderSettings,
    /// A participant's own calendar feed of their sessions.
    PersonFeed,
    /// What a participant asked of the practice from the portal (a cancellation, a seat).
    PortalRequest,
    Series,
    Service,
    /// A superbill made for one client of a clinical case.
    Superbill,
    /// A form template (its versions).
    FormTemplate,
    /// One person's copy of a form: its answers, signers and signatures.
    Form,
    /// A server function refused without naming an object (the boundary's fallback).
    ServerFunction,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 35] = [
        ObjectKind::Account,
        ObjectKind::Area,
        ObjectKind::Appointment,
        ObjectKind::Attendance,
        ObjectKind::AttendanceHistory,
        ObjectKind::Adjustment,
        ObjectKind::BillingSettings,
        ObjectKind::BillingReport,
        ObjectKind::Calendar,
        ObjectKind::CalendarFeed,
        ObjectKind::Case,
        ObjectKind::Membership,
        ObjectKind::Chart,
        ObjectKind::Diagnosis,
        ObjectKind::Email,
        ObjectKind::GroupNote,
        ObjectKind::Invitation,
        ObjectKind::Invoice,
        ObjectKind::NoteTemplate,
        ObjectKind::PasswordReset,
        ObjectKind::PayerAccount,
        ObjectKind::Payment,
        ObjectKind::Person,
        ObjectKind::Refund,
        ObjectKind::PracticeFees,
        ObjectKind::MessageThread,
        ObjectKind::ReminderSettings,
        ObjectKind::PersonFeed,
        ObjectKind::PortalRequest,
        ObjectKind::Series,
        ObjectKind::Service,
        ObjectKind::Superbill,
        ObjectKind::FormTemplate,
        ObjectKind::Form,
        ObjectKind::ServerFunction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Account => "account",
            ObjectKind::Area => "area",
            ObjectKind::Appointment => "appointment",
            ObjectKind::Attendance => "attendance",
            ObjectKind::AttendanceHistory => "attendance_history",
            ObjectKind::Adjustment => "adjustment",
            ObjectKind::BillingSettings => "billing_settings",
            ObjectKind::BillingReport => "billing_report",
            ObjectKind::Calendar => "calendar",
            ObjectKind::CalendarFeed => "calendar_feed",
            ObjectKind::Case => "case",
            ObjectKind::Membership => "membership",
            ObjectKind::Chart => "chart",
            ObjectKind::Diagnosis => "diagnosis",
            ObjectKind::Email => "email",
            ObjectKind::GroupNote => "group_note",
            ObjectKind::Invitation => "invitation",
            ObjectKind::Invoice => "invoice",
            ObjectKind::NoteTemplate => "note_template",
            ObjectKind::PasswordReset => "password_reset",
            ObjectKind::PayerAccount => "payer_account",
            ObjectKind::Payment => "payment",
            ObjectKind::Person => "person",
            ObjectKind::Refund => "refund",
            ObjectKind::PracticeFees => "practice_fees",
            ObjectKind::MessageThread => "message_thread",
            ObjectKind::ReminderSettings => "reminder_settings",
            ObjectKind::PersonFeed => "person_feed",
            ObjectKind::PortalRequest => "portal_request",
            ObjectKind::Series => "series",
            ObjectKind::Service => "service",
            ObjectKind::Superbill => "superbill",
            ObjectKind::FormTemplate => "form_template",
            ObjectKind::Form => "form",
            ObjectKind::ServerFunction => "server_function",
        }
    }

    pub fn parse(s: &str) -> Option<ObjectKind> {
        ObjectKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What happened to which object, as one value: `Event::update(ObjectKind::Case, id)`,
/// optionally `.detail(...)` and `.outcome(...)`. Recorded by `audit::server::record`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    pub action: Action,
    pub kind: ObjectKind,
    pub id: Option<i64>,
    pub outcome: Outcome,
    pub detail: std::borrow::Cow<'a, str>,
}

impl<'a> Event<'a> {
    pub fn new(action: Action, kind: ObjectKind, id: Option<i64>) -> Event<'a> {
        Event {
            action,
            kind,
            id,
            outcome: Outcome::Success,
            detail: std::borrow::Cow::Borrowed(""),
        }
    }

    pub fn read(kind: ObjectKind, id: i64) -> Event<'a> {
        Event::new(Action::Read, kind, Some(id))
    }

    pub fn create(kind: ObjectKind, id: i64) -> Event<'a> {
        Event::new(Action::Create, kind, Some(id))
    }

    pub fn update(kind: ObjectKind, id: i64) -> Event<'a> {
        Event::new(Action::Update, kind, Some(id))
    }

    pub fn delete(kind: ObjectKind, id: i64) -> Event<'a> {
        Event::new(Action::Delete, kind, Some(id))
    }

    /// A refused access (outcome `denied`).
    pub fn access(kind: ObjectKind, id: Option<i64>) -> Event<'a> {
        Event::new(Action::Access, kind, id).outcome(Outcome::Denied)
    }

    pub fn detail(mut self, detail: impl Into<std::borrow::Cow<'a, str>>) -> Event<'a> {
        self.detail = detail.into();
        self
    }

    pub fn outcome(mut self, outcome: Outcome) -> Event<'a> {
        self.outcome = outcome;
        self
    }
}

/// One audit entry as read back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub practice_id: Option<i64>,
    pub actor_account_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: Option<i64>,
    pub outcome: String,
    pub detail: String,
    pub occurred_at: i64,
}
