//! Rules of the participant portal: what a participant sees a session called, when a
//! cancellation is late, what they may still answer, and how their own attendance reads.
//! Nothing here ever takes another participant as input: the portal's answers are built
//! from one person's rows only.

use super::attendance::Choice;
use super::cases::CaseKind;
use serde::{Deserialize, Serialize};

/// The longest label a practice may give a group for participants.
pub const MAX_PORTAL_LABEL: usize = 60;
/// The widest late-cancel window a practice may set: a week.
pub const MAX_LATE_CANCEL_HOURS: i64 = 168;
/// The late-cancel window of a practice that has not set one.
pub const DEFAULT_LATE_CANCEL_HOURS: i64 = 24;
/// The longest note a participant may add to a request.
pub const MAX_REQUEST_NOTE: usize = 1000;
/// Sessions per page of "My sessions".
pub const SESSIONS_PER_PAGE: i64 = 20;

const HOUR_MS: i64 = 3_600_000;

/// What a session of a case of `kind` is called when the practice has not chosen a label:
/// says what kind of session it is, never which group.
pub fn neutral_label(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Individual => "Individual session",
        CaseKind::Couple => "Couples session",
        CaseKind::Family => "Family session",
        CaseKind::TherapyGroup => "Group session",
        CaseKind::Workshop => "Workshop session",
        CaseKind::IndividualConsultation => "Consultation",
        CaseKind::ConsultationGroup => "Consultation group",
    }
}

/// How a case presents itself to its participants, as the practice set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalLabel {
    /// Participants see the case's own name.
    pub names_group: bool,
    /// The practice's neutral label; `None`: [`neutral_label`] of the case's kind.
    pub label: Option<String>,
}

/// What a participant sees a session of this case called.
pub fn participant_label(kind: CaseKind, name: &str, shown: &PortalLabel) -> String {
    if shown.names_group {
        return name.to_string();
    }
    match shown.label.as_deref().map(str::trim) {
        Some(l) if !l.is_empty() => l.to_string(),
        _ => neutral_label(kind).to_string(),
    }
}

/// A practice's neutral label as entered: blank means the default for the kind.
pub fn check_portal_label(raw: &str) -> Result<Option<String>, String> {
    let label = raw.trim();
    if label.is_empty() {
        return Ok(None);
    }
    if label.chars().count() > MAX_PORTAL_LABEL {
        return Err(format!(
            "Keep the label to {MAX_PORTAL_LABEL} characters or fewer."
        ));
    }
    if label.chars().any(char::is_control) {
        return Err("The label must be one line of text.".into());
    }
    Ok(Some(label.to_string()))
}

pub fn check_late_cancel_hours(hours: i64) -> Result<i64, String> {
    if (0..=MAX_LATE_CANCEL_HOURS).contains(&hours) {
        Ok(hours)
    } else {
        Err(format!(
            "Enter a window between 0 and {MAX_LATE_CANCEL_HOURS} hours (a week)."
        ))
    }
}

/// Whether cancelling at `now` a session starting at `starts_at` is late: within `hours`
/// of its start (a zero-hour window: never late before it starts).
pub fn is_late_cancel(now: i64, starts_at: i64, hours: i64) -> bool {
    starts_at - now < hours.max(0) * HOUR_MS
}

/// Where the next page of "My sessions" starts: just after this session (its start, UTC
/// milliseconds, then its id) in the list's order, later for upcoming and earlier for past.
/// Keyed like the project's other long lists (see `domain::paging`), not counted by offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsFrom {
    pub at: i64,
    pub id: i64,
}

/// Upcoming (not yet ended, soonest first) or past (ended, latest first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionsWhen {
    #[default]
    Upcoming,
    Past,
}

/// Why a participant can no longer answer for a session, or `None` when they can.
pub fn answer_closed(cancelled: bool, starts_at: i64, now: i64) -> Option<&'static str> {
    if cancelled {
        Some("This session was cancelled by the practice.")
    } else if starts_at <= now {
        Some("This session has already started; contact the practice about it.")
    } else {
        None
    }
}

/// A participant's own attendance at a past session, in words for them (not the
/// practice's billing codes).
pub fn own_attendance(choice: Option<Choice>) -> &'static str {
    match choice {
        Some(Choice::Attended(_) | Choice::AttendedNoFee) => "Attended",
        Some(Choice::NoShow) => "Missed",
        Some(Choice::LateCancel) => "Cancelled late",
        Some(Choice::AbsentNoFee) => "Excused",
        None => "Not recorded yet",
    }
}

