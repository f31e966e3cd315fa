//! Scheduling rules: how a series repeats and ends, the RFC 5545 rule text for it, how a
//! "this and following" edit splits a series, which days a calendar view covers, and who
//! is on a session's roster. Expansion into dated occurrences needs time-zone data and
//! lives on the server (`calendar::recurrence`).

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// The most occurrences one series may have: a weekly group for about four years. Longer
/// series are better ended and renewed, and the limit keeps one request bounded.
pub const MAX_OCCURRENCES: i64 = 200;
/// How far ahead a series may run.
pub const MAX_SERIES_DAYS: i64 = 3 * 366;
/// The longest appointment; the calendar's range queries rely on it.
pub const MAX_MINUTES: i64 = 12 * 60;

super::stored_enum! {
    /// Whether an appointment still takes place. A cancelled one keeps its reason and
    /// stays on the calendar, struck through.
    pub enum AppointmentStatus as "appointment status" {
        Scheduled => "scheduled",
        Cancelled => "cancelled",
    }
}

/// How an appointment repeats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Repeat {
    Never,
    Weekly,
    EveryOtherWeek,
    /// On the same weekday of the month as the first session: "the second Tuesday", or
    /// "the last Friday" when the first is in the month's last week.
    MonthlyByWeekday,
    /// An RFC 5545 RRULE body such as `FREQ=WEEKLY;BYDAY=MO,WE`, without COUNT or UNTIL
    /// (the end is chosen separately).
    Custom(String),
}

/// When a series stops.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ends {
    /// After this many sessions.
    After(i64),
    /// On this day, inclusive (`YYYY-MM-DD`).
    On(NaiveDate),
}

/// The days a calendar view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CalendarView {
    Day,
    Week,
    Month,
}

impl CalendarView {
    pub fn as_str(self) -> &'static str {
        match self {
            CalendarView::Day => "day",
            CalendarView::Week => "week",
            CalendarView::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Option<CalendarView> {
        [CalendarView::Day, CalendarView::Week, CalendarView::Month]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    /// The first and last day (inclusive) shown for `day`. Weeks start on Monday; a month
    /// view shows whole weeks, so it may begin and end in the neighbouring months.
    pub fn range(self, day: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            CalendarView::Day => (day, day),
            CalendarView::Week => {
                let monday = day - Duration::days(day.weekday().num_days_from_monday().into());
                (monday, monday + Duration::days(6))
            }
            CalendarView::Month => {
                let first = day.with_day(1).unwrap_or(day);
                let last = last_of_month(first);
                let start = first - Duration::days(first.weekday().num_days_from_monday().into());
                let end = last + Duration::days((6 - last.weekday().num_days_from_monday()).into());
                (start, end)
            }
        }
    }

    /// The day the "next" (`forward`) or "previous" button goes to.
    pub fn step(self, day: NaiveDate, forward: bool) -> NaiveDate {
        let sign = if forward { 1 } else { -1 };
        match self {
            CalendarView::Day => day + Duration::days(sign),
            CalendarView::Week => day + Duration::days(7 * sign),
            CalendarView::Month => {
                let first = day.with_day(1).unwrap_or(day);
                let moved = if forward {
                    last_of_month(first) + Duration::days(1)
                } else {
                    (first - Duration::days(1)).with_day(1).unwrap_or(first)
                };
                // Keep the day of the month where the target month has it.
                moved
                    .with_day(day.day().min(last_of_month(moved).day()))
                    .unwrap_or(moved)
            }
        }
    }
}

fn last_of_month(first: NaiveDate) -> NaiveDate {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.map(|n| n - Duration::days(1)).unwrap_or(first)
}

const WEEKDAY_CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn weekday_code(day: Weekday) -> &'static str {
    WEEKDAY_CODES[day.num_days_from_monday() as usize]
}

/// Which occurrence of its weekday `day` is in its month: 1 to 4, or -1 for the last one
/// (so a series started on a fifth Tuesday keeps to the last Tuesday of each month).
pub fn weekday_position(day: NaiveDate) -> i32 {
    if day + Duration::days(7) > last_of_month(day.with_day(1).unwrap_or(day)) {
        -1
    } else {
        ((day.day() - 1) / 7 + 1) as i32
    }
}

