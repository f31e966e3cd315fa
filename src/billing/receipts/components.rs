//! One receipt (`/app/receipts/:id`), printable.

use super::{get_receipt, Receipt};
use crate::billing::invoices::components::{IssuerBlock, PrintButton};
use crate::domain::PaymentId;
use crate::ui::{loaded, or_not_found, route_id};
use leptos::prelude::*;

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let receipt = Resource::new(route_id(PaymentId), |id| or_not_found(id, get_receipt));
    loaded(receipt, |r| view! { <ReceiptView receipt=r /> })
}

#[component]
fn ReceiptView(receipt: Receipt) -> impl IntoView {
    let r = receipt;
    view! {
        <header class="page-header">
            <div>
                <p class="eyebrow">{r.issuer.name.clone()}</p>
                <h1 data-testid="receipt-title">{r.title.clone()}</h1>
            </div>
            <nav class="header-links no-print">
                {r.runs_billing.then(|| view! {
                    <a class="button secondary" href=format!("/app/people/{}/account", r.payer_id.0)>"Payer's account"</a>
                })}
                <a class="button secondary" rel="external" data-testid="receipt-pdf"
                    href=format!("/documents/receipts/{}.pdf", r.id.0)>"Download PDF"</a>
                <PrintButton />
            </nav>
        </header>
        <article class="card document" data-testid="receipt-page">
            <IssuerBlock issuer=r.issuer.clone() />
            <dl class="facts">
                <dt>"Received from"</dt><dd data-testid="receipt-payer">{r.payer_name.clone()}</dd>
                <dt>"Received on"</dt><dd>{r.received_on.clone()}</dd>
                <dt>"Method"</dt><dd data-testid="receipt-method">{r.method.clone()}</dd>
                <dt>"Amount"</dt><dd data-testid="receipt-amount">{r.amount.to_string()}</dd>
                <dt>"Recorded by"</dt><dd>{r.recorded_by.clone()}</dd>
            </dl>
            <table class="lines">
                <caption class="sr-only">"What this payment paid"</caption>
                <thead>
                    <tr><th scope="col">"Date of service"</th><th scope="col">"Participant"</th><th scope="col">"Service or fee"</th><th scope="col" class="money">"Paid"</th></tr>
                </thead>
                <tbody>
                    {r.lines.iter().map(|l| view! {
                        <tr data-testid="receipt-line">
                            <td>{l.day.clone()}</td>
                            <td>{l.participant.clone()}</td>
                            <td>{l.description.clone()}</td>
                            <td class="money">{l.amount.to_string()}</td>
                        </tr>
                    }).collect_view()}
                    {r.elsewhere.is_positive().then(|| view! {
                        <tr data-testid="receipt-elsewhere">
                            <td colspan="3">"Other charges on the payer's account"</td>
                            <td class="money">{r.elsewhere.to_string()}</td>
                        </tr>
                    })}
                    {r.refunds.iter().map(|(said, amount)| view! {
                        <tr data-testid="receipt-refund">
                            <td colspan="3">{said.clone()}</td>
                            <td class="money">{amount.to_string()}</td>
                        </tr>
                    }).collect_view()}
                    {r.on_account.is_positive().then(|| view! {
                        <tr data-testid="receipt-credit">
                            <td colspan="3">"Kept on account as credit"</td>
                            <td class="money">{r.on_account.to_string()}</td>
                        </tr>
                    })}
                </tbody>
                <tfoot>
                    <tr><th scope="row" colspan="3">"Total received"</th><td class="money" data-testid="receipt-total">{r.amount.to_string()}</td></tr>
                </tfoot>
            </table>
            <p class="muted">"Thank you for your payment."</p>
        </article>
    }
}