/// A participant's note to a request, trimmed and bounded.
pub fn check_request_note(raw: &str) -> Result<String, String> {
    let note = raw.trim();
    if note.chars().count() > MAX_REQUEST_NOTE {
        return Err(format!(
            "Keep the note to {MAX_REQUEST_NOTE} characters or fewer."
        ));
    }
    Ok(note.to_string())
}

stored_enum! {
    /// What a participant asks of the practice from the portal.
    pub enum RequestKind as "request kind" {
        /// Not to come to one session.
        Cancel => "cancel",
        /// A seat in a group.
        Seat => "seat",
        /// A place on a group's waitlist.
        Waitlist => "waitlist",
        /// An individual appointment time.
        Appointment => "appointment",
    }
}

stored_enum! {
    /// Where a request stands.
    pub enum RequestStatus as "request status" {
        Open => "open",
        Accepted => "accepted",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
}

impl RequestStatus {
    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::Open => "Waiting for the practice",
            RequestStatus::Accepted => "Accepted",
            RequestStatus::Declined => "Declined",
            RequestStatus::Withdrawn => "Withdrawn",
        }
    }
}

/// What accepting a cancellation records as the participant's attendance: a late one the
/// practice's late-cancel fee (possibly zero), an early one no fee.
pub fn cancel_choice(late: bool) -> Choice {
    if late {
        Choice::LateCancel
    } else {
        Choice::AbsentNoFee
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ServiceId;

    #[test]
    fn a_group_is_neutral_unless_the_practice_names_it() {
        let neutral = PortalLabel {
            names_group: false,
            label: None,
        };
        assert_eq!(
            participant_label(CaseKind::TherapyGroup, "Eating disorder group", &neutral),
            "Group session"
        );
        let custom = PortalLabel {
            names_group: false,
            label: Some("Tuesday evening".into()),
        };
        assert_eq!(
            participant_label(CaseKind::TherapyGroup, "Eating disorder group", &custom),
            "Tuesday evening"
        );
        let named = PortalLabel {
            names_group: true,
            label: Some("Tuesday evening".into()),
        };
        assert_eq!(
            participant_label(CaseKind::Workshop, "Mindful parenting", &named),
            "Mindful parenting"
        );
        for kind in CaseKind::ALL {
            assert!(!neutral_label(kind).is_empty());
        }
    }

    #[test]
    fn labels_are_one_bounded_line_and_blank_means_the_default() {
        assert_eq!(check_portal_label("  "), Ok(None));
        assert_eq!(
            check_portal_label(" Thursday group "),
            Ok(Some("Thursday group".into()))
        );
        assert!(check_portal_label(&"x".repeat(61)).is_err());
        assert!(check_portal_label(&"é".repeat(60)).is_ok());
        assert!(check_portal_label("two\nlines").is_err());
    }

    #[test]
    fn late_means_inside_the_window_before_the_start() {
        let start = 1_000 * HOUR_MS;
        assert!(!is_late_cancel(start - 25 * HOUR_MS, start, 24));
        assert!(!is_late_cancel(start - 24 * HOUR_MS, start, 24));
        assert!(is_late_cancel(start - 24 * HOUR_MS + 1, start, 24));
        assert!(is_late_cancel(start - 1, start, 24));
        assert!(!is_late_cancel(start - 1, start, 0));
        assert!(check_late_cancel_hours(169).is_err());
        assert!(check_late_cancel_hours(-1).is_err());
        assert_eq!(check_late_cancel_hours(48), Ok(48));
    }

    #[test]
    fn answers_close_at_the_start_or_a_cancellation() {
        assert_eq!(answer_closed(false, 10, 9), None);
        assert!(answer_closed(false, 10, 10).is_some());
        assert!(answer_closed(true, 10, 0).is_some());
    }

    #[test]
    fn own_attendance_reads_in_the_participants_words() {
        assert_eq!(
            own_attendance(Some(Choice::Attended(ServiceId(3)))),
            "Attended"
        );
        assert_eq!(own_attendance(Some(Choice::NoShow)), "Missed");
        assert_eq!(own_attendance(None), "Not recorded yet");
        assert_eq!(cancel_choice(true), Choice::LateCancel);
        assert_eq!(cancel_choice(false), Choice::AbsentNoFee);
    }

    #[test]
    fn request_notes_are_bounded() {
        assert_eq!(check_request_note("  sick  "), Ok("sick".into()));
        assert!(check_request_note(&"a".repeat(1001)).is_err());
        for kind in RequestKind::ALL {
            assert_eq!(RequestKind::parse(kind.as_str()), Some(*kind));
        }
    }
}
