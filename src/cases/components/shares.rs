//! Payer shares: the case's on its billing card (who else pays part of each charge: "Each
//! participant pays 20%" beside a sponsor; a couple 50/50), and one participant's own beside
//! their own payer (their employer pays the rest, they pay 20%), each with a short form to
//! add one.

use super::*;
use crate::billing::shares::{
    add_case_share, add_member_share, remove_case_share, remove_member_share, ShareInput, ShareView,
};
use crate::domain::MembershipId;

/// Whose charges the shares split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ShareOwner {
    Case(CaseId),
    /// One participant (by membership), named.
    Participant(MembershipId, String),
}

impl ShareOwner {
    /// A prefix for element ids and kept form state, unique on the page.
    fn key(&self) -> String {
        match self {
            ShareOwner::Case(c) => format!("case{}-share", c.0),
            ShareOwner::Participant(m, _) => format!("membership{}-share", m.0),
        }
    }
}

#[component]
pub(super) fn Shares(
    owner: ShareOwner,
    shares: Vec<ShareView>,
    /// Who pays the rest: the case's payer, or the participant's own, as people read it.
    payer_label: String,
    reload: Callback<()>,
) -> impl IntoView {
    let prefix = owner.key();
    let key = |field: &str| format!("{prefix}.{field}");
    let open = kept(key("open"), || false);
    let payer_type = kept(key("type"), || PayerType::SelfPay);
    let contact = kept(key("contact"), || None::<PersonSummary>);
    let fixed = kept(key("fixed"), || false);
    let amount = kept(key("amount"), String::new);
    let problem = RwSignal::new(None::<String>);
    let (o1, o2) = (owner.clone(), owner.clone());
    let add = Action::new(move |input: &ShareInput| {
        let (input, owner) = (input.clone(), o1.clone());
        async move {
            match owner {
                ShareOwner::Case(c) => add_case_share(c, input).await,
                ShareOwner::Participant(m, _) => add_member_share(m, input).await,
            }
        }
    });
    let remove = Action::new(move |id: &i64| {
        let (id, owner) = (*id, o2.clone());
        async move {
            match owner {
                ShareOwner::Case(c) => remove_case_share(c, id).await,
                ShareOwner::Participant(m, _) => remove_member_share(m, id).await,
            }
        }
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
    let (heading, hint, open_label, self_hint) = match &owner {
        ShareOwner::Case(_) => (
            "Shared charges".to_string(),
            "A participant with their own payer follows their own shares instead; the case's shares apply to everyone else.".to_string(),
            "Share charges with another payer".to_string(),
            "Self-pay here means each participant pays this share of their own charge.".to_string(),
        ),
        ShareOwner::Participant(_, name) => (
            format!("Shared charges for {name}"),
            format!("Only {name}'s charges; the case's shares don't apply to them."),
            format!("Share {name}'s charges with another payer"),
            format!("Self-pay here means {name} pays this share."),
        ),
    };
    let (fixed_id, amount_id) = (format!("{prefix}-how"), format!("{prefix}-amount"));
    let amount_for = amount_id.clone();
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
        let id = format!("{fixed_id}-{value}");
        let for_id = id.clone();
        view! {
            <label class="check" for=for_id>
                <input id=id type="radio" name=fixed_id.clone()
                    prop:checked=move || fixed.get() == value
                    on:change=move |_| fixed.set(value) />
                {label}
            </label>
        }
    };
    view! {
        <div class="stack" data-testid="shares">
            <h3>{heading}</h3>
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
            <p class="hint">{hint}</p>
            {error_of(remove)}
            <button type="button" class="secondary" on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "Cancel".to_string() } else { open_label.clone() }}
            </button>
            <Show when=move || open.get()>
                <form class="stack nested" data-testid="share-form" on:submit=submit>
                    <PayerChooser payer_type contact id_prefix=prefix.clone() />
                    <p class="hint">{self_hint.clone()}</p>
                    <fieldset class="checks">
                        <legend>"Share of each charge"</legend>
                        {how(false, "A percentage")}
                        {how(true, "A fixed amount")}
                    </fieldset>
                    <div class="field">
                        <label for=amount_for.clone()>
                            {move || if fixed.get() { "Amount of each charge ($)" } else { "Percentage of each charge" }}
                        </label>
                        <input id=amount_id.clone() type="text" inputmode="decimal" autocomplete="off" bind:value=amount />
                    </div>
                    {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                    {error_of(add)}
                    <button type="submit" class="primary" disabled=move || add.pending().get()>"Add share"</button>
                </form>
            </Show>
        </div>
    }
}
