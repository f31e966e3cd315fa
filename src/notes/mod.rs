//! Group notes and charts: one rich-text group note per session with an optional note per
//! attendee, written from the practice's templates and saved as clinicians type (with a
//! draft kept on the device and no silent overwrite between two writers); supervision of
//! associates' notes; a lock that signs the note into every attendee's chart in one
//! transaction; addenda; and each participant's chart.

pub mod api;
pub mod components;
pub mod editor;
#[cfg(feature = "ssr")]
pub mod progress;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::cases::Language;
use crate::domain::notes::{Document, NotePermissions, NoteStatus};
use crate::domain::paging::Earlier;
use crate::domain::{AppointmentId, PersonId, TemplateId};
use serde::{Deserialize, Serialize};

/// A practice's note template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: TemplateId,
    pub name: String,
    pub language: Language,
    pub sections: Vec<String>,
    pub active: bool,
}

/// Which part of a session's note a save is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NotePart {
    /// The group note every attendee's chart gets.
    Group,
    /// One attendee's own note, for their chart only.
    Participant(PersonId),
}

impl NotePart {
    /// A short stable name, for keys on the device.
    pub fn key(self) -> String {
        match self {
            NotePart::Group => "group".into(),
            NotePart::Participant(p) => format!("p{}", p.0),
        }
    }
}

/// One attendee beside the group note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendeeNote {
    pub person_id: PersonId,
    pub name: String,
    /// "Attended (90853)".
    pub attendance: String,
    pub note: Document,
    /// 0 while they have no note of their own.
    pub version: i64,
}

/// Someone on the roster who gets nothing from this note, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotAttending {
    pub name: String,
    /// "No-show", "Not recorded yet".
    pub attendance: String,
}

/// A dated, signed correction to a locked note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddendumView {
    /// Practice-local "24 Nov 2026 19:40".
    pub when: String,
    pub by: String,
    /// Whose chart it is for; `None` for every attendee's.
    pub for_whom: Option<String>,
    pub body: Document,
}

/// A session's note as its screen shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteState {
    pub status: NoteStatus,
    pub group: Document,
    pub version: i64,
    pub attendees: Vec<AttendeeNote>,
    pub not_attending: Vec<NotAttending>,
    pub permissions: NotePermissions,
    pub started_by: String,
    pub last_saved_by: String,
    /// Practice-local "24 Nov 2026 19:42".
    pub last_saved_at: String,
    /// The supervisor an associate's note went to.
    pub reviewer: Option<String>,
    pub review_comments: Option<String>,
    pub cosigned: Option<String>,
    pub signed: Option<String>,
    /// Why the caller cannot lock it now, when they otherwise could.
    pub lock_blocked: Option<String>,
    pub addenda: Vec<AddendumView>,
}

/// Everything the note screen needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteScreen {
    pub appointment_id: AppointmentId,
    pub title: String,
    pub kind_label: String,
    pub language: Language,
    pub when: String,
    pub cancelled: bool,
    /// Whether the caller writes notes at all (delivers care on this case).
    pub writes_notes: bool,
    /// `None` until someone starts the note.
    pub note: Option<NoteState>,
    /// The templates a note for this case can start from.
    pub templates: Vec<Template>,
}

/// What became of a save.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveOutcome {
    Saved {
        version: i64,
        /// Practice-local "19:42".
        at: String,
    },
    /// Someone else saved this part since the version the writer started from; nothing was
    /// overwritten. Their text is here so both can be seen side by side.
    Conflict {
        theirs: Document,
        version: i64,
        by: String,
        at: String,
    },
}

/// One attendee's chart note: as it will be (review) or as it is (chart).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartNoteView {
    pub person_id: PersonId,
    pub person_name: String,
    pub session_title: String,
    /// "Tuesday 24 November 2026 · 18:00–19:30".
    pub when: String,
    pub attendance: String,
    pub service: Option<String>,
    pub group: Document,
    pub own: Option<Document>,
    pub signed: Option<String>,
    pub cosigned: Option<String>,
    pub addenda: Vec<AddendumView>,
}

/// The review screen: each attendee's resulting chart note before the lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub appointment_id: AppointmentId,
    pub title: String,
    pub when: String,
    pub status: NoteStatus,
    pub permissions: NotePermissions,
    pub lock_blocked: Option<String>,
    pub chart_notes: Vec<ChartNoteView>,
    /// Roster members who get nothing, with why.
    pub not_attending: Vec<NotAttending>,
}

/// How many chart notes a page of a chart holds: a chart grows by a note a week for as long
/// as someone is in care, and the page must not grow with it.
pub const CHART_PAGE: usize = 20;

/// A participant's chart: its newest page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub person_id: PersonId,
    pub name: String,
    /// Newest first.
    pub notes: Vec<ChartNoteView>,
    /// Where the earlier notes start, when there are any.
    pub earlier: Option<Earlier>,
}

/// How far a lock has got, as the server reports it while the lock runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockProgress {
    pub done: i64,
    pub total: i64,
    pub finished: bool,
}

/// A note waiting for the caller's review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub appointment_id: AppointmentId,
    pub title: String,
    pub when: String,
    pub from: String,
}
