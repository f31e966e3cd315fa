//! Session reminders by email: the practice's settings (lead times, send window, which groups
//! may be named), each person's choice, the planner and sender, and the page behind a
//! reminder's link where a participant confirms, declines or stops reminders.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod worker;

use crate::domain::attendance::Confirmation;
use crate::domain::reminders::ReminderSettings;
use crate::domain::{CaseId, PersonId};
use serde::{Deserialize, Serialize};

/// Whether reminders may name one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupNaming {
    pub case_id: CaseId,
    pub name: String,
    pub named: bool,
}

/// The reminder settings screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderSettingsView {
    pub settings: ReminderSettings,
    /// The practice's time zone: the send window applies in each recipient's own, which is
    /// this one unless their details say otherwise.
    pub time_zone: String,
    pub groups: Vec<GroupNaming>,
}

/// The settings as the form sends them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderSettingsInput {
    pub enabled: bool,
    /// Hours before the session, like "48" or "1.5".
    pub first_lead_hours: String,
    /// Blank: one reminder only.
    pub second_lead_hours: String,
    /// "08:00".
    pub window_start: String,
    /// "21:00"; "24:00" is midnight.
    pub window_end: String,
}

/// A reminder of one of a person's sessions, as their page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonReminderLine {
    /// "Tue 15 Dec 18:00", the practice's time.
    pub session: String,
    pub case_name: String,
    /// "Planned for Sun 13 Dec 18:00", "Sent Sun 13 Dec 18:00", "Skipped: the session was moved".
    pub status: String,
}

/// A person's reminders card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonReminders {
    pub person: PersonId,
    pub has_email: bool,
    pub reminders_off: bool,
    /// Their own time zone, if set.
    pub time_zone: Option<String>,
    pub practice_time_zone: String,
    pub practice_enabled: bool,
    pub upcoming: Vec<PersonReminderLine>,
}

/// What the page behind a reminder's link shows: only what the email already said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderLinkView {
    pub practice_name: String,
    pub greeting: String,
    /// "Tuesday 15 December at 18:00", in the person's time zone.
    pub when: String,
    pub group: Option<String>,
    pub confirmation: Confirmation,
    /// Why the session can no longer be answered (cancelled, moved, over), if so.
    pub closed: Option<String>,
    pub reminders_off: bool,
}

/// Time zones offered on a person's reminders card; the server accepts any IANA name.
pub const COMMON_TIME_ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "America/Toronto",
    "America/Vancouver",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Athens",
    "Europe/Helsinki",
    "Africa/Johannesburg",
    "Asia/Jerusalem",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Perth",
    "Pacific/Auckland",
];
