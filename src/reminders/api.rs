//! Server functions of reminders: the settings screen (owners and admins), a person's
//! reminders card (staff who may see that person) and the public page behind a reminder's
//! link, where the link's token is the credential.

use super::{PersonReminders, ReminderLinkView, ReminderSettingsInput, ReminderSettingsView};
use crate::domain::reminders::ReminderSettings;
use crate::domain::{CaseId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

#[server(endpoint = "reminder_settings", input = Json)]
pub async fn get_reminder_settings() -> Result<ReminderSettingsView, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::settings_view(&state.db, &who).await
    })
    .await
}

#[server(endpoint = "save_reminder_settings", input = Json)]
pub async fn save_reminder_settings(
    input: ReminderSettingsInput,
) -> Result<ReminderSettings, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::save_settings(&state.db, &who, input).await
    })
    .await
}

/// Whether reminders of one group may name it.
#[server(endpoint = "set_group_named_in_reminders", input = Json)]
pub async fn set_group_named_in_reminders(case: CaseId, named: bool) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::set_group_named(&state.db, &who, case, named).await
    })
    .await
}

#[server(endpoint = "person_reminders", input = Json)]
pub async fn get_person_reminders(person: PersonId) -> Result<PersonReminders, AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::person_reminders(&state.db, &who, person).await
    })
    .await
}

/// Turns a person's reminders off or on and sets the time zone they are sent in.
#[server(endpoint = "set_person_reminders", input = Json)]
pub async fn set_person_reminders(
    person: PersonId,
    reminders_off: bool,
    time_zone: String,
) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        super::server::set_person_reminders(&state.db, &who, person, reminders_off, time_zone).await
    })
    .await
}

/// What a reminder's link shows. Public: the token is the credential.
#[server(endpoint = "reminder_link", input = Json)]
pub async fn get_reminder_link(token: String) -> Result<ReminderLinkView, AppError> {
    let state = crate::access::state()?;
    super::server::link_view(&state.db, &token).await
}

/// Confirm, decline or stop reminders, from a reminder's link. A plain form, so it works
/// before the page's script has loaded.
#[server(endpoint = "answer_reminder")]
pub async fn answer_reminder(token: String, answer: String) -> Result<ReminderLinkView, AppError> {
    let state = crate::access::state()?;
    let answer = crate::domain::reminders::ReminderAnswer::parse(&answer)
        .ok_or_else(|| AppError::invalid("answer", "Choose whether you will come."))?;
    super::server::answer(&state.db, &state.live, &token, answer).await
}
