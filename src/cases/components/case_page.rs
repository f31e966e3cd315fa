//! The case page: details, members and the waitlist, who pays, and the clinical card.

use super::*;
use crate::billing::superbills::components::SuperbillsCard;

#[component]
pub fn CasePage() -> impl IntoView {
    let details = Resource::new(route_id(CaseId), |id| or_not_found(id, get_case_details));
    // Live outside the reloading view, so a notice, an open form and what was typed in it
    // survive the reload that follows a save anywhere on the page.
    let notice = RwSignal::new(None::<String>);
    Kept::provide();
    loaded(
        details,
        move |d| view! { <CaseView case=d notice reload=Callback::new(move |_| details.refetch()) /> },
    )
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

            {kind.is_group().then(|| view! { <crate::messages::components::GroupMessageCard case=case_id /> })}

            <crate::portal::components::PortalLabelCard case=case_id />
            <crate::forms::components::CaseFormsCard case=case_id />

            <BillingCard case=case.clone() reload />

            {case.workflows.any_clinical().then(|| view! { <ClinicalCard case=case.clone() reload /> })}

            {case.workflows.superbills.then(|| {
                // Everyone who has been a client of the case, once each: past clients
                // claim for the sessions they had.
                let mut clients: Vec<(PersonId, String)> = Vec::new();
                for m in case.members.iter().filter(|m| !m.waitlisted) {
                    if !clients.iter().any(|(p, _)| *p == m.person_id) {
                        clients.push((m.person_id, m.display_name.clone()));
                    }
                }
                view! { <SuperbillsCard case_id=case.id clients today=case.today.clone() /> }
            })}
        </div>
    }
}

#[component]
fn CaseDetailsCard(case: CaseDetails, reload: Callback<()>) -> impl IntoView {
    let case_id = case.id;
    let kind = case.kind;
    let key = |field: &str| format!("case{}.details.{field}", case_id.0);
    let editing = kept(key("editing"), || false);
    let name = kept(key("name"), String::new);
    let initials = kept(key("initials"), String::new);
    let capacity = kept(key("capacity"), String::new);
    let providers = kept(key("providers"), Vec::<AccountId>::new);
    let service = kept(key("service"), || None::<ServiceId>);
    // Opening the form starts from the case as it is now.
    let open = {
        let case = case.clone();
        move || {
            name.set(case.name.clone());
            initials.set(case.initials.clone().unwrap_or_default());
            capacity.set(case.capacity.map(|c| c.to_string()).unwrap_or_default());
            providers.set(case.providers.iter().map(|p| p.id).collect());
            service.set(case.default_service.as_ref().map(|s| s.id));
            editing.set(true);
        }
    };
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
                <button class="secondary" on:click=move |_| if editing.get_untracked() { editing.set(false) } else { open() }>
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
                <CaseEditForm kind name initials capacity providers service problem save />
            </Show>
        </section>
    }
}

/// The form behind "Edit". Staff and services are read only once it opens: most visits to a
/// case never edit it, and the page should not pay for two lists it does not show.
#[component]
fn CaseEditForm(
    kind: CaseKind,
    name: RwSignal<String>,
    initials: RwSignal<String>,
    capacity: RwSignal<String>,
    providers: RwSignal<Vec<AccountId>>,
    service: RwSignal<Option<ServiceId>>,
    problem: RwSignal<Option<String>>,
    save: Action<CaseEdit, Result<(), AppError>>,
) -> impl IntoView {
    let staff = Resource::new(|| (), |_| care_staff());
    let services = Resource::new(|| (), |_| list_services(false));
    view! {
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
    }
}

#[component]
fn MemberRow(member: Member, today: String, reload: Callback<()>) -> impl IntoView {
    let id = member.membership_id;
    let ending = kept(format!("membership{}.ending", id.0), || false);
    let left_on = kept(format!("membership{}.left_on", id.0), || today);
    let end = Action::new(move |on: &String| {
        let on = on.clone();
        async move { end_membership(id, on).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = end.value().get() {
            ending.set(false);
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
                    {(!member.shares.is_empty()).then(|| format!(" · shared with {} other payer{}", member.shares.len(), if member.shares.len() == 1 { "" } else { "s" }))}
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

/// One participant's own payer, hidden behind a small "Payer" toggle.
#[component]
fn MemberPayer(member: Member, reload: Callback<()>) -> impl IntoView {
    let id = member.membership_id;
    let key = |field: &str| format!("membership{}.payer.{field}", id.0);
    let open = kept(key("open"), || false);
    let payer_type = kept(key("type"), || {
        payer_type_of(member.payer_override.as_ref())
    });
    let contact = kept(key("contact"), || {
        member
            .payer_override
            .as_ref()
            .and_then(|p| p.contact.clone())
    });
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
    // A participant's own shares split their charges with their own payer, so they are
    // offered once the participant has one.
    let own_payer = member.payer_override.clone();
    let (own_shares, name) = (member.shares.clone(), member.display_name.clone());
    let shares = move || {
        own_payer.clone().map(|own| {
            view! {
                <Shares owner=ShareOwner::Participant(id, name.clone())
                    shares=own_shares.clone() payer_label=own.label reload />
            }
        })
    };
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
                {shares.clone()}
            </div>
        </Show>
    }
}

#[component]
fn BillingCard(case: CaseDetails, reload: Callback<()>) -> impl IntoView {
    let case_id = case.id;
    let key = |field: &str| format!("case{}.payer.{field}", case_id.0);
    let editing = kept(key("open"), || false);
    let payer_type = kept(key("type"), || payer_type_of(Some(&case.payer)));
    let contact = kept(key("contact"), || case.payer.contact.clone());
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
            <Shares owner=ShareOwner::Case(case_id) shares=case.shares.clone() payer_label=case.payer.label.clone() reload />
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
    let key = |field: &str| format!("case{}.diagnosis.{field}", case_id.0);
    let person = kept(key("person"), || {
        clients
            .first()
            .map(|m| m.person_id.0.to_string())
            .unwrap_or_default()
    });
    let code = kept(key("code"), String::new);
    let description = kept(key("description"), String::new);
    let noted_on = kept(key("noted_on"), || case.today.clone());
    let add = Action::new(move |(p, c, d, on): &(PersonId, String, String, String)| {
        let (p, c, d, on) = (*p, c.clone(), d.clone(), on.clone());
        async move { add_diagnosis(case_id, p, c, d, on).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            code.set(String::new());
            description.set(String::new());
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