/// Parts of a custom rule Gather does not take: the end is chosen separately, and the
/// start time comes from the session, so one series has at most one session a day.
const REFUSED_PARTS: [&str; 6] = ["COUNT", "UNTIL", "BYHOUR", "BYMINUTE", "BYSECOND", "WKST"];
const KNOWN_PARTS: [&str; 8] = [
    "FREQ",
    "INTERVAL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYSETPOS",
    "BYWEEKNO",
    "BYYEARDAY",
];

/// The RRULE body (without COUNT or UNTIL) for a repeat starting on `first`, or `None`
/// for a single appointment. Custom rules are checked for what the calendar supports;
/// the full grammar is checked again by the server's RFC 5545 library.
pub fn rule_for(repeat: &Repeat, first: NaiveDate) -> Result<Option<String>, String> {
    Ok(match repeat {
        Repeat::Never => None,
        Repeat::Weekly => Some("FREQ=WEEKLY".into()),
        Repeat::EveryOtherWeek => Some("FREQ=WEEKLY;INTERVAL=2".into()),
        Repeat::MonthlyByWeekday => Some(format!(
            "FREQ=MONTHLY;BYDAY={}{}",
            weekday_position(first),
            weekday_code(first.weekday())
        )),
        Repeat::Custom(text) => Some(check_custom_rule(text)?),
    })
}

/// Normalizes a custom RRULE body and refuses what the calendar does not support.
pub fn check_custom_rule(text: &str) -> Result<String, String> {
    let upper = text.trim().to_uppercase();
    let body = upper.trim_start_matches("RRULE:").trim().to_string();
    if body.is_empty() {
        return Err("Write a rule such as FREQ=WEEKLY;BYDAY=MO,WE.".into());
    }
    let mut freq = None;
    for part in body.split(';').filter(|p| !p.is_empty()) {
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| format!("\"{part}\" is not NAME=VALUE."))?;
        if REFUSED_PARTS.contains(&name) {
            return Err(match name {
                "COUNT" | "UNTIL" => {
                    "Leave COUNT and UNTIL out: choose when the series ends below.".into()
                }
                _ => format!("{name} is not supported: a series has one start time."),
            });
        }
        if !KNOWN_PARTS.contains(&name) {
            return Err(format!(
                "{name} is not a recurrence rule part Gather knows."
            ));
        }
        if value.is_empty() {
            return Err(format!("{name} needs a value."));
        }
        if name == "FREQ" {
            freq = Some(value.to_string());
        }
    }
    match freq.as_deref() {
        Some("DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY") => Ok(body),
        Some(other) => Err(format!(
            "FREQ={other} is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY."
        )),
        None => Err("The rule needs a FREQ, such as FREQ=WEEKLY.".into()),
    }
}

/// Checks a series' end against its first day.
pub fn check_ends(ends: &Ends, first: NaiveDate) -> Result<(), String> {
    match ends {
        Ends::After(n) if *n < 1 => Err("A series needs at least one session.".into()),
        Ends::After(n) if *n > MAX_OCCURRENCES => Err(format!(
            "A series can have at most {MAX_OCCURRENCES} sessions; end it sooner and renew it later."
        )),
        Ends::On(day) if *day < first => {
            Err("The series must end on or after its first session.".into())
        }
        Ends::On(day) if (*day - first).num_days() > MAX_SERIES_DAYS => {
            Err("A series can run for at most three years; choose an earlier end.".into())
        }
        _ => Ok(()),
    }
}

/// The full RFC 5545 RRULE for a series, as shown and as exported.
pub fn full_rule(rule: &str, ends: &Ends) -> String {
    match ends {
        Ends::After(n) => format!("{rule};COUNT={n}"),
        Ends::On(day) => format!("{rule};UNTIL={}", day.format("%Y%m%d")),
    }
}

