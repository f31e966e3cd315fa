//! Server functions of forms: templates and sharing for staff, filling in and signing for
//! the portal (a form's own signers only).

use super::{CaseForms, MyForm, MyFormSummary, ShareForm, Shared, TemplateSummary, TemplateView};
use crate::domain::forms::{Answers, FormField, FormSet};
use crate::domain::{CaseId, FormId, FormTemplateId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

#[server(endpoint = "form_templates", input = Json)]
pub async fn form_templates() -> Result<Vec<TemplateSummary>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::templates(&state.db, &who).await
    })
    .await
}

#[server(endpoint = "form_template", input = Json)]
pub async fn form_template(id: FormTemplateId) -> Result<TemplateView, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::template(&state.db, &who, id).await
    })
    .await
}

/// Saves a template, new when `id` is none; a change to its fields is a new version.
#[server(endpoint = "save_form_template", input = Json)]
pub async fn save_form_template(
    id: Option<FormTemplateId>,
    name: String,
    set: FormSet,
    fields: Vec<FormField>,
    active: bool,
) -> Result<TemplateView, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::save_template(&state.db, &who, id, &name, set, &fields, active).await
    })
    .await
}

/// A case's forms card: what it may send, to whom, and what was sent.
#[server(endpoint = "forms_of_case", input = Json)]
pub async fn forms_of_case(case: CaseId) -> Result<CaseForms, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::case_forms(&state.db, &who, case).await
    })
    .await
}

#[server(endpoint = "send_form", input = Json)]
pub async fn send_form(case: CaseId, ask: ShareForm) -> Result<Shared, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::share(&state.db, &state.config.mail.public_url, &who, case, &ask).await
    })
    .await
}

/// Emails those who still have to sign; how many addresses it went to.
#[server(endpoint = "remind_form", input = Json)]
pub async fn remind_form(id: FormId) -> Result<usize, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::remind(&state.db, &state.config.mail.public_url, &who, id).await
    })
    .await
}

#[server(endpoint = "my_forms", input = Json)]
pub async fn my_forms() -> Result<Vec<MyFormSummary>, AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::my_forms(&state.db, &who).await
    })
    .await
}

#[server(endpoint = "open_my_form", input = Json)]
pub async fn open_my_form(id: FormId) -> Result<MyForm, AppError> {
    serve(Area::Portal, move |state, who| async move {
        super::server::my_form(&state.db, &who, id).await
    })
    .await
}

/// Submits the caller's answers (if the form is not yet submitted) and their signature.
#[server(endpoint = "submit_my_form", input = Json)]
pub async fn submit_my_form(
    id: FormId,
    answers: Answers,
    typed_name: String,
    agreed: bool,
) -> Result<MyForm, AppError> {
    #[cfg(feature = "ssr")]
    let evidence = request_evidence();
    serve(Area::Portal, move |state, who| async move {
        let sent = super::server::Submit {
            answers,
            typed_name,
            agreed,
        };
        super::server::submit(&state.db, &who, &evidence, id, &sent).await
    })
    .await
}

/// The client's address and browser, as this request reached the server.
#[cfg(feature = "ssr")]
fn request_evidence() -> super::server::Evidence {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return super::server::Evidence::default();
    };
    let address = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_default();
    let browser = parts
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    super::server::Evidence { address, browser }
}
