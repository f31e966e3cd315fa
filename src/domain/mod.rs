//! The domain core: plain types and rules with no I/O, compiled for the server and the
//! browser alike and unit-tested without a database or a browser.

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
            type Error = $crate::domain::UnknownValue;
            fn try_from(value: String) -> Result<Self, $crate::domain::UnknownValue> {
                <$ty>::parse(&value).ok_or($crate::domain::UnknownValue { of: $of, value })
            }
        }
    )+};
}
pub(crate) use stored_as_text;

/// An enum stored as text: its variants, their stored names, `ALL`, `as_str`, `parse` and
/// the loud `TryFrom<String>` the repositories read it with. For statuses that are only
/// stored and compared; types with more to say (labels, serde forms) spell theirs out.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident as $of:literal {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str {
                v.as_str()
            }
        }

        $crate::domain::stored_as_text!($name => $of);
    };
}

pub(crate) use stored_enum;

pub mod accounts;
pub mod adjustments;
pub mod attendance;
pub mod billing;
pub mod billing_settings;
pub mod cases;
pub mod forms;
pub mod groups;
pub mod ids;
pub mod invoicing;
pub mod mail;
pub mod membership;
pub mod messages;
pub mod money;
pub mod notes;
pub mod paging;
pub mod people;
pub mod portal;
pub mod reminders;
pub mod reports;
pub mod roles;
pub mod schedule;
pub mod services;
pub mod sessions;
pub mod shares;
pub mod sign_in;
pub mod statements;
pub mod superbills;
pub mod when;

pub use ids::*;
pub use roles::*;

stored_as_text!(
    attendance::Confirmation => "confirmation",
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

    #[test]
    fn stored_enums_name_each_variant_once_and_read_it_back() {
        use super::attendance::HistoryOutcome;
        use super::membership::MembershipStatus;
        use super::schedule::AppointmentStatus;
        fn round_trip<T>(all: &[T], of: &str)
        where
            T: Copy + PartialEq + std::fmt::Debug + TryFrom<String, Error = UnknownValue>,
            T: Into<&'static str>,
        {
            let names: std::collections::HashSet<&str> = all.iter().map(|v| (*v).into()).collect();
            assert_eq!(
                names.len(),
                all.len(),
                "{of}: each variant has its own name"
            );
            for v in all {
                let name: &str = (*v).into();
                assert_eq!(T::try_from(name.to_string()), Ok(*v));
            }
            let err = T::try_from("mystery".to_string()).expect_err("an unknown name");
            assert_eq!((err.of, err.value.as_str()), (of, "mystery"));
        }
        round_trip(MembershipStatus::ALL, "membership status");
        round_trip(AppointmentStatus::ALL, "appointment status");
        round_trip(HistoryOutcome::ALL, "attendance history outcome");
    }
}
