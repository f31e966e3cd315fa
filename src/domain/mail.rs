//! Rules of the email outbox: what state an email is in and when a failed one is tried again.

use super::sessions::MINUTE_MS;

super::stored_enum! {
    /// Where an email in the outbox stands.
    pub enum EmailStatus as "email status" {
        Queued => "queued",
        /// Claimed by a worker that is sending it now (until its lease runs out).
        Sending => "sending",
        Sent => "sent",
        /// A send failed; it is tried again at its next attempt time.
        Retrying => "retrying",
        /// Every attempt failed; an owner can send it again.
        Failed => "failed",
    }
}

super::stored_enum! {
    /// What an email is for.
    pub enum EmailKind as "email kind" {
        Invitation => "invitation",
        PasswordReset => "password_reset",
        /// A session reminder (minimal content; see `domain::reminders`).
        Reminder => "reminder",
        /// "You have a new message": no content, a link to sign in.
        MessageNotice => "message_notice",
        /// "You have a form to complete" (sent or a reminder): no content, a link.
        FormNotice => "form_notice",
    }
}

impl EmailKind {
    pub fn label(self) -> &'static str {
        match self {
            EmailKind::Invitation => "Invitation",
            EmailKind::PasswordReset => "Password reset",
            EmailKind::Reminder => "Session reminder",
            EmailKind::MessageNotice => "New message notice",
            EmailKind::FormNotice => "Form to complete",
        }
    }
}

impl EmailStatus {
    pub fn label(self) -> &'static str {
        match self {
            EmailStatus::Queued => "Queued",
            EmailStatus::Sending => "Sending",
            EmailStatus::Sent => "Sent",
            EmailStatus::Retrying => "Retrying",
            EmailStatus::Failed => "Failed",
        }
    }
}

/// How long a worker holds an email it claimed; a worker that dies mid-send leaves it to
/// be claimed again after this.
pub const LEASE_MS: i64 = 2 * MINUTE_MS;

/// Waits after the 1st, 2nd, ... failed attempt: quick at first (a server restarting), then
/// spreading out over about a day. After the last, the email is failed.
const BACKOFF_MINUTES: [i64; 6] = [1, 5, 15, 60, 240, 720];

/// Attempts before an email is marked failed.
pub const MAX_ATTEMPTS: i64 = BACKOFF_MINUTES.len() as i64 + 1;

/// After `attempts` failed attempts, when to try again (ms from now), or None to give up.
pub fn retry_after(attempts: i64) -> Option<i64> {
    let i = usize::try_from(attempts.checked_sub(1)?).ok()?;
    BACKOFF_MINUTES.get(i).map(|m| m * MINUTE_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_sends_back_off_then_give_up() {
        assert_eq!(retry_after(0), None);
        assert_eq!(retry_after(1), Some(MINUTE_MS));
        assert_eq!(retry_after(2), Some(5 * MINUTE_MS));
        assert_eq!(retry_after(MAX_ATTEMPTS - 1), Some(720 * MINUTE_MS));
        assert_eq!(retry_after(MAX_ATTEMPTS), None);
        for w in (1..MAX_ATTEMPTS).collect::<Vec<_>>().windows(2) {
            assert!(retry_after(w[0]) < retry_after(w[1]));
        }
    }

    #[test]
    fn statuses_round_trip() {
        for s in EmailStatus::ALL {
            assert_eq!(EmailStatus::parse(s.as_str()), Some(*s));
        }
    }
}
