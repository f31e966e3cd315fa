//! Live attendance: a session's roster with each participant's confirmation, the attendance
//! clinicians record for them (with its charge), every change kept, and every open screen of
//! the session kept up to date as changes land, including changes queued on a phone that
//! lost its connection.

pub mod api;
pub mod components;
// Server modules, each using only those above it: repo ← rows ← hub ← writer ← live ← server.
#[cfg(feature = "ssr")]
pub mod hub;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
mod rows;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
mod writer;

use crate::domain::attendance::{Choice, ChoiceOption, Confirmation};
use crate::domain::{AppointmentId, CaseId, PersonId, ServiceId};
use serde::{Deserialize, Serialize};

/// One participant's attendance as every screen shows it; live updates carry these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowState {
    pub person_id: PersonId,
    pub confirmation: Confirmation,
    pub choice: Option<Choice>,
    /// "Attended (90853)", "No-show", "Not set".
    pub label: String,
    pub charge_cents: i64,
    /// Goes up with every attendance change; 0 while nothing was ever recorded.
    pub version: i64,
    pub changed_by: Option<String>,
    /// Practice-local `HH:MM`.
    pub changed_at: Option<String>,
}

/// A participant on the session's roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetRow {
    pub name: String,
    pub state: RowState,
    /// Paid so far on the participant's charge for the session.
    pub paid: crate::domain::money::Money,
    /// Taken off the charge by adjustments (sliding scale, courtesy, write-off).
    pub adjusted: crate::domain::money::Money,
    /// Why changing this participant's attendance is a correction that needs a reason (the
    /// charge is invoiced, the note locked); `None` for an ordinary change.
    pub on_record: Option<String>,
}

/// Everything the session screen needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    pub appointment_id: AppointmentId,
    pub case_id: CaseId,
    pub title: String,
    pub kind_label: String,
    /// "Tuesday 24 November · 18:00–19:30".
    pub when: String,
    pub cancelled: bool,
    pub default_service: Option<ServiceId>,
    /// What "Mark all attended" records, e.g. "90853 Group psychotherapy".
    pub default_label: Option<String>,
    pub attended_options: Vec<ChoiceOption>,
    pub absent_options: Vec<ChoiceOption>,
    /// The session's note is signed and locked: every change is a correction.
    pub note_locked: bool,
    pub rows: Vec<SheetRow>,
}

/// One change as a device sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRequest {
    pub person_id: PersonId,
    /// `None` clears the participant's attendance.
    pub choice: Option<Choice>,
    /// The version of the participant's row the clinician was looking at.
    pub base_version: i64,
    /// When the clinician tapped, by the device's clock (milliseconds since the epoch).
    pub made_at: i64,
    /// Mark all attended: only fills a participant without a choice.
    pub fill_only: bool,
}

/// What became of one change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeOutcome {
    /// Stored (or already so); the row as it now is.
    Stored(RowState),
    /// A newer change by someone else stands; this one is in the history as superseded.
    Superseded { row: RowState, message: String },
    /// Not stored: the participant's attendance is on record (invoiced, or charted by a
    /// locked note), so it changes only as a correction with a reason. `message` says why.
    NeedsReason { row: RowState, message: String },
}

impl ChangeOutcome {
    pub fn row(&self) -> &RowState {
        match self {
            ChangeOutcome::Stored(r)
            | ChangeOutcome::Superseded { row: r, .. }
            | ChangeOutcome::NeedsReason { row: r, .. } => r,
        }
    }
}

/// What the live stream of a session sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "rows", rename_all = "snake_case")]
pub enum LiveEvent {
    /// Every row, sent first on each (re)connection so a screen catches up.
    Snapshot(Vec<RowState>),
    /// Rows that just changed.
    Changed(Vec<RowState>),
}

/// One line of a participant's attendance history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Practice-local "24 Nov 18:05".
    pub when: String,
    pub who: String,
    pub from: String,
    pub to: String,
    pub charge_cents: i64,
    pub superseded: bool,
    /// Made on a device while it was offline and sent later.
    pub queued: bool,
    /// A correction's reason.
    pub reason: Option<String>,
}

/// The most changes one request may carry (a 200-person group marked at once, with room).
pub const MAX_CHANGES_PER_REQUEST: usize = 500;