/// The series in words, for the appointment panel.
pub fn describe(rule: &str, first: NaiveDate, ends: &Ends) -> String {
    let weekday = first.format("%A").to_string();
    let how = match rule {
        "FREQ=WEEKLY" => format!("Weekly on {weekday}s"),
        "FREQ=WEEKLY;INTERVAL=2" => format!("Every other {weekday}"),
        r if r.starts_with("FREQ=MONTHLY;BYDAY=") => {
            let position = match weekday_position(first) {
                1 => "first",
                2 => "second",
                3 => "third",
                4 => "fourth",
                _ => "last",
            };
            format!("Monthly on the {position} {weekday}")
        }
        other => format!("Custom ({other})"),
    };
    match ends {
        Ends::After(1) => format!("{how}, once"),
        Ends::After(n) => format!("{how}, {n} sessions"),
        Ends::On(day) => format!("{how}, until {}", super::when::date(*day)),
    }
}

/// How a "this and following" edit at a session splits a series. `before` is how many
/// sessions the series had before the split day. The original keeps those sessions; the
/// new series takes the rest, on the same terms (count-based series keep their total).
pub fn split_ends(ends: &Ends, before: i64, split_day: NaiveDate) -> Result<(Ends, Ends), String> {
    if before < 1 {
        return Err("This is the series' first session: edit the whole series instead.".into());
    }
    let old = match ends {
        Ends::After(_) => Ends::After(before),
        Ends::On(_) => Ends::On(split_day - Duration::days(1)),
    };
    let new = match ends {
        Ends::After(total) if *total > before => Ends::After(total - before),
        Ends::After(_) => return Err("The series has no sessions from this one on.".into()),
        Ends::On(day) => Ends::On(*day),
    };
    Ok((old, new))
}

/// A start time typed as `HH:MM`.
pub fn parse_time(field_text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(field_text.trim(), "%H:%M")
        .map_err(|_| "Enter a time as HH:MM, such as 18:00.".to_string())
}

/// Checks an appointment's length.
pub fn check_minutes(minutes: i64) -> Result<i64, String> {
    if minutes < 5 {
        Err("An appointment lasts at least 5 minutes.".into())
    } else if minutes > MAX_MINUTES {
        Err("An appointment can last at most 12 hours.".into())
    } else {
        Ok(minutes)
    }
}

/// Whether a membership period puts someone on the roster of a session on `day`: active
/// (not waitlisted) members whose period covers the day. Leaving on a day takes them off
/// that day's session.
pub fn on_roster(
    active: bool,
    joined_on: NaiveDate,
    left_on: Option<NaiveDate>,
    day: NaiveDate,
) -> bool {
    active && joined_on <= day && left_on.is_none_or(|left| day < left)
}

/// Whether a session's roster still follows membership changes: only sessions that have
/// not ended and are not documented (attendance or a note). Others keep the roster they had.
pub fn roster_follows_membership(ends_at_ms: i64, now_ms: i64, documented: bool) -> bool {
    !documented && ends_at_ms > now_ms
}

/// Seats left in a session of a group with a capacity.
pub fn seats_left(capacity: Option<i64>, expected: i64) -> Option<i64> {
    capacity.map(|c| (c - expected).max(0))
}

/// The new terms of a series changed at one of its sessions, "from this session on" or as
/// a whole. The rule keeps its shape, re-anchored on the new first day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesEdit {
    /// Sessions from this day on are rewritten; earlier ones keep the old terms.
    pub split_at: NaiveDate,
    /// The first day of the rewritten series.
    pub first_day: NaiveDate,
    pub rule: String,
    /// The original series' new end when the edit splits it (it keeps the sessions before
    /// `split_at`); `None` when the series is rewritten in place.
    pub old_ends: Option<Ends>,
    pub new_ends: Ends,
}

