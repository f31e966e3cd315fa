//! Session reminders: when each one goes out (lead times, the recipient's send window), which
//! ones are worth sending, and what an email may say. A reminder leaves the practice, so it
//! says as little as it can: a first name, a date and time, the practice's name and a link.

use super::sessions::{HOUR_MS, MINUTE_MS};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike};
use serde::{Deserialize, Serialize};

super::stored_enum! {
    /// Where one planned reminder stands.
    pub enum ReminderStatus as "reminder status" {
        Planned => "planned",
        Sent => "sent",
        /// Not sent: the reason is kept with it.
        Skipped => "skipped",
    }
}

/// A practice's reminder settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderSettings {
    pub enabled: bool,
    pub first_lead_minutes: i64,
    /// None: one reminder only.
    pub second_lead_minutes: Option<i64>,
    /// Minutes after local midnight in the recipient's time zone.
    pub window_start_minute: i64,
    /// 1440 is midnight at the end of the day.
    pub window_end_minute: i64,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        ReminderSettings {
            enabled: true,
            first_lead_minutes: 48 * 60,
            second_lead_minutes: Some(2 * 60),
            window_start_minute: 8 * 60,
            window_end_minute: 21 * 60,
        }
    }
}

/// The longest lead time a practice may set: a week.
pub const MAX_LEAD_MINUTES: i64 = 7 * 24 * 60;
/// The shortest: anything closer is not a reminder.
pub const MIN_LEAD_MINUTES: i64 = 30;
/// The narrowest send window: two hours a day.
pub const MIN_WINDOW_MINUTES: i64 = 120;
/// How far ahead the planner looks: the longest lead and a day to spare.
pub const PLANNING_HORIZON_MS: i64 = MAX_LEAD_MINUTES * MINUTE_MS + 24 * HOUR_MS;

impl ReminderSettings {
    /// The lead times in minutes, longest first, without repeats.
    pub fn leads(&self) -> Vec<i64> {
        let mut leads = vec![self.first_lead_minutes];
        leads.extend(self.second_lead_minutes);
        leads.sort_unstable_by(|a, b| b.cmp(a));
        leads.dedup();
        leads
    }

    pub fn window(&self) -> SendWindow {
        SendWindow {
            start_minute: self.window_start_minute,
            end_minute: self.window_end_minute,
        }
    }

    /// Which field is wrong and what to say, or Ok.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let lead_ok = |m: i64| (MIN_LEAD_MINUTES..=MAX_LEAD_MINUTES).contains(&m);
        if !lead_ok(self.first_lead_minutes) {
            return Err((
                "first_lead",
                "The first reminder goes between 30 minutes and 7 days (168 hours) ahead.".into(),
            ));
        }
        if let Some(second) = self.second_lead_minutes {
            if !lead_ok(second) {
                return Err((
                    "second_lead",
                    "The second reminder goes between 30 minutes and 7 days (168 hours) ahead, or leave it blank.".into(),
                ));
            }
            if second >= self.first_lead_minutes {
                return Err((
                    "second_lead",
                    "The second reminder must be closer to the session than the first.".into(),
                ));
            }
        }
        if !(0..1440).contains(&self.window_start_minute)
            || !(1..=1440).contains(&self.window_end_minute)
        {
            return Err(("window", "Choose times of day for the send window.".into()));
        }
        if self.window_end_minute - self.window_start_minute < MIN_WINDOW_MINUTES {
            return Err((
                "window",
                "The send window must end at least two hours after it starts.".into(),
            ));
        }
        Ok(())
    }
}

/// The hours of the recipient's day in which a reminder may arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendWindow {
    pub start_minute: i64,
    pub end_minute: i64,
}

impl SendWindow {
    fn contains(&self, minute: i64) -> bool {
        (self.start_minute..=self.end_minute).contains(&minute)
    }
}

fn minute_of_day(t: NaiveTime) -> i64 {
    i64::from(t.hour()) * 60 + i64::from(t.minute())
}

