//! Accounts and sign-in: shared types, server functions and the sign-in page.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::{AccountId, Role};
use serde::{Deserialize, Serialize};

/// What the browser learns about the signed-in account: enough to greet and route, no
/// secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub account_id: AccountId,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub practice_name: String,
    /// When the session ends without further activity, in the practice's time zone
    /// (for example "4:12 PM"), formatted on the server.
    pub session_ends_at: String,
    /// The same moment in UTC milliseconds, for the client to warn before it passes.
    pub session_ends_at_ms: i64,
}
