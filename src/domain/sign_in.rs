//! Sign-in input and brute-force throttling rules.
//!
//! Failures are counted per email address whether or not an account has it, so the
//! throttle itself never tells an attacker which addresses exist.

use super::sessions::MINUTE_MS;
use serde::{Deserialize, Serialize};

/// Normalises an email for lookup: trimmed and lower-cased. Returns `None` for something
/// that cannot be an address, so the form can say so before any lookup.
pub fn normalize_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
        && email.len() <= 254
        && !domain.contains('@');
    plausible.then_some(email)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThrottlePolicy {
    /// Failures allowed inside the window before the address is locked.
    pub max_failures: i64,
    pub window_ms: i64,
    pub lockout_ms: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            max_failures: 5,
            window_ms: 15 * MINUTE_MS,
            lockout_ms: 15 * MINUTE_MS,
        }
    }
}

/// The failure record kept for one email address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FailureRecord {
    pub failures: i64,
    pub window_started_at: i64,
    pub locked_until: Option<i64>,
}

impl ThrottlePolicy {
    /// Milliseconds until the address may try again, if it is locked now.
    pub fn locked_for(&self, record: &FailureRecord, now: i64) -> Option<i64> {
        record
            .locked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// The record after one more failure at `now`. A failure outside the window starts a
    /// new window; reaching the limit locks the address.
    pub fn after_failure(&self, record: &FailureRecord, now: i64) -> FailureRecord {
        let in_window = record.failures > 0 && now - record.window_started_at < self.window_ms;
        let (failures, window_started_at) = if in_window {
            (record.failures + 1, record.window_started_at)
        } else {
            (1, now)
        };
        // A lock in force is never shortened, even by a failure that raced it.
        let still_locked = record.locked_until.filter(|until| *until > now);
        let new_lock = (failures >= self.max_failures).then_some(now + self.lockout_ms);
        let locked_until = still_locked.max(new_lock);
        FailureRecord {
            failures,
            window_started_at,
            locked_until,
        }
    }
}

/// Minutes to tell a locked-out user, rounded up so "0 minutes" is never shown.
pub fn minutes_to_wait(ms: i64) -> i64 {
    (ms + MINUTE_MS - 1) / MINUTE_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000_000;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalize_email("  Owner@Riverside.Example "),
            Some("owner@riverside.example".into())
        );
    }

    #[test]
    fn implausible_emails_are_refused() {
        for bad in [
            "",
            "owner",
            "@x.org",
            "a@b",
            "a@.org",
            "a@org.",
            "a b@c.org",
            "a@b@c.org",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_fifth_failure_in_the_window_locks() {
        let p = ThrottlePolicy::default();
        let mut r = FailureRecord::default();
        for i in 0..4 {
            r = p.after_failure(&r, T0 + i * 1000);
            assert_eq!(p.locked_for(&r, T0 + i * 1000), None);
        }
        r = p.after_failure(&r, T0 + 5000);
        assert_eq!(r.failures, 5);
        assert_eq!(p.locked_for(&r, T0 + 5000), Some(15 * MINUTE_MS));
        assert_eq!(
            p.locked_for(&r, T0 + 5000 + 15 * MINUTE_MS),
            None,
            "the lock ends"
        );
    }

    #[test]
    fn failures_outside_the_window_start_over() {
        let p = ThrottlePolicy::default();
        let mut r = FailureRecord::default();
        for i in 0..4 {
            r = p.after_failure(&r, T0 + i);
        }
        r = p.after_failure(&r, T0 + 16 * MINUTE_MS);
        assert_eq!(r.failures, 1);
        assert_eq!(r.window_started_at, T0 + 16 * MINUTE_MS);
        assert_eq!(r.locked_until, None);
    }

    #[test]
    fn a_lock_in_force_survives_a_new_window() {
        let p = ThrottlePolicy::default();
        let locked = FailureRecord {
            failures: 5,
            window_started_at: T0,
            locked_until: Some(T0 + 30 * MINUTE_MS),
        };
        let after = p.after_failure(&locked, T0 + 20 * MINUTE_MS);
        assert_eq!(after.failures, 1, "a new window starts");
        assert_eq!(
            after.locked_until,
            Some(T0 + 30 * MINUTE_MS),
            "but the lock stays"
        );
    }

    #[test]
    fn waiting_time_rounds_up_to_whole_minutes() {
        assert_eq!(minutes_to_wait(1), 1);
        assert_eq!(minutes_to_wait(MINUTE_MS), 1);
        assert_eq!(minutes_to_wait(MINUTE_MS + 1), 2);
    }
}
