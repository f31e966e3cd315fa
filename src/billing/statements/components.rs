//! A payer's statement (`/app/people/:id/statement?from=…&to=…`), printable. The period is
//! kept in the address, so a statement can be bookmarked, reloaded or sent to a colleague,
//! and its form works as a plain form before the page's client has started.

use super::{get_statement, Statement};
use crate::billing::invoices::components::{IssuerBlock, PrintButton};
use crate::domain::when;
use crate::domain::PersonId;
use crate::error::AppError;
use crate::ui::{route_id, DateField, ErrorPanel};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StatementPage() -> impl IntoView {
    let id = route_id(PersonId);
    let query = use_query_map();
    let asked = move || {
        query.with(|q| {
            (
                q.get("from").filter(|s| !s.is_empty()),
                q.get("to").filter(|s| !s.is_empty()),
            )
        })
    };
    let statement = Resource::new(
        move || (id(), asked()),
        |(id, (from, to))| async move {
            match id {
                Some(id) => get_statement(id, from, to).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match statement.await {
                    Ok(s) => view! {
                        <StatementHeader payer=Some((s.payer_id, s.payer_name.clone())) period=Some((s.from.clone(), s.to.clone())) />
                        <PeriodForm from=s.from.clone() to=s.to.clone() error=None />
                        <StatementView statement=s />
                    }.into_any(),
                    Err(e @ AppError::InvalidInput { .. }) => {
                        let (from, to) = asked();
                        view! {
                            <StatementHeader payer=None period=None />
                            <PeriodForm from=from.unwrap_or_default() to=to.unwrap_or_default() error=Some(e) />
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `period` is the one shown (from, to), so the PDF is of exactly what is on screen; it is
/// absent while the asked period is refused.
#[component]
fn StatementHeader(
    payer: Option<(PersonId, String)>,
    period: Option<(String, String)>,
) -> impl IntoView {
    let pdf = payer.as_ref().zip(period).map(|((id, _), (from, to))| {
        format!("/documents/statements/{}.pdf?from={from}&to={to}", id.0)
    });
    view! {
        <header class="page-header">
            <div>
                <p class="eyebrow">"Statement"</p>
                <h1 data-testid="statement-payer">{payer.as_ref().map_or("Statement".to_string(), |p| p.1.clone())}</h1>
            </div>
            <nav class="header-links no-print">
                {payer.map(|(id, _)| view! {
                    <a class="button secondary" href=format!("/app/people/{}/account", id.0)>"Account"</a>
                })}
                {pdf.map(|href| view! {
                    <a class="button secondary" rel="external" data-testid="statement-pdf" href=href>"Download PDF"</a>
                })}
                <PrintButton />
            </nav>
        </header>
    }
}

/// The period, as a plain GET form: choosing it reloads the page with it in the address.
#[component]
fn PeriodForm(from: String, to: String, error: Option<AppError>) -> impl IntoView {
    let error = Signal::stored(error);
    view! {
        <form method="get" class="card statement-period no-print" data-testid="statement-period">
            <DateField id="statement-from" name="from" label="From" value=from error />
            <DateField id="statement-to" name="to" label="To" value=to error />
            <div class="actions">
                <button type="submit" class="secondary">"Show statement"</button>
            </div>
        </form>
    }
}

#[component]
fn StatementView(statement: Statement) -> impl IntoView {
    let s = statement;
    let l = s.ledger;
    let period = when::days_range(&s.from, &s.to);
    let figure = |label: &'static str, value: String, testid: &'static str| {
        view! { <dt>{label}</dt><dd data-testid=testid>{value}</dd> }
    };
    let owed = l.closing_label();
    let closing_shown = l.closing_shown().to_string();
    view! {
        <article class="card document" data-testid="statement-page">
            <IssuerBlock issuer=s.issuer.clone() />
            <dl class="facts">
                <dt>"To"</dt><dd>{s.payer_name.clone()}</dd>
                <dt>"Period"</dt><dd data-testid="statement-period-said">{period}</dd>
                <dt>"Made on"</dt><dd>{s.made_on.clone()}</dd>
            </dl>
            <dl class="summary-figures" data-testid="statement-summary">
                {figure("Balance brought forward", l.opening.to_string(), "statement-opening")}
                {figure("Invoiced", l.invoiced.to_string(), "statement-invoiced")}
                {figure("Credited", l.credited.to_string(), "statement-credited")}
                {l.voided.cents().ne(&0).then(|| figure("Voided", l.voided.to_string(), "statement-voided"))}
                {l.adjusted.cents().ne(&0).then(|| figure("Adjusted", l.adjusted.to_string(), "statement-adjusted"))}
                {figure("Paid", l.paid.to_string(), "statement-paid")}
                {l.refunded.cents().ne(&0).then(|| figure("Refunded", l.refunded.to_string(), "statement-refunded"))}
                <dt class="total">{owed}</dt><dd class="total" data-testid="statement-closing">{closing_shown.clone()}</dd>
            </dl>
            <table class="lines">
                <caption class="sr-only">"Activity in the period"</caption>
                <thead>
                    <tr><th scope="col">"Date"</th><th scope="col">"Activity"</th><th scope="col" class="money">"Amount"</th><th scope="col" class="money">"Balance"</th></tr>
                </thead>
                <tbody>
                    <tr>
                        <td></td><td>"Balance brought forward"</td><td></td>
                        <td class="money">{l.opening.to_string()}</td>
                    </tr>
                    {l.lines.iter().map(|x| view! {
                        <tr data-testid="statement-line" data-kind=x.entry.kind.as_str()>
                            <td>{when::date(x.entry.day)}</td>
                            <td>{x.entry.label.clone()}</td>
                            <td class="money">{x.entry.amount.to_string()}</td>
                            <td class="money">{x.balance.to_string()}</td>
                        </tr>
                    }).collect_view()}
                    {l.lines.is_empty().then(|| view! {
                        <tr><td></td><td class="muted">"No activity in this period."</td><td></td><td></td></tr>
                    })}
                </tbody>
                <tfoot>
                    <tr><th scope="row" colspan="3">{owed}</th><td class="money">{closing_shown}</td></tr>
                </tfoot>
            </table>
            {s.unbilled.is_positive().then(|| view! {
                <p class="muted" data-testid="statement-unbilled">
                    {format!("Not yet invoiced, so not in this balance: {}.", s.unbilled)}
                </p>
            })}
        </article>
    }
}
