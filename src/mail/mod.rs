//! Email: the outbox every email is written to (in the same transaction as what caused it),
//! the worker that sends it by SMTP or into a folder, and the owners' outbox screen.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod worker;

use crate::domain::mail::{EmailKind, EmailStatus};
use crate::domain::EmailId;
use serde::{Deserialize, Serialize};

/// One email as the outbox screen shows it: never its body, which may hold a sign-in link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEmail {
    pub id: EmailId,
    pub kind: EmailKind,
    pub recipient: String,
    pub subject: String,
    pub status: EmailStatus,
    pub attempts: i64,
    /// Why the last attempt failed, as the mail server or the network said it.
    pub last_error: String,
    /// When it was written, in the practice's time zone.
    pub created: String,
    /// When it was sent, or (retrying) when it is tried next.
    pub when: Option<String>,
}
