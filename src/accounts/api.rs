//! Server functions of the team screen (owners and admins) and of the public pages behind
//! invitation and reset links, which check the link themselves.

use super::{PortalAccess, StaffInvitationInput, Team};
use crate::domain::{AccountId, InvitationId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

#[server(endpoint = "team", input = Json)]
pub async fn get_team() -> Result<Team, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::team(&state.db, &who).await
    })
    .await
}

#[server(endpoint = "invite_staff", input = Json)]
pub async fn invite_staff(input: StaffInvitationInput) -> Result<InvitationId, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::invite_staff(&state.db, &state.config.mail.public_url, &who, input).await
    })
    .await
}

#[server(endpoint = "resend_invitation", input = Json)]
pub async fn resend_invitation(id: InvitationId) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::resend_invitation(&state.db, &state.config.mail.public_url, &who, id).await
    })
    .await
}

#[server(endpoint = "revoke_invitation", input = Json)]
pub async fn revoke_invitation(id: InvitationId) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::revoke_invitation(&state.db, &who, id).await
    })
    .await
}

#[server(endpoint = "change_staff_role", input = Json)]
pub async fn change_staff_role(
    account: AccountId,
    role: String,
    supervisor: Option<AccountId>,
) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::change_role(&state.db, &who, account, &role, supervisor).await
    })
    .await
}

#[server(endpoint = "set_account_active", input = Json)]
pub async fn set_account_active(account: AccountId, active: bool) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::set_account_active(&state.db, &who, account, active).await
    })
    .await
}

/// Who an invitation link is for, if it can still be accepted. Public: the link's token is
/// the credential.
#[server(endpoint = "preview_invitation", input = Json)]
pub async fn preview_invitation(token: String) -> Result<super::InvitationPreview, AppError> {
    let state = crate::access::state()?;
    super::server::invitation_preview(&state.db, &token).await
}

/// Accepts an invitation with the chosen password, signs the new account in and lands it
/// on its side of the product.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    password: String,
    confirm: String,
) -> Result<String, AppError> {
    let state = crate::access::state()?;
    if let Some(previous) = crate::access::signed_in() {
        // Whoever was signed in on this browser is signed out: the new account takes over.
        crate::auth::server::sign_out(&state.db, &previous).await?;
    }
    let session = super::server::accept_invitation(&state.db, &token, &password, &confirm).await?;
    crate::auth::api::set_cookie(&crate::auth::server::session_cookie(
        &session.token,
        state.config.cookie_secure,
        state.config.sessions.absolute_lifetime_ms / 1000,
    ));
    let landing = session.role.landing_path();
    leptos_axum::redirect(landing);
    Ok(landing.to_string())
}

/// Sends a reset link if the address has an account; answers the same either way.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = crate::access::state()?;
    super::server::request_reset(&state.db, &state.config.mail.public_url, &email).await
}

/// Sets a new password from a reset link; every session of the account ends.
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    let state = crate::access::state()?;
    super::server::reset_password(&state.db, &token, &password, &confirm).await?;
    leptos_axum::redirect("/login?reset=done");
    Ok(())
}

/// A person's portal access, for their page.
#[server(endpoint = "portal_access", input = Json)]
pub async fn get_portal_access(person: PersonId) -> Result<PortalAccess, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::portal_access(&state.db, &who, person).await
    })
    .await
}

#[server(endpoint = "invite_to_portal", input = Json)]
pub async fn invite_to_portal(person: PersonId) -> Result<InvitationId, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::invite_to_portal(&state.db, &state.config.mail.public_url, &who, person)
            .await
    })
    .await
}

#[server(endpoint = "set_portal_active", input = Json)]
pub async fn set_portal_active(person: PersonId, active: bool) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::set_portal_active(&state.db, &who, person, active).await
    })
    .await
}
