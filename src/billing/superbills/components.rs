//! Superbills on screen: the case page's card (on clinical cases only) listing the case's
//! superbills with a form to make one, and one superbill (`/app/superbills/:id`), printable
//! and as PDF.

use super::{case_superbills, create_superbill, get_superbill, Superbill, SuperbillDraft};
use crate::billing::invoices::components::{IssuerBlock, PrintButton};
use crate::domain::statements::default_period;
use crate::domain::superbills::PlaceOfService;
use crate::domain::{CaseId, PersonId, SuperbillId};
use crate::error::AppError;
use crate::ui::{kept, loaded, or_not_found, route_id, FieldErrorText};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The period the form starts with, as statements default: from the first of last month to
/// today, so last month's superbill is one press away.
fn default_from(today: &str) -> String {
    NaiveDate::parse_from_str(today, "%Y-%m-%d")
        .map(|d| default_period(d).0.to_string())
        .unwrap_or_else(|_| today.to_string())
}

/// The case page's superbills: those made so far, newest first, and "Create superbill" for
/// one client and period. Shown only on cases whose kind has superbills.
#[component]
pub fn SuperbillsCard(
    case_id: CaseId,
    /// The case's clients (past ones too), as (person, name).
    clients: Vec<(PersonId, String)>,
    /// The practice's today, as `YYYY-MM-DD`.
    today: String,
) -> impl IntoView {
    let key = |field: &str| format!("case{}.superbill.{field}", case_id.0);
    let first = clients
        .first()
        .map(|c| c.0 .0.to_string())
        .unwrap_or_default();
    let person = kept(key("person"), || first);
    let from = kept(key("from"), || default_from(&today));
    let to = kept(key("to"), || today.clone());
    let telehealth = kept(key("telehealth"), || PlaceOfService::TelehealthHome);
    let list = Resource::new(|| (), move |_| case_superbills(case_id));
    let create = Action::new(move |draft: &SuperbillDraft| {
        let draft = draft.clone();
        async move { create_superbill(draft).await }
    });
    let problem = Signal::derive(move || create.value().get().and_then(Result::err));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/app/superbills/{}", id.0), Default::default());
        }
    });
    let general = move || {
        problem.get().and_then(|e| match e {
            AppError::InvalidInput { .. } => None,
            e => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }),
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(p) = person.get_untracked().parse::<i64>() else {
            return;
        };
        create.dispatch(SuperbillDraft {
            case: case_id,
            person: PersonId(p),
            from: from.get_untracked(),
            to: to.get_untracked(),
            telehealth: telehealth.get_untracked(),
        });
    };
    let place = move |value: PlaceOfService| {
        let id = format!("superbill-telehealth-{}", value.code());
        let for_id = id.clone();
        view! {
            <label class="check" for=for_id>
                <input id=id type="radio" name="superbill-telehealth"
                    prop:checked=move || telehealth.get() == value
                    on:change=move |_| telehealth.set(value) />
                {format!("{} ({})", value.label(), value.code())}
            </label>
        }
    };
    let has_clients = !clients.is_empty();
    view! {
        <section class="card" data-testid="superbills">
            <h2>"Superbills"</h2>
            <p class="hint">"For a client to claim out-of-network reimbursement: their diagnoses and each session's code, place of service, fee and payment."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(items) if items.is_empty() => view! { <p class="muted">"No superbills yet."</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="rows" aria-label="Superbills">
                                {items.into_iter().map(|s| view! {
                                    <li data-testid="superbill-item">
                                        <a href=format!("/app/superbills/{}", s.id.0)>{s.title}</a>
                                        <span class="muted">" · " {s.client_name} " · " {s.period}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            {if has_clients {
                view! {
                    <form class="form-grid" data-testid="superbill-form" on:submit=submit>
                        <div class="field">
                            <label for="superbill-person">"Client"</label>
                            <select id="superbill-person" prop:value=move || person.get()
                                on:change=move |ev| person.set(event_target_value(&ev))>
                                {clients.iter().map(|(id, name)| view! {
                                    <option value=id.0.to_string()>{name.clone()}</option>
                                }).collect_view()}
                            </select>
                            <FieldErrorText error=problem field="person" />
                        </div>
                        <div class="field">
                            <label for="superbill-from">"From"</label>
                            <input id="superbill-from" type="date" bind:value=from />
                            <FieldErrorText error=problem field="from" />
                        </div>
                        <div class="field">
                            <label for="superbill-to">"To"</label>
                            <input id="superbill-to" type="date" bind:value=to />
                            <FieldErrorText error=problem field="to" />
                        </div>
                        <fieldset class="checks wide">
                            <legend>"For video sessions, the client was"</legend>
                            {place(PlaceOfService::TelehealthHome)}
                            {place(PlaceOfService::TelehealthElsewhere)}
                            <FieldErrorText error=problem field="telehealth" />
                        </fieldset>
                        {general}
                        <div class="actions">
                            <button type="submit" class="primary" disabled=move || create.pending().get()>"Create superbill"</button>
                        </div>
                    </form>
                }.into_any()
            } else {
                view! { <p class="muted">"Add a client to the case to make a superbill."</p> }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn SuperbillPage() -> impl IntoView {
    let superbill = Resource::new(route_id(SuperbillId), |id| or_not_found(id, get_superbill));
    loaded(superbill, |s| view! { <SuperbillView superbill=s /> })
}

#[component]
fn SuperbillView(superbill: Superbill) -> impl IntoView {
    let s = superbill;
    let several = s.providers.len() > 1;
    view! {
        <header class="page-header">
            <div>
                <p class="eyebrow">{s.issuer.name.clone()}</p>
                <h1 data-testid="superbill-title">{s.title.clone()}</h1>
            </div>
            <nav class="header-links no-print">
                <a class="button secondary" href=format!("/app/cases/{}", s.case_id.0)>"Case"</a>
                <a class="button secondary" rel="external" data-testid="superbill-pdf"
                    href=format!("/documents/superbills/{}.pdf", s.id.0)>"Download PDF"</a>
                <PrintButton />
            </nav>
        </header>
        <article class="card document" data-testid="superbill-page">
            <IssuerBlock issuer=s.issuer.clone() />
            <dl class="facts">
                {(!s.practice_npi.is_empty()).then(|| view! {
                    <dt>"Practice NPI"</dt><dd data-testid="superbill-practice-npi">{s.practice_npi.clone()}</dd>
                })}
                <dt>"Client"</dt><dd data-testid="superbill-client">{s.client_name.clone()}</dd>
                <dt>"Date of birth"</dt>
                <dd data-testid="superbill-birth-date">
                    {if s.client_birth_date.is_empty() { "Not recorded".to_string() } else { s.client_birth_date.clone() }}
                </dd>
                <dt>"Period"</dt><dd data-testid="superbill-period">{s.period.clone()}</dd>
                <dt>{if several { "Rendering providers" } else { "Rendering provider" }}</dt>
                <dd data-testid="superbill-providers">
                    {s.providers.iter().map(|p| view! {
                        <span class="block">
                            {p.name.clone()}
                            {if p.npi.is_empty() { " (no NPI recorded)".to_string() } else { format!(", NPI {}", p.npi) }}
                        </span>
                    }).collect_view()}
                </dd>
                <dt>"Made"</dt><dd>{format!("{} by {}", s.made_on, s.made_by)}</dd>
            </dl>
            <h2>"Diagnoses (ICD-10)"</h2>
            <ul class="plain-list" data-testid="superbill-diagnoses">
                {s.diagnoses.iter().map(|d| view! {
                    <li data-testid="superbill-diagnosis">
                        <span class="pointer">{d.pointer.clone()}</span>" "
                        <strong>{d.code.clone()}</strong>" "{d.description.clone()}
                    </li>
                }).collect_view()}
            </ul>
            <div>
                <table class="lines superbill-lines">
                    <caption class="sr-only">"Services"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Date of service"</th>
                            <th scope="col">"Service (CPT)"</th>
                            <th scope="col">"Modifiers"</th>
                            <th scope="col">"Place of service"</th>
                            <th scope="col">"Diagnosis pointer"</th>
                            <th scope="col">"Units"</th>
                            <th scope="col" class="money">"Fee"</th>
                            <th scope="col" class="money">"Paid"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {s.lines.iter().map(|l| view! {
                            <tr data-testid="superbill-line" class:flagged=l.flag.is_some()>
                                <td data-label="Date of service">{l.date.clone()}</td>
                                <td data-label="Service (CPT)">
                                    <strong data-testid="superbill-code">{l.code.clone()}</strong>" "{l.description.clone()}
                                    {several.then(|| view! { <span class="block muted">{l.provider.clone()}</span> })}
                                    {l.flag.clone().map(|f| view! { <span class="block flag" data-testid="superbill-flag">{f}</span> })}
                                </td>
                                <td data-label="Modifiers" data-testid="superbill-modifiers">{l.modifiers.clone()}</td>
                                <td data-label="Place of service" data-testid="superbill-place" title=l.place_label.clone()>{l.place.clone()}</td>
                                <td data-label="Diagnosis pointer">{l.pointers.clone()}</td>
                                <td data-label="Units">{l.units}</td>
                                <td data-label="Fee" class="money">{l.fee.to_string()}</td>
                                <td data-label="Paid" class="money">{l.paid.to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr><th scope="row" colspan="6">"Total fees"</th><td class="money" colspan="2" data-testid="superbill-total-fee">{s.total_fee().to_string()}</td></tr>
                        <tr><th scope="row" colspan="6">"Total paid"</th><td class="money" colspan="2" data-testid="superbill-total-paid">{s.total_paid().to_string()}</td></tr>
                        <tr><th scope="row" colspan="6">"Balance"</th><td class="money" colspan="2" data-testid="superbill-balance">{s.balance().to_string()}</td></tr>
                    </tfoot>
                </table>
            </div>
            <p class="hint">"Place of service: 11 office; 10 telehealth, client at home; 02 telehealth, client elsewhere. Modifier 95: telehealth by audio and video."</p>
        </article>
    }
}
