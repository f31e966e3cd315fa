//! The service catalogue screen: everyone sees it; owners and admins change it.

use super::api::{list_services, reactivate_service, retire_service, save_service};
use super::{Service, ServiceInput};
use crate::auth::components::use_viewer;
use crate::domain::cases::ServiceCategory;
use crate::domain::services::format_money;
use crate::domain::ServiceId;
use leptos::prelude::*;

#[component]
pub fn ServicesPage() -> impl IntoView {
    let viewer = use_viewer();
    let manages = viewer.role.manages_practice();
    let list = Resource::new(|| (), |_| list_services(true));
    let reload = Callback::new(move |_| list.refetch());
    crate::ui::Kept::provide();
    view! {
        <h1>"Services"</h1>
        <MissedFees manages />
        {manages.then(|| view! { <ServiceForm editing=None reload /> })}
        {crate::ui::loaded(list, move |services: Vec<Service>| view! {
            <ul class="rows card" data-testid="services">
                {services.into_iter().map(|s| view! { <ServiceRow service=s manages reload /> }).collect_view()}
            </ul>
        })}
    }
}

#[component]
fn ServiceRow(service: Service, manages: bool, reload: Callback<()>) -> impl IntoView {
    let id = service.id;
    let active = service.active;
    // Kept across the list's reload after another row's save (see `ui::Kept`).
    let editing = crate::ui::kept(format!("service-{}-editing", id.0), || false);
    let retire = Action::new(move |_: &()| async move { retire_service(id).await.map(|_| ()) });
    let reactivate = Action::new(move |_: &()| async move { reactivate_service(id).await });
    Effect::new(move |_| {
        if matches!(retire.value().get(), Some(Ok(())))
            || matches!(reactivate.value().get(), Some(Ok(())))
        {
            reload.run(());
        }
    });
    let s = service.clone();
    view! {
        <li class="service" class:inactive=!active>
            <div class="member-main">
                <strong class="code">{service.code.clone()}</strong>
                <span>{service.name.clone()}</span>
                <span class="muted">
                    {service.category.label()} " · " {service.minutes} " min · " {format_money(service.fee_cents)}
                    {(!active).then_some(" · inactive")}
                </span>
                {manages.then(|| view! {
                    <button type="button" class="link-button" on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
                    {if active {
                        view! { <button type="button" class="link-button" on:click=move |_| { retire.dispatch(()); }>"Retire"</button> }.into_any()
                    } else {
                        view! { <button type="button" class="link-button" on:click=move |_| { reactivate.dispatch(()); }>"Reactivate"</button> }.into_any()
                    }}
                })}
            </div>
            <Show when=move || editing.get()>
                <ServiceForm editing=Some(s.clone()) reload />
            </Show>
        </li>
    }
}

