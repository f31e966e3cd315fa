//! Server functions for notes and charts. Staff only; each checks the exact session or
//! person it touches (in `server`).

use super::{
    Chart, ChartNoteView, LockProgress, NotePart, NoteScreen, Review, ReviewItem, SaveOutcome,
    Template,
};
use crate::domain::cases::Language;
use crate::domain::notes::Document;
use crate::domain::paging::{Earlier, Page};
use crate::domain::{AppointmentId, PersonId, TemplateId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

#[server(endpoint = "note", input = Json)]
pub async fn get_note(id: AppointmentId) -> Result<NoteScreen, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::screen(&state.db, &who, id).await
    })
    .await
}

#[server(endpoint = "start_note", input = Json)]
pub async fn start_note(id: AppointmentId, template: Option<TemplateId>) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::start(&state.db, &who, id, template).await
    })
    .await
}

/// Saves one part of the note, if nobody saved it since `base`.
#[server(endpoint = "save_note", input = Json)]
pub async fn save_note(
    id: AppointmentId,
    part: NotePart,
    base: i64,
    doc: Document,
) -> Result<SaveOutcome, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::save(&state.db, &who, id, part, base, doc).await
    })
    .await
}

#[server(endpoint = "submit_note", input = Json)]
pub async fn submit_note(id: AppointmentId) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::submit(&state.db, &who, id).await
    })
    .await
}

/// The supervisor's decision: `comments` returns the note, none co-signs it.
#[server(endpoint = "review_note", input = Json)]
pub async fn review_note(id: AppointmentId, comments: Option<String>) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::review_decision(&state.db, &who, id, comments.as_deref()).await
    })
    .await
}

#[server(endpoint = "note_review", input = Json)]
pub async fn get_review(id: AppointmentId) -> Result<Review, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::review(&state.db, &who, id).await
    })
    .await
}

#[server(endpoint = "lock_note", input = Json)]
pub async fn lock_note(id: AppointmentId) -> Result<usize, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::lock(&state.db, &state.lock_progress, &who, id).await
    })
    .await
}

#[server(endpoint = "lock_progress", input = Json)]
pub async fn get_lock_progress(id: AppointmentId) -> Result<Option<LockProgress>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::lock_progress(&state.db, &state.lock_progress, &who, id).await
    })
    .await
}

#[server(endpoint = "add_addendum", input = Json)]
pub async fn add_addendum(
    id: AppointmentId,
    person: Option<PersonId>,
    doc: Document,
) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::add_addendum(&state.db, &who, id, person, doc).await
    })
    .await
}

#[server(endpoint = "chart", input = Json)]
pub async fn get_chart(person: PersonId) -> Result<Chart, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::chart(&state.db, &who, person).await
    })
    .await
}

/// "Show earlier notes" on a chart: the page before `before`.
#[server(endpoint = "earlier_chart_notes", input = Json)]
pub async fn earlier_chart_notes(
    person: PersonId,
    before: Earlier,
) -> Result<Page<ChartNoteView, Earlier>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::earlier_chart_notes(&state.db, &who, person, before).await
    })
    .await
}

#[server(endpoint = "notes_to_review", input = Json)]
pub async fn notes_to_review() -> Result<Vec<ReviewItem>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::waiting_for_me(&state.db, &who).await
    })
    .await
}

#[server(endpoint = "note_templates", input = Json)]
pub async fn get_templates() -> Result<Vec<Template>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::templates(&state.db, &who).await
    })
    .await
}

/// Creates (`id` none) or changes a template; sections one per line.
#[server(endpoint = "save_note_template", input = Json)]
pub async fn save_template(
    id: Option<TemplateId>,
    name: String,
    language: Language,
    sections: String,
    active: bool,
) -> Result<Template, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::save_template(&state.db, &who, id, &name, language, &sections, active).await
    })
    .await
}
