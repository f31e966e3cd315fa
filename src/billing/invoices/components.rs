//! The billing page (what is still to invoice, the batch run, the documents issued), one
//! invoice or credit note as a printable page with "Void", and the pieces a payer's account
//! page shares: its invoice run and its list of documents.

use super::{
    earlier_documents, get_billing_overview, get_invoice, invoice_unbilled, void_invoice,
    BillingOverview, InvoiceDocument, InvoiceRun, InvoiceSummary,
};
use crate::billing::Issuer;
use crate::domain::invoicing::{DocumentKind, MAX_REASON};
use crate::domain::{InvoiceId, PersonId};
use crate::error::AppError;
use crate::ui::{loaded, or_not_found, route_id, FieldErrorText};
use leptos::prelude::*;

/// Documents as a list, each a link to its page.
#[component]
pub fn DocumentList(
    documents: Vec<InvoiceSummary>,
    #[prop(optional)] payer: bool,
) -> impl IntoView {
    documents
        .into_iter()
        .map(|d| {
            view! {
                <li class="charge-row" data-testid="document" data-kind=d.kind.as_str()>
                    <a class="name" href=format!("/app/invoices/{}", d.id.0)>{d.title.clone()}</a>
                    <span>
                        {d.issued_on.clone()}
                        {payer.then(|| format!(" · {}", d.payer))}
                    </span>
                    {d.void.then(|| view! { <span class="badge" data-testid="void">"Void"</span> })}
                    <span class="money">{d.total.to_string()}</span>
                </li>
            }
        })
        .collect_view()
}

/// What an invoice run issued, in words.
fn run_said(run: &InvoiceRun) -> String {
    match run.invoices.len() {
        0 => format!("Nothing was left to invoice through {}.", run.through),
        1 => format!(
            "{} issued to {}: {} line{}, {}.",
            run.invoices[0].title,
            run.invoices[0].payer,
            run.lines,
            if run.lines == 1 { "" } else { "s" },
            run.total
        ),
        n => format!(
            "{n} invoices issued ({} to {}): {} lines, {}.",
            run.invoices[0].title,
            run.invoices[n - 1].title,
            run.lines,
            run.total
        ),
    }
}

/// "Invoice unbilled through [day]": one payer's (`payer`) or every payer's. `done` is told
/// the run so the page can show what changed. The day typed and what the last run said are
/// the page's (`through`, `said`), so they outlive the page reloading its data after a run.
#[component]
pub fn InvoiceRunForm(
    payer: Option<PersonId>,
    through: RwSignal<String>,
    said: RwSignal<Option<String>>,
    done: Callback<InvoiceRun>,
) -> impl IntoView {
    let problem = RwSignal::new(None::<AppError>);
    let run = Action::new(move |through: &String| {
        let through = through.clone();
        async move {
            match invoice_unbilled(payer, through).await {
                Ok(run) => {
                    said.set(Some(run_said(&run)));
                    done.run(run);
                }
                Err(e) => problem.set(Some(e)),
            }
        }
    });
    let id = if payer.is_some() {
        "invoice-through"
    } else {
        "batch-through"
    };
    view! {
        <form class="stack" data-testid="invoice-run"
            on:submit=move |ev| {
                ev.prevent_default();
                problem.set(None);
                said.set(None);
                run.dispatch(through.get_untracked());
            }>
            <div class="field">
                <label for=id>"Sessions through"</label>
                <input id=id type="date" required bind:value=through />
                <FieldErrorText error=problem.into() field="through" />
            </div>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || run.pending().get()>
                    {move || match (run.pending().get(), payer.is_some()) {
                        (true, _) => "Invoicing…",
                        (false, true) => "Invoice unbilled",
                        (false, false) => "Invoice everything unbilled",
                    }}
                </button>
            </div>
            {move || problem.get().filter(|e| !matches!(e, AppError::InvalidInput { field, .. } if field == "through"))
                .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            {move || said.get().map(|t| view! { <p class="notice" role="status" data-testid="invoice-run-done">{t}</p> })}
        </form>
    }
}

/// The billing page (`/app/billing`): owners and administrators.
#[component]
pub fn BillingPage() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let overview = Resource::new(move || version.get(), |_| get_billing_overview());
    // The run form's day and last answer, kept across the reload each run causes.
    let through = RwSignal::new(String::new());
    let said = RwSignal::new(None::<String>);
    view! {
        <header class="page-header">
            <div>
                <p class="eyebrow">"Billing"</p>
                <h1>"Invoices"</h1>
            </div>
            <nav class="header-links">
                <a class="button secondary" href="/app/billing/reports" data-testid="reports-link">"Reports"</a>
                <a class="button secondary" href="/app/billing/settings">"Billing settings"</a>
            </nav>
        </header>
        {loaded(overview, move |o| view! { <BillingView overview=o version through said /> })}
    }
}

