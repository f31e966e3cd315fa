//! Rules for getting in: invitations, password strength and reset links.

use super::Role;

/// How long an invitation link works.
pub const INVITATION_HOURS: i64 = 72;
pub const INVITATION_MS: i64 = INVITATION_HOURS * super::sessions::HOUR_MS;
/// How long a password-reset link works: long enough to open the email, short enough that
/// an old email in a shared mailbox is harmless.
pub const RESET_MS: i64 = super::sessions::HOUR_MS;
/// A reset link is not sent again to the same account within this time, so the form cannot
/// be used to fill someone's mailbox.
pub const RESET_RESEND_MS: i64 = super::sessions::MINUTE_MS;

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 200;

/// Passwords people choose first; refused whatever their length.
const COMMON: [&str; 12] = [
    "password1234",
    "123456789012",
    "qwertyuiop12",
    "passwordpassword",
    "iloveyou1234",
    "letmein12345",
    "welcome12345",
    "administrator",
    "changeme1234",
    "therapy12345",
    "qwertyuiopasdf",
    "abcdefghijkl",
];

/// A sensible strength rule (NIST 800-63B): long enough, not too long to hash, not one
/// character repeated, not the address itself, not a well-known first choice. No arbitrary
/// composition rules: a long passphrase is better than "P@ssw0rd!".
pub fn check_new_password(password: &str, confirm: &str, email: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(format!(
            "Use at least {PASSWORD_MIN_CHARS} characters; a few words together make a good password."
        ));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(format!("Use at most {PASSWORD_MAX_CHARS} characters."));
    }
    let lower = password.to_lowercase();
    let mut distinct: Vec<char> = lower.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return Err("Use more than a few different characters.".into());
    }
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    if lower == email.to_lowercase() || (local.len() >= 4 && lower.contains(&local)) {
        return Err("Don't use your email address in your password.".into());
    }
    if COMMON.contains(&lower.as_str()) {
        return Err("That password is one of the first anyone would guess. Choose another.".into());
    }
    if password != confirm {
        return Err("The two passwords don't match.".into());
    }
    Ok(())
}

/// Where a link (an invitation or a reset) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    Usable,
    Used,
    Revoked,
    Expired,
}

impl LinkState {
    pub fn of(used_at: Option<i64>, revoked_at: Option<i64>, expires_at: i64, now: i64) -> Self {
        if used_at.is_some() {
            LinkState::Used
        } else if revoked_at.is_some() {
            LinkState::Revoked
        } else if now >= expires_at {
            LinkState::Expired
        } else {
            LinkState::Usable
        }
    }

    /// What the person following the link is told when it does not work.
    pub fn refusal(self, what: &str) -> Option<String> {
        match self {
            LinkState::Usable => None,
            LinkState::Used => Some(format!(
                "This {what} link has already been used. Sign in, or ask the practice for a new one."
            )),
            LinkState::Revoked => Some(format!(
                "This {what} link was withdrawn by the practice. Ask them for a new one."
            )),
            LinkState::Expired => Some(format!(
                "This {what} link has expired. Ask for a new one."
            )),
        }
    }
}

/// The roles an owner or administrator can invite staff to, or change a staff account to.
/// Only an owner grants or takes away the owner role.
pub fn may_assign(actor: Role, from: Option<Role>, to: Role) -> Result<(), String> {
    if !actor.manages_practice() {
        return Err("Only the practice's owners and administrators manage accounts.".into());
    }
    if !to.is_staff() {
        return Err("Participants get in through \"Invite to the portal\" on their page.".into());
    }
    if actor != Role::Owner && (to == Role::Owner || from == Some(Role::Owner)) {
        return Err("Only an owner can make someone an owner or change an owner's account.".into());
    }
    Ok(())
}

/// A staff member's name as shown in the app.
pub fn check_display_name(name: &str) -> Result<&str, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err("Enter their name (up to 120 characters).".into());
    }
    Ok(name)
}

