//! The billing settings page (`/app/billing/settings`): the practice's details as its
//! documents print them, payment terms, and each staff member's NPI.

use super::{
    get_billing_settings, save_billing_settings, save_clinician_npi, BillingSettings, ClinicianNpi,
};
use crate::domain::billing_settings::{BillingSettingsInput, MAX_ADDRESS, MAX_LEGAL_NAME};
use crate::error::AppError;
use crate::ui::{loaded, FieldErrorText};
use leptos::prelude::*;

#[component]
pub fn BillingSettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_billing_settings());
    view! {
        <header class="page-header">
            <div>
                <p class="eyebrow">"Billing"</p>
                <h1>"Billing settings"</h1>
            </div>
            <nav class="header-links">
                <a class="button secondary" href="/app/billing">"Invoices"</a>
            </nav>
        </header>
        {loaded(settings, |s| view! { <SettingsView settings=s /> })}
    }
}

/// An error not about one of the form's own fields, shown under the form.
fn general(error: Option<AppError>, fields: &[&str]) -> Option<AppError> {
    error.filter(
        |e| !matches!(e, AppError::InvalidInput { field, .. } if fields.contains(&field.as_str())),
    )
}

#[component]
fn SettingsView(settings: BillingSettings) -> impl IntoView {
    let legal_name = RwSignal::new(settings.legal_name.clone());
    let address = RwSignal::new(settings.address.clone());
    let tax_id = RwSignal::new(settings.tax_id.clone());
    let npi = RwSignal::new(settings.npi.clone());
    let terms = RwSignal::new(settings.payment_terms_days.to_string());
    let problem = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let save = Action::new(move |input: &BillingSettingsInput| {
        let input = input.clone();
        async move {
            match save_billing_settings(input).await {
                Ok(s) => {
                    // The stored form: an EIN with its hyphen, the address's lines trimmed.
                    legal_name.set(s.legal_name);
                    address.set(s.address);
                    tax_id.set(s.tax_id);
                    npi.set(s.npi);
                    terms.set(s.payment_terms_days.to_string());
                    saved.set(true);
                }
                Err(e) => problem.set(Some(e)),
            }
        }
    });
    const FIELDS: [&str; 5] = [
        "legal_name",
        "address",
        "tax_id",
        "npi",
        "payment_terms_days",
    ];
    let practice_name = settings.practice_name.clone();
    view! {
        <div class="cards">
            <section class="card">
                <h2>"The practice on its documents"</h2>
                <form class="stack" data-testid="billing-settings"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        problem.set(None);
                        saved.set(false);
                        save.dispatch(BillingSettingsInput {
                            legal_name: legal_name.get_untracked(),
                            address: address.get_untracked(),
                            tax_id: tax_id.get_untracked(),
                            npi: npi.get_untracked(),
                            payment_terms_days: terms.get_untracked(),
                        });
                    }>
                    <div class="field">
                        <label for="legal-name">"Legal name"</label>
                        <input id="legal-name" type="text" maxlength=MAX_LEGAL_NAME.to_string()
                            autocomplete="organization" placeholder=practice_name bind:value=legal_name />
                        <p class="hint">"Printed on invoices, receipts, statements and superbills; empty uses the practice's name."</p>
                        <FieldErrorText error=problem.into() field="legal_name" />
                    </div>
                    <div class="field">
                        <label for="practice-address">"Address"</label>
                        <textarea id="practice-address" rows="4" maxlength=MAX_ADDRESS.to_string()
                            autocomplete="street-address" bind:value=address></textarea>
                        <FieldErrorText error=problem.into() field="address" />
                    </div>
                    <div class="field">
                        <label for="tax-id">"Tax id (EIN)"</label>
                        <input id="tax-id" type="text" inputmode="numeric" autocomplete="off"
                            placeholder="12-3456789" bind:value=tax_id />
                        <FieldErrorText error=problem.into() field="tax_id" />
                    </div>
                    <div class="field">
                        <label for="practice-npi">"Practice NPI"</label>
                        <input id="practice-npi" type="text" inputmode="numeric" autocomplete="off"
                            maxlength="12" bind:value=npi />
                        <FieldErrorText error=problem.into() field="npi" />
                    </div>
                    <div class="field">
                        <label for="payment-terms">"Payment terms (days from issue to due)"</label>
                        <input id="payment-terms" type="text" inputmode="numeric" autocomplete="off"
                            bind:value=terms />
                        <FieldErrorText error=problem.into() field="payment_terms_days" />
                    </div>
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || save.pending().get()>
                            {move || if save.pending().get() { "Saving…" } else { "Save settings" }}
                        </button>
                    </div>
                    {move || general(problem.get(), &FIELDS)
                        .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                    {move || saved.get().then(|| view! {
                        <p class="notice" role="status" data-testid="settings-saved">
                            "Saved. Invoices issued from now on say this; those already issued stay as they were."
                        </p>
                    })}
                </form>
            </section>
            <section class="card">
                <h2>"Rendering providers"</h2>
                <p class="muted">"Each clinician's own (type 1) NPI, printed on superbills for their sessions."</p>
                <ul class="rows" data-testid="clinicians">
                    {settings.clinicians.into_iter().map(|c| view! { <ClinicianRow clinician=c /> }).collect_view()}
                </ul>
            </section>
        </div>
    }
}

#[component]
fn ClinicianRow(clinician: ClinicianNpi) -> impl IntoView {
    let account = clinician.account_id;
    let npi = RwSignal::new(clinician.npi.clone());
    let problem = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let save = Action::new(move |npi_typed: &String| {
        let typed = npi_typed.clone();
        async move {
            match save_clinician_npi(account, typed).await {
                Ok(c) => {
                    npi.set(c.npi);
                    saved.set(true);
                }
                Err(e) => problem.set(Some(e)),
            }
        }
    });
    let id = format!("npi-{}", account.0);
    let label = format!("NPI of {}", clinician.name);
    let button = format!("Save NPI of {}", clinician.name);
    view! {
        <li class="clinician-row" data-testid="clinician">
            <form class="inline-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    problem.set(None);
                    saved.set(false);
                    save.dispatch(npi.get_untracked());
                }>
                <div class="field">
                    <span class="name">{clinician.name.clone()}</span>
                    <span class="muted">" · " {clinician.role.clone()}</span>
                    <label for=id.clone() class="sr-only">{label}</label>
                    <input id=id type="text" inputmode="numeric" autocomplete="off" maxlength="12"
                        placeholder="NPI" bind:value=npi />
                </div>
                <button type="submit" class="secondary small" aria-label=button
                    disabled=move || save.pending().get()>"Save"</button>
                {move || saved.get().then(|| view! { <span class="saved" role="status">"Saved"</span> })}
                <FieldErrorText error=problem.into() field="npi" />
                {move || general(problem.get(), &["npi"])
                    .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            </form>
        </li>
    }
}
