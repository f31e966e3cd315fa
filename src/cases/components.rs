//! Case screens: the contacts list, "New client or case", and the case page.

use super::api::{
    add_diagnosis, add_member, care_staff, contacts, create_case, end_membership, get_case_details,
    promote_member, set_case_payer, set_member_payer, update_case,
};
use super::{Added, CaseDetails, CaseEdit, Member, NewCase, PayerView};
use crate::auth::components::RequireArea;
use crate::auth::Viewer;
use crate::domain::billing::Payer;
use crate::domain::cases::CaseKind;
use crate::domain::groups::suggest_initials;
use crate::domain::people::PersonKind;
use crate::domain::services::format_money;
use crate::domain::{AccountId, Area, CaseId, PersonId, ServiceId};
use crate::error::AppError;
use crate::people::api::create_person;
use crate::people::components::PersonPicker;
use crate::people::PersonSummary;
use crate::services::api::list_services;
use crate::services::Service;
use crate::staff::StaffShell;
use crate::ui::{param_id, ErrorPanel};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

fn error_of<T: Clone + Send + Sync + 'static>(
    a: Action<impl Send + Sync + 'static, Result<T, AppError>>,
) -> impl Fn() -> Option<AnyView> + Copy {
    move || {
        a.value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any())
    }
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    view! {
        <RequireArea
            area=Area::Staff
            render=|viewer: Viewer| {
                let query = RwSignal::new(String::new());
                let list = Resource::new(move || query.get(), contacts);
                view! {
                    <StaffShell viewer>
                        <header class="page-header">
                            <h1>"Contacts"</h1>
                            <div class="actions">
                                <a class="button primary" href="/app/contacts/new">"New client or case"</a>
                                <a class="button" href="/app/people/new">"New person"</a>
                            </div>
                        </header>
                        <label for="contact-search" class="sr-only">"Search contacts"</label>
                        <input
                            id="contact-search"
                            class="search"
                            type="search"
                            placeholder="Search by name or group initials"
                            bind:value=query
                        />
                        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                            {move || {
                                list.get()
                                    .map(|r| match r {
                                        Ok((cases, people)) => {
                                            let (groups, others): (Vec<_>, Vec<_>) = cases
                                                .into_iter()
                                                .partition(|c| c.kind.is_group());
                                            view! {
                                                <section class="list-section">
                                                    <h2>"Groups"</h2>
                                                    <ul class="rows" data-testid="groups-list">
                                                        {groups
                                                            .into_iter()
                                                            .map(|g| {
                                                                let seats = match g.capacity {
                                                                    Some(c) => format!("{} of {c}", g.current_members),
                                                                    None => format!("{} members", g.current_members),
                                                                };
                                                                view! {
                                                                    <li>
                                                                        <a href=format!("/app/cases/{}", g.id.0)>
                                                                            <span class="initials">{g.initials.clone().unwrap_or_default()}</span>
                                                                            <span class="name">{g.name.clone()}</span>
                                                                        </a>
                                                                        <span class="muted">{g.kind.label()} " · " {seats}</span>
                                                                    </li>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </ul>
                                                </section>
                                                <section class="list-section">
                                                    <h2>"Clients and cases"</h2>
                                                    <ul class="rows" data-testid="cases-list">
                                                        {others
                                                            .into_iter()
                                                            .map(|c| {
                                                                view! {
                                                                    <li>
                                                                        <a href=format!("/app/cases/{}", c.id.0)>
                                                                            <span class="name">{c.name.clone()}</span>
                                                                        </a>
                                                                        <span class="muted">{c.kind.label()}</span>
                                                                    </li>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </ul>
                                                </section>
                                                <section class="list-section">
                                                    <h2>"People and organizations"</h2>
                                                    <ul class="rows" data-testid="people-list">
                                                        {people
                                                            .into_iter()
                                                            .map(|p| {
                                                                view! {
                                                                    <li>
                                                                        <a href=format!("/app/people/{}", p.id.0)>
                                                                            <span class="name">{p.display_name.clone()}</span>
                                                                        </a>
                                                                        <span class="muted">{p.kind.label()}</span>
                                                                    </li>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </ul>
                                                </section>
                                            }
                                                .into_any()
                                        }
                                        Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                                    })
                            }}
                        </Transition>
                    </StaffShell>
                }
            }
        />
    }
}

/// Payer choice as the form holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PayerType {
    CaseDefault,
    SelfPay,
    Contact,
    Organization,
}

/// Chooses who pays: self-pay, a billing contact, or a sponsoring organization (with
/// "new organization" in place), or, for one participant, the case's default.
#[component]
fn PayerChooser(
    payer_type: RwSignal<PayerType>,
    contact: RwSignal<Option<PersonSummary>>,
    #[prop(optional)] allow_default: bool,
    #[prop(into)] id_prefix: String,
) -> impl IntoView {
    let new_org = RwSignal::new(String::new());
    let create_org = Action::new(move |name: &String| {
        let name = name.clone();
        async move {
            create_person(crate::domain::people::PersonInput {
                kind: Some(PersonKind::Organization),
                legal_name: name,
                ..Default::default()
            })
            .await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(org)) = create_org.value().get() {
            contact.set(Some(org));
            new_org.set(String::new());
        }
    });
    let choice_prefix = id_prefix.clone();
    let choice = move |value: PayerType, label: &'static str| {
        let id = format!("{choice_prefix}-{value:?}");
        let for_id = id.clone();
        view! {
            <label class="check" for=for_id>
                <input
                    id=id
                    type="radio"
                    name=format!("{choice_prefix}-payer")
                    prop:checked=move || payer_type.get() == value
                    on:change=move |_| {
                        payer_type.set(value);
                        contact.set(None);
                    }
                />
                {label}
            </label>
        }
    };
    let on_pick = Callback::new(move |p: PersonSummary| contact.set(Some(p)));
    view! {
        <fieldset class="checks">
            <legend>"Who pays"</legend>
            {allow_default.then(|| choice(PayerType::CaseDefault, "The case's default payer"))}
            {choice(PayerType::SelfPay, "Self-pay")}
            {choice(PayerType::Contact, "A billing contact")}
            {choice(PayerType::Organization, "A sponsoring organization")}
        </fieldset>
        {move || {
            contact
                .get()
                .map(|c| {
                    view! {
                        <p class="chosen" data-testid="payer-chosen">
                            "Chosen: " <strong>{c.display_name.clone()}</strong>
                            <button type="button" class="link-button" on:click=move |_| contact.set(None)>
                                "change"
                            </button>
                        </p>
                    }
                })
        }}
        <Show when=move || payer_type.get() == PayerType::Contact && contact.with(Option::is_none)>
            <PersonPicker
                label="Billing contact"
                kinds=vec![PersonKind::BillingContact, PersonKind::Person]
                on_pick
            />
        </Show>
        <Show when=move || payer_type.get() == PayerType::Organization && contact.with(Option::is_none)>
            <PersonPicker label="Organization" kinds=vec![PersonKind::Organization] on_pick />
            <div class="inline-form">
                <label for=format!("{id_prefix}-new-org")>"Or add a new organization"</label>
                <input id=format!("{id_prefix}-new-org") type="text" bind:value=new_org />
                <button
                    type="button"
                    on:click=move |_| {
                        create_org.dispatch(new_org.get_untracked());
                    }
                >
                    "Add organization"
                </button>
            </div>
            {error_of(create_org)}
        </Show>
    }
}

fn payer_from(t: PayerType, contact: Option<&PersonSummary>) -> Result<Option<Payer>, String> {
    match (t, contact) {
        (PayerType::CaseDefault, _) => Ok(None),
        (PayerType::SelfPay, _) => Ok(Some(Payer::SelfPay)),
        (PayerType::Contact, Some(c)) => Ok(Some(Payer::Contact(c.id.0))),
        (PayerType::Organization, Some(c)) => Ok(Some(Payer::Organization(c.id.0))),
        (PayerType::Contact, None) => Err("Choose the billing contact.".into()),
        (PayerType::Organization, None) => Err("Choose or add the sponsoring organization.".into()),
    }
}

/// Reads the capacity field: empty is no limit; anything else must be a whole number.
fn parse_capacity(text: &str) -> Result<Option<i64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i64>()
        .ok()
        .filter(|c| *c > 0)
        .map(Some)
        .ok_or_else(|| {
            "Capacity must be a whole number of seats, or empty for no limit.".to_string()
        })
}

/// Services a kind may default to, with the suggested one first.
fn services_for(kind: CaseKind, all: &[Service]) -> Vec<Service> {
    let mut list: Vec<Service> = all
        .iter()
        .filter(|s| s.active && kind.accepts_default_service(s.category))
        .cloned()
        .collect();
    if let Some(code) = kind.suggested_service_code() {
        list.sort_by_key(|s| s.code != code);
    }
    list
}

#[component]
pub fn NewCasePage() -> impl IntoView {
    view! {
        <RequireArea
            area=Area::Staff
            render=|viewer: Viewer| view! { <StaffShell viewer=viewer.clone()><NewCaseWizard viewer /></StaffShell> }
        />
    }
}

#[component]
fn NewCaseWizard(viewer: Viewer) -> impl IntoView {
    let step = RwSignal::new(1u8);
    let kind = RwSignal::new(None::<CaseKind>);
    let participants = RwSignal::new(Vec::<PersonSummary>::new());
    let name = RwSignal::new(String::new());
    let initials = RwSignal::new(String::new());
    let initials_touched = RwSignal::new(false);
    let capacity = RwSignal::new(String::new());
    let me = viewer.account_id;
    let providers = RwSignal::new(if viewer.role.provides_care() {
        vec![me]
    } else {
        vec![]
    });
    let service = RwSignal::new(None::<ServiceId>);
    let payer_type = RwSignal::new(PayerType::SelfPay);
    let payer_contact = RwSignal::new(None::<PersonSummary>);
    let new_person = RwSignal::new(String::new());
    let step_error = RwSignal::new(None::<String>);

    let staff = Resource::new(|| (), |_| care_staff());
    let services = Resource::new(|| (), |_| list_services(false));

    let add_new_person = Action::new(move |legal_name: &String| {
        let legal_name = legal_name.clone();
        async move {
            create_person(crate::domain::people::PersonInput {
                legal_name,
                ..Default::default()
            })
            .await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = add_new_person.value().get() {
            participants.update(|list| list.push(p));
            new_person.set(String::new());
        }
    });
    // Initials follow the name until typed by hand.
    Effect::new(move |_| {
        let n = name.get();
        if !initials_touched.get_untracked() {
            initials.set(suggest_initials(&n));
        }
    });
    // Choosing a kind preselects its usual service.
    Effect::new(move |_| {
        if let (Some(k), Some(Ok(all))) = (kind.get(), services.get()) {
            service.set(services_for(k, &all).first().map(|s| s.id));
        }
    });

    let create = Action::new(move |draft: &NewCase| {
        let draft = draft.clone();
        async move { create_case(draft).await }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/app/cases/{}", id.0), Default::default());
        }
    });

    let next = move |_| {
        step_error.set(None);
        let problem = match step.get_untracked() {
            1 => kind
                .get_untracked()
                .is_none()
                .then(|| "Choose the kind of case.".to_string()),
            2 => kind.get_untracked().and_then(|k| {
                k.check_headcount(participants.with_untracked(Vec::len))
                    .err()
            }),
            3 => {
                let k = kind.get_untracked();
                let needs_name =
                    k.is_some_and(|k| k.is_group() || participants.with_untracked(Vec::len) != 1);
                if needs_name && name.with_untracked(|n| n.trim().is_empty()) {
                    Some("Give the case a name.".to_string())
                } else if let Err(e) = capacity.with_untracked(|c| parse_capacity(c)) {
                    Some(e)
                } else if providers.with_untracked(Vec::is_empty) {
                    Some("Choose at least one provider.".to_string())
                } else {
                    payer_from(
                        payer_type.get_untracked(),
                        payer_contact.get_untracked().as_ref(),
                    )
                    .err()
                }
            }
            _ => None,
        };
        match problem {
            Some(p) => step_error.set(Some(p)),
            None => step.update(|s| *s = (*s + 1).min(4)),
        }
    };
    let back = move |_| {
        step_error.set(None);
        step.update(|s| *s = s.saturating_sub(1).max(1));
    };
    let submit = move |_| {
        let Some(k) = kind.get_untracked() else {
            return;
        };
        let payer = payer_from(
            payer_type.get_untracked(),
            payer_contact.get_untracked().as_ref(),
        )
        .ok()
        .flatten()
        .unwrap_or(Payer::SelfPay);
        let capacity = capacity.with_untracked(|c| parse_capacity(c).ok().flatten());
        create.dispatch(NewCase {
            kind: k,
            name: name.get_untracked(),
            initials: initials.get_untracked(),
            capacity,
            provider_ids: providers.get_untracked(),
            default_service_id: service.get_untracked(),
            participant_ids: participants.with_untracked(|p| p.iter().map(|p| p.id).collect()),
            payer,
        });
    };
    let past_first = move || step.get() > 1;
    let before_review = move || step.get() < 4;
    let participant_word = move || {
        kind.get()
            .map(|k| k.participants_heading())
            .unwrap_or("Participants")
    };
    let is_group = move || kind.get().is_some_and(CaseKind::is_group);
    let exclude = Signal::derive(move || {
        participants.with(|p| p.iter().map(|p| p.id).collect::<Vec<PersonId>>())
    });

    view! {
        <h1>"New client or case"</h1>
        <ol class="steps" aria-label="Steps">
            {["Kind", "People", "Details", "Review"]
                .into_iter()
                .enumerate()
                .map(|(i, label)| {
                    let n = i as u8 + 1;
                    view! {
                        <li class:current=move || step.get() == n aria-current=move || (step.get() == n).then_some("step")>
                            {label}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        <section class="card stack wizard">
            <Show when=move || step.get() == 1>
                <fieldset class="kinds">
                    <legend>"What kind of case is it?"</legend>
                    {CaseKind::ALL
                        .into_iter()
                        .map(|k| {
                            let id = format!("kind-{}", k.as_str());
                            let (for_id, name_id, desc_id) = (id.clone(), format!("{id}-name"), format!("{id}-desc"));
                            // Named by the kind alone; the line under it describes it.
                            view! {
                                <label class="kind-card" for=for_id>
                                    <input
                                        id=id
                                        type="radio"
                                        name="kind"
                                        aria-labelledby=name_id.clone()
                                        aria-describedby=desc_id.clone()
                                        prop:checked=move || kind.get() == Some(k)
                                        on:change=move |_| kind.set(Some(k))
                                    />
                                    <span class="kind-name" id=name_id>{k.label()}</span>
                                    <span class="muted" id=desc_id>{k.description()}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
            </Show>
            <Show when=move || step.get() == 2>
                <h2>{participant_word}</h2>
                <ul class="chips" aria-label="Chosen participants" data-testid="chosen-participants">
                    {move || {
                        participants
                            .get()
                            .into_iter()
                            .map(|p| {
                                let id = p.id;
                                view! {
                                    <li>
                                        {p.display_name.clone()}
                                        <button
                                            type="button"
                                            class="link-button"
                                            aria-label=format!("Remove {}", p.display_name)
                                            on:click=move |_| participants.update(|l| l.retain(|x| x.id != id))
                                        >
                                            "×"
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <PersonPicker
                    label="Add a participant"
                    kinds=vec![PersonKind::Person]
                    exclude
                    on_pick=Callback::new(move |p: PersonSummary| participants.update(|l| l.push(p)))
                />
                <div class="inline-form">
                    <label for="new-participant">"Or add someone new (legal name)"</label>
                    <input id="new-participant" type="text" bind:value=new_person />
                    <button
                        type="button"
                        on:click=move |_| {
                            add_new_person.dispatch(new_person.get_untracked());
                        }
                    >
                        "Add new person"
                    </button>
                </div>
                {error_of(add_new_person)}
            </Show>
            <Show when=move || step.get() == 3>
                <div class="form-grid">
                    <div class="field">
                        <label for="case-name">"Name"</label>
                        <input id="case-name" type="text" bind:value=name placeholder=move || if is_group() { "Group name" } else { "Defaults to the client's name" } />
                    </div>
                    <Show when=is_group>
                        <div class="field">
                            <label for="case-initials">"Initials"</label>
                            <input
                                id="case-initials"
                                type="text"
                                maxlength="6"
                                prop:value=move || initials.get()
                                on:input=move |ev| {
                                    initials_touched.set(true);
                                    initials.set(event_target_value(&ev));
                                }
                            />
                        </div>
                        <div class="field">
                            <label for="case-capacity">"Capacity (optional)"</label>
                            <input id="case-capacity" type="number" min="1" inputmode="numeric" bind:value=capacity />
                        </div>
                    </Show>
                </div>
                <fieldset class="checks">
                    <legend>"Providers"</legend>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            staff
                                .await
                                .map(|list| {
                                    list.into_iter()
                                        .map(|s| {
                                            let id = s.id;
                                            view! {
                                                <label class="check">
                                                    <input
                                                        type="checkbox"
                                                        prop:checked=move || providers.with(|p| p.contains(&id))
                                                        on:change=move |ev| {
                                                            let on = event_target_checked(&ev);
                                                            providers.update(|p| {
                                                                p.retain(|x| *x != id);
                                                                if on { p.push(id) }
                                                            });
                                                        }
                                                    />
                                                    {s.name.clone()} <span class="muted">" · " {s.role_label.clone()}</span>
                                                </label>
                                            }
                                        })
                                        .collect_view()
                                })
                                .unwrap_or_default()
                        })}
                    </Suspense>
                </fieldset>
                <div class="field">
                    <label for="case-service">"Default service"</label>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let all = services.await.unwrap_or_default();
                            let list = kind.get().map(|k| services_for(k, &all)).unwrap_or_default();
                            view! {
                                <select
                                    id="case-service"
                                    prop:value=move || service.get().map(|s| s.0.to_string()).unwrap_or_default()
                                    on:change=move |ev| service.set(event_target_value(&ev).parse().ok().map(ServiceId))
                                >
                                    <option value="">"No default service"</option>
                                    {list
                                        .into_iter()
                                        .map(|s| {
                                            view! {
                                                <option value=s.id.0.to_string()>
                                                    {format!("{} {} ({}, {} min)", s.code, s.name, format_money(s.fee_cents), s.minutes)}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            }
                        })}
                    </Suspense>
                </div>
                <PayerChooser payer_type contact=payer_contact id_prefix="case" />
            </Show>
            <Show when=move || step.get() == 4>
                <h2>"Review"</h2>
                <dl class="details" data-testid="review">
                    <div class="detail"><dt>"Kind"</dt><dd>{move || kind.get().map(|k| k.label())}</dd></div>
                    <div class="detail">
                        <dt>"Name"</dt>
                        <dd>{move || {
                            let n = name.get();
                            if n.trim().is_empty() { participants.with(|p| p.first().map(|p| p.display_name.clone()).unwrap_or_default()) } else { n }
                        }}</dd>
                    </div>
                    <Show when=is_group>
                        <div class="detail"><dt>"Initials"</dt><dd>{move || initials.get().to_uppercase()}</dd></div>
                    </Show>
                    <div class="detail">
                        <dt>{participant_word}</dt>
                        <dd>{move || participants.with(|p| p.iter().map(|p| p.display_name.clone()).collect::<Vec<_>>().join(", "))}</dd>
                    </div>
                    <div class="detail">
                        <dt>"Providers"</dt>
                        <dd>{move || {
                            let chosen = providers.get();
                            staff.get().and_then(Result::ok).unwrap_or_default().into_iter()
                                .filter(|s| chosen.contains(&s.id)).map(|s| s.name).collect::<Vec<_>>().join(", ")
                        }}</dd>
                    </div>
                    <div class="detail">
                        <dt>"Default service"</dt>
                        <dd>{move || {
                            let chosen = service.get();
                            services.get().and_then(Result::ok).unwrap_or_default().into_iter()
                                .find(|s| Some(s.id) == chosen)
                                .map(|s| format!("{} {}", s.code, s.name))
                                .unwrap_or_else(|| "None".into())
                        }}</dd>
                    </div>
                    <div class="detail">
                        <dt>"Who pays"</dt>
                        <dd>{move || match (payer_type.get(), payer_contact.get()) {
                            (PayerType::Contact, Some(c)) => format!("Billing contact: {}", c.display_name),
                            (PayerType::Organization, Some(c)) => format!("Sponsor: {}", c.display_name),
                            _ => "Self-pay".to_string(),
                        }}</dd>
                    </div>
                </dl>
            </Show>
            {move || step_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {error_of(create)}
            <div class="actions">
                <Show when=past_first>
                    <button type="button" on:click=back>"Back"</button>
                </Show>
                <Show
                    when=before_review
                    fallback=move || view! {
                        <button type="button" class="primary" disabled=move || create.pending().get() on:click=submit>
                            "Create"
                        </button>
                    }
                >
                    <button type="button" class="primary" on:click=next>"Next"</button>
                </Show>
            </div>
        </section>
    }
}

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || param_id(&params.read(), "id").map(CaseId);
    view! {
        <RequireArea
            area=Area::Staff
            render=move |viewer: Viewer| {
                let details = Resource::new(id, |id| async move {
                    match id {
                        Some(id) => get_case_details(id).await,
                        None => Err(AppError::NotFound),
                    }
                });
                // Lives outside the reloading view, so a notice survives the reload.
                let notice = RwSignal::new(None::<String>);
                view! {
                    <StaffShell viewer>
                        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                            {move || Suspend::new(async move {
                                match details.await {
                                    Ok(d) => view! { <CaseView case=d notice reload=Callback::new(move |_| details.refetch()) /> }.into_any(),
                                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </StaffShell>
                }
            }
        />
    }
}

#[component]
fn CaseView(
    case: CaseDetails,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let case_id = case.id;
    let kind = case.kind;
    let today = case.today.clone();
    let current: Vec<Member> = case.current().cloned().collect();
    let waitlist: Vec<Member> = case.waitlist().cloned().collect();
    let past: Vec<Member> = case.past().cloned().collect();
    let seats = case
        .capacity
        .map(|c| format!("{} of {c} seats taken", current.len()));

    // Adding a member
    let join_on = RwSignal::new(today.clone());
    let add = Action::new(move |(person, on): &(PersonId, String)| {
        let (person, on) = (*person, on.clone());
        async move { add_member(case_id, person, on).await }
    });
    let added_note = notice;
    Effect::new(move |_| {
        if let Some(Ok(a)) = add.value().get() {
            added_note.set(match a {
                Added::Member(_) => None,
                Added::Waitlisted(_) => Some("The group is full: they are on the waitlist.".into()),
            });
            reload.run(());
        }
    });
    let exclude = {
        let ids: Vec<PersonId> = case
            .members
            .iter()
            .filter(|m| m.left_on.is_none())
            .map(|m| m.person_id)
            .collect();
        Signal::derive(move || ids.clone())
    };

    view! {
        <header class="page-header">
            <div>
                <p class="eyebrow">{kind.label()}</p>
                <h1 data-testid="case-name">
                    {case.initials.clone().map(|i| view! { <span class="initials">{i}</span> " " })}
                    {case.name.clone()}
                </h1>
            </div>
        </header>
        <div class="cards">
            <CaseDetailsCard case=case.clone() reload />

            <section class="card wide" data-testid="members">
                <h2>{kind.participants_heading()}</h2>
                {seats.map(|s| view! { <p class="muted">{s}</p> })}
                <ul class="rows" aria-label="Current members" data-testid="current-members">
                    {current.into_iter().map(|m| view! { <MemberRow member=m today=today.clone() reload /> }).collect_view()}
                </ul>
                <div class="add-member">
                    <PersonPicker
                        label=format!("Add a {}", kind.participant_label().to_lowercase())
                        kinds=vec![PersonKind::Person]
                        exclude
                        test_id="add-member"
                        on_pick=Callback::new(move |p: PersonSummary| {
                            add.dispatch((p.id, join_on.get_untracked()));
                        })
                    />
                    <div class="field">
                        <label for="join-on">"Starting"</label>
                        <input id="join-on" type="date" bind:value=join_on />
                    </div>
                </div>
                {move || added_note.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
                {error_of(add)}
                <Show when={
                    let any = !waitlist.is_empty();
                    move || any
                }>
                    <h3>"Waitlist"</h3>
                    <ul class="rows" aria-label="Waitlist" data-testid="waitlist">
                        {waitlist.iter().cloned().map(|m| view! { <WaitlistRow member=m today=today.clone() reload /> }).collect_view()}
                    </ul>
                </Show>
                <h3>"Past members"</h3>
                {if past.is_empty() {
                    view! { <p class="muted">"No one has left yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="rows" aria-label="Past members" data-testid="past-members">
                            {past
                                .into_iter()
                                .map(|m| {
                                    view! {
                                        <li>
                                            <a href=format!("/app/people/{}", m.person_id.0)>{m.display_name.clone()}</a>
                                            <span class="muted">{m.joined_on.clone()} " to " {m.left_on.clone().unwrap_or_default()}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </section>

            <BillingCard case=case.clone() reload />

            {case.workflows.any_clinical().then(|| view! { <ClinicalCard case=case.clone() reload /> })}
        </div>
    }
}

#[component]
fn CaseDetailsCard(case: CaseDetails, reload: Callback<()>) -> impl IntoView {
    let case_id = case.id;
    let kind = case.kind;
    let editing = RwSignal::new(false);
    let name = RwSignal::new(case.name.clone());
    let initials = RwSignal::new(case.initials.clone().unwrap_or_default());
    let capacity = RwSignal::new(case.capacity.map(|c| c.to_string()).unwrap_or_default());
    let providers = RwSignal::new(
        case.providers
            .iter()
            .map(|p| p.id)
            .collect::<Vec<AccountId>>(),
    );
    let service = RwSignal::new(case.default_service.as_ref().map(|s| s.id));
    let staff = Resource::new(|| (), |_| care_staff());
    let services = Resource::new(|| (), |_| list_services(false));
    let problem = RwSignal::new(None::<String>);
    let save = Action::new(move |edit: &CaseEdit| {
        let edit = edit.clone();
        async move { update_case(case_id, edit).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            editing.set(false);
            reload.run(());
        }
    });
    let providers_text = case
        .providers
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let shared_text = case
        .shared_with
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let service_text = case
        .default_service
        .as_ref()
        .map(|s| format!("{} {}", s.code, s.name))
        .unwrap_or_else(|| "None".into());
    view! {
        <section class="card" data-testid="case-details">
            <div class="card-header">
                <h2>"Details"</h2>
                <button class="secondary" on:click=move |_| editing.update(|e| *e = !*e)>
                    {move || if editing.get() { "Cancel" } else { "Edit" }}
                </button>
            </div>
            <Show
                when=move || editing.get()
                fallback={
                    let (providers_text, shared_text, service_text) = (providers_text.clone(), shared_text.clone(), service_text.clone());
                    move || view! {
                        <dl class="details">
                            <div class="detail"><dt>"Default service"</dt><dd data-testid="default-service">{service_text.clone()}</dd></div>
                            <div class="detail"><dt>"Providers"</dt><dd>{providers_text.clone()}</dd></div>
                            {(!shared_text.is_empty()).then(|| view! { <div class="detail"><dt>"Shared with"</dt><dd>{shared_text.clone()}</dd></div> })}
                            {kind.is_group().then(|| view! {
                                <div class="detail"><dt>"Capacity"</dt><dd>{case.capacity.map(|c| c.to_string()).unwrap_or_else(|| "No limit".into())}</dd></div>
                            })}
                        </dl>
                    }
                }
            >
                <form
                    class="stack"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        match capacity.with_untracked(|c| parse_capacity(c)) {
                            Err(e) => problem.set(Some(e)),
                            Ok(capacity) => {
                                problem.set(None);
                                save.dispatch(CaseEdit {
                                    name: name.get_untracked(),
                                    initials: initials.get_untracked(),
                                    capacity,
                                    provider_ids: providers.get_untracked(),
                                    default_service_id: service.get_untracked(),
                                });
                            }
                        }
                    }
                >
                    <div class="field">
                        <label for="edit-name">"Name"</label>
                        <input id="edit-name" type="text" bind:value=name />
                    </div>
                    {kind.is_group().then(|| view! {
                        <div class="field">
                            <label for="edit-initials">"Initials"</label>
                            <input id="edit-initials" type="text" maxlength="6" bind:value=initials />
                        </div>
                        <div class="field">
                            <label for="edit-capacity">"Capacity (optional)"</label>
                            <input id="edit-capacity" type="number" min="1" bind:value=capacity />
                        </div>
                    })}
                    <fieldset class="checks">
                        <legend>"Providers"</legend>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                staff.await.unwrap_or_default().into_iter().map(|s| {
                                    let id = s.id;
                                    view! {
                                        <label class="check">
                                            <input
                                                type="checkbox"
                                                prop:checked=move || providers.with(|p| p.contains(&id))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    providers.update(|p| { p.retain(|x| *x != id); if on { p.push(id) } });
                                                }
                                            />
                                            {s.name.clone()}
                                        </label>
                                    }
                                }).collect_view()
                            })}
                        </Suspense>
                    </fieldset>
                    <div class="field">
                        <label for="edit-service">"Default service"</label>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                let list = services_for(kind, &services.await.unwrap_or_default());
                                view! {
                                    <select
                                        id="edit-service"
                                        prop:value=move || service.get().map(|s| s.0.to_string()).unwrap_or_default()
                                        on:change=move |ev| service.set(event_target_value(&ev).parse().ok().map(ServiceId))
                                    >
                                        <option value="">"No default service"</option>
                                        {list.into_iter().map(|s| view! { <option value=s.id.0.to_string()>{format!("{} {}", s.code, s.name)}</option> }).collect_view()}
                                    </select>
                                }
                            })}
                        </Suspense>
                    </div>
                    {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                    {error_of(save)}
                    <div class="actions"><button type="submit" class="primary">"Save"</button></div>
                </form>
            </Show>
        </section>
    }
}

#[component]
fn MemberRow(member: Member, today: String, reload: Callback<()>) -> impl IntoView {
    let id = member.membership_id;
    let ending = RwSignal::new(false);
    let left_on = RwSignal::new(today);
    let end = Action::new(move |on: &String| {
        let on = on.clone();
        async move { end_membership(id, on).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = end.value().get() {
            reload.run(());
        }
    });
    let name = member.display_name.clone();
    view! {
        <li class="member">
            <div class="member-main">
                <a href=format!("/app/people/{}", member.person_id.0)>{member.display_name.clone()}</a>
                <span class="muted">
                    "since " {member.joined_on.clone()}
                    {member.left_on.as_ref().map(|l| format!(" · leaving {l}"))}
                    {member.payer_override.as_ref().map(|p| format!(" · {}", p.label))}
                </span>
                <button type="button" class="link-button" aria-label=format!("Remove {name}") on:click=move |_| ending.set(true)>
                    "Remove"
                </button>
            </div>
            <Show when=move || ending.get()>
                <div class="inline-form">
                    <label for=format!("left-{}", id.0)>"Last day is the day before"</label>
                    <input id=format!("left-{}", id.0) type="date" bind:value=left_on />
                    <button type="button" class="primary" on:click=move |_| { end.dispatch(left_on.get_untracked()); }>
                        "End membership"
                    </button>
                    <button type="button" on:click=move |_| ending.set(false)>"Keep"</button>
                </div>
                {error_of(end)}
            </Show>
            <MemberPayer member=member.clone() reload />
        </li>
    }
}

#[component]
fn WaitlistRow(member: Member, today: String, reload: Callback<()>) -> impl IntoView {
    let id = member.membership_id;
    let promote = Action::new(move |on: &String| {
        let on = on.clone();
        async move { promote_member(id, on).await }
    });
    let remove = Action::new(move |on: &String| {
        let on = on.clone();
        async move { end_membership(id, on).await }
    });
    Effect::new(move |_| {
        if matches!(promote.value().get(), Some(Ok(())))
            || matches!(remove.value().get(), Some(Ok(())))
        {
            reload.run(());
        }
    });
    let (t1, t2) = (today.clone(), today);
    view! {
        <li class="member">
            <div class="member-main">
                <span>{member.display_name.clone()}</span>
                <span class="muted">"waiting since " {member.joined_on.clone()}</span>
                <button type="button" class="secondary" on:click=move |_| { promote.dispatch(t1.clone()); }>"Promote"</button>
                <button type="button" class="link-button" on:click=move |_| { remove.dispatch(t2.clone()); }>"Remove"</button>
            </div>
            {error_of(promote)}
            {error_of(remove)}
        </li>
    }
}

fn payer_type_of(p: Option<&PayerView>) -> PayerType {
    match p.map(|p| p.payer) {
        None => PayerType::CaseDefault,
        Some(Payer::SelfPay) => PayerType::SelfPay,
        Some(Payer::Contact(_)) => PayerType::Contact,
        Some(Payer::Organization(_)) => PayerType::Organization,
    }
}

/// One participant's own payer, hidden behind a small "Payer" toggle.
#[component]
fn MemberPayer(member: Member, reload: Callback<()>) -> impl IntoView {
    let id = member.membership_id;
    let open = RwSignal::new(false);
    let payer_type = RwSignal::new(payer_type_of(member.payer_override.as_ref()));
    let contact = RwSignal::new(
        member
            .payer_override
            .as_ref()
            .and_then(|p| p.contact.clone()),
    );
    let save = Action::new(move |p: &Option<Payer>| {
        let p = *p;
        async move { set_member_payer(id, p).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            open.set(false);
            reload.run(());
        }
    });
    let problem = RwSignal::new(None::<String>);
    view! {
        <button type="button" class="link-button" on:click=move |_| open.update(|o| *o = !*o)>
            {format!("Payer for {}", member.display_name)}
        </button>
        <Show when=move || open.get()>
            <div class="stack nested">
                <PayerChooser payer_type contact allow_default=true id_prefix=format!("member-{}", id.0) />
                {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                {error_of(save)}
                <button
                    type="button"
                    class="primary"
                    on:click=move |_| match payer_from(payer_type.get_untracked(), contact.get_untracked().as_ref()) {
                        Ok(p) => {
                            problem.set(None);
                            save.dispatch(p);
                        }
                        Err(e) => problem.set(Some(e)),
                    }
                >
                    "Save payer"
                </button>
            </div>
        </Show>
    }
}

#[component]
fn BillingCard(case: CaseDetails, reload: Callback<()>) -> impl IntoView {
    let case_id = case.id;
    let editing = RwSignal::new(false);
    let payer_type = RwSignal::new(payer_type_of(Some(&case.payer)));
    let contact = RwSignal::new(case.payer.contact.clone());
    let save = Action::new(move |p: &Payer| {
        let p = *p;
        async move { set_case_payer(case_id, p).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            editing.set(false);
            reload.run(());
        }
    });
    let problem = RwSignal::new(None::<String>);
    let documents = if case.workflows.superbills {
        "Invoices, receipts, superbills and insurance claims"
    } else {
        "Invoices and receipts"
    };
    view! {
        <section class="card" data-testid="billing">
            <div class="card-header">
                <h2>"Billing"</h2>
                <button class="secondary" on:click=move |_| editing.update(|e| *e = !*e)>
                    {move || if editing.get() { "Cancel" } else { "Change payer" }}
                </button>
            </div>
            <dl class="details">
                <div class="detail"><dt>"Default payer"</dt><dd data-testid="case-payer">{case.payer.label.clone()}</dd></div>
                <div class="detail"><dt>"Billing documents"</dt><dd>{documents}</dd></div>
            </dl>
            <Show when=move || editing.get()>
                <div class="stack">
                    <PayerChooser payer_type contact id_prefix="case-billing" />
                    {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                    {error_of(save)}
                    <button
                        type="button"
                        class="primary"
                        on:click=move |_| match payer_from(payer_type.get_untracked(), contact.get_untracked().as_ref()) {
                            Ok(p) => {
                                problem.set(None);
                                save.dispatch(p.unwrap_or(Payer::SelfPay));
                            }
                            Err(e) => problem.set(Some(e)),
                        }
                    >
                        "Save payer"
                    </button>
                </div>
            </Show>
        </section>
    }
}

/// Diagnoses: present only on cases whose kind has clinical workflows.
#[component]
fn ClinicalCard(case: CaseDetails, reload: Callback<()>) -> impl IntoView {
    let case_id = case.id;
    let clients: Vec<Member> = case.current().cloned().collect();
    let person = RwSignal::new(
        clients
            .first()
            .map(|m| m.person_id.0.to_string())
            .unwrap_or_default(),
    );
    let code = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let noted_on = RwSignal::new(case.today.clone());
    let add = Action::new(move |(p, c, d, on): &(PersonId, String, String, String)| {
        let (p, c, d, on) = (*p, c.clone(), d.clone(), on.clone());
        async move { add_diagnosis(case_id, p, c, d, on).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            reload.run(());
        }
    });
    let diagnoses = case.diagnoses.clone().unwrap_or_default();
    view! {
        <section class="card" data-testid="clinical">
            <h2>"Clinical record"</h2>
            <h3>"Diagnoses"</h3>
            {if diagnoses.is_empty() {
                view! { <p class="muted">"No diagnoses recorded."</p> }.into_any()
            } else {
                view! {
                    <ul class="rows">
                        {diagnoses.into_iter().map(|d| view! {
                            <li><strong>{d.code}</strong> " " {d.description} <span class="muted">" · " {d.person_name} " · " {d.noted_on}</span></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form
                class="form-grid"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Ok(p) = person.get_untracked().parse::<i64>() {
                        add.dispatch((PersonId(p), code.get_untracked(), description.get_untracked(), noted_on.get_untracked()));
                    }
                }
            >
                <div class="field">
                    <label for="dx-person">"Client"</label>
                    <select id="dx-person" prop:value=move || person.get() on:change=move |ev| person.set(event_target_value(&ev))>
                        {clients.iter().map(|m| view! { <option value=m.person_id.0.to_string()>{m.display_name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="dx-code">"ICD-10 code"</label>
                    <input id="dx-code" type="text" bind:value=code placeholder="F41.1" />
                </div>
                <div class="field wide">
                    <label for="dx-description">"Description"</label>
                    <input id="dx-description" type="text" bind:value=description />
                </div>
                <div class="field">
                    <label for="dx-date">"Noted on"</label>
                    <input id="dx-date" type="date" bind:value=noted_on />
                </div>
                {error_of(add)}
                <div class="actions"><button type="submit" class="secondary">"Add diagnosis"</button></div>
            </form>
        </section>
    }
}