/// The instant `minute` minutes after local midnight of `day` in `tz` (1440: the next
/// midnight). A time skipped by a daylight-saving change becomes the first one after it.
fn at_minute<Tz: TimeZone>(tz: &Tz, day: NaiveDate, minute: i64) -> Option<i64> {
    let midnight = day.and_hms_opt(0, 0, 0)?;
    let local = midnight + Duration::minutes(minute);
    for shift in [0, 30, 60, 90, 120] {
        if let Some(t) = tz
            .from_local_datetime(&(local + Duration::minutes(shift)))
            .earliest()
        {
            return Some(t.timestamp_millis());
        }
    }
    None
}

fn local<Tz: TimeZone>(tz: &Tz, ms: i64) -> Option<chrono::NaiveDateTime> {
    Some(tz.timestamp_millis_opt(ms).single()?.naive_local())
}

/// The recipient-local date of an instant: reminders of sessions on one day go together.
pub fn local_day<Tz: TimeZone>(tz: &Tz, ms: i64) -> Option<NaiveDate> {
    local(tz, ms).map(|t| t.date())
}

/// When a reminder `lead_minutes` before a session starting at `starts_at` goes out: at that
/// moment if it falls inside the send window; before the window opens, at its opening if
/// that is still before the session, otherwise at the close of the day before; after the
/// window closes, at its close. Never after the session starts.
pub fn send_time<Tz: TimeZone>(
    tz: &Tz,
    window: SendWindow,
    starts_at: i64,
    lead_minutes: i64,
) -> Option<i64> {
    let ideal = starts_at - lead_minutes * MINUTE_MS;
    let at = local(tz, ideal)?;
    let minute = minute_of_day(at.time());
    let day = at.date();
    let due = if window.contains(minute) {
        ideal
    } else if minute < window.start_minute {
        let opening = at_minute(tz, day, window.start_minute)?;
        if opening < starts_at {
            opening
        } else {
            at_minute(tz, day.pred_opt()?, window.end_minute)?
        }
    } else {
        at_minute(tz, day, window.end_minute)?
    };
    (due < starts_at).then_some(due)
}

/// The reminders to plan for one person and one session: `(lead, due)` for each lead time
/// still ahead. When every lead time has passed (the session was booked at short notice),
/// one reminder of the shortest lead goes now, or when the window next opens, if that is
/// still before the session.
pub fn plan<Tz: TimeZone>(
    tz: &Tz,
    window: SendWindow,
    leads: &[i64],
    starts_at: i64,
    now: i64,
) -> Vec<(i64, i64)> {
    if starts_at <= now {
        return Vec::new();
    }
    let ahead: Vec<(i64, i64)> = leads
        .iter()
        .filter_map(|&lead| send_time(tz, window, starts_at, lead).map(|due| (lead, due)))
        .filter(|&(_, due)| due > now)
        .collect();
    if !ahead.is_empty() {
        return ahead;
    }
    let Some(&shortest) = leads.iter().min() else {
        return Vec::new();
    };
    let Some(at) = local(tz, now) else {
        return Vec::new();
    };
    let minute = minute_of_day(at.time());
    let due = if window.contains(minute) {
        Some(now)
    } else {
        let day = if minute < window.start_minute {
            Some(at.date())
        } else {
            at.date().succ_opt()
        };
        day.and_then(|d| at_minute(tz, d, window.start_minute))
    };
    due.filter(|&d| d < starts_at)
        .map(|d| vec![(shortest, d)])
        .unwrap_or_default()
}

/// Why a planned reminder is not sent, decided at send time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    RemindersOff,
    OptedOut,
    NoEmail,
    Cancelled,
    Moved,
    Started,
    Declined,
    LeftGroup,
    /// Sent late, with a nearer reminder of the same day due too: that one went instead.
    Superseded,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::RemindersOff => "the practice turned reminders off",
            SkipReason::OptedOut => "the person stopped reminders",
            SkipReason::NoEmail => "no email address",
            SkipReason::Cancelled => "the session was cancelled",
            SkipReason::Moved => "the session was moved",
            SkipReason::Started => "the session had started",
            SkipReason::Declined => "the person declined",
            SkipReason::LeftGroup => "the person is no longer on the session's roster",
            SkipReason::Superseded => "a nearer reminder of the same day went instead",
        }
    }
}

