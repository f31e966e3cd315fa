//! The domain core: plain types and rules with no I/O, compiled for the server and the
//! browser alike and unit-tested without a database or a browser.

pub mod attendance;
pub mod billing;
pub mod cases;
pub mod groups;
pub mod ids;
pub mod membership;
pub mod notes;
pub mod people;
pub mod roles;
pub mod schedule;
pub mod services;
pub mod sessions;
pub mod sign_in;

pub use ids::*;
pub use roles::*;

/// A stored name (a kind, a status) that names no value of its type: the row is corrupt or
/// newer than this build. Reading it fails loudly rather than becoming another value (a
/// corrupt case kind read as "individual" would gain the clinical workflow).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a known {of}")]
pub struct UnknownValue {
    pub of: &'static str,
    pub value: String,
}

/// `TryFrom<String>` through a type's own `parse`, so the repositories can read the type
/// straight from its column (`#[sqlx(try_from = "String")]`).
macro_rules! stored_as_text {
    ($($ty:ty => $of:literal),+ $(,)?) => {$(
        impl TryFrom<String> for $ty {
            type Error = UnknownValue;
            fn try_from(value: String) -> Result<Self, UnknownValue> {
                <$ty>::parse(&value).ok_or(UnknownValue { of: $of, value })
            }
        }
    )+};
}

stored_as_text!(
    cases::CaseKind => "case kind",
    cases::Language => "template language",
    people::PersonKind => "person kind",
    notes::NoteStatus => "note status",
    Role => "role",
);

#[cfg(test)]
mod tests {
    use super::cases::CaseKind;
    use super::notes::NoteStatus;
    use super::UnknownValue;

    #[test]
    fn stored_names_read_back_or_fail_naming_the_value() {
        for kind in CaseKind::ALL {
            assert_eq!(CaseKind::try_from(kind.as_str().to_string()), Ok(kind));
        }
        assert_eq!(
            CaseKind::try_from("mystery".to_string()),
            Err(UnknownValue {
                of: "case kind",
                value: "mystery".into()
            })
        );
        assert!(
            NoteStatus::try_from("Locked".to_string()).is_err(),
            "names are exact"
        );
    }
}
