//! The audit log: an append-only record of sign-ins, sign-outs, denied accesses and every
//! read or write of health information (who, what, when, outcome).

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        [Outcome::Success, Outcome::Failure, Outcome::Denied]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// What was done. Health-information actions (`Read`, `Create`, `Update`, `Delete`) are
/// recorded by the capabilities that hold it, through `audit::server::record`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    SignIn,
    SignOut,
    Access,
    Read,
    Create,
    Update,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SignOut => "sign_out",
            Action::Access => "access",
            Action::Read => "read",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// One audit entry as read back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub practice_id: Option<i64>,
    pub actor_account_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: Option<i64>,
    pub outcome: String,
    pub detail: String,
    pub occurred_at: i64,
}
