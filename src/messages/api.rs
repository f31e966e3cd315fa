//! Server functions of secure messages: the staff inbox and threads (staff who may see the
//! person), "Message the group", and the portal's own threads (a portal account's person
//! only).

use super::{Inbox, InboxFilter, NewThread, ThreadSummary, ThreadView};
use crate::domain::{CaseId, ThreadId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

#[server(endpoint = "inbox", input = Json)]
pub async fn get_inbox(filter: InboxFilter) -> Result<Inbox, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::inbox(&state.db, &who, filter).await
    })
    .await
}

/// A thread's messages after message `after` (0: all of them); marks them read.
#[server(endpoint = "message_thread", input = Json)]
pub async fn get_thread(id: ThreadId, after: i64) -> Result<ThreadView, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::thread(&state.db, &who, id, after).await
    })
    .await
}

#[server(endpoint = "start_thread", input = Json)]
pub async fn start_thread(input: NewThread) -> Result<ThreadId, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::start(&state.db, &state.config.mail.public_url, &who, input).await
    })
    .await
}

#[server(endpoint = "reply_in_thread", input = Json)]
pub async fn reply_in_thread(id: ThreadId, body: String) -> Result<i64, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::reply(&state.db, &state.config.mail.public_url, &who, id, &body).await
    })
    .await
}

/// One separate thread to each current member of a group; returns how many.
#[server(endpoint = "message_group", input = Json)]
pub async fn message_group(case: CaseId, subject: String, body: String) -> Result<usize, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::message_group(
            &state.db,
            &state.config.mail.public_url,
            &who,
            case,
            &subject,
            &body,
        )
        .await
    })
    .await
}

#[server(endpoint = "my_threads", input = Json)]
pub async fn my_threads() -> Result<Vec<ThreadSummary>, AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::my_threads(&state.db, &who).await
    })
    .await
}

#[server(endpoint = "my_thread", input = Json)]
pub async fn my_thread(id: ThreadId, after: i64) -> Result<ThreadView, AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::my_thread(&state.db, &who, id, after).await
    })
    .await
}

#[server(endpoint = "my_reply", input = Json)]
pub async fn my_reply(id: ThreadId, body: String) -> Result<i64, AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::my_reply(&state.db, &who, id, &body).await
    })
    .await
}

#[server(endpoint = "my_new_thread", input = Json)]
pub async fn my_new_thread(subject: String, body: String) -> Result<ThreadId, AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::my_new_thread(&state.db, &who, &subject, &body).await
    })
    .await
}
