//! Expanding a series into dated sessions with the `rrule` crate (RFC 5545), in the
//! practice's time zone: the rule runs on local wall-clock time and each session is then
//! stored in UTC, so a Tuesday 18:00 group stays at 18:00 across daylight-saving changes.
//! Server only (the time-zone database stays out of the browser bundle).

use crate::domain::schedule::{Ends, MAX_OCCURRENCES};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// One session of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The local day: the session's identity in its series and the date of its roster.
    pub on: NaiveDate,
    pub starts_at: DateTime<Utc>,
}

/// The UTC instant of a local wall-clock time. A time skipped by a spring-forward change
/// moves to the first valid instant after it; an ambiguous time (autumn) takes the first.
pub fn local_to_utc(tz: Tz, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = day.and_time(time);
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        chrono::LocalResult::None => {
            // Gaps are at most a couple of hours; the hour after is always valid.
            let later = naive + chrono::Duration::hours(1);
            tz.from_local_datetime(&later)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
        }
    }
}

/// The sessions of a series: `rule` is an RRULE body without COUNT or UNTIL (see
/// `domain::schedule::rule_for`), starting on `first` at `time` in `tz`, ending as `ends`.
pub fn expand(
    rule: &str,
    first: NaiveDate,
    time: NaiveTime,
    tz: Tz,
    ends: &Ends,
) -> Result<Vec<Occurrence>, String> {
    let text = format!(
        "DTSTART;TZID={}:{}\nRRULE:{}",
        tz.name(),
        first.and_time(time).format("%Y%m%dT%H%M%S"),
        match ends {
            Ends::After(n) => format!("{rule};COUNT={n}"),
            Ends::On(_) => rule.to_string(),
        }
    );
    let set: rrule::RRuleSet = text
        .parse()
        .map_err(|e: rrule::RRuleError| format!("The repeat rule is not valid: {e}"))?;
    let limit = MAX_OCCURRENCES as usize;
    let mut sessions = Vec::new();
    for at in set.into_iter() {
        let on = at.date_naive();
        if let Ends::On(last) = ends {
            if on > *last {
                break;
            }
        }
        if sessions.len() == limit {
            return Err(format!(
                "This series would have more than {limit} sessions; end it sooner."
            ));
        }
        // The rule yields local wall-clock times; place each one in UTC ourselves so that
        // gaps and overlaps are handled the same way as single appointments.
        sessions.push(Occurrence {
            on,
            starts_at: local_to_utc(tz, on, time),
        });
    }
    if sessions.is_empty() {
        return Err("This rule produces no sessions before the series ends.".into());
    }
    Ok(sessions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").expect("test time")
    }

    fn utc_hours(sessions: &[Occurrence]) -> Vec<u32> {
        sessions.iter().map(|s| s.starts_at.hour()).collect()
    }

    fn local_times(sessions: &[Occurrence], tz: Tz) -> Vec<String> {
        sessions
            .iter()
            .map(|s| {
                s.starts_at
                    .with_timezone(&tz)
                    .format("%a %H:%M")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn a_tuesday_evening_group_stays_at_six_across_new_york_daylight_saving() {
        let tz: Tz = "America/New_York".parse().expect("zone");
        // US clocks go back on Sunday 1 November 2026.
        let s = expand(
            "FREQ=WEEKLY",
            d("2026-10-20"),
            t("18:00"),
            tz,
            &Ends::After(4),
        )
        .expect("expands");
        assert_eq!(
            s.iter().map(|o| o.on).collect::<Vec<_>>(),
            vec![
                d("2026-10-20"),
                d("2026-10-27"),
                d("2026-11-03"),
                d("2026-11-10")
            ]
        );
        assert_eq!(local_times(&s, tz), vec!["Tue 18:00"; 4]);
        // 18:00 EDT is 22:00 UTC; 18:00 EST is 23:00 UTC.
        assert_eq!(utc_hours(&s), vec![22, 22, 23, 23]);
        // And forward again in March 2027 (14 March).
        let s = expand(
            "FREQ=WEEKLY",
            d("2027-03-09"),
            t("18:00"),
            tz,
            &Ends::On(d("2027-03-16")),
        )
        .expect("expands");
        assert_eq!(utc_hours(&s), vec![23, 22]);
        assert_eq!(local_times(&s, tz), vec!["Tue 18:00"; 2]);
    }

    #[test]
    fn london_and_sydney_change_on_other_dates_and_in_other_directions() {
        let london: Tz = "Europe/London".parse().expect("zone");
        // UK clocks go back on 25 October 2026, a week before the US.
        let s = expand(
            "FREQ=WEEKLY",
            d("2026-10-20"),
            t("18:00"),
            london,
            &Ends::After(2),
        )
        .expect("expands");
        assert_eq!(utc_hours(&s), vec![17, 18]);
        assert_eq!(local_times(&s, london), vec!["Tue 18:00"; 2]);

        let sydney: Tz = "Australia/Sydney".parse().expect("zone");
        // Sydney moves forward on 4 October 2026 (AEST +10 to AEDT +11).
        let s = expand(
            "FREQ=WEEKLY",
            d("2026-09-29"),
            t("18:00"),
            sydney,
            &Ends::After(2),
        )
        .expect("expands");
        assert_eq!(utc_hours(&s), vec![8, 7]);
        assert_eq!(local_times(&s, sydney), vec!["Tue 18:00"; 2]);
    }

    #[test]
    fn every_other_week_and_monthly_by_weekday() {
        let tz: Tz = "America/Chicago".parse().expect("zone");
        let s = expand(
            "FREQ=WEEKLY;INTERVAL=2",
            d("2026-11-10"),
            t("09:30"),
            tz,
            &Ends::After(3),
        )
        .expect("expands");
        assert_eq!(
            s.iter().map(|o| o.on).collect::<Vec<_>>(),
            vec![d("2026-11-10"), d("2026-11-24"), d("2026-12-08")]
        );
        let s = expand(
            "FREQ=MONTHLY;BYDAY=-1MO",
            d("2026-11-30"),
            t("12:00"),
            tz,
            &Ends::After(3),
        )
        .expect("expands");
        assert_eq!(
            s.iter().map(|o| o.on).collect::<Vec<_>>(),
            vec![d("2026-11-30"), d("2026-12-28"), d("2027-01-25")]
        );
    }

    #[test]
    fn a_dated_end_is_inclusive_and_custom_rules_work() {
        let tz: Tz = "Europe/Berlin".parse().expect("zone");
        let s = expand(
            "FREQ=WEEKLY;BYDAY=MO,WE",
            d("2026-11-23"),
            t("08:00"),
            tz,
            &Ends::On(d("2026-12-02")),
        )
        .expect("expands");
        assert_eq!(
            s.iter().map(|o| o.on).collect::<Vec<_>>(),
            vec![
                d("2026-11-23"),
                d("2026-11-25"),
                d("2026-11-30"),
                d("2026-12-02")
            ]
        );
    }

    #[test]
    fn nonsense_and_oversized_rules_are_refused() {
        let tz = chrono_tz::UTC;
        assert!(expand(
            "FREQ=WEEKLY;BYDAY=XX",
            d("2026-11-23"),
            t("08:00"),
            tz,
            &Ends::After(2)
        )
        .is_err());
        assert!(expand(
            "FREQ=DAILY",
            d("2026-11-23"),
            t("08:00"),
            tz,
            &Ends::On(d("2028-01-01"))
        )
        .is_err());
    }

    #[test]
    fn times_in_a_spring_forward_gap_move_an_hour_later() {
        let tz: Tz = "America/New_York".parse().expect("zone");
        // 02:30 does not exist on 14 March 2027 in New York.
        let at = local_to_utc(tz, d("2027-03-14"), t("02:30"));
        assert_eq!(at.with_timezone(&tz).format("%H:%M").to_string(), "03:30");
        // 01:30 happens twice on 1 November 2026; the first (EDT) is taken.
        let at = local_to_utc(tz, d("2026-11-01"), t("01:30"));
        assert_eq!(at.hour(), 5);
    }
}