#[component]
fn ServiceForm(editing: Option<Service>, reload: Callback<()>) -> impl IntoView {
    let id: Option<ServiceId> = editing.as_ref().map(|s| s.id);
    let prefix = id
        .map(|i| format!("svc-{}", i.0))
        .unwrap_or_else(|| "svc-new".into());
    // Kept across the list's reload after another row's save (see `ui::Kept`).
    let input = crate::ui::kept(format!("{prefix}-input"), || match &editing {
        Some(s) => ServiceInput {
            code: s.code.clone(),
            name: s.name.clone(),
            category: s.category.as_str().into(),
            minutes: s.minutes.to_string(),
            fee: format!("{}.{:02}", s.fee_cents / 100, s.fee_cents % 100),
        },
        None => ServiceInput {
            category: ServiceCategory::Other.as_str().into(),
            minutes: "60".into(),
            ..Default::default()
        },
    });
    let save = Action::new(move |i: &ServiceInput| {
        let i = i.clone();
        async move { save_service(id, i).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            if id.is_none() {
                input.update(|i| {
                    i.code.clear();
                    i.name.clear();
                    i.fee.clear();
                });
            }
            reload.run(());
        }
    });
    let cat_id = format!("{prefix}-category");
    let field = move |key: &'static str,
                      label: &'static str,
                      get: fn(&ServiceInput) -> String,
                      set: fn(&mut ServiceInput, String)| {
        let fid = format!("{prefix}-{key}");
        let for_id = fid.clone();
        view! {
            <div class="field">
                <label for=for_id>{label}</label>
                <input id=fid prop:value=move || input.with(get) on:input=move |ev| input.update(|i| set(i, event_target_value(&ev))) />
            </div>
        }
    };
    view! {
        <form
            class="card form-grid"
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(input.get_untracked());
            }
        >
            <h2 class="wide">{if id.is_some() { "Edit service" } else { "Add a service" }}</h2>
            {field("code", "Code", |i| i.code.clone(), |i, v| i.code = v)}
            {field("name", "Name", |i| i.name.clone(), |i, v| i.name = v)}
            <div class="field">
                <label for=cat_id.clone()>"Category"</label>
                <select id=cat_id prop:value=move || input.with(|i| i.category.clone()) on:change=move |ev| input.update(|i| i.category = event_target_value(&ev))>
                    {ServiceCategory::ALL.into_iter().map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect_view()}
                </select>
            </div>
            {field("minutes", "Minutes", |i| i.minutes.clone(), |i, v| i.minutes = v)}
            {field("fee", "Fee ($)", |i| i.fee.clone(), |i, v| i.fee = v)}
            {move || save.value().get().and_then(Result::err).map(|e| view! { <p class="form-error wide" role="alert">{e.to_string()}</p> })}
            <div class="actions wide"><button type="submit" class="primary">"Save service"</button></div>
        </form>
    }
}

/// The practice's no-show and late-cancel fees, which attendance charges for missed sessions.
#[component]
fn MissedFees(manages: bool) -> impl IntoView {
    use crate::attendance::api::get_missed_fees;
    let fees = Resource::new(|| (), |_| get_missed_fees());
    view! {
        <section class="card missed-fees" data-testid="missed-fees">
            <h2>"Missed-session fees"</h2>
            <p class="hint">"Charged when attendance records a no-show or a late cancel. Zero means no charge."</p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match fees.await {
                        Ok(f) if manages => view! { <MissedFeesForm initial=f /> }.into_any(),
                        Ok(f) => view! {
                            <p>{format!(
                                "No-show {} · Late cancel {}", format_money(f.no_show_cents), format_money(f.late_cancel_cents)
                            )}</p>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <crate::portal::components::LateCancelWindow manages />
        </section>
    }
}

#[component]
fn MissedFeesForm(initial: crate::domain::attendance::MissedSessionFees) -> impl IntoView {
    use crate::attendance::api::save_missed_fees;
    use crate::error::AppError;
    use crate::ui::FieldErrorText;
    let dollars = |cents: i64| format!("{}.{:02}", cents / 100, cents % 100);
    let no_show = RwSignal::new(dollars(initial.no_show_cents));
    let late_cancel = RwSignal::new(dollars(initial.late_cancel_cents));
    let save = Action::new(move |(n, l): &(String, String)| {
        let (n, l) = (n.clone(), l.clone());
        async move { save_missed_fees(n, l).await }
    });
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    view! {
        <form on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch((no_show.get_untracked(), late_cancel.get_untracked()));
        }>
            <div class="field-row">
                <label>"No-show fee ($)"
                    <input id="no-show-fee" inputmode="decimal" prop:value=move || no_show.get()
                        on:input=move |ev| no_show.set(event_target_value(&ev)) />
                </label>
                <label>"Late-cancel fee ($)"
                    <input id="late-cancel-fee" inputmode="decimal" prop:value=move || late_cancel.get()
                        on:input=move |ev| late_cancel.set(event_target_value(&ev)) />
                </label>
            </div>
            <FieldErrorText error field="no_show_fee" />
            <FieldErrorText error field="late_cancel_fee" />
            {move || error.get().filter(|e| !matches!(e, AppError::InvalidInput { .. })).map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            <button type="submit" class="button">"Save fees"</button>
            {move || saved().then(|| view! { <span class="saved" role="status">"Saved."</span> })}
        </form>
    }
}