/// Plans a change made at the session on `this_day`, moving it to `new_day`. `whole` moves
/// the whole series by the same number of days; otherwise the series splits at this
/// session (unless it is the first, when the whole series is rewritten). `old_days` are
/// the days of the series as it stands.
pub fn plan_series_edit(
    whole: bool,
    series_first: NaiveDate,
    rule: &str,
    ends: &Ends,
    old_days: &[NaiveDate],
    this_day: NaiveDate,
    new_day: NaiveDate,
) -> Result<SeriesEdit, String> {
    let (split_at, first_day) = if whole {
        (series_first, series_first + (new_day - this_day))
    } else {
        (this_day, new_day)
    };
    // "The second Tuesday" must stay true of the new first day.
    let rule = if rule.starts_with("FREQ=MONTHLY;BYDAY=") {
        rule_for(&Repeat::MonthlyByWeekday, first_day)?.unwrap_or_else(|| rule.to_string())
    } else {
        rule.to_string()
    };
    let before = old_days.iter().filter(|d| **d < split_at).count() as i64;
    let (old_ends, new_ends) = if whole || before == 0 {
        (None, ends.clone())
    } else {
        let (old, new) = split_ends(ends, before, split_at)?;
        (Some(old), new)
    };
    let new_ends = match new_ends {
        // A dated end before the new first day (the series moved later) moves with it.
        Ends::On(last) if last < first_day => Ends::On(first_day),
        other => other,
    };
    Ok(SeriesEdit {
        split_at,
        first_day,
        rule,
        old_ends,
        new_ends,
    })
}

/// An existing session of a series, from the split day on, as a rewrite sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeriesSession {
    pub id: i64,
    /// Its day in the series (`None` for one that no longer belongs to a day of it).
    pub on: Option<NaiveDate>,
    /// Whether the rewrite may re-plan or remove it (see [`replaceable`]).
    pub replaceable: bool,
}

/// Whether a series edit may re-plan or remove a session: only a planned future session
/// that was not moved on its own and is not documented. The rest keep their times.
pub fn replaceable(
    status: AppointmentStatus,
    detached: bool,
    roster_frozen: bool,
    starts_at_ms: i64,
    now_ms: i64,
) -> bool {
    status == AppointmentStatus::Scheduled && !detached && !roster_frozen && starts_at_ms > now_ms
}

/// One session of the new plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlannedSession {
    pub on: NaiveDate,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    /// The existing session re-planned in place (its id, and so its links, stay), or
    /// `None` for a new session.
    pub reuses: Option<i64>,
}

/// What a series edit writes: the sessions of the new plan, which existing sessions they
/// re-plan, and which existing sessions go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeriesRewrite {
    pub sessions: Vec<PlannedSession>,
    /// Replaceable sessions on days the new plan no longer has.
    pub remove: Vec<i64>,
    /// Every replaceable session: a double-booking check must not count them.
    pub replacing: Vec<i64>,
}

