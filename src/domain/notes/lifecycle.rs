//! The rules of a group note's life: draft, supervision, sign-off and lock into each
//! attending participant's chart.

use serde::{Deserialize, Serialize};

/// Where a group note stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteStatus {
    Draft,
    /// Sent by an associate to their supervisor.
    InReview,
    /// Sent back by the supervisor with comments.
    Returned,
    /// The supervisor co-signed it; it can be locked.
    CoSigned,
    /// Signed into every attendee's chart; it never changes again.
    Locked,
}

impl NoteStatus {
    pub const ALL: [NoteStatus; 5] = [
        NoteStatus::Draft,
        NoteStatus::InReview,
        NoteStatus::Returned,
        NoteStatus::CoSigned,
        NoteStatus::Locked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteStatus::Draft => "draft",
            NoteStatus::InReview => "in_review",
            NoteStatus::Returned => "returned",
            NoteStatus::CoSigned => "cosigned",
            NoteStatus::Locked => "locked",
        }
    }

    pub fn parse(s: &str) -> Option<NoteStatus> {
        NoteStatus::ALL.into_iter().find(|n| n.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            NoteStatus::Draft => "Draft",
            NoteStatus::InReview => "With the supervisor for review",
            NoteStatus::Returned => "Returned by the supervisor",
            NoteStatus::CoSigned => "Co-signed; ready to lock",
            NoteStatus::Locked => "Signed and locked",
        }
    }

    /// Whether its text may still change.
    pub fn editable(self) -> bool {
        matches!(self, NoteStatus::Draft | NoteStatus::Returned)
    }
}

/// What one staff member may do to one note now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotePermissions {
    pub edit: bool,
    /// Send it to their supervisor (associates).
    pub submit: bool,
    /// Return it or co-sign it (the supervisor it was sent to).
    pub review: bool,
    pub lock: bool,
    pub addendum: bool,
}

/// Who may do what to a note of `status`. `writes_notes`: the caller delivers care on a case
/// they can see; `needs_supervisor`: the caller is an associate; `is_reviewer`: the note was
/// sent to the caller for review.
pub fn permissions(
    status: NoteStatus,
    writes_notes: bool,
    needs_supervisor: bool,
    is_reviewer: bool,
) -> NotePermissions {
    NotePermissions {
        edit: writes_notes && status.editable(),
        submit: writes_notes && needs_supervisor && status.editable(),
        review: is_reviewer && status == NoteStatus::InReview,
        lock: writes_notes
            && match status {
                NoteStatus::Draft => !needs_supervisor,
                NoteStatus::CoSigned => true,
                _ => false,
            },
        addendum: writes_notes && status == NoteStatus::Locked,
    }
}

/// Why a note cannot be locked yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockRefusal {
    AlreadyLocked,
    NeedsCoSignature,
    InReview,
    NotAllowed,
    Blank,
    AttendanceMissing(Vec<String>),
    NobodyAttended,
}

impl std::fmt::Display for LockRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockRefusal::AlreadyLocked => f.write_str("This note is already signed and locked."),
            LockRefusal::NeedsCoSignature => f.write_str(
                "Your notes need your supervisor's co-signature: send this note for review first.",
            ),
            LockRefusal::InReview => {
                f.write_str("This note is with the supervisor; it can be locked once co-signed.")
            }
            LockRefusal::NotAllowed => {
                f.write_str("Only the session's clinicians can sign and lock its note.")
            }
            LockRefusal::Blank => f.write_str("Write the group note before locking it."),
            LockRefusal::AttendanceMissing(names) => write!(
                f,
                "Record attendance for everyone first; not yet recorded: {}.",
                names.join(", ")
            ),
            LockRefusal::NobodyAttended => f.write_str(
                "Nobody attended this session, so there is no chart to add this note to.",
            ),
        }
    }
}