/// What is known about a planned reminder when it falls due.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendCheck {
    pub practice_enabled: bool,
    pub opted_out: bool,
    pub has_email: bool,
    pub cancelled: bool,
    /// The session's start now, against the one the reminder was planned for.
    pub starts_at: i64,
    pub planned_start: i64,
    pub declined: bool,
    pub on_roster: bool,
}

/// Whether a due reminder still goes, checked in the order a person would ask.
pub fn skip_reason(c: &SendCheck, now: i64) -> Option<SkipReason> {
    if !c.practice_enabled {
        Some(SkipReason::RemindersOff)
    } else if c.opted_out {
        Some(SkipReason::OptedOut)
    } else if !c.has_email {
        Some(SkipReason::NoEmail)
    } else if c.cancelled {
        Some(SkipReason::Cancelled)
    } else if c.starts_at != c.planned_start {
        Some(SkipReason::Moved)
    } else if c.starts_at <= now {
        Some(SkipReason::Started)
    } else if !c.on_roster {
        Some(SkipReason::LeftGroup)
    } else if c.declined {
        Some(SkipReason::Declined)
    } else {
        None
    }
}

/// The name a reminder greets someone by: their preferred name, or the first word of their
/// legal name. Never a surname: the email may be read by others in the household.
pub fn greeting_name(legal: &str, preferred: Option<&str>) -> String {
    match preferred.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => p.to_string(),
        None => legal
            .split_whitespace()
            .next()
            .unwrap_or("there")
            .to_string(),
    }
}

/// One session in a reminder email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReminderLine {
    /// "Tuesday 9 December at 18:00".
    pub when: String,
    /// The group's name, only where the practice allows it for that group.
    pub group: Option<String>,
    /// The signed link to confirm or decline this session (and to stop reminders).
    pub link: String,
}

/// "Tuesday 9 December at 18:00" for an instant in `tz`.
pub fn when_text<Tz: TimeZone>(tz: &Tz, ms: i64) -> String
where
    Tz::Offset: std::fmt::Display,
{
    match tz.timestamp_millis_opt(ms).single() {
        Some(t) => format!(
            "{} {} {} at {:02}:{:02}",
            t.format("%A"),
            t.day(),
            t.format("%B"),
            t.hour(),
            t.minute()
        ),
        None => String::new(),
    }
}

/// The subject and plain-text body of a reminder of one or more sessions on one day.
pub fn reminder_email(
    greeting: &str,
    practice: &str,
    time_zone_note: Option<&str>,
    lines: &[ReminderLine],
) -> (String, String) {
    let subject = match lines {
        [one] => format!("Reminder: your session on {}", one.when),
        _ => format!("Reminder: your {} sessions", lines.len()),
    };
    let mut body = format!("Hello {greeting},\n\n");
    if let [one] = lines {
        body.push_str(&format!(
            "This is a reminder from {practice} of your session{} on {}.\n",
            group_part(one),
            one.when
        ));
    } else {
        body.push_str(&format!(
            "This is a reminder from {practice} of your sessions:\n"
        ));
        for line in lines {
            body.push_str(&format!("  - {}{}\n", line.when, group_part(line)));
        }
    }
    if let Some(tz) = time_zone_note {
        body.push_str(&format!("Times are in {tz} time.\n"));
    }
    body.push_str("\nPlease let us know whether you will come:\n");
    for line in lines {
        if lines.len() > 1 {
            body.push_str(&format!("{}: ", line.when));
        }
        body.push_str(&format!("{}\n", line.link));
    }
    body.push_str(&format!(
        "\nThe same page lets you stop these reminders.\n\n{practice}\n"
    ));
    (subject, body)
}

fn group_part(line: &ReminderLine) -> String {
    line.group
        .as_deref()
        .map(|g| format!(" ({g})"))
        .unwrap_or_default()
}

/// What a person answers through a reminder's link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderAnswer {
    Confirm,
    Decline,
    /// No more reminders by email.
    Stop,
}

