//! "Adjust" beside an open charge and "Refund" beside a payment on a payer's account: each
//! a short form opened in place that says what it did and shows the account as it is now.

use super::{adjust_charge, refund_payment, AdjustmentInput, RefundInput};
use crate::billing::components::PaymentFields;
use crate::billing::{AccountCharge, AccountPayment, PayerAccount};
use crate::domain::adjustments::AdjustmentReason;
use crate::domain::billing::PaymentMethod;
use crate::domain::PersonId;
use crate::error::AppError;
use leptos::prelude::*;

/// Takes part of one open charge off what the payer owes, with a reason.
#[component]
pub fn AdjustCharge(
    payer: PersonId,
    charge: AccountCharge,
    /// The account page's account, replaced by the one the server returns.
    shown: RwSignal<PayerAccount>,
    /// The page's notice, which says what was done.
    said: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = charge.id;
    let open = RwSignal::new(false);
    let amount = RwSignal::new(charge.owed.as_input());
    let reason = RwSignal::new(AdjustmentReason::SlidingScale);
    let note = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<AppError>);
    let adjust = Action::new(move |input: &AdjustmentInput| {
        let input = input.clone();
        async move {
            match adjust_charge(payer, id, input).await {
                Ok(done) => {
                    said.set(Some(done.said));
                    shown.set(done.account);
                }
                Err(e) => problem.set(Some(e)),
            }
        }
    });
    let prefix = format!("adjust-{}", id.0);
    let (amount_id, reason_id, note_id) = (
        format!("{prefix}-amount"),
        format!("{prefix}-reason"),
        format!("{prefix}-note"),
    );
    let aria = format!("Adjust {} on {}", charge.description, charge.day);
    view! {
        <Show when=move || !open.get()>
            <button type="button" class="link-button" data-testid="adjust" aria-label=aria.clone()
                on:click=move |_| { problem.set(None); open.set(true); }>"Adjust"</button>
        </Show>
        <Show when=move || open.get()>
            <form class="inline-form adjust-form" data-testid="adjust-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    problem.set(None);
                    adjust.dispatch(AdjustmentInput {
                        amount: amount.get_untracked(),
                        reason: reason.get_untracked(),
                        note: note.get_untracked(),
                    });
                }>
                <div class="field">
                    <label for=amount_id.clone()>"Amount to take off"</label>
                    <input id=amount_id.clone() type="text" inputmode="decimal" autocomplete="off" bind:value=amount />
                </div>
                <div class="field">
                    <label for=reason_id.clone()>"Reason"</label>
                    <select id=reason_id.clone()
                        on:change=move |ev| {
                            if let Some(r) = AdjustmentReason::parse(&event_target_value(&ev)) {
                                reason.set(r);
                            }
                        }>
                        {AdjustmentReason::CHOSEN.iter().map(|r| view! {
                            <option value=r.as_str() selected=move || reason.get() == *r>{r.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=note_id.clone()>
                        {move || if reason.get() == AdjustmentReason::Other { "Note (required)" } else { "Note (optional)" }}
                    </label>
                    <input id=note_id.clone() type="text" maxlength="200" autocomplete="off" bind:value=note />
                </div>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || adjust.pending().get()>
                        {move || if adjust.pending().get() { "Saving…" } else { "Take off" }}
                    </button>
                    <button type="button" class="link-button" on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
                {move || problem.get().map(|e| view! {
                    <p class="form-error" role="alert" data-testid="adjust-error">{e.to_string()}</p>
                })}
            </form>
        </Show>
    }
}

/// Gives money back out of one payment, up to what no session took.
#[component]
pub fn RefundPayment(
    payer: PersonId,
    payment: AccountPayment,
    shown: RwSignal<PayerAccount>,
    said: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = payment.id;
    let open = RwSignal::new(false);
    let amount = RwSignal::new(payment.refundable().as_input());
    let method = RwSignal::new(PaymentMethod::Cash);
    let reference = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<AppError>);
    let refund = Action::new(move |input: &RefundInput| {
        let input = input.clone();
        async move {
            match refund_payment(payer, id, input).await {
                Ok(done) => {
                    said.set(Some(done.said));
                    shown.set(done.account);
                }
                Err(e) => problem.set(Some(e)),
            }
        }
    });
    let prefix = format!("refund-{}", id.0);
    let reason_id = format!("{prefix}-reason");
    let aria = format!("Refund from receipt {}", payment.receipt_number);
    view! {
        <Show when=move || !open.get()>
            <button type="button" class="link-button" data-testid="refund" aria-label=aria.clone()
                on:click=move |_| { problem.set(None); open.set(true); }>"Refund"</button>
        </Show>
        <Show when=move || open.get()>
            <form class="inline-form refund-form" data-testid="refund-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    problem.set(None);
                    refund.dispatch(RefundInput {
                        amount: amount.get_untracked(),
                        method: method.get_untracked(),
                        reference: reference.get_untracked(),
                        reason: reason.get_untracked(),
                    });
                }>
                <PaymentFields prefix=prefix.clone() amount method reference />
                <div class="field">
                    <label for=reason_id.clone()>"Reason"</label>
                    <input id=reason_id.clone() type="text" maxlength="200" autocomplete="off" bind:value=reason />
                </div>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || refund.pending().get()>
                        {move || if refund.pending().get() { "Saving…" } else { "Record refund" }}
                    </button>
                    <button type="button" class="link-button" on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
                {move || problem.get().map(|e| view! {
                    <p class="form-error" role="alert" data-testid="refund-error">{e.to_string()}</p>
                })}
            </form>
        </Show>
    }
}
