//! "Bills" in the portal: what the signed-in person is responsible for as a payer (their
//! balance, invoices and credit notes, and receipts), each as a PDF to download. A person
//! whose sessions someone else pays for (a parent, a sponsor) sees none here.

use crate::billing::PayerAccount;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

#[server(endpoint = "my_bills", input = Json)]
pub async fn my_bills() -> Result<PayerAccount, AppError> {
    serve(Area::Portal, move |state, who| async move {
        crate::billing::portal::my_bills(&state.db, &who).await
    })
    .await
}

/// Where the portal downloads one of the person's documents.
pub fn invoice_pdf(id: crate::domain::InvoiceId) -> String {
    format!("/documents/mine/invoices/{}.pdf", id.0)
}

pub fn receipt_pdf(id: crate::domain::PaymentId) -> String {
    format!("/documents/mine/receipts/{}.pdf", id.0)
}

/// "/portal/bills".
#[component]
pub fn PortalBillsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_bills());
    view! {
        <h1>"Bills"</h1>
        {crate::ui::loaded(data, |a: PayerAccount| {
            let nothing = a.documents.is_empty() && a.payments.is_empty();
            view! {
                <section class="card" aria-labelledby="balance-heading" data-testid="my-balance">
                    <h2 id="balance-heading">"Balance"</h2>
                    {if a.balance.is_positive() {
                        view! { <p class="balance">"You owe " <strong>{a.balance.to_string()}</strong> "."</p> }.into_any()
                    } else {
                        view! { <p class="balance">"Nothing is owed."</p> }.into_any()
                    }}
                    {a.credit.is_positive().then(|| view! {
                        <p>{format!("{} is on your account as credit.", a.credit)}</p>
                    })}
                    {nothing.then(|| view! {
                        <p class="hint" data-testid="no-bills">
                            "Nothing here yet. Invoices and receipts for sessions you pay for appear here; "
                            "if someone else pays for your sessions, their bills go to them."
                        </p>
                    })}
                </section>
                {(!a.documents.is_empty()).then(|| view! {
                    <section class="card" aria-labelledby="invoices-heading">
                        <h2 id="invoices-heading">"Invoices"</h2>
                        <ul class="doc-list" role="list">
                            {a.documents.iter().map(|d| view! {
                                <li data-testid="my-invoice">
                                    <span class="doc-title">{d.title.clone()}</span>
                                    <span class="muted">{format!(" · {} · {}", d.issued_on, d.total)}</span>
                                    {d.void.then(|| view! { <span class="badge">" Voided"</span> })}
                                    " "
                                    <a href=invoice_pdf(d.id) download="" aria-label=format!("Download {} (PDF)", d.title)>"PDF"</a>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                {(!a.payments.is_empty()).then(|| view! {
                    <section class="card" aria-labelledby="receipts-heading">
                        <h2 id="receipts-heading">"Receipts"</h2>
                        <ul class="doc-list" role="list">
                            {a.payments.iter().map(|p| {
                                let title = format!("Receipt {}", p.receipt_number);
                                view! {
                                    <li data-testid="my-receipt">
                                        <span class="doc-title">{title.clone()}</span>
                                        <span class="muted">{format!(" · {} · {} · {}", p.received_on, p.method, p.amount)}</span>
                                        " "
                                        <a href=receipt_pdf(p.id) download="" aria-label=format!("Download {title} (PDF)")>"PDF"</a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })}
            }
        })}
    }
}
