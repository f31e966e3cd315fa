//! Newtype ids, so a practice id can never be passed where an account id is expected.
//! Always `i64`: the browser build is 32-bit and `usize` would truncate.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A practice: the tenant every record belongs to.
    PracticeId
);
id_type!(
    /// A sign-in account, staff or participant.
    AccountId
);
id_type!(
    /// A person or organization the practice knows.
    PersonId
);
id_type!(
    /// A case: an individual, couple, family, group or consultation.
    CaseId
);
id_type!(
    /// A service in the practice's catalogue.
    ServiceId
);
id_type!(
    /// One period of one person's membership in one case.
    MembershipId
);
id_type!(
    /// One appointment on the calendar: a single session, or one occurrence of a series.
    AppointmentId
);
id_type!(
    /// A recurring series of appointments.
    SeriesId
);
id_type!(
    /// A note template of the practice.
    TemplateId
);
id_type!(
    /// A session's group note.
    NoteId
);
id_type!(
    /// An invoice or a credit note.
    InvoiceId
);
id_type!(
    /// A payment received, with its receipt.
    PaymentId
);
id_type!(
    /// One payer's part of one participant's charge for one session.
    ChargeId
);
id_type!(
    /// A superbill made for one client of a clinical case.
    SuperbillId
);
id_type!(
    /// An invitation to the practice (staff or portal).
    InvitationId
);
id_type!(
    /// An email in the outbox.
    EmailId
);
id_type!(
    /// A secure message thread between the practice and one person.
    ThreadId
);
id_type!(
    /// A form template the practice built (its versions keep every earlier form).
    FormTemplateId
);
id_type!(
    /// One person's copy of a form sent to them (answers, signatures, status).
    FormId
);
