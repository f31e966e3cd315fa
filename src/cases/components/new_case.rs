//! "New client or case": the wizard that creates a case with its people, providers,
//! services and payer in one step.

use super::*;

/// Reads the capacity field: empty is no limit; anything else must be a whole number.
pub(super) fn parse_capacity(text: &str) -> Result<Option<i64>, String> {
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
pub(super) fn services_for(kind: CaseKind, all: &[Service]) -> Vec<Service> {
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
    let viewer = use_viewer();
    view! { <NewCaseWizard viewer /> }
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