#[component]
fn BillingView(
    overview: BillingOverview,
    version: RwSignal<u32>,
    through: RwSignal<String>,
    said: RwSignal<Option<String>>,
) -> impl IntoView {
    if through.with_untracked(String::is_empty) {
        through.set(overview.today.clone());
    }
    let pages = RwSignal::new(vec![(0_usize, overview.documents.items)]);
    let next = RwSignal::new(overview.documents.next);
    let more = Action::new(move |before: &InvoiceId| {
        let before = *before;
        async move {
            let page = earlier_documents(before).await?;
            pages.update(|p| {
                let n = p.len();
                p.push((n, page.items));
            });
            next.set(page.next);
            Ok::<(), AppError>(())
        }
    });
    let unbilled = if overview.unbilled_charges == 0 {
        "Everything through today is invoiced.".to_string()
    } else {
        format!(
            "{} unbilled: {} charge{} for {} payer{}.",
            overview.unbilled,
            overview.unbilled_charges,
            if overview.unbilled_charges == 1 {
                ""
            } else {
                "s"
            },
            overview.unbilled_payers,
            if overview.unbilled_payers == 1 {
                ""
            } else {
                "s"
            },
        )
    };
    view! {
        <div class="cards">
            <section class="card">
                <h2>"Invoice run"</h2>
                <p data-testid="unbilled-summary">{unbilled}</p>
                <p class="muted">"One invoice to each payer for everything not yet invoiced on sessions through the day chosen."</p>
                <InvoiceRunForm payer=None through said
                    done=Callback::new(move |_| version.update(|v| *v += 1)) />
            </section>
            <section class="card wide">
                <h2>"Invoices and credit notes"</h2>
                {move || pages.with(|p| p.iter().all(|(_, items)| items.is_empty())).then(|| view! {
                    <p class="muted">"No invoices yet."</p>
                })}
                <ul class="rows" data-testid="documents">
                    <For each=move || pages.get() key=|(n, _)| *n let:page>
                        <DocumentList documents=page.1 payer=true />
                    </For>
                </ul>
                {move || next.get().map(|before| view! {
                    <button type="button" class="show-more no-print" data-testid="documents-earlier"
                        disabled=move || more.pending().get()
                        on:click=move |_| { more.dispatch(before); }>
                        {move || if more.pending().get() { "Loading…" } else { "Show earlier documents" }}
                    </button>
                })}
                {move || more.value().get().and_then(Result::err)
                    .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            </section>
        </div>
    }
}

/// One invoice or credit note (`/app/invoices/:id`), printable, with "Void" for an invoice.
#[component]
pub fn InvoicePage() -> impl IntoView {
    let doc = Resource::new(route_id(InvoiceId), |id| or_not_found(id, get_invoice));
    loaded(doc, |d| view! { <DocumentView doc=d /> })
}

#[component]
fn DocumentView(doc: InvoiceDocument) -> impl IntoView {
    let shown = RwSignal::new(doc);
    view! {
        {move || {
            let d = shown.get();
            view! {
                <header class="page-header">
                    <div>
                        <p class="eyebrow">{d.issuer.name.clone()}</p>
                        <h1 data-testid="document-title">{d.title.clone()}</h1>
                    </div>
                    <nav class="header-links no-print">
                        <a class="button secondary" href=format!("/app/people/{}/account", d.payer_id.0)>"Payer's account"</a>
                        <a class="button secondary" rel="external" data-testid="document-pdf"
                            href=format!("/documents/invoices/{}.pdf", d.id.0)>"Download PDF"</a>
                        <PrintButton />
                    </nav>
                </header>
                <article class="card document" data-testid="document-page">
                    {d.voided.clone().map(|v| view! {
                        <p class="void-stamp" role="status" data-testid="void-notice">
                            "Void. " {v.reason} {(!v.by.is_empty()).then(|| format!(" (voided by {})", v.by))}
                        </p>
                    })}
                    <IssuerBlock issuer=d.issuer.clone() />
                    <dl class="facts">
                        <dt>"To"</dt><dd data-testid="document-payer">{d.payer_name.clone()}</dd>
                        <dt>"Issued"</dt><dd>{d.issued_on.clone()}</dd>
                        {d.due_on.clone().map(|due| view! { <dt>"Due"</dt><dd>{due}</dd> })}
                        {d.credits.clone().map(|(id, title)| view! {
                            <dt>"Credits"</dt>
                            <dd><a href=format!("/app/invoices/{}", id.0) data-testid="credits">{title}</a></dd>
                        })}
                    </dl>
                    {(!d.reason.is_empty()).then(|| view! { <p class="muted">{d.reason.clone()}</p> })}
                    <table class="lines">
                        <caption class="sr-only">"Lines"</caption>
                        <thead>
                            <tr><th scope="col">"Date of service"</th><th scope="col">"Participant"</th><th scope="col">"Service or fee"</th><th scope="col" class="money">"Amount"</th></tr>
                        </thead>
                        <tbody>
                            {d.lines.iter().map(|l| view! {
                                <tr data-testid="line">
                                    <td>{l.day.clone()}</td>
                                    <td>{l.participant.clone()}</td>
                                    <td>{l.description.clone()}</td>
                                    <td class="money">{l.amount.to_string()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot>
                            <tr><th scope="row" colspan="3">"Total"</th><td class="money" data-testid="document-total">{d.total.to_string()}</td></tr>
                        </tfoot>
                    </table>
                    {(!d.credit_notes.is_empty()).then(|| view! {
                        <h2>"Credit notes"</h2>
                        <ul class="rows" data-testid="credit-notes"><DocumentList documents=d.credit_notes.clone() /></ul>
                    })}
                </article>
                {(d.kind == DocumentKind::Invoice && d.voided.is_none()).then(|| view! {
                    <VoidForm id=d.id title=d.title.clone() shown />
                })}
            }
        }}
    }
}

/// Who issued a document: its legal name, address and tax id, as the document prints them.
#[component]
pub fn IssuerBlock(issuer: Issuer) -> impl IntoView {
    view! {
        <address class="issuer" data-testid="issuer">
            <strong>{issuer.name}</strong>
            {issuer.address.lines().map(|l| view! { <span>{l.to_string()}</span> }).collect_view()}
            {(!issuer.tax_id.is_empty()).then(|| view! { <span>"Tax id " {issuer.tax_id.clone()}</span> })}
        </address>
    }
}

/// Prints the page (the browser's own dialog); the print stylesheet leaves the document.
#[component]
pub fn PrintButton() -> impl IntoView {
    view! {
        <button type="button" class="secondary" on:click=move |_| {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.print();
            }
        }>"Print"</button>
    }
}

#[component]
fn VoidForm(id: InvoiceId, title: String, shown: RwSignal<InvoiceDocument>) -> impl IntoView {
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<AppError>);
    let void = Action::new(move |reason: &String| {
        let reason = reason.clone();
        async move {
            match void_invoice(id, reason).await {
                Ok(doc) => shown.set(doc),
                Err(e) => problem.set(Some(e)),
            }
        }
    });
    let label = format!("Void {title}");
    view! {
        <section class="card no-print">
            <Show when=move || open.get() fallback=move || view! {
                <button type="button" class="secondary" data-testid="void-open" on:click=move |_| open.set(true)>"Void…"</button>
            }>
                <form class="stack" data-testid="void-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        problem.set(None);
                        void.dispatch(reason.get_untracked());
                    }>
                    <p>"A voided invoice keeps its number; its charges go on the next invoice."</p>
                    <div class="field">
                        <label for="void-reason">"Reason"</label>
                        <input id="void-reason" type="text" maxlength=MAX_REASON.to_string() autocomplete="off" bind:value=reason />
                        <FieldErrorText error=problem.into() field="reason" />
                    </div>
                    <div class="actions">
                        <button type="submit" class="danger" disabled=move || void.pending().get()>
                            {let label = label.clone(); move || if void.pending().get() { "Voiding…".to_string() } else { label.clone() }}
                        </button>
                        <button type="button" class="link-button" on:click=move |_| open.set(false)>"Cancel"</button>
                    </div>
                    {move || problem.get().filter(|e| !matches!(e, AppError::InvalidInput { field, .. } if field == "reason"))
                        .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                </form>
            </Show>
        </section>
    }
}
