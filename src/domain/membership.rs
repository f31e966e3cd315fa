//! Dated membership: who belongs to a case, from when until when.
//!
//! A membership period runs from `joined_on` (inclusive) to `left_on` (exclusive): someone
//! who leaves on the 10th is not on the roster of a session on the 10th. Leaving keeps the
//! period as history; rejoining starts a new one. Periods of one person in one case never
//! overlap.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

super::stored_enum! {
    /// Where a membership stands. A waitlisted person is not on any roster until promoted.
    pub enum MembershipStatus as "membership status" {
        Active => "active",
        Waitlisted => "waitlisted",
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

impl Period {
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.joined_on <= day && self.left_on.is_none_or(|left| day < left)
    }

    pub fn overlaps(&self, other: &Period) -> bool {
        let starts_before_other_ends = other.left_on.is_none_or(|end| self.joined_on < end);
        let other_starts_before_self_ends = self.left_on.is_none_or(|end| other.joined_on < end);
        starts_before_other_ends && other_starts_before_self_ends
    }
}

/// Checks a new period against the person's existing periods in the same case.
pub fn check_new_period(existing: &[Period], new: Period) -> Result<(), String> {
    if let Some(left) = new.left_on {
        if left <= new.joined_on {
            return Err("The end date must be after the start date.".into());
        }
    }
    if existing.iter().any(|p| p.left_on.is_none()) {
        return Err("This person is already a current member.".into());
    }
    if let Some(clash) = existing.iter().find(|p| p.overlaps(&new)) {
        return Err(format!(
            "This overlaps an earlier membership ({} to {}). Choose a start date on or after {}.",
            clash.joined_on,
            clash
                .left_on
                .map(|d| d.to_string())
                .unwrap_or_else(|| "now".into()),
            clash.left_on.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    Ok(())
}

/// What ending a membership on a given date does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The period closes on that date and stays as history.
    Close,
    /// The period had not begun by that date (added by mistake, or starting later): it is
    /// withdrawn, as if never entered.
    Withdraw,
}

/// Decides how a current period ends on `left_on`, given the practice's `today`.
pub fn check_end(period: &Period, left_on: NaiveDate, today: NaiveDate) -> Result<Ending, String> {
    if period.left_on.is_some() {
        return Err("This membership has already ended.".into());
    }
    if left_on > period.joined_on {
        return Ok(Ending::Close);
    }
    // Only a period that has not run yet may vanish; a running one keeps its history.
    if period.joined_on >= today {
        return Ok(Ending::Withdraw);
    }
    Err(format!(
        "This membership started on {}; choose an end date after that.",
        period.joined_on
    ))
}

/// Whether a membership still holds a place on `today`: not ended, or ending later.
/// (A period not yet begun counts: it is a place promised.)
pub fn is_current(period: &Period, today: NaiveDate) -> bool {
    period.left_on.is_none_or(|left| left > today)
}

/// Parses a date typed into a form (`YYYY-MM-DD`, as date inputs send it), within years
/// a practice can mean (stored dates compare as text, so they must keep four digits).
pub fn parse_day(field: &str, text: &str) -> Result<NaiveDate, String> {
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{field}: enter a date like 2026-11-23."))?;
    if !(1900..=2100).contains(&chrono::Datelike::year(&day)) {
        return Err(format!("{field}: check the year."));
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn p(from: &str, to: Option<&str>) -> Period {
        Period {
            joined_on: d(from),
            left_on: to.map(d),
        }
    }

    #[test]
    fn active_from_joining_until_the_day_before_leaving() {
        let m = p("2026-01-05", Some("2026-03-01"));
        assert!(!m.is_active_on(d("2026-01-04")));
        assert!(m.is_active_on(d("2026-01-05")));
        assert!(m.is_active_on(d("2026-02-28")));
        assert!(!m.is_active_on(d("2026-03-01")));
        assert!(p("2026-01-05", None).is_active_on(d("2030-01-01")));
    }

    #[test]
    fn rejoining_after_leaving_is_allowed() {
        let history = [p("2026-01-05", Some("2026-03-01"))];
        assert!(check_new_period(&history, p("2026-03-01", None)).is_ok());
        assert!(check_new_period(&history, p("2026-06-01", None)).is_ok());
    }

    #[test]
    fn overlapping_periods_are_refused() {
        let history = [p("2026-01-05", Some("2026-03-01"))];
        assert!(check_new_period(&history, p("2026-02-01", None)).is_err());
        assert!(check_new_period(&history, p("2025-12-01", Some("2026-01-06"))).is_err());
        assert!(check_new_period(&history, p("2025-12-01", Some("2026-01-05"))).is_ok());
    }

    #[test]
    fn a_current_member_cannot_join_again() {
        let history = [p("2026-01-05", None)];
        let err = check_new_period(&history, p("2027-01-01", None)).expect_err("current");
        assert!(err.contains("already a current member"));
    }

    #[test]
    fn ending_closes_a_running_period_and_withdraws_one_not_yet_begun() {
        let today = d("2026-03-01");
        let running = p("2026-01-05", None);
        assert_eq!(
            check_end(&running, d("2026-01-06"), today),
            Ok(Ending::Close)
        );
        assert!(
            check_end(&running, d("2026-01-05"), today).is_err(),
            "history is never erased"
        );
        assert!(check_end(&running, d("2025-12-01"), today).is_err());
        let starts_today = p("2026-03-01", None);
        assert_eq!(
            check_end(&starts_today, d("2026-03-01"), today),
            Ok(Ending::Withdraw)
        );
        let starts_later = p("2026-04-01", None);
        assert_eq!(
            check_end(&starts_later, d("2026-03-15"), today),
            Ok(Ending::Withdraw)
        );
        assert!(check_end(&p("2026-01-05", Some("2026-02-01")), d("2026-03-01"), today).is_err());
    }

    #[test]
    fn current_until_the_end_date_arrives() {
        assert!(is_current(
            &p("2026-01-05", Some("2026-04-01")),
            d("2026-03-01")
        ));
        assert!(!is_current(
            &p("2026-01-05", Some("2026-03-01")),
            d("2026-03-01")
        ));
        assert!(is_current(&p("2026-01-05", None), d("2026-03-01")));
    }

    #[test]
    fn dates_from_forms() {
        assert_eq!(parse_day("Start", "2026-11-23"), Ok(d("2026-11-23")));
        assert!(parse_day("Start", "23/11/2026").is_err());
        assert!(parse_day("Start", "").is_err());
        assert!(parse_day("Start", "+10000-01-01").is_err());
        assert!(parse_day("Start", "1800-01-01").is_err());
    }
}
