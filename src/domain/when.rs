//! How Gather writes dates and times, one policy for every screen, email and audit detail:
//! a 24-hour clock ("18:00"), the day before the month ("Tuesday 24 November 2026",
//! "24 Nov"). Plain wall-clock values go in; the server turns stored UTC instants into the
//! practice's wall clock first (`server::time`). Input fields keep their own machine formats
//! (`HH:MM`, ISO dates), which the browser's pickers expect.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// "18:00".
pub fn clock(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// "18:05" for a number of minutes since midnight (the calendar's time grid).
pub fn clock_of_minutes(minutes_of_day: i64) -> String {
    format!(
        "{:02}:{:02}",
        minutes_of_day.div_euclid(60),
        minutes_of_day.rem_euclid(60)
    )
}

/// "18:00–19:30".
pub fn clock_range(from: NaiveTime, to: NaiveTime) -> String {
    format!("{}–{}", clock(from), clock(to))
}

/// "Tuesday 24 November 2026": a day as a screen heads it.
pub fn long_date(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

/// "24 Nov 2026".
pub fn date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// "24 Nov", where the year goes without saying.
pub fn day_month(d: NaiveDate) -> String {
    d.format("%-d %b").to_string()
}

/// "Tue 24 Nov".
pub fn weekday_day_month(d: NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

/// "November 2026".
pub fn month(d: NaiveDate) -> String {
    d.format("%B %Y").to_string()
}

/// "23 Nov – 29 Nov 2026"; "29 Nov 2026" for one day; "28 Dec 2026 – 3 Jan 2027" when the
/// years differ, so the first day never borrows the last one's year.
pub fn date_range(first: NaiveDate, last: NaiveDate) -> String {
    use chrono::Datelike;
    if first == last {
        date(last)
    } else if first.year() == last.year() {
        format!("{} – {}", day_month(first), date(last))
    } else {
        format!("{} – {}", date(first), date(last))
    }
}

/// A period stored as two `YYYY-MM-DD` days, as `date_range` says it (as stored if either
/// is not a day).
pub fn days_range(first: &str, last: &str) -> String {
    match (
        NaiveDate::parse_from_str(first, "%Y-%m-%d"),
        NaiveDate::parse_from_str(last, "%Y-%m-%d"),
    ) {
        (Ok(first), Ok(last)) => date_range(first, last),
        _ => format!("{first} – {last}"),
    }
}

/// "24 Nov 2026 18:00": when something was done.
pub fn stamp(at: NaiveDateTime) -> String {
    format!("{} {}", date(at.date()), clock(at.time()))
}

/// "24 Nov 18:00": when something was done, in a list of recent changes.
pub fn short_stamp(at: NaiveDateTime) -> String {
    format!("{} {}", day_month(at.date()), clock(at.time()))
}

/// "on Tue 24 Nov at 18:00", inside a sentence.
pub fn on_day_at(at: NaiveDateTime) -> String {
    format!(
        "on {} at {}",
        weekday_day_month(at.date()),
        clock(at.time())
    )
}

/// "Tuesday 24 November 2026 · 18:00–19:30": when a session is, as its screens head it.
pub fn period(from: NaiveDateTime, to: NaiveDateTime) -> String {
    format!(
        "{} · {}",
        long_date(from.date()),
        clock_range(from.time(), to.time())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test time")
    }

    #[test]
    fn every_label_uses_the_24_hour_clock_and_day_before_month() {
        let start = at("2026-11-24 18:00");
        let end = at("2026-11-24 19:30");
        assert_eq!(period(start, end), "Tuesday 24 November 2026 · 18:00–19:30");
        assert_eq!(stamp(at("2026-03-05 09:07")), "5 Mar 2026 09:07");
        assert_eq!(short_stamp(at("2026-03-05 21:07")), "5 Mar 21:07");
        assert_eq!(on_day_at(start), "on Tue 24 Nov at 18:00");
        assert_eq!(
            date_range(start.date(), at("2026-11-29 00:00").date()),
            "24 Nov – 29 Nov 2026"
        );
        assert_eq!(
            date_range(at("2026-11-29 00:00").date(), at("2026-11-29 00:00").date()),
            "29 Nov 2026"
        );
        assert_eq!(
            days_range("2026-12-28", "2027-01-03"),
            "28 Dec 2026 – 3 Jan 2027"
        );
        assert_eq!(days_range("2026-12-01", "soon"), "2026-12-01 – soon");
        assert_eq!(month(start.date()), "November 2026");
        // Midnight and noon are never ambiguous.
        assert_eq!(clock(at("2026-01-01 00:00").time()), "00:00");
        assert_eq!(clock(at("2026-01-01 12:00").time()), "12:00");
        assert_eq!(clock_of_minutes(18 * 60 + 5), "18:05");
    }
}