/// The subject and body of an invitation. The portal's says nothing about why the person
/// is known to the practice (no group, no service), only who invites them where.
pub fn invitation_email(
    practice: &str,
    invited_by: &str,
    role: Role,
    link: &str,
) -> (String, String) {
    let subject = format!("You're invited to {practice} on Gather");
    let what = if role.is_staff() {
        format!(
            "{invited_by} has invited you to join {practice} on Gather as {}.",
            indefinite(role.label())
        )
    } else {
        format!("{practice} has invited you to its client portal on Gather.")
    };
    let body = format!(
        "{what}\n\nChoose your password here (the link works once, for {INVITATION_HOURS} hours):\n{link}\n\n\
         If you weren't expecting this, you can ignore this email.\n"
    );
    (subject, body)
}

/// The subject and body of a password-reset email.
pub fn reset_email(link: &str) -> (String, String) {
    (
        "Reset your Gather password".to_string(),
        format!(
            "Someone (we hope you) asked to reset the password of the Gather account for this address.\n\n\
             Choose a new password here (the link works once, for one hour):\n{link}\n\n\
             If you didn't ask, ignore this email: your password stays as it is.\n"
        ),
    )
}

fn indefinite(noun: &str) -> String {
    let article = if noun.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_must_be_long_varied_and_not_the_address() {
        let e = "sam@example.org";
        assert!(check_new_password("short", "short", e).is_err());
        assert!(check_new_password("aaaaaaaaaaaaaa", "aaaaaaaaaaaaaa", e).is_err());
        assert!(check_new_password("sam@example.org", "sam@example.org", e).is_err());
        assert!(check_new_password("password1234", "password1234", e).is_err());
        assert!(check_new_password("PASSWORD1234", "PASSWORD1234", e).is_err());
        let long = "x".repeat(201) + "abcd";
        assert!(check_new_password(&long, &long, e).is_err());
        let err =
            check_new_password("river stones hum", "river stones hm", e).expect_err("mismatch");
        assert!(err.contains("match"), "{err}");
        assert_eq!(
            check_new_password("river stones hum", "river stones hum", e),
            Ok(())
        );
    }

    #[test]
    fn a_link_is_used_revoked_expired_or_usable_in_that_order() {
        assert_eq!(LinkState::of(None, None, 100, 99), LinkState::Usable);
        assert_eq!(LinkState::of(None, None, 100, 100), LinkState::Expired);
        assert_eq!(LinkState::of(Some(1), Some(2), 100, 200), LinkState::Used);
        assert_eq!(LinkState::of(None, Some(2), 100, 50), LinkState::Revoked);
        assert!(LinkState::Usable.refusal("invitation").is_none());
        assert!(LinkState::Expired
            .refusal("invitation")
            .is_some_and(|m| m.contains("expired")));
    }

    #[test]
    fn emails_carry_the_link_and_nothing_about_care() {
        let (subject, body) = invitation_email(
            "Riverside",
            "Dana Reyes",
            Role::Associate,
            "https://g/x?token=t",
        );
        assert!(subject.contains("Riverside"));
        assert!(body.contains("as an Associate") && body.contains("https://g/x?token=t"));
        let (_, body) = invitation_email("Riverside", "Dana Reyes", Role::Participant, "L");
        assert!(!body.contains("Dana") && body.contains("client portal"));
        assert!(reset_email("L2").1.contains("L2"));
    }

    #[test]
    fn only_owners_touch_the_owner_role() {
        assert!(may_assign(Role::Owner, None, Role::Owner).is_ok());
        assert!(may_assign(Role::Admin, None, Role::Provider).is_ok());
        assert!(may_assign(Role::Admin, None, Role::Owner).is_err());
        assert!(may_assign(Role::Admin, Some(Role::Owner), Role::Admin).is_err());
        assert!(may_assign(Role::Provider, None, Role::Provider).is_err());
        assert!(may_assign(Role::Owner, None, Role::Participant).is_err());
    }
}
