//! "Take payment" beside a participant's charge on the session screen (what is paid, what is
//! owed, and a short form that records a payment and says its receipt number), and a payer's
//! account page for owners and admins.

use super::adjustments::components::{AdjustCharge, RefundPayment};
use super::api::{get_payer_account, take_account_payment, take_payment};
use super::invoices::components::{DocumentList, InvoiceRunForm};
use super::shares::{charge_parts, ChargePart};
use super::{ChosenPart, PayerAccount, PaymentInput, PaymentTaken};
use crate::domain::billing::PaymentMethod;
use crate::domain::money::Money;
use crate::domain::{AppointmentId, ChargeId, PaymentId, PersonId};
use crate::error::AppError;
use crate::ui::{loaded, or_not_found, route_id};
use leptos::prelude::*;

/// What is paid on a participant's charge, and the form to take a payment for it. `charge`
/// follows the live attendance row; `paid` starts from the session screen's read and grows
/// with each payment taken here; while `waiting` (an attendance change not yet sent) no
/// payment can be recorded, since the charge may be about to change.
#[component]
pub fn TakePayment(
    appointment: AppointmentId,
    person: PersonId,
    name: String,
    charge: Signal<i64>,
    paid: RwSignal<Money>,
    adjusted: Money,
    waiting: Signal<bool>,
) -> impl IntoView {
    let owed = move || (Money(charge.get()) - paid.get() - adjusted).max(Money::ZERO);
    let open = RwSignal::new(false);
    let amount = RwSignal::new(String::new());
    let method = RwSignal::new(PaymentMethod::Cash);
    let reference = RwSignal::new(String::new());
    let done = RwSignal::new(None::<PaymentTaken>);
    // Its own signal, not the action's last value, so reopening the form starts clean.
    let problem = RwSignal::new(None::<AppError>);
    // Who pays what of the charge, read when the form opens: a shared charge is paid one
    // payer's part at a time, the participant's own part first.
    let parts = RwSignal::new(Vec::<ChargePart>::new());
    let part = RwSignal::new(None::<ChargeId>);
    let load_parts = Action::new(move |_: &()| async move {
        match charge_parts(appointment, person).await {
            Ok(all) => {
                let owing: Vec<ChargePart> =
                    all.into_iter().filter(|p| p.owed.is_positive()).collect();
                if owing.len() > 1 {
                    let first = owing
                        .iter()
                        .find(|p| p.self_pay)
                        .unwrap_or(&owing[0])
                        .clone();
                    part.set(Some(first.id));
                    amount.set(first.owed.as_input());
                }
                parts.set(owing);
            }
            Err(e) => problem.set(Some(e)),
        }
    });
    let shared = move || parts.with(|p| p.len() > 1);
    let take = Action::new(
        move |(chosen, payment): &(Option<ChargeId>, PaymentInput)| {
            let (chosen, payment) = (*chosen, payment.clone());
            async move {
                match take_payment(appointment, person, chosen, payment).await {
                    Ok(taken) => {
                        paid.set(taken.paid);
                        done.set(Some(taken));
                        open.set(false);
                    }
                    Err(e) => problem.set(Some(e)),
                }
            }
        },
    );
    let start = move |_| {
        amount.set(owed().as_input());
        method.set(PaymentMethod::Cash);
        reference.set(String::new());
        done.set(None);
        problem.set(None);
        parts.set(Vec::new());
        part.set(None);
        open.set(true);
        load_parts.dispatch(());
    };
    let take_aria = format!("Take payment for {name}");
    view! {
        <div class="payment" data-testid="payment">
            {move || {
                // A charge lowered on another screen since: never more paid than it comes to
                // (billing returns the rest to the payer's credit).
                let adjusted = adjusted.min(Money(charge.get()));
                let p = paid.get().min(Money(charge.get()) - adjusted);
                (p.is_positive() || adjusted.is_positive()).then(|| {
                    let settled = !owed().is_positive();
                    let mut said = match (p.is_positive(), settled) {
                        (true, true) if !adjusted.is_positive() => format!("Paid in full ({p})"),
                        (true, _) => format!("Paid {p}"),
                        (false, _) => String::new(),
                    };
                    if adjusted.is_positive() {
                        if !said.is_empty() {
                            said.push_str(" · ");
                        }
                        said.push_str(&format!("adjusted {adjusted}"));
                    }
                    if !settled {
                        said.push_str(&format!(" · owes {}", owed()));
                    }
                    view! { <span class="paid" data-testid="paid">{said}</span> }
                })
            }}
            {
                let take_aria = take_aria.clone();
                move || (owed().is_positive() && !open.get()).then(|| view! {
                    <button type="button" class="secondary small" data-testid="take-payment"
                        aria-label=take_aria.clone() disabled=move || waiting.get() on:click=start>"Take payment"</button>
                })
            }
            <Show when=move || open.get()>
                <form class="inline-form payment-form" data-testid="payment-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        problem.set(None);
                        take.dispatch((part.get_untracked(), PaymentInput {
                            amount: amount.get_untracked(),
                            method: method.get_untracked(),
                            reference: reference.get_untracked(),
                        }));
                    }>
                    {
                        let part_id = format!("pay-{}-{}-part", appointment.0, person.0);
                        move || shared().then(|| {
                            let part_id = part_id.clone();
                            view! {
                                <div class="field">
                                    <label for=part_id.clone()>"Whose part"</label>
                                    <select id=part_id data-testid="payment-part"
                                        on:change=move |ev| {
                                            let id = event_target_value(&ev).parse().ok().map(ChargeId);
                                            if let Some(p) = parts.with_untracked(|ps| ps.iter().find(|p| Some(p.id) == id).cloned()) {
                                                part.set(Some(p.id));
                                                amount.set(p.owed.as_input());
                                            }
                                        }>
                                        {parts.get().into_iter().map(|p| {
                                            let label = format!("{} — owes {} of {}", p.payer_name, p.owed, p.amount);
                                            view! { <option value=p.id.0.to_string() selected=move || part.get() == Some(p.id)>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                            }
                        })
                    }
                    <PaymentFields prefix=format!("pay-{}-{}", appointment.0, person.0) amount method reference />
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || take.pending().get() || waiting.get()>
                            {move || if take.pending().get() { "Recording…" } else { "Record payment" }}
                        </button>
                        <button type="button" class="link-button" on:click=move |_| open.set(false)>"Cancel"</button>
                    </div>
                    {move || problem.get().map(|e| view! {
                        <p class="form-error" role="alert" data-testid="payment-error">{e.to_string()}</p>
                    })}
                </form>
            </Show>
            {move || done.get().map(|t| {
                let mut said = format!(": {} from {}.", t.amount, t.payer_name);
                if t.credit.is_positive() {
                    said.push_str(&format!(" {} is on their account as credit.", t.credit));
                }
                view! {
                    <p class="notice" role="status" data-testid="payment-done">
                        <a href=format!("/app/receipts/{}", t.payment.0) data-testid="receipt-link">
                            {format!("Receipt {}", t.receipt_number)}
                        </a>
                        {said}
                    </p>
                }
            })}
        </div>
    }
}

/// The amount, method and reference fields every payment form has; ids start with `prefix`
/// so several forms can share a page.
#[component]
pub(in crate::billing) fn PaymentFields(
    prefix: String,
    amount: RwSignal<String>,
    method: RwSignal<PaymentMethod>,
    reference: RwSignal<String>,
) -> impl IntoView {
    let (amount_id, method_id, reference_id) = (
        format!("{prefix}-amount"),
        format!("{prefix}-method"),
        format!("{prefix}-ref"),
    );
    view! {
        <div class="field">
            <label for=amount_id.clone()>"Amount"</label>
            <input id=amount_id type="text" inputmode="decimal" autocomplete="off" bind:value=amount />
        </div>
        <div class="field">
            <label for=method_id.clone()>"Method"</label>
            <select id=method_id
                on:change=move |ev| {
                    if let Some(m) = PaymentMethod::parse(&event_target_value(&ev)) {
                        method.set(m);
                    }
                }>
                {PaymentMethod::ALL.iter().map(|m| view! {
                    <option value=m.as_str() selected=move || method.get() == *m>{m.label()}</option>
                }).collect_view()}
            </select>
        </div>
        {move || method.get().reference_label().map(|(label, _)| {
            let reference_id = reference_id.clone();
            view! {
                <div class="field">
                    <label for=reference_id.clone()>{label}</label>
                    <input id=reference_id type="text" maxlength="80" autocomplete="off" bind:value=reference />
                </div>
            }
        })}
    }
}

/// A payer's account (`/app/people/:id/account`): balance and credit, open charges oldest
/// first, recent payments, and "Take payment", applied to the oldest charges first.
#[component]
pub fn PayerAccountPage() -> impl IntoView {
    let account = Resource::new(route_id(PersonId), |id| or_not_found(id, get_payer_account));
    loaded(account, |a| view! { <AccountView account=a /> })
}

#[component]
fn AccountView(account: PayerAccount) -> impl IntoView {
    let payer = account.payer_id;
    let amount = RwSignal::new(account.balance.as_input());
    let shown = RwSignal::new(account);
    let method = RwSignal::new(PaymentMethod::Cash);
    let reference = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<AppError>);
    // The last payment taken here: its receipt (id and number) and what it did.
    let said = RwSignal::new(None::<(PaymentId, i64, String)>);
    let run_through = RwSignal::new(shown.with_untracked(|a| a.today.clone()));
    let run_said = RwSignal::new(None::<String>);
    // What the last adjustment or refund did.
    let changed = RwSignal::new(None::<String>);
    // After an invoice run: the account read again (its documents and what is unbilled).
    let refresh = Action::new(move |_: &()| async move {
        match get_payer_account(payer).await {
            Ok(a) => shown.set(a),
            Err(e) => problem.set(Some(e)),
        }
    });
    // "Choose which charges it pays": an amount per open charge, typed by hand.
    let by_hand = RwSignal::new(false);
    let hand_amounts = RwSignal::new(Vec::<(ChargeId, String)>::new());
    let take = Action::new(move |(payment, chosen): &(PaymentInput, Vec<ChosenPart>)| {
        let (payment, chosen) = (payment.clone(), chosen.clone());
        async move {
            match take_account_payment(payer, payment, chosen).await {
                Ok(paid) => {
                    let mut text = format!(
                        ": {} applied to {} charge{}.",
                        paid.applied,
                        paid.charges,
                        if paid.charges == 1 { "" } else { "s" }
                    );
                    if paid.from_credit.is_positive() {
                        text.push_str(&format!(
                            " {} of earlier credit was applied first.",
                            paid.from_credit
                        ));
                    }
                    if paid.credit.is_positive() {
                        text.push_str(&format!(" {} kept as credit.", paid.credit));
                    }
                    said.set(Some((paid.payment, paid.receipt_number, text)));
                    by_hand.set(false);
                    hand_amounts.set(Vec::new());
                    amount.set(paid.account.balance.as_input());
                    reference.set(String::new());
                    shown.set(paid.account);
                }
                Err(e) => problem.set(Some(e)),
            }
        }
    });
    view! {
        <header class="page-header">
            <div>
                <p class="eyebrow">"Account"</p>
                <h1 data-testid="account-name">{move || shown.with(|a| a.name.clone())}</h1>
            </div>
            <nav class="header-links">
                <a class="button secondary" href=format!("/app/people/{}/statement", payer.0)>"Statement"</a>
                <a class="button secondary" href=format!("/app/people/{}", payer.0)>"Profile"</a>
            </nav>
        </header>
        <div class="cards">
            <section class="card" data-testid="account-summary">
                <h2>"Balance"</h2>
                <p class="amount-large" data-testid="balance">{move || shown.with(|a| a.balance.to_string())}</p>
                {move || shown.with(|a| a.credit.is_positive().then(|| {
                    view! { <p data-testid="credit">"Credit on account: " {a.credit.to_string()}</p> }
                }))}
                {move || shown.with(|a| a.unbilled.is_positive().then(|| {
                    view! { <p data-testid="unbilled">"Not yet invoiced: " {a.unbilled.to_string()}</p> }
                }))}
                <form class="stack account-payment" data-testid="account-payment"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        problem.set(None);
                        said.set(None);
                        let chosen = if by_hand.get_untracked() {
                            hand_amounts
                                .get_untracked()
                                .into_iter()
                                .filter(|(_, a)| !a.trim().is_empty())
                                .map(|(charge, amount)| ChosenPart { charge, amount })
                                .collect()
                        } else {
                            Vec::new()
                        };
                        take.dispatch((
                            PaymentInput {
                                amount: amount.get_untracked(),
                                method: method.get_untracked(),
                                reference: reference.get_untracked(),
                            },
                            chosen,
                        ));
                    }>
                    <h3>"Take payment"</h3>
                    <p class="muted">"Applied to the oldest open charges first unless you choose; anything over stays as credit."</p>
                    <PaymentFields prefix="account".to_string() amount method reference />
                    {move || shown.with(|a| !a.open.is_empty()).then(|| view! {
                        <label class="check">
                            <input type="checkbox" data-testid="choose-charges"
                                prop:checked=move || by_hand.get()
                                on:change=move |ev| by_hand.set(event_target_checked(&ev)) />
                            "Choose which charges it pays"
                        </label>
                    })}
                    <Show when=move || by_hand.get()>
                        <fieldset class="stack hand-allocation" data-testid="hand-allocation">
                            <legend>"Amount for each charge (leave empty to skip)"</legend>
                            {move || shown.with(|a| a.open.clone()).into_iter().map(|c| {
                                let id = c.id;
                                let field = format!("hand-{}", id.0);
                                let label = format!("{} · {} · {} (owes {})", c.day, c.participant, c.description, c.owed);
                                view! {
                                    <div class="field">
                                        <label for=field.clone()>{label}</label>
                                        <input id=field type="text" inputmode="decimal" autocomplete="off"
                                            on:input=move |ev| {
                                                let typed = event_target_value(&ev);
                                                hand_amounts.update(|v| match v.iter_mut().find(|(x, _)| *x == id) {
                                                    Some(entry) => entry.1 = typed,
                                                    None => v.push((id, typed)),
                                                });
                                            } />
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                    </Show>
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || take.pending().get()>
                            {move || if take.pending().get() { "Recording…" } else { "Record payment" }}
                        </button>
                    </div>
                    {move || problem.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                    {move || said.get().map(|(id, number, t)| view! {
                        <p class="notice" role="status" data-testid="account-paid">
                            <a href=format!("/app/receipts/{}", id.0)>{format!("Receipt {number}")}</a>
                            {t}
                        </p>
                    })}
                </form>
            </section>
            <section class="card">
                <h2>"Invoice"</h2>
                <p class="muted">"One invoice for everything not yet invoiced on this payer's sessions through the day chosen."</p>
                <InvoiceRunForm payer=Some(payer) through=run_through said=run_said
                    done=Callback::new(move |_| { refresh.dispatch(()); }) />
                <h3>"Invoices and credit notes"</h3>
                {move || {
                    let documents = shown.with(|a| a.documents.clone());
                    if documents.is_empty() {
                        view! { <p class="muted" data-testid="no-documents">"None yet."</p> }.into_any()
                    } else {
                        view! { <ul class="rows" data-testid="documents"><DocumentList documents /></ul> }.into_any()
                    }
                }}
            </section>
            <section class="card wide">
                {move || changed.get().map(|t| view! {
                    <p class="notice" role="status" data-testid="account-changed">{t}</p>
                })}
                <h2>"Open charges"</h2>
                {move || {
                    let open = shown.with(|a| a.open.clone());
                    if open.is_empty() {
                        view! { <p class="muted" data-testid="no-open-charges">"Nothing is owed."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="rows" data-testid="open-charges">
                                {open.into_iter().map(|c| {
                                    let mut settled = Vec::new();
                                    if c.paid.is_positive() {
                                        settled.push(format!("paid {}", c.paid));
                                    }
                                    if c.adjusted.is_positive() {
                                        settled.push(format!("adjusted {}", c.adjusted));
                                    }
                                    let settled = (!settled.is_empty())
                                        .then(|| format!(" ({}; owes {})", settled.join(", "), c.owed));
                                    view! {
                                        <li class="charge-row" data-testid="open-charge">
                                            <span class="name">{c.day.clone()}</span>
                                            <span>{c.participant.clone()} " · " {c.description.clone()}</span>
                                            {c.unbilled.then(|| view! { <span class="badge unbilled">"Unbilled"</span> })}
                                            <span class="money">{c.amount.to_string()} {settled}</span>
                                            <AdjustCharge payer charge=c shown said=changed />
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
                <h2>"Payments"</h2>
                {move || {
                    let payments = shown.with(|a| a.payments.clone());
                    if payments.is_empty() {
                        view! { <p class="muted">"No payments yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="rows" data-testid="payments">
                                {payments.into_iter().map(|p| view! {
                                    <li class="charge-row">
                                        <a class="name" href=format!("/app/receipts/{}", p.id.0)>"Receipt " {p.receipt_number}</a>
                                        <span>{p.received_on.clone()} " · " {p.method.clone()}</span>
                                        <span class="money">
                                            {p.amount.to_string()}
                                            {p.refunded.is_positive().then(|| format!(" ({} refunded)", p.refunded))}
                                            {p.refundable().is_positive().then(|| format!(" ({} on account)", p.refundable()))}
                                        </span>
                                        {p.refundable().is_positive().then(|| view! {
                                            <RefundPayment payer payment=p.clone() shown said=changed />
                                        })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
            </section>
        </div>
    }
}
