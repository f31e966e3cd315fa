//! The note screen (group note, attendees' own notes, supervision, addenda), the review and
//! lock screen with its progress bar, each participant's chart, and the practice's templates.
//! One module per screen; `autosave` is what every editor shares.

use super::api::{
    add_addendum, earlier_chart_notes, get_chart, get_lock_progress, get_note, get_review,
    get_templates, lock_note, notes_to_review, review_note, save_note, save_template, start_note,
    submit_note,
};
use super::editor::{DocumentView, EditorHandle, RichTextEditor};
use super::{
    AddendumView, AttendeeNote, ChartNoteView, LockProgress, NotePart, NoteScreen, NoteState,
    Review, SaveOutcome, Template,
};
use crate::auth::components::use_viewer;
use crate::domain::cases::Language;
use crate::domain::notes::{Document, NoteStatus};
use crate::domain::paging::Earlier;
use crate::domain::{AppointmentId, PersonId, TemplateId};
use crate::error::AppError;
use crate::ui::{loaded, or_not_found, route_id};
use leptos::prelude::*;
use leptos::task::spawn_local;

mod autosave;
mod chart;
mod note;
mod review;
mod templates;
use autosave::{draft_key, load_draft};

pub use chart::ChartRoute;
pub use note::NoteRoute;
pub use review::{ReviewQueue, ReviewRoute};
pub use templates::TemplatesRoute;

use autosave::{state_text, Autosave, SaveState};
use chart::ChartNoteCard;
use note::AddendumList;

async fn sleep_ms(ms: u32) {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}
