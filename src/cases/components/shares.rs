//! The case's payer shares on its billing card: who else pays part of each charge, and a
//! short form to add one ("Each participant pays 20%" beside a sponsor; a couple 50/50).

use super::*;
use crate::billing::shares::{add_case_share, remove_case_share, ShareInput, ShareView};

#[component]
pub(super) fn CaseShares(
    case_id: CaseId,
    shares: Vec<ShareView>,
    /// Who pays the rest: the case's payer as people read it.
    payer_label: String,
    reload: Callback<()>,
) -> impl IntoView {
    let key = |field: &str| format!("case{}.share.{field}", case_id.0);
    let open = kept(key("open"), || false);
    let payer_type = kept(key("type"), || PayerType::SelfPay);
    let contact = kept(key("contact"), || None::<PersonSummary>);
    let fixed = kept(key("fixed"), || false);
    let amount = kept(key("amount"), String::new);
    let problem = RwSignal::new(None::<String>);
    let add = Action::new(move |input: &ShareInput| {
        let input = input.clone();
        async move { add_case_share(case_id, input).await }
    });
    let remove = Action::new(move |id: &i64| {
        let id = *id;
        async move { remove_case_share(case_id, id).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = add.value().get() {
            open.set(false);
            amount.set(String::new());
            reload.run(());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            reload.run(());
        }
    });
    let shared = !shares.is_empty();
    let rest = if shared {
        format!("{payer_label} pays the rest.")
    } else {
        format!("Not shared: {payer_label} pays each charge in full.")
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match payer_from(payer_type.get_untracked(), contact.get_untracked().as_ref()) {
            Ok(p) => {
                problem.set(None);
                add.dispatch(ShareInput {
                    payer: p.unwrap_or(Payer::SelfPay),
                    fixed: fixed.get_untracked(),
                    amount: amount.get_untracked(),
                });
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    let how = move |value: bool, label: &'static str| {
        let id = format!("case-share-fixed-{value}");
        let for_id = id.clone();
        view! {
            <label class="check" for=for_id>
                <input id=id type="radio" name="case-share-how"
                    prop:checked=move || fixed.get() == value
                    on:change=move |_| fixed.set(value) />
                {label}
            </label>
        }
    };
    view! {
        <div class="stack" data-testid="shares">
            <h3>"Shared charges"</h3>
            {shared.then(|| view! {
                <ul class="plain-list">
                    {shares.into_iter().map(|s| {
                        let aria = format!("Remove share: {}", s.said);
                        view! {
                            <li data-testid="share">
                                <span>{s.said.clone()}</span>" "
                                <button type="button" class="link-button" aria-label=aria
                                    on:click=move |_| { remove.dispatch(s.id); }>"Remove"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <p class="muted" data-testid="shares-rest">{rest}</p>
            <p class="hint">"A participant with their own payer pays in full; shares apply to everyone else."</p>
            {error_of(remove)}
            <button type="button" class="secondary" on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "Cancel" } else { "Share charges with another payer" }}
            </button>
            <Show when=move || open.get()>
                <form class="stack nested" data-testid="share-form" on:submit=submit>
                    <PayerChooser payer_type contact id_prefix="case-share" />
                    <p class="hint">"Self-pay here means each participant pays this share of their own charge."</p>
                    <fieldset class="checks">
                        <legend>"Share of each charge"</legend>
                        {how(false, "A percentage")}
                        {how(true, "A fixed amount")}
                    </fieldset>
                    <div class="field">
                        <label for="case-share-amount">
                            {move || if fixed.get() { "Amount of each charge ($)" } else { "Percentage of each charge" }}
                        </label>
                        <input id="case-share-amount" type="text" inputmode="decimal" autocomplete="off" bind:value=amount />
                    </div>
                    {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                    {error_of(add)}
                    <button type="submit" class="primary" disabled=move || add.pending().get()>"Add share"</button>
                </form>
            </Show>
        </div>
    }
}
