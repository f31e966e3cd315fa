//! Server functions for the service catalogue. Every staff member may read it (to pick a
//! service); only owners and admins change it.

use super::{Service, ServiceInput};
use crate::domain::ServiceId;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

#[server(endpoint = "services", input = Json)]
pub async fn list_services(include_inactive: bool) -> Result<Vec<Service>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::list(&state.db, &who, include_inactive).await
    })
    .await
}

/// Creates (`id` = None) or edits a service.
#[server(endpoint = "save_service", input = Json)]
pub async fn save_service(id: Option<ServiceId>, input: ServiceInput) -> Result<Service, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::save(&state.db, &who, id, &input).await
    })
    .await
}

/// Takes a service out of use; true if it was deleted rather than deactivated.
#[server(endpoint = "retire_service", input = Json)]
pub async fn retire_service(id: ServiceId) -> Result<bool, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::retire(&state.db, &who, id).await
    })
    .await
}

#[server(endpoint = "reactivate_service", input = Json)]
pub async fn reactivate_service(id: ServiceId) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::reactivate(&state.db, &who, id).await
    })
    .await
}
