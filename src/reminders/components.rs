//! Reminder screens: the practice's settings, a person's reminders card, and the page behind
//! a reminder's link.

use super::api::{
    get_person_reminders, get_reminder_link, get_reminder_settings, save_reminder_settings,
    set_group_named_in_reminders, set_person_reminders, AnswerReminder,
};
use super::{
    GroupNaming, PersonReminders, ReminderLinkView, ReminderSettingsInput, ReminderSettingsView,
    COMMON_TIME_ZONES,
};
use crate::domain::attendance::Confirmation;
use crate::domain::reminders::ReminderSettings;
use crate::domain::when::clock_of_minutes;
use crate::domain::PersonId;
use crate::error::AppError;
use crate::ui::FieldErrorText;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// 2880 → "48"; 90 → "1.5".
fn hours_text(minutes: i64) -> String {
    if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else {
        let text = format!("{:.2}", minutes as f64 / 60.0);
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// "/app/reminders": when reminders go and which groups they may name.
#[component]
pub fn ReminderSettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_reminder_settings());
    view! {
        <h1>"Reminders"</h1>
        <p class="hint">
            "Participants get an email before each session with their first name, the date and time, "
            "the practice's name and a link to confirm or decline. Never co-members, diagnoses or notes, "
            "and never a group's name unless you allow it below."
        </p>
        {crate::ui::loaded(data, move |v: ReminderSettingsView| view! {
            <SettingsForm settings=v.settings time_zone=v.time_zone.clone() />
            <GroupNames groups=v.groups.clone() />
        })}
    }
}

