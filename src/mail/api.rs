//! Server functions of the outbox screen: owners and admins only.

use super::OutboxEmail;
use crate::domain::EmailId;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// The practice's most recent emails (the last 200), newest first.
#[server(endpoint = "outbox", input = Json)]
pub async fn list_outbox() -> Result<Vec<OutboxEmail>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::recent(&state.db, &who).await
    })
    .await
}

/// Puts a failed email back in the queue.
#[server(endpoint = "send_email_again", input = Json)]
pub async fn send_email_again(id: EmailId) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::send_again(&state.db, &who, id).await
    })
    .await
}
