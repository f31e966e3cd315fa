//! Secure messages between the practice and one person at a time (a participant or a
//! payer): the staff inbox by person and case with unread counts, threads that show new
//! messages while open, "Message the group" as one separate thread per member, the portal's
//! messages, and a notification email that carries no content. Every read is audited.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::{CaseId, PersonId, ThreadId};
use serde::{Deserialize, Serialize};

/// One thread in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadSummary {
    pub id: ThreadId,
    /// Who the thread is with (staff lists); the practice's name in the portal.
    pub with: String,
    pub person_id: PersonId,
    /// The case it is about, in staff lists only.
    pub case_name: Option<String>,
    pub subject: String,
    /// "7 Dec 14:05".
    pub last_at: String,
    /// Messages from the other side not yet read.
    pub unread: i64,
}

/// Which threads the staff inbox lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxFilter {
    pub person: Option<PersonId>,
    pub case: Option<CaseId>,
    pub unread_only: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub threads: Vec<ThreadSummary>,
    /// Threads with something unread, over the whole inbox (not only those listed).
    pub unread_threads: i64,
}

/// One message as a thread shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: i64,
    /// "Dr. Jordan Lee" or the person's name (staff); "You" or the practice's name (portal).
    pub author: String,
    pub mine: bool,
    pub body: String,
    pub at: String,
}

/// A thread and its messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    pub id: ThreadId,
    pub subject: String,
    pub with: String,
    pub person_id: PersonId,
    pub case_name: Option<String>,
    /// Staff only: whether the person can sign in to read it (an active portal account).
    pub can_sign_in: bool,
    pub messages: Vec<MessageView>,
}

/// A new thread as the staff form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewThread {
    pub person: Option<PersonId>,
    pub case: Option<CaseId>,
    pub subject: String,
    pub body: String,
}

/// How long an open thread waits before asking for new messages.
pub const POLL_SECONDS: u64 = 4;
