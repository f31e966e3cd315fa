//! "Take payment" beside a participant's charge on the session screen: what is paid, what is
//! owed, and a short form (amount, method, reference) that records a payment and says its
//! receipt number.

use super::api::take_payment;
use super::{PaymentInput, PaymentTaken};
use crate::domain::billing::PaymentMethod;
use crate::domain::money::Money;
use crate::domain::{AppointmentId, PersonId};
use crate::error::AppError;
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
    waiting: Signal<bool>,
) -> impl IntoView {
    let owed = move || (Money(charge.get()) - paid.get()).max(Money::ZERO);
    let open = RwSignal::new(false);
    let amount = RwSignal::new(String::new());
    let method = RwSignal::new(PaymentMethod::Cash);
    let reference = RwSignal::new(String::new());
    let done = RwSignal::new(None::<PaymentTaken>);
    // Its own signal, not the action's last value, so reopening the form starts clean.
    let problem = RwSignal::new(None::<AppError>);
    let take = Action::new(move |payment: &PaymentInput| {
        let payment = payment.clone();
        async move {
            match take_payment(appointment, person, payment).await {
                Ok(taken) => {
                    paid.set(taken.paid);
                    done.set(Some(taken));
                    open.set(false);
                }
                Err(e) => problem.set(Some(e)),
            }
        }
    });
    let start = move |_| {
        amount.set(owed().as_input());
        method.set(PaymentMethod::Cash);
        reference.set(String::new());
        done.set(None);
        problem.set(None);
        open.set(true);
    };
    let field = |suffix: &str| format!("pay-{}-{}-{suffix}", appointment.0, person.0);
    let (amount_id, method_id, reference_id) = (field("amount"), field("method"), field("ref"));
    let take_aria = format!("Take payment for {name}");
    view! {
        <div class="payment" data-testid="payment">
            {move || {
                let p = paid.get();
                (p.is_positive()).then(|| {
                    let full = p.cents() >= charge.get();
                    view! {
                        <span class="paid" data-testid="paid">
                            {if full { format!("Paid in full ({p})") } else { format!("Paid {p} · owes {}", owed()) }}
                        </span>
                    }
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
                        take.dispatch(PaymentInput {
                            amount: amount.get_untracked(),
                            method: method.get_untracked(),
                            reference: reference.get_untracked(),
                        });
                    }>
                    <div class="field">
                        <label for=amount_id.clone()>"Amount"</label>
                        <input id=amount_id.clone() type="text" inputmode="decimal" autocomplete="off" bind:value=amount />
                    </div>
                    <div class="field">
                        <label for=method_id.clone()>"Method"</label>
                        <select id=method_id.clone()
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
                    {
                        let reference_id = reference_id.clone();
                        move || method.get().reference_label().map(|(label, _)| {
                            let reference_id = reference_id.clone();
                            view! {
                                <div class="field">
                                    <label for=reference_id.clone()>{label}</label>
                                    <input id=reference_id type="text" maxlength="80" autocomplete="off" bind:value=reference />
                                </div>
                            }
                        })
                    }
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
                let mut said = format!("Receipt {}: {} from {}.", t.receipt_number, t.amount, t.payer_name);
                if t.credit.is_positive() {
                    said.push_str(&format!(" {} is on their account as credit.", t.credit));
                }
                view! { <p class="notice" role="status" data-testid="payment-done">{said}</p> }
            })}
        </div>
    }
}