impl ReminderAnswer {
    pub fn parse(s: &str) -> Option<ReminderAnswer> {
        match s {
            "confirm" => Some(ReminderAnswer::Confirm),
            "decline" => Some(ReminderAnswer::Decline),
            "stop" => Some(ReminderAnswer::Stop),
            _ => None,
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::London;

    fn at(tz: &chrono_tz::Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("an unambiguous local time")
            .timestamp_millis()
    }

    const DAY: SendWindow = SendWindow {
        start_minute: 8 * 60,
        end_minute: 21 * 60,
    };

    #[test]
    fn inside_the_window_a_reminder_goes_at_its_lead_time() {
        let start = at(&London, 2026, 12, 15, 18, 0);
        assert_eq!(
            send_time(&London, DAY, start, 48 * 60),
            Some(at(&London, 2026, 12, 13, 18, 0))
        );
        assert_eq!(
            send_time(&London, DAY, start, 120),
            Some(at(&London, 2026, 12, 15, 16, 0))
        );
    }

    #[test]
    fn before_the_window_it_waits_for_the_morning_or_goes_the_evening_before() {
        // 10:00 session, 2 hours ahead is 8:00: inside (the window's edge).
        let ten = at(&London, 2026, 12, 15, 10, 0);
        assert_eq!(
            send_time(&London, DAY, ten, 120),
            Some(at(&London, 2026, 12, 15, 8, 0))
        );
        // 9:00 session: 7:00 is too early; 8:00 is still before it.
        let nine = at(&London, 2026, 12, 15, 9, 0);
        assert_eq!(
            send_time(&London, DAY, nine, 120),
            Some(at(&London, 2026, 12, 15, 8, 0))
        );
        // 7:30 session: 5:30 is too early and 8:00 is after it: 21:00 the evening before.
        let early = at(&London, 2026, 12, 15, 7, 30);
        assert_eq!(
            send_time(&London, DAY, early, 120),
            Some(at(&London, 2026, 12, 14, 21, 0))
        );
    }

    #[test]
    fn after_the_window_it_goes_at_its_close() {
        // 23:30 session, 2 hours ahead is 21:30: at 21:00 instead.
        let late = at(&London, 2026, 12, 15, 23, 30);
        assert_eq!(
            send_time(&London, DAY, late, 120),
            Some(at(&London, 2026, 12, 15, 21, 0))
        );
    }

    #[test]
    fn the_window_is_the_recipients_own() {
        // 18:00 in London is 13:00 in New York; 2 hours ahead is 11:00 there: inside.
        let start = at(&London, 2026, 12, 15, 18, 0);
        assert_eq!(
            send_time(&New_York, DAY, start, 120),
            Some(start - 2 * HOUR_MS)
        );
        // A 10:00 London session is 5:00 in New York; 3:00 is outside and 8:00 is after the
        // start, so the evening before, 21:00 New York time.
        let morning = at(&London, 2026, 12, 15, 10, 0);
        assert_eq!(
            send_time(&New_York, DAY, morning, 120),
            Some(at(&New_York, 2026, 12, 14, 21, 0))
        );
    }

    #[test]
    fn a_session_booked_at_short_notice_gets_one_reminder_now() {
        let now = at(&London, 2026, 12, 15, 12, 0);
        let leads = [48 * 60, 120];
        // 30 hours ahead: the 48-hour reminder has passed; only the 2-hour one is planned.
        let tomorrow = now + 30 * HOUR_MS;
        assert_eq!(
            plan(&London, DAY, &leads, tomorrow, now),
            vec![(120, tomorrow - 2 * HOUR_MS)]
        );
        // 90 minutes ahead: every lead time has passed; one reminder, now.
        let soon = now + 90 * MINUTE_MS;
        assert_eq!(plan(&London, DAY, &leads, soon, now), vec![(120, now)]);
        // A week ahead: both.
        let week = now + 7 * 24 * HOUR_MS;
        assert_eq!(plan(&London, DAY, &leads, week, now).len(), 2);
        // Already started: nothing.
        assert!(plan(&London, DAY, &leads, now - MINUTE_MS, now).is_empty());
        // Booked at 22:30 for 23:30: the window is closed until after the session.
        let night = at(&London, 2026, 12, 15, 22, 30);
        assert!(plan(&London, DAY, &leads, night + HOUR_MS, night).is_empty());
    }

    #[test]
    fn settings_are_checked() {
        assert!(ReminderSettings::default().check().is_ok());
        assert_eq!(ReminderSettings::default().leads(), vec![2880, 120]);
        let bad = |s: ReminderSettings| s.check().expect_err("refused").0;
        let d = ReminderSettings::default();
        assert_eq!(
            bad(ReminderSettings {
                first_lead_minutes: 10,
                ..d
            }),
            "first_lead"
        );
        assert_eq!(
            bad(ReminderSettings {
                second_lead_minutes: Some(3000),
                ..d
            }),
            "second_lead"
        );
        assert_eq!(
            bad(ReminderSettings {
                window_start_minute: 600,
                window_end_minute: 660,
                ..d
            }),
            "window"
        );
        let all_day = ReminderSettings {
            window_start_minute: 0,
            window_end_minute: 1440,
            ..d
        };
        assert!(all_day.check().is_ok());
    }

    #[test]
    fn skips_are_decided_at_send_time() {
        let ok = SendCheck {
            practice_enabled: true,
            has_email: true,
            starts_at: 1_000,
            planned_start: 1_000,
            on_roster: true,
            ..SendCheck::default()
        };
        assert_eq!(skip_reason(&ok, 0), None);
        assert_eq!(
            skip_reason(
                &SendCheck {
                    cancelled: true,
                    ..ok
                },
                0
            ),
            Some(SkipReason::Cancelled)
        );
        assert_eq!(
            skip_reason(
                &SendCheck {
                    starts_at: 2_000,
                    ..ok
                },
                0
            ),
            Some(SkipReason::Moved)
        );
        assert_eq!(
            skip_reason(
                &SendCheck {
                    declined: true,
                    ..ok
                },
                0
            ),
            Some(SkipReason::Declined)
        );
        assert_eq!(
            skip_reason(
                &SendCheck {
                    on_roster: false,
                    ..ok
                },
                0
            ),
            Some(SkipReason::LeftGroup)
        );
        assert_eq!(
            skip_reason(
                &SendCheck {
                    opted_out: true,
                    ..ok
                },
                0
            ),
            Some(SkipReason::OptedOut)
        );
        assert_eq!(skip_reason(&ok, 1_000), Some(SkipReason::Started));
    }

    #[test]
    fn the_email_says_only_what_it_must() {
        assert_eq!(greeting_name("Alexandra Rivera", None), "Alexandra");
        assert_eq!(greeting_name("Alexandra Rivera", Some(" Alex ")), "Alex");
        let line = ReminderLine {
            when: "Tuesday 15 December at 18:00".into(),
            group: None,
            link: "https://gather.example/reminder?token=abc".into(),
        };
        let (subject, body) = reminder_email(
            "Alex",
            "Riverside Counseling",
            None,
            std::slice::from_ref(&line),
        );
        assert_eq!(
            subject,
            "Reminder: your session on Tuesday 15 December at 18:00"
        );
        assert!(body.starts_with("Hello Alex,"));
        assert!(
            body.contains("Riverside Counseling of your session on Tuesday 15 December at 18:00.")
        );
        assert!(body.contains(&line.link));
        assert!(!body.contains("Rivera"));
        let named = ReminderLine {
            group: Some("Skills workshop".into()),
            ..line.clone()
        };
        let (_, body) = reminder_email(
            "Alex",
            "Riverside",
            Some("America/New_York"),
            &[line, named],
        );
        assert!(body.contains("your sessions:"));
        assert!(body.contains("(Skills workshop)"));
        assert!(body.contains("Times are in America/New_York time."));
    }

    #[test]
    fn when_text_reads_like_a_person_wrote_it() {
        let t = at(&London, 2026, 12, 15, 18, 5);
        assert_eq!(when_text(&London, t), "Tuesday 15 December at 18:05");
    }
}