#[component]
fn SettingsForm(settings: ReminderSettings, time_zone: String) -> impl IntoView {
    let enabled = RwSignal::new(settings.enabled);
    let first = RwSignal::new(hours_text(settings.first_lead_minutes));
    let second = RwSignal::new(
        settings
            .second_lead_minutes
            .map(hours_text)
            .unwrap_or_default(),
    );
    let start = RwSignal::new(clock_of_minutes(settings.window_start_minute));
    let end = RwSignal::new(clock_of_minutes(settings.window_end_minute));
    let save = Action::new(|input: &ReminderSettingsInput| save_reminder_settings(input.clone()));
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    let hours = |selected: RwSignal<String>, from: i64| {
        (from..=24)
            .map(|h| {
                let text = clock_of_minutes(h * 60);
                let label = if h == 24 { "24:00 (midnight)".to_string() } else { text.clone() };
                let value = text.clone();
                view! { <option value=value selected=move || selected.get() == text>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <section class="card" aria-labelledby="reminder-settings-heading">
            <h2 id="reminder-settings-heading">"When reminders go"</h2>
            <form class="stack" novalidate=true data-testid="reminder-settings"
                on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(ReminderSettingsInput {
                        enabled: enabled.get_untracked(),
                        first_lead_hours: first.get_untracked(),
                        second_lead_hours: second.get_untracked(),
                        window_start: start.get_untracked(),
                        window_end: end.get_untracked(),
                    });
                }>
                <label class="check">
                    <input type="checkbox" prop:checked=move || enabled.get()
                        on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                    "Send session reminders by email"
                </label>
                <label for="first-lead">"First reminder, hours before the session"</label>
                <input id="first-lead" inputmode="decimal" prop:value=move || first.get()
                    on:input=move |ev| first.set(event_target_value(&ev)) />
                <FieldErrorText error field="first_lead" />
                <label for="second-lead">"Second reminder, hours before (blank for none)"</label>
                <input id="second-lead" inputmode="decimal" prop:value=move || second.get()
                    on:input=move |ev| second.set(event_target_value(&ev)) />
                <FieldErrorText error field="second_lead" />
                <fieldset>
                    <legend>"Send only between"</legend>
                    <p class="hint">{format!(
                        "In each person's own time zone ({time_zone} unless their details say otherwise). \
                         A reminder that would fall outside goes at the window's edge, always before the session."
                    )}</p>
                    <div class="row">
                        <label for="window-start">"From"</label>
                        <select id="window-start" on:change=move |ev| start.set(event_target_value(&ev))>
                            {hours(start, 0)}
                        </select>
                        <label for="window-end">"Until"</label>
                        <select id="window-end" on:change=move |ev| end.set(event_target_value(&ev))>
                            {hours(end, 1)}
                        </select>
                    </div>
                    <FieldErrorText error field="window" />
                </fieldset>
                {move || error.get().filter(|e| !matches!(e, AppError::InvalidInput { .. })).map(|e| view! {
                    <p class="form-error" role="alert">{e.to_string()}</p>
                })}
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || save.pending().get()>"Save reminder settings"</button>
                    <span role="status" data-testid="settings-saved">{move || saved().then_some("Saved.")}</span>
                </div>
            </form>
        </section>
    }
}

#[component]
fn GroupNames(groups: Vec<GroupNaming>) -> impl IntoView {
    let set = Action::new(|(case, named): &(crate::domain::CaseId, bool)| {
        set_group_named_in_reminders(*case, *named)
    });
    view! {
        <section class="card" aria-labelledby="group-names-heading">
            <h2 id="group-names-heading">"Groups named in reminders"</h2>
            <p class="hint">
                "A group's name can itself be sensitive (\"Grief group\"). Reminders of a group say "
                "only \"your session\" unless it is ticked here."
            </p>
            {if groups.is_empty() {
                view! { <p class="muted">"No groups yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows" data-testid="group-names">
                        {groups.into_iter().map(|g| {
                            let case = g.case_id;
                            view! {
                                <li>
                                    <label class="check">
                                        <input type="checkbox" checked=g.named
                                            on:change=move |ev| { set.dispatch((case, event_target_checked(&ev))); } />
                                        {format!("Name \u{201c}{}\u{201d} in its reminders", g.name)}
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {move || set.value().get().and_then(Result::err).map(|e| view! {
                <p class="form-error" role="alert">{e.to_string()}</p>
            })}
        </section>
    }
}

/// A person's reminders: on or off, their time zone, and what is planned or was sent.
#[component]
pub fn PersonRemindersCard(person: PersonId) -> impl IntoView {
    let data = Resource::new(|| (), move |_| get_person_reminders(person));
    view! {
        <section class="card" data-testid="person-reminders" aria-labelledby="person-reminders-heading">
            <h2 id="person-reminders-heading">"Session reminders"</h2>
            {crate::ui::loaded(data, move |r: PersonReminders| view! {
                <PersonRemindersForm reminders=r reload=Callback::new(move |_| data.refetch()) />
            })}
        </section>
    }
}

#[component]
fn PersonRemindersForm(reminders: PersonReminders, reload: Callback<()>) -> impl IntoView {
    let person = reminders.person;
    let on = RwSignal::new(!reminders.reminders_off);
    let zone = RwSignal::new(reminders.time_zone.clone().unwrap_or_default());
    let save = Action::new(move |(off, tz): &(bool, String)| {
        set_person_reminders(person, *off, tz.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            reload.run(());
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let status = if !reminders.practice_enabled {
        "The practice has session reminders turned off."
    } else if !reminders.has_email {
        "Add an email address to their details to send them reminders."
    } else if reminders.reminders_off {
        "Reminders are off for this person."
    } else {
        "They get an email before each session."
    };
    let zone_id = format!("reminder-zone-{}", person.0);
    let list_id = format!("time-zones-{}", person.0);
    view! {
        <p class="muted" data-testid="reminders-status">{status}</p>
        <form class="stack" novalidate=true
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch((!on.get_untracked(), zone.get_untracked()));
            }>
            <label class="check">
                <input type="checkbox" prop:checked=move || on.get()
                    on:change=move |ev| on.set(event_target_checked(&ev)) />
                "Email reminders of sessions"
            </label>
            <label for=zone_id.clone()>"Their time zone (blank: the practice's, " {reminders.practice_time_zone.clone()} ")"</label>
            <input id=zone_id list=list_id.clone() autocomplete="off" prop:value=move || zone.get()
                on:input=move |ev| zone.set(event_target_value(&ev)) />
            <datalist id=list_id>
                {COMMON_TIME_ZONES.iter().map(|z| view! { <option value=*z></option> }).collect_view()}
            </datalist>
            <FieldErrorText error field="time_zone" />
            {move || error.get().filter(|e| !matches!(e, AppError::InvalidInput { .. })).map(|e| view! {
                <p class="form-error" role="alert">{e.to_string()}</p>
            })}
            <div class="actions">
                <button type="submit" class="secondary" disabled=move || save.pending().get()>"Save reminder choice"</button>
            </div>
        </form>
        {(!reminders.upcoming.is_empty()).then(|| view! {
            <ul class="rows" data-testid="reminder-list">
                {reminders.upcoming.iter().map(|l| view! {
                    <li><strong>{l.session.clone()}</strong> " · " {l.case_name.clone()}
                        <span class="muted">" · " {l.status.clone()}</span></li>
                }).collect_view()}
            </ul>
        })}
    }
}

/// "/reminder?token=": confirm or decline one session, or stop reminders. Shows nothing the
/// email did not already say.
#[component]
pub fn ReminderLinkPage() -> impl IntoView {
    let query = use_query_map();
    let token = Signal::derive(move || query.with(|q| q.get("token").unwrap_or_default()));
    let link = Resource::new(move || token.get(), get_reminder_link);
    view! {
        <main class="auth-page">
            <section class="card auth-card">
                <p class="brand">"Gather"</p>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match link.await {
                            Ok(v) => view! { <Answer view=v token /> }.into_any(),
                            Err(e) => view! {
                                <h1>"This link cannot be used"</h1>
                                <p class="form-error" role="alert" data-testid="link-error">{e.to_string()}</p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn Answer(view: ReminderLinkView, token: Signal<String>) -> impl IntoView {
    let action = ServerAction::<AnswerReminder>::new();
    // What the page shows: the latest answer's result, or what it was loaded with.
    let current = {
        let loaded = view.clone();
        Signal::derive(move || {
            action
                .value()
                .get()
                .and_then(Result::ok)
                .unwrap_or_else(|| loaded.clone())
        })
    };
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    let pending = action.pending();
    let session = match &view.group {
        Some(g) => format!("your session ({g}) on {}", view.when),
        None => format!("your session on {}", view.when),
    };
    let button = move |answer: &'static str, label: &'static str, class: &'static str| {
        view! {
            <ActionForm action=action attr:class="inline-form">
                <input type="hidden" name="token" value=move || token.get() />
                <input type="hidden" name="answer" value=answer />
                <button type="submit" class=class disabled=move || pending.get()>{label}</button>
            </ActionForm>
        }
    };
    view! {
        <h1>{format!("Hello {}", view.greeting)}</h1>
        <p data-testid="reminder-session">{format!("{} — {}.", view.practice_name, session)}</p>
        {move || {
            let v = current.get();
            match (&v.closed, v.confirmation) {
                (Some(why), _) => view! { <p class="notice" data-testid="answer-status">{why.clone()}</p> }.into_any(),
                (None, Confirmation::Confirmed) => view! {
                    <p class="notice" role="status" data-testid="answer-status">"Thank you: the practice knows you'll be there."</p>
                }.into_any(),
                (None, Confirmation::Declined) => view! {
                    <p class="notice" role="status" data-testid="answer-status">"Thank you: the practice knows you can't come."</p>
                }.into_any(),
                (None, Confirmation::NotConfirmed) => view! {
                    <p data-testid="answer-status">"Will you come?"</p>
                }.into_any(),
            }
        }}
        {view.closed.is_none().then(|| view! {
            <div class="actions">
                {button("confirm", "I'll be there", "primary")}
                {button("decline", "I can't come", "secondary")}
            </div>
        })}
        {error}
        {move || if current.get().reminders_off {
            view! { <p class="muted" data-testid="reminders-stopped">"You won't get any more reminders by email."</p> }.into_any()
        } else {
            view! {
                <div>{button("stop", "Stop email reminders", "link-button")}</div>
            }.into_any()
        }}
    }
}
