//! People screens: the person form, a new person, the profile with its cases and group
//! memberships, and the picker used wherever someone is chosen by name.

use super::api::{
    create_person, get_person_profile, search_people, set_person_groups, update_person,
};
use super::{PersonProfile, PersonSummary};
use crate::auth::components::use_viewer;
use crate::domain::people::{PersonInput, PersonKind};
use crate::domain::{CaseId, PersonId};
use crate::error::AppError;
use crate::ui::{debounced, loaded, or_not_found, route_id, FieldErrorText, SEARCH_PAUSE_MS};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Type part of a name, pick from the list. `kinds` limits who is offered; `exclude`
/// hides people already chosen.
#[component]
pub fn PersonPicker(
    #[prop(into)] label: String,
    kinds: Vec<PersonKind>,
    on_pick: Callback<PersonSummary>,
    #[prop(optional, into)] exclude: Signal<Vec<PersonId>>,
    #[prop(optional, into)] test_id: String,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let searched = debounced(query, SEARCH_PAUSE_MS);
    let results = Resource::new(
        move || searched.get(),
        move |q| {
            let kinds = kinds.clone();
            async move {
                if q.trim().is_empty() {
                    Ok(Vec::new())
                } else {
                    search_people(q, kinds).await
                }
            }
        },
    );
    let input_id = format!("picker-{}", label.to_lowercase().replace(' ', "-"));
    view! {
        <div class="picker" data-testid=test_id>
            <label for=input_id.clone()>{label.clone()}</label>
            <input
                id=input_id
                type="search"
                autocomplete="off"
                placeholder="Type a name"
                bind:value=query
            />
            <Transition fallback=|| ()>
                {move || {
                    results
                        .get()
                        .map(|r| match r {
                            Ok(list) => {
                                let excluded = exclude.get();
                                let list: Vec<PersonSummary> = list
                                    .into_iter()
                                    .filter(|p| !excluded.contains(&p.id))
                                    .collect();
                                if query.get().trim().is_empty() {
                                    ().into_any()
                                } else if list.is_empty() {
                                    view! { <p class="muted">"No one by that name."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="options" role="listbox" aria-label=label.clone()>
                                            {list
                                                .into_iter()
                                                .map(|p| {
                                                    let name = p.display_name.clone();
                                                    let detail = p.email.clone().unwrap_or_default();
                                                    view! {
                                                        <li
                                                            role="option"
                                                            aria-selected="false"
                                                            on:click=move |_| {
                                                                on_pick.run(p.clone());
                                                                query.set(String::new());
                                                            }
                                                        >
                                                            <span>{name}</span>
                                                            <span class="muted">{detail}</span>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }
                            }
                            Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}

/// The fields of a person, bound to one signal; errors shown beside the field they name.
#[component]
pub fn PersonFields(
    input: RwSignal<PersonInput>,
    error: Signal<Option<AppError>>,
    /// The type is chosen when a contact is created and fixed after.
    #[prop(optional)]
    editing: bool,
) -> impl IntoView {
    let field = move |name: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      get: fn(&PersonInput) -> String,
                      set: fn(&mut PersonInput, String)| {
        let id = format!("person-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    type=kind
                    prop:value=move || input.with(get)
                    on:input=move |ev| input.update(|i| set(i, event_target_value(&ev)))
                />
                <FieldErrorText error field=name />
            </div>
        }
    };
    let is_org = move || input.with(|i| i.kind == Some(PersonKind::Organization));
    view! {
        <div class="form-grid">
            <div class="field" class:hidden=editing>
                <label for="person-kind">"Type of contact"</label>
                <select
                    id="person-kind"
                    on:change=move |ev| {
                        let k = PersonKind::parse(&event_target_value(&ev));
                        input.update(|i| i.kind = k);
                    }
                    prop:value=move || input.with(|i| i.kind.unwrap_or(PersonKind::Person).as_str())
                >
                    {PersonKind::ALL
                        .into_iter()
                        .map(|k| view! { <option value=k.as_str()>{k.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            {field(
                "legal_name",
                "Legal name",
                "text",
                |i| i.legal_name.clone(),
                |i, v| i.legal_name = v,
            )}
            <Show when=move || !is_org()>
                {field("preferred_name", "Preferred name", "text", |i| i.preferred_name.clone(), |i, v| i.preferred_name = v)}
                {field("pronouns", "Pronouns", "text", |i| i.pronouns.clone(), |i, v| i.pronouns = v)}
                {field("date_of_birth", "Date of birth", "date", |i| i.date_of_birth.clone(), |i, v| i.date_of_birth = v)}
            </Show>
            {field("email", "Email", "email", |i| i.email.clone(), |i, v| i.email = v)}
            {field("phone", "Phone", "tel", |i| i.phone.clone(), |i, v| i.phone = v)}
            {field("address", "Address", "text", |i| i.address.clone(), |i, v| i.address = v)}
            <Show when=move || !is_org()>
                {field("emergency_contact", "Emergency contact", "text", |i| i.emergency_contact.clone(), |i, v| i.emergency_contact = v)}
            </Show>
            <div class="field wide">
                <label for="person-admin_notes">"Administrative notes"</label>
                <textarea
                    id="person-admin_notes"
                    rows="3"
                    prop:value=move || input.with(|i| i.admin_notes.clone())
                    on:input=move |ev| input.update(|i| i.admin_notes = event_target_value(&ev))
                ></textarea>
                <FieldErrorText error field="admin_notes" />
            </div>
        </div>
    }
}

#[component]
pub fn NewPersonPage() -> impl IntoView {
    let input = RwSignal::new(PersonInput::default());
    let save = Action::new(move |i: &PersonInput| {
        let i = i.clone();
        async move { create_person(i).await }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(p)) = save.value().get() {
            navigate(&format!("/app/people/{}", p.id.0), Default::default());
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <h1>"New person or organization"</h1>
        // The server's messages are clearer than the browser's own.
        <form
            class="card stack"
            novalidate=true
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(input.get_untracked());
            }
        >
            <PersonFields input error />
            <FormError error />
            <div class="actions">
                <button type="submit" class="primary" disabled=move || save.pending().get()>
                    "Save"
                </button>
            </div>
        </form>
    }
}

/// The error of a failed save that belongs to no single field.
#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::InvalidInput { field, .. } if field != "form"))
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    }
}

#[component]
pub fn PersonProfilePage() -> impl IntoView {
    let profile = Resource::new(route_id(PersonId), |id| {
        or_not_found(id, get_person_profile)
    });
    loaded(
        profile,
        move |p| view! { <Profile profile=p on_change=Callback::new(move |_| profile.refetch()) /> },
    )
}

#[component]
fn Profile(profile: PersonProfile, on_change: Callback<()>) -> impl IntoView {
    let id = profile.id;
    let editing = RwSignal::new(false);
    let input = RwSignal::new(profile.details.clone());
    let save = Action::new(move |i: &PersonInput| {
        let i = i.clone();
        async move { update_person(id, i).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            editing.set(false);
            on_change.run(());
        }
    });
    let save_error = Signal::derive(move || save.value().get().and_then(Result::err));
    let d = profile.details.clone();
    let kind = d.kind.unwrap_or(PersonKind::Person);
    let today = profile.today.clone();
    let current: Vec<_> = profile
        .memberships
        .iter()
        .filter(|m| m.is_current(&today))
        .cloned()
        .collect();
    let past: Vec<_> = profile
        .memberships
        .iter()
        .filter(|m| !m.is_current(&today))
        .cloned()
        .collect();

    let ticked = RwSignal::new(
        current
            .iter()
            .filter(|m| m.case_kind.is_group())
            .map(|m| m.case_id)
            .collect::<Vec<CaseId>>(),
    );
    let save_groups = Action::new(move |groups: &Vec<CaseId>| {
        let groups = groups.clone();
        async move { set_person_groups(id, groups).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save_groups.value().get() {
            on_change.run(());
        }
    });
    let detail = |label: &'static str, value: String| {
        (!value.is_empty())
            .then(|| view! { <div class="detail"><dt>{label}</dt><dd>{value}</dd></div> })
    };

    view! {
        <header class="page-header">
            <h1 data-testid="person-name">{profile.display_name.clone()}</h1>
            <span class="badge">{kind.label()}</span>
            <a class="button secondary" href=format!("/app/people/{}/chart", profile.id.0) data-testid="open-chart">
                "Chart"
            </a>
            {use_viewer().role.manages_practice().then(|| view! {
                <a class="button secondary" href=format!("/app/people/{}/account", profile.id.0) data-testid="open-account">
                    "Account"
                </a>
            })}
        </header>
        <div class="cards">
            <section class="card">
                <div class="card-header">
                    <h2>"Details"</h2>
                    <button class="secondary" on:click=move |_| editing.update(|e| *e = !*e)>
                        {move || if editing.get() { "Cancel" } else { "Edit" }}
                    </button>
                </div>
                <Show
                    when=move || editing.get()
                    fallback={
                        let d = d.clone();
                        move || {
                            let d = d.clone();
                            view! {
                                <dl class="details">
                                    {detail("Legal name", d.legal_name.clone())}
                                    {detail("Preferred name", d.preferred_name.clone())}
                                    {detail("Pronouns", d.pronouns.clone())}
                                    {detail("Date of birth", d.date_of_birth.clone())}
                                    {detail("Email", d.email.clone())}
                                    {detail("Phone", d.phone.clone())}
                                    {detail("Address", d.address.clone())}
                                    {detail("Emergency contact", d.emergency_contact.clone())}
                                    {detail("Administrative notes", d.admin_notes.clone())}
                                </dl>
                            }
                        }
                    }
                >
                    <form
                        class="stack"
                        novalidate=true
                        on:submit=move |ev| {
                            ev.prevent_default();
                            save.dispatch(input.get_untracked());
                        }
                    >
                        <PersonFields input error=save_error editing=true />
                        <FormError error=save_error />
                        <div class="actions">
                            <button type="submit" class="primary">"Save changes"</button>
                        </div>
                    </form>
                </Show>
            </section>

            <crate::accounts::components::PortalAccessCard person=id />
            <crate::reminders::components::PersonRemindersCard person=id />
            <crate::messages::components::PersonMessagesCard person=id />

            <section class="card" data-testid="person-cases">
                <h2>"Cases"</h2>
                {if current.is_empty() {
                    view! { <p class="muted">"No current cases."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list" aria-label="Current cases">
                            {current
                                .into_iter()
                                .map(|m| {
                                    view! {
                                        <li>
                                            <a href=format!("/app/cases/{}", m.case_id.0)>{m.case_name.clone()}</a>
                                            " "
                                            <span class="muted">
                                                {m.case_kind.label()}
                                                {if m.waitlisted { " · waitlisted" } else { "" }}
                                                " · since " {m.joined_on.clone()}
                                            </span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
                <Show when={
                    let any = !past.is_empty();
                    move || any
                }>
                    <h3>"Past"</h3>
                    <ul class="plain-list" aria-label="Past cases" data-testid="person-past-cases">
                        {past
                            .iter()
                            .map(|m| {
                                view! {
                                    <li>
                                        <a href=format!("/app/cases/{}", m.case_id.0)>{m.case_name.clone()}</a>
                                        " "
                                        <span class="muted">
                                            {m.joined_on.clone()} " to " {m.left_on.clone().unwrap_or_default()}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </Show>
            </section>

            <Show when=move || kind.may_participate()>
                <section class="card" data-testid="group-memberships">
                    <h2>"Group memberships"</h2>
                    <p class="muted">"Tick the groups this person attends. Changes start today."</p>
                    <fieldset class="checks">
                        <legend class="sr-only">"Groups"</legend>
                        {profile
                            .groups_available
                            .iter()
                            .map(|g| {
                                let case_id = g.case_id;
                                let label = match &g.initials {
                                    Some(i) => format!("{} ({i})", g.name),
                                    None => g.name.clone(),
                                };
                                view! {
                                    <label class="check">
                                        <input
                                            type="checkbox"
                                            prop:checked=move || ticked.with(|t| t.contains(&case_id))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                ticked.update(|t| {
                                                    t.retain(|c| *c != case_id);
                                                    if on {
                                                        t.push(case_id);
                                                    }
                                                });
                                            }
                                        />
                                        {label}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    {move || {
                        save_groups
                            .value()
                            .get()
                            .and_then(Result::err)
                            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
                    }}
                    <button
                        class="primary"
                        disabled=move || save_groups.pending().get()
                        on:click=move |_| {
                            save_groups.dispatch(ticked.get_untracked());
                        }
                    >
                        "Save group memberships"
                    </button>
                </section>
            </Show>
        </div>
    }
}