/// Matches the new plan (`(day, start)` of each session, in order) against the existing
/// sessions. Past days are not planned; a day holding a kept session is not planned again;
/// a planned session on a day the plan still has is re-planned in place.
pub fn rewrite_series(
    existing: &[SeriesSession],
    plan: &[(NaiveDate, i64)],
    minutes: i64,
    now_ms: i64,
) -> SeriesRewrite {
    let kept: Vec<NaiveDate> = existing
        .iter()
        .filter(|s| !s.replaceable)
        .filter_map(|s| s.on)
        .collect();
    let mut unmatched: Vec<&SeriesSession> = existing.iter().filter(|s| s.replaceable).collect();
    let replacing = unmatched.iter().map(|s| s.id).collect();
    let sessions = plan
        .iter()
        .filter(|(on, starts)| *starts > now_ms && !kept.contains(on))
        .map(|&(on, starts_at_ms)| PlannedSession {
            on,
            starts_at_ms,
            ends_at_ms: starts_at_ms + minutes * 60_000,
            reuses: unmatched
                .iter()
                .position(|s| s.on == Some(on))
                .map(|i| unmatched.remove(i).id),
        })
        .collect();
    SeriesRewrite {
        sessions,
        remove: unmatched.iter().map(|s| s.id).collect(),
        replacing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn week_and_month_ranges_cover_whole_weeks_from_monday() {
        assert_eq!(
            CalendarView::Week.range(d("2026-11-26")),
            (d("2026-11-23"), d("2026-11-29"))
        );
        assert_eq!(
            CalendarView::Day.range(d("2026-11-26")),
            (d("2026-11-26"), d("2026-11-26"))
        );
        // November 2026 starts on a Sunday and ends on a Monday.
        assert_eq!(
            CalendarView::Month.range(d("2026-11-15")),
            (d("2026-10-26"), d("2026-12-06"))
        );
    }

    #[test]
    fn stepping_months_keeps_the_day_where_it_exists() {
        assert_eq!(
            CalendarView::Month.step(d("2026-01-31"), true),
            d("2026-02-28")
        );
        assert_eq!(
            CalendarView::Month.step(d("2026-03-15"), false),
            d("2026-02-15")
        );
        assert_eq!(
            CalendarView::Month.step(d("2026-12-10"), true),
            d("2027-01-10")
        );
        assert_eq!(
            CalendarView::Week.step(d("2026-11-23"), false),
            d("2026-11-16")
        );
        assert_eq!(
            CalendarView::Day.step(d("2026-12-31"), true),
            d("2027-01-01")
        );
    }

    #[test]
    fn standard_repeats_become_rfc_5545_rules() {
        let tuesday = d("2026-11-10"); // the second Tuesday of November
        assert_eq!(rule_for(&Repeat::Never, tuesday), Ok(None));
        assert_eq!(
            rule_for(&Repeat::Weekly, tuesday),
            Ok(Some("FREQ=WEEKLY".into()))
        );
        assert_eq!(
            rule_for(&Repeat::EveryOtherWeek, tuesday),
            Ok(Some("FREQ=WEEKLY;INTERVAL=2".into()))
        );
        assert_eq!(
            rule_for(&Repeat::MonthlyByWeekday, tuesday),
            Ok(Some("FREQ=MONTHLY;BYDAY=2TU".into()))
        );
        // The fifth Monday of November 2026 becomes "the last Monday".
        assert_eq!(
            rule_for(&Repeat::MonthlyByWeekday, d("2026-11-30")),
            Ok(Some("FREQ=MONTHLY;BYDAY=-1MO".into()))
        );
        // A fourth weekday that is also the last of its month stays "last".
        assert_eq!(weekday_position(d("2026-11-24")), -1);
        assert_eq!(weekday_position(d("2026-11-23")), 4);
    }

    #[test]
    fn custom_rules_are_normalized_and_limited() {
        assert_eq!(
            check_custom_rule(" rrule:freq=weekly;byday=mo,we "),
            Ok("FREQ=WEEKLY;BYDAY=MO,WE".into())
        );
        assert!(check_custom_rule("FREQ=WEEKLY;COUNT=4").is_err());
        assert!(check_custom_rule("FREQ=DAILY;UNTIL=20270101").is_err());
        assert!(check_custom_rule("FREQ=HOURLY").is_err());
        assert!(check_custom_rule("FREQ=WEEKLY;BYHOUR=9,17").is_err());
        assert!(check_custom_rule("INTERVAL=2").is_err());
        assert!(check_custom_rule("FREQ=WEEKLY;COLOR=red").is_err());
        assert!(check_custom_rule("FREQ=WEEKLY;BYDAY").is_err());
        assert!(check_custom_rule("").is_err());
    }

    #[test]
    fn ends_are_bounded() {
        let first = d("2026-11-10");
        assert!(check_ends(&Ends::After(0), first).is_err());
        assert!(check_ends(&Ends::After(MAX_OCCURRENCES + 1), first).is_err());
        assert!(check_ends(&Ends::After(12), first).is_ok());
        assert!(check_ends(&Ends::On(d("2026-11-09")), first).is_err());
        assert!(check_ends(&Ends::On(d("2026-11-10")), first).is_ok());
        assert!(check_ends(&Ends::On(d("2031-01-01")), first).is_err());
        assert_eq!(
            full_rule("FREQ=WEEKLY", &Ends::After(8)),
            "FREQ=WEEKLY;COUNT=8"
        );
        assert_eq!(
            full_rule("FREQ=WEEKLY", &Ends::On(d("2027-03-02"))),
            "FREQ=WEEKLY;UNTIL=20270302"
        );
    }

    #[test]
    fn this_and_following_splits_a_counted_series_keeping_its_total() {
        let split = d("2026-12-01");
        assert_eq!(
            split_ends(&Ends::After(10), 3, split),
            Ok((Ends::After(3), Ends::After(7)))
        );
        assert!(split_ends(&Ends::After(3), 3, split).is_err());
        assert!(split_ends(&Ends::After(10), 0, split).is_err());
    }

    #[test]
    fn this_and_following_splits_a_dated_series_the_day_before() {
        assert_eq!(
            split_ends(&Ends::On(d("2027-06-30")), 4, d("2026-12-01")),
            Ok((Ends::On(d("2026-11-30")), Ends::On(d("2027-06-30"))))
        );
    }

    #[test]
    fn describes_series_in_words() {
        let first = d("2026-11-10");
        assert_eq!(
            describe("FREQ=WEEKLY", first, &Ends::After(12)),
            "Weekly on Tuesdays, 12 sessions"
        );
        assert_eq!(
            describe("FREQ=WEEKLY;INTERVAL=2", first, &Ends::On(d("2027-02-02"))),
            "Every other Tuesday, until 2 Feb 2027"
        );
        assert_eq!(
            describe("FREQ=MONTHLY;BYDAY=2TU", first, &Ends::After(6)),
            "Monthly on the second Tuesday, 6 sessions"
        );
    }

    #[test]
    fn roster_on_a_date_follows_dated_membership() {
        let joined = d("2026-11-01");
        let left = Some(d("2026-12-01"));
        assert!(!on_roster(true, joined, left, d("2026-10-31")));
        assert!(on_roster(true, joined, left, d("2026-11-01")));
        assert!(on_roster(true, joined, left, d("2026-11-30")));
        // Leaving on a day takes them off that day's session.
        assert!(!on_roster(true, joined, left, d("2026-12-01")));
        assert!(on_roster(true, joined, None, d("2030-01-01")));
        // The waitlist is not the roster.
        assert!(!on_roster(false, joined, None, d("2026-11-10")));
    }

    #[test]
    fn only_future_undocumented_sessions_follow_membership() {
        assert!(roster_follows_membership(2_000, 1_000, false));
        assert!(!roster_follows_membership(2_000, 1_000, true));
        assert!(!roster_follows_membership(1_000, 2_000, false));
    }

    #[test]
    fn times_lengths_and_seats() {
        assert!(parse_time("18:00").is_ok());
        assert!(parse_time("6pm").is_err());
        assert!(parse_time("25:00").is_err());
        assert!(check_minutes(4).is_err());
        assert!(check_minutes(721).is_err());
        assert_eq!(check_minutes(90), Ok(90));
        assert_eq!(seats_left(Some(8), 5), Some(3));
        assert_eq!(seats_left(Some(8), 9), Some(0));
        assert_eq!(seats_left(None, 9), None);
    }

    fn weekly_days(first: &str, n: i64) -> Vec<NaiveDate> {
        (0..n).map(|i| d(first) + Duration::weeks(i)).collect()
    }

    /// A change at the session on `this_day`, moving it to `new_day`, of a series whose
    /// sessions are `days` (the first is its first day).
    fn plan(
        whole: bool,
        rule: &str,
        ends: Ends,
        days: &[NaiveDate],
        this_day: &str,
        new_day: &str,
    ) -> Result<SeriesEdit, String> {
        plan_series_edit(whole, days[0], rule, &ends, days, d(this_day), d(new_day))
    }

    #[test]
    fn editing_from_a_session_on_splits_the_series_there() {
        // A 10-session weekly series on Tuesdays; the 3rd session moves to Thursday.
        let days = weekly_days("2026-11-03", 10);
        let edit = plan(
            false,
            "FREQ=WEEKLY",
            Ends::After(10),
            &days,
            "2026-11-17",
            "2026-11-19",
        )
        .expect("plan");
        assert_eq!(edit.split_at, d("2026-11-17"));
        assert_eq!(edit.first_day, d("2026-11-19"));
        assert_eq!(
            edit.old_ends,
            Some(Ends::After(2)),
            "the original keeps two"
        );
        assert_eq!(edit.new_ends, Ends::After(8), "the total stays ten");
        // A dated series splits the day before.
        let dated = plan(
            false,
            "FREQ=WEEKLY",
            Ends::On(d("2027-01-05")),
            &days,
            "2026-11-17",
            "2026-11-17",
        )
        .expect("plan");
        assert_eq!(dated.old_ends, Some(Ends::On(d("2026-11-16"))));
        assert_eq!(dated.new_ends, Ends::On(d("2027-01-05")));
    }

    #[test]
    fn editing_the_whole_series_or_its_first_session_rewrites_it_in_place() {
        let days = weekly_days("2026-11-03", 4);
        let whole = plan(
            true,
            "FREQ=WEEKLY",
            Ends::After(4),
            &days,
            "2026-11-17",
            "2026-11-18",
        )
        .expect("plan");
        // Moving the third session a day later moves the whole series a day later.
        assert_eq!(whole.split_at, d("2026-11-03"));
        assert_eq!(whole.first_day, d("2026-11-04"));
        assert_eq!(whole.old_ends, None);
        assert_eq!(whole.new_ends, Ends::After(4));
        let from_first = plan(
            false,
            "FREQ=WEEKLY",
            Ends::After(4),
            &days,
            "2026-11-03",
            "2026-11-05",
        )
        .expect("plan");
        assert_eq!(
            from_first.old_ends, None,
            "nothing before the split to keep"
        );
        assert_eq!(from_first.first_day, d("2026-11-05"));
    }

    #[test]
    fn a_series_edit_keeps_its_rule_true_and_its_end_after_its_start() {
        // Monthly on the first Tuesday, moved to a second Wednesday.
        let edit = plan(
            true,
            "FREQ=MONTHLY;BYDAY=1TU",
            Ends::On(d("2026-11-10")),
            &[d("2026-11-03")],
            "2026-11-03",
            "2026-11-11",
        )
        .expect("plan");
        assert_eq!(edit.rule, "FREQ=MONTHLY;BYDAY=2WE");
        assert_eq!(
            edit.new_ends,
            Ends::On(d("2026-11-11")),
            "the end moves with it"
        );
        // A count-based series cannot split at a session it does not have.
        let err = plan(
            false,
            "FREQ=WEEKLY",
            Ends::After(2),
            &weekly_days("2026-11-03", 2),
            "2026-11-24",
            "2026-11-24",
        )
        .expect_err("past the series' end");
        assert!(err.contains("no sessions"), "{err}");
    }

    #[test]
    fn a_rewrite_replans_matching_days_in_place_and_keeps_what_happened() {
        let at = |day: &str| {
            d(day)
                .and_hms_opt(18, 0, 0)
                .expect("time")
                .and_utc()
                .timestamp_millis()
        };
        let now = at("2026-11-10");
        let existing = [
            // Documented: kept, and its day not planned again.
            SeriesSession {
                id: 1,
                on: Some(d("2026-11-17")),
                replaceable: false,
            },
            SeriesSession {
                id: 2,
                on: Some(d("2026-11-24")),
                replaceable: true,
            },
            // The plan no longer has this day: removed.
            SeriesSession {
                id: 3,
                on: Some(d("2026-12-02")),
                replaceable: true,
            },
        ];
        let plan: Vec<(NaiveDate, i64)> = ["2026-11-03", "2026-11-17", "2026-11-24", "2026-12-01"]
            .iter()
            .map(|day| (d(day), at(day)))
            .collect();
        let rewrite = rewrite_series(&existing, &plan, 90, now);
        let planned: Vec<(NaiveDate, Option<i64>)> =
            rewrite.sessions.iter().map(|s| (s.on, s.reuses)).collect();
        assert_eq!(
            planned,
            vec![(d("2026-11-24"), Some(2)), (d("2026-12-01"), None)],
            "a past day is not planned; a kept day is not doubled"
        );
        assert_eq!(
            rewrite.sessions[0].ends_at_ms - rewrite.sessions[0].starts_at_ms,
            90 * 60_000
        );
        assert_eq!(rewrite.remove, vec![3]);
        assert_eq!(rewrite.replacing, vec![2, 3]);
        assert!(replaceable(
            AppointmentStatus::Scheduled,
            false,
            false,
            now + 1,
            now
        ));
        assert!(!replaceable(
            AppointmentStatus::Scheduled,
            true,
            false,
            now + 1,
            now
        ));
        assert!(!replaceable(
            AppointmentStatus::Scheduled,
            false,
            true,
            now + 1,
            now
        ));
        assert!(!replaceable(
            AppointmentStatus::Cancelled,
            false,
            false,
            now + 1,
            now
        ));
        assert!(!replaceable(
            AppointmentStatus::Scheduled,
            false,
            false,
            now,
            now
        ));
    }
}
