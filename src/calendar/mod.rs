//! The calendar: day, week and month views for one provider, several or everyone;
//! scheduling from a slot (single sessions and recurring series), moving and cancelling
//! sessions, session rosters that follow dated membership, sharing a case with a provider
//! it is scheduled for, double-booking warnings and private iCalendar feeds.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod feed;
#[cfg(feature = "ssr")]
pub mod recurrence;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::cases::StaffMember;
use crate::domain::cases::CaseKind;
use crate::domain::schedule::{CalendarView, Ends, Repeat};
use crate::domain::{AccountId, AppointmentId, CaseId, PersonId, SeriesId, ServiceId};
use serde::{Deserialize, Serialize};

/// Whose appointments a view shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Showing {
    Me,
    Everyone,
    Providers(Vec<AccountId>),
}

impl Showing {
    /// The `who` query parameter: `me`, `all` or comma-separated account ids.
    pub fn parse(text: &str) -> Showing {
        match text {
            "" | "me" => Showing::Me,
            "all" => Showing::Everyone,
            ids => {
                let ids: Vec<AccountId> = ids
                    .split(',')
                    .filter_map(|id| id.trim().parse().ok().map(AccountId))
                    .collect();
                if ids.is_empty() {
                    Showing::Me
                } else {
                    Showing::Providers(ids)
                }
            }
        }
    }

    pub fn to_param(&self) -> String {
        match self {
            Showing::Me => "me".into(),
            Showing::Everyone => "all".into(),
            Showing::Providers(ids) => ids
                .iter()
                .map(|id| id.0.to_string())
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

/// One appointment as a calendar shows it. Appointments of cases the viewer may not see
/// show as "Busy" with no case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEvent {
    pub id: AppointmentId,
    pub case_id: Option<CaseId>,
    pub kind: Option<CaseKind>,
    /// Group initials, if a group.
    pub initials: Option<String>,
    pub title: String,
    /// Practice-local day, `YYYY-MM-DD`.
    pub day: String,
    /// Minutes from local midnight.
    pub start_minute: i64,
    pub minutes: i64,
    pub time_label: String,
    pub provider_ids: Vec<AccountId>,
    pub cancelled: bool,
    pub in_series: bool,
    /// How many of the roster are expected.
    pub expected: Option<i64>,
    pub seats_left: Option<i64>,
}

/// Everything a calendar view needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarPage {
    pub view: CalendarView,
    pub day: String,
    pub today: String,
    pub title: String,
    /// Every day shown, in order.
    pub days: Vec<String>,
    /// The providers whose calendars are shown (the columns of a day view).
    pub columns: Vec<StaffMember>,
    /// Every care provider, for the provider picker.
    pub staff: Vec<StaffMember>,
    /// Active services, for the appointment form.
    pub services: Vec<ServiceChoice>,
    pub me: AccountId,
    pub events: Vec<CalendarEvent>,
    pub previous: String,
    pub next: String,
}

/// A case that can be scheduled, as the slot picker offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseChoice {
    pub id: CaseId,
    pub kind: CaseKind,
    pub name: String,
    pub initials: Option<String>,
    pub default_service_id: Option<ServiceId>,
    /// The default service's length, to prefill the duration.
    pub default_minutes: Option<i64>,
    pub provider_ids: Vec<AccountId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceChoice {
    pub id: ServiceId,
    pub label: String,
    pub minutes: i64,
}

/// What "New appointment" sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAppointment {
    pub case_id: CaseId,
    /// Practice-local `YYYY-MM-DD` and `HH:MM`.
    pub day: String,
    pub start_time: String,
    pub minutes: i64,
    pub service_id: Option<ServiceId>,
    pub location: String,
    pub video_link: String,
    pub provider_ids: Vec<AccountId>,
    pub repeat: Repeat,
    /// Ignored when `repeat` is `Never`.
    pub ends: Ends,
    /// The caller has seen the warnings and goes ahead.
    pub confirmed: bool,
}

/// A change to one session, or to a series from a session on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentChange {
    pub day: String,
    pub start_time: String,
    pub minutes: i64,
    pub location: String,
    pub video_link: String,
    pub confirmed: bool,
}

/// How much of a series an edit or cancellation covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    ThisSession,
    ThisAndFollowing,
    WholeSeries,
}

/// Something the scheduler should know before going ahead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Warning {
    /// The case is not one this provider usually sees; going ahead shares it with them.
    NotUsualProvider { provider: String },
    /// The provider already has an appointment at that time.
    DoubleBooked {
        provider: String,
        when: String,
        with: String,
    },
}

impl Warning {
    pub fn message(&self) -> String {
        match self {
            Warning::NotUsualProvider { provider } => format!(
                "This group doesn't usually see this provider ({provider}). Going ahead shares it with them: they will be able to see and edit its members, schedule and chart."
            ),
            Warning::DoubleBooked { provider, when, with } => {
                format!("{provider} is already booked {when} ({with}).")
            }
        }
    }
}

/// What scheduling did, or why it waits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scheduled {
    Done {
        first: AppointmentId,
        sessions: i64,
        /// The day of the first session, for the calendar to go to.
        day: String,
    },
    /// Nothing was saved: send again with `confirmed` to go ahead.
    NeedsConfirmation(Vec<Warning>),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub person_id: PersonId,
    pub display_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesInfo {
    pub id: SeriesId,
    pub description: String,
    /// The RFC 5545 rule, for those who want it.
    pub rule: String,
    pub first_day: String,
    pub last_day: String,
}

/// The appointment panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentDetails {
    pub event: CalendarEvent,
    pub case_name: String,
    pub kind_label: String,
    pub service: Option<String>,
    pub location: Option<String>,
    pub video_link: Option<String>,
    pub providers: Vec<StaffMember>,
    pub roster: Vec<RosterEntry>,
    /// The roster no longer follows membership (the session is over or documented).
    pub roster_frozen: bool,
    pub capacity: Option<i64>,
    pub series: Option<SeriesInfo>,
    pub cancel_reason: Option<String>,
    pub start_time: String,
    pub today: String,
}

/// A provider's calendar feed, as their settings show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedStatus {
    pub enabled: bool,
    /// Shown once, right after turning the feed on (only a hash is kept).
    pub url: Option<String>,
    pub created_at: Option<String>,
}
