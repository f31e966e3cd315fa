//! The participant portal: a participant's own sessions (upcoming and past, with their own
//! attendance), confirming, declining or asking to cancel, and a private calendar feed; the
//! staff side of what participants ask. It shows a participant only their own information,
//! never who else is in their groups: every portal query is keyed by the one person the
//! signed-in account stands for.

pub mod api;
pub mod bills;
pub mod components;
#[cfg(feature = "ssr")]
pub mod feed;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

pub use components::{PortalHome, PortalLayout};

use crate::domain::attendance::Confirmation;
use crate::domain::money::Money;
use crate::domain::portal::SessionsFrom;
use crate::domain::{AppointmentId, CaseId, PersonId};
use serde::{Deserialize, Serialize};

/// Where the participant's cancellation of a session stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CancelState {
    /// Not asked.
    #[default]
    None,
    /// Asked; the practice has not decided yet.
    Asked,
    Accepted,
    Declined,
}

/// One of the participant's sessions, as the portal shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSession {
    pub id: AppointmentId,
    /// The group's name or the practice's neutral label for it.
    pub label: String,
    /// "Tuesday 8 December 2026", in the participant's time zone.
    pub day: String,
    /// "18:00–19:30".
    pub time: String,
    pub place: Option<String>,
    /// Only an http(s) address; anything else is not offered as a link.
    pub video_link: Option<String>,
    pub cancelled: bool,
    pub confirmation: Confirmation,
    /// Past sessions: their own attendance, in their words ("Attended", "Missed").
    pub attendance: Option<String>,
    /// Upcoming sessions they can still answer for.
    pub can_answer: bool,
    /// Cancelling now would be late (inside the practice's window).
    pub late_now: bool,
    pub cancel: CancelState,
}

/// A page of "My sessions".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsPage {
    pub sessions: Vec<PortalSession>,
    /// Where the next page starts; absent on the last page.
    pub next: Option<SessionsFrom>,
    /// The practice's late-cancel window, in hours, and the fee a late cancellation may
    /// bring (zero: none).
    pub late_cancel_hours: i64,
    pub late_cancel_fee: Money,
    /// "America/New_York": the zone the times are in.
    pub time_zone: String,
}

/// The participant's own calendar feed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFeedView {
    pub enabled: bool,
    /// The full address, shown once, right after turning the feed on (only a hash is kept).
    pub url: Option<String>,
    pub since: Option<String>,
}

/// An open request, as staff see it on their home screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: i64,
    /// "Cancel their place".
    pub what: String,
    pub person_id: PersonId,
    pub person: String,
    pub case_id: CaseId,
    /// "TAG · Tuesday Anxiety Group".
    pub case_title: String,
    pub session_id: Option<AppointmentId>,
    /// "Tue 8 Dec 18:00", in the practice's time zone.
    pub session_when: Option<String>,
    pub late: bool,
    pub fee: Money,
    pub note: String,
    /// "7 Dec 14:05".
    pub asked: String,
}

/// How a case presents itself in the portal, as the case page edits it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalLabelView {
    pub names_group: bool,
    /// The practice's own neutral label ("" for the default).
    pub label: String,
    /// The default neutral label for the case's kind.
    pub default_label: String,
    /// What participants see now.
    pub shown: String,
}
