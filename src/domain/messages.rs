//! Secure messages: what a subject and a message may be, and the notification email, which
//! says only that the practice wrote and where to sign in: never the message, a name, a
//! group or a case.

/// The longest subject, in characters.
pub const MAX_SUBJECT: usize = 150;
/// The longest message, in characters (a long letter, not a document).
pub const MAX_BODY: usize = 10_000;
/// The most people one "Message the group" reaches.
pub const MAX_GROUP_RECIPIENTS: usize = 500;

/// A trimmed subject, or what is wrong with it.
pub fn check_subject(subject: &str) -> Result<String, String> {
    let s = subject.trim();
    if s.is_empty() {
        Err("Give the message a subject.".into())
    } else if s.chars().count() > MAX_SUBJECT {
        Err(format!("Keep the subject to {MAX_SUBJECT} characters."))
    } else if s.chars().any(char::is_control) {
        Err("The subject must be one line.".into())
    } else {
        Ok(s.to_string())
    }
}

/// A message body with its ends trimmed, or what is wrong with it.
pub fn check_body(body: &str) -> Result<String, String> {
    let b = body.trim();
    if b.is_empty() {
        Err("Write a message.".into())
    } else if b.chars().count() > MAX_BODY {
        Err(format!(
            "This message is too long: keep it to {MAX_BODY} characters."
        ))
    } else {
        Ok(b.replace("\r\n", "\n"))
    }
}

/// The email telling someone there is a new message: the practice's name and a link to sign
/// in, nothing else.
pub fn notice_email(practice: &str, public_url: &str) -> (String, String) {
    (
        format!("New message from {practice}"),
        format!(
            "You have a new secure message from {practice}.\n\n\
             Sign in to read it:\n{public_url}/login\n\n\
             For your privacy, messages are not sent by email.\n"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_bodies_are_checked() {
        assert_eq!(
            check_subject("  Schedule change "),
            Ok("Schedule change".into())
        );
        assert!(check_subject("   ").is_err());
        assert!(check_subject(&"x".repeat(MAX_SUBJECT + 1)).is_err());
        assert!(check_subject("two\nlines").is_err());
        assert_eq!(check_body(" Hi,\r\nsee you.\n"), Ok("Hi,\nsee you.".into()));
        assert!(check_body("\n\t ").is_err());
        assert!(check_body(&"y".repeat(MAX_BODY + 1)).is_err());
    }

    #[test]
    fn the_notice_says_nothing_but_who_and_where() {
        let (subject, body) = notice_email("Riverside Counseling", "https://gather.example");
        assert_eq!(subject, "New message from Riverside Counseling");
        assert!(body.contains("https://gather.example/login"));
        assert_eq!(body.lines().filter(|l| !l.is_empty()).count(), 4);
    }
}