/// Whether a note can be signed and locked: by whom, in which state, with what attendance.
/// `unrecorded`: roster members without attendance; `attendees`: how many attended.
pub fn check_lock(
    status: NoteStatus,
    writes_notes: bool,
    needs_supervisor: bool,
    group_text_blank: bool,
    unrecorded: &[String],
    attendees: usize,
) -> Result<(), LockRefusal> {
    match status {
        NoteStatus::Locked => return Err(LockRefusal::AlreadyLocked),
        NoteStatus::InReview => return Err(LockRefusal::InReview),
        NoteStatus::Draft | NoteStatus::Returned if needs_supervisor => {
            return Err(LockRefusal::NeedsCoSignature)
        }
        NoteStatus::Returned => return Err(LockRefusal::NeedsCoSignature),
        _ => {}
    }
    if !writes_notes {
        return Err(LockRefusal::NotAllowed);
    }
    if group_text_blank {
        return Err(LockRefusal::Blank);
    }
    if !unrecorded.is_empty() {
        return Err(LockRefusal::AttendanceMissing(unrecorded.to_vec()));
    }
    if attendees == 0 {
        return Err(LockRefusal::NobodyAttended);
    }
    Ok(())
}

/// Supervisor's comments when returning a note: required, bounded.
pub fn check_comments(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Say what should change, so the note's author knows what to do.".into());
    }
    if t.chars().count() > 5_000 {
        return Err("Keep comments under 5,000 characters.".into());
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_do_what_to_a_note() {
        use NoteStatus::*;
        // A provider writes and locks a draft.
        let p = permissions(Draft, true, false, false);
        assert!(p.edit && p.lock && !p.submit && !p.review && !p.addendum);
        // An associate writes and sends it for review, but cannot lock it yet.
        let a = permissions(Draft, true, true, false);
        assert!(a.edit && a.submit && !a.lock);
        // In review nobody edits; only the supervisor it went to reviews.
        assert_eq!(
            permissions(InReview, true, true, false),
            NotePermissions::default()
        );
        let s = permissions(InReview, true, false, true);
        assert!(s.review && !s.edit && !s.lock);
        // Returned: the associate edits and sends it again.
        let r = permissions(Returned, true, true, false);
        assert!(r.edit && r.submit && !r.lock);
        // Co-signed: it can be locked, by the associate too, and not edited.
        let c = permissions(CoSigned, true, true, false);
        assert!(c.lock && !c.edit);
        // Locked: only addenda.
        let l = permissions(Locked, true, false, false);
        assert!(l.addendum && !l.edit && !l.lock);
        // Someone who does not write notes (an administrator) does nothing.
        assert_eq!(
            permissions(Draft, false, false, false),
            NotePermissions::default()
        );
    }

    #[test]
    fn a_note_locks_only_when_signed_off_written_and_attendance_is_complete() {
        use NoteStatus::*;
        assert_eq!(check_lock(Draft, true, false, false, &[], 3), Ok(()));
        assert_eq!(check_lock(CoSigned, true, true, false, &[], 3), Ok(()));
        assert_eq!(
            check_lock(Draft, true, true, false, &[], 3),
            Err(LockRefusal::NeedsCoSignature)
        );
        assert_eq!(
            check_lock(InReview, true, false, false, &[], 3),
            Err(LockRefusal::InReview)
        );
        assert_eq!(
            check_lock(Locked, true, false, false, &[], 3),
            Err(LockRefusal::AlreadyLocked)
        );
        assert_eq!(
            check_lock(Draft, false, false, false, &[], 3),
            Err(LockRefusal::NotAllowed)
        );
        assert_eq!(
            check_lock(Draft, true, false, true, &[], 3),
            Err(LockRefusal::Blank)
        );
        let missing =
            check_lock(Draft, true, false, false, &["Alex".into()], 3).expect_err("refused");
        assert!(missing.to_string().contains("Alex"));
        assert_eq!(
            check_lock(Draft, true, false, false, &[], 0),
            Err(LockRefusal::NobodyAttended)
        );
        assert!(check_comments("  ").is_err());
        assert_eq!(check_comments(" fix plan ").as_deref(), Ok("fix plan"));
    }

    #[test]
    fn statuses_round_trip() {
        for s in NoteStatus::ALL {
            assert_eq!(NoteStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(NoteStatus::parse("signed"), None);
    }
}
