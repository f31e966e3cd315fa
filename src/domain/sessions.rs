//! Server-side session lifetime rules.
//!
//! A session ends after a period without activity (idle timeout) and, however active, after
//! an absolute lifetime, so a stolen cookie is not good forever. Times are UTC milliseconds
//! since the Unix epoch.

use serde::{Deserialize, Serialize};

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionPolicy {
    pub idle_timeout_ms: i64,
    pub absolute_lifetime_ms: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_timeout_ms: 30 * MINUTE_MS,
            absolute_lifetime_ms: 12 * HOUR_MS,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStatus {
    Active,
    /// No request for longer than the idle timeout.
    Idle,
    /// Older than the absolute lifetime, however active.
    Expired,
}

/// How often the last-seen time is written back. Writing on every request would turn every
/// page view into a database write; a minute of slack on a 30-minute timeout is harmless.
pub const TOUCH_INTERVAL_MS: i64 = MINUTE_MS;

impl SessionPolicy {
    pub fn status(&self, created_at: i64, last_seen_at: i64, now: i64) -> SessionStatus {
        if now - created_at >= self.absolute_lifetime_ms {
            SessionStatus::Expired
        } else if now - last_seen_at >= self.idle_timeout_ms {
            SessionStatus::Idle
        } else {
            SessionStatus::Active
        }
    }

    /// When the session ends if nothing more happens: the earlier of the idle and the
    /// absolute deadline.
    pub fn ends_at(&self, created_at: i64, last_seen_at: i64) -> i64 {
        (last_seen_at + self.idle_timeout_ms).min(created_at + self.absolute_lifetime_ms)
    }

    pub fn needs_touch(&self, last_seen_at: i64, now: i64) -> bool {
        now - last_seen_at >= TOUCH_INTERVAL_MS
    }

    /// Both limits must be positive and the idle timeout cannot outlive the session.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.idle_timeout_ms <= 0 {
            return Err("the idle timeout must be at least one minute");
        }
        if self.absolute_lifetime_ms <= 0 {
            return Err("the absolute lifetime must be at least one hour");
        }
        if self.idle_timeout_ms > self.absolute_lifetime_ms {
            return Err("the idle timeout cannot be longer than the absolute lifetime");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000_000;

    #[test]
    fn fresh_session_is_active() {
        let p = SessionPolicy::default();
        assert_eq!(p.status(T0, T0, T0), SessionStatus::Active);
        assert_eq!(p.status(T0, T0, T0 + 29 * MINUTE_MS), SessionStatus::Active);
    }

    #[test]
    fn idle_for_the_timeout_ends_the_session() {
        let p = SessionPolicy::default();
        assert_eq!(p.status(T0, T0, T0 + 30 * MINUTE_MS), SessionStatus::Idle);
    }

    #[test]
    fn activity_keeps_it_alive_until_the_absolute_lifetime() {
        let p = SessionPolicy::default();
        let almost = T0 + 12 * HOUR_MS - 1;
        assert_eq!(
            p.status(T0, almost - MINUTE_MS, almost),
            SessionStatus::Active
        );
        let end = T0 + 12 * HOUR_MS;
        assert_eq!(p.status(T0, end - MINUTE_MS, end), SessionStatus::Expired);
    }

    #[test]
    fn absolute_expiry_wins_over_idle() {
        let p = SessionPolicy::default();
        assert_eq!(p.status(T0, T0, T0 + 13 * HOUR_MS), SessionStatus::Expired);
    }

    #[test]
    fn ends_at_is_the_earlier_deadline() {
        let p = SessionPolicy::default();
        assert_eq!(p.ends_at(T0, T0), T0 + 30 * MINUTE_MS);
        let late = T0 + 12 * HOUR_MS - 5 * MINUTE_MS;
        assert_eq!(p.ends_at(T0, late), T0 + 12 * HOUR_MS);
    }

    #[test]
    fn last_seen_is_written_at_most_once_a_minute() {
        let p = SessionPolicy::default();
        assert!(!p.needs_touch(T0, T0 + 59_999));
        assert!(p.needs_touch(T0, T0 + MINUTE_MS));
    }

    #[test]
    fn nonsensical_policies_are_refused() {
        let mut p = SessionPolicy::default();
        assert!(p.validate().is_ok());
        p.idle_timeout_ms = 0;
        assert!(p.validate().is_err());
        p.idle_timeout_ms = 13 * HOUR_MS;
        assert!(p.validate().is_err());
    }
}
