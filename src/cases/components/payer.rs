//! Choosing who pays: self, another person or organization, or none, for a case or a member.

use super::*;

/// Payer choice as the form holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PayerType {
    CaseDefault,
    SelfPay,
    Contact,
    Organization,
}

/// Chooses who pays: self-pay, a billing contact, or a sponsoring organization (with
/// "new organization" in place), or, for one participant, the case's default.
#[component]
pub(super) fn PayerChooser(
    payer_type: RwSignal<PayerType>,
    contact: RwSignal<Option<PersonSummary>>,
    #[prop(optional)] allow_default: bool,
    #[prop(into)] id_prefix: String,
) -> impl IntoView {
    let new_org = kept(format!("{id_prefix}.new_org"), String::new);
    let create_org = Action::new(move |name: &String| {
        let name = name.clone();
        async move {
            create_person(crate::domain::people::PersonInput {
                kind: Some(PersonKind::Organization),
                legal_name: name,
                ..Default::default()
            })
            .await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(org)) = create_org.value().get() {
            contact.set(Some(org));
            new_org.set(String::new());
        }
    });
    let choice_prefix = id_prefix.clone();
    let choice = move |value: PayerType, label: &'static str| {
        let id = format!("{choice_prefix}-{value:?}");
        let for_id = id.clone();
        view! {
            <label class="check" for=for_id>
                <input
                    id=id
                    type="radio"
                    name=format!("{choice_prefix}-payer")
                    prop:checked=move || payer_type.get() == value
                    on:change=move |_| {
                        payer_type.set(value);
                        contact.set(None);
                    }
                />
                {label}
            </label>
        }
    };
    let on_pick = Callback::new(move |p: PersonSummary| contact.set(Some(p)));
    view! {
        <fieldset class="checks">
            <legend>"Who pays"</legend>
            {allow_default.then(|| choice(PayerType::CaseDefault, "The case's default payer"))}
            {choice(PayerType::SelfPay, "Self-pay")}
            {choice(PayerType::Contact, "A billing contact")}
            {choice(PayerType::Organization, "A sponsoring organization")}
        </fieldset>
        {move || {
            contact
                .get()
                .map(|c| {
                    view! {
                        <p class="chosen" data-testid="payer-chosen">
                            "Chosen: " <strong>{c.display_name.clone()}</strong>
                            <button type="button" class="link-button" on:click=move |_| contact.set(None)>
                                "change"
                            </button>
                        </p>
                    }
                })
        }}
        <Show when=move || payer_type.get() == PayerType::Contact && contact.with(Option::is_none)>
            <PersonPicker
                label="Billing contact"
                kinds=vec![PersonKind::BillingContact, PersonKind::Person]
                on_pick
            />
        </Show>
        <Show when=move || payer_type.get() == PayerType::Organization && contact.with(Option::is_none)>
            <PersonPicker label="Organization" kinds=vec![PersonKind::Organization] on_pick />
            <div class="inline-form">
                <label for=format!("{id_prefix}-new-org")>"Or add a new organization"</label>
                <input id=format!("{id_prefix}-new-org") type="text" bind:value=new_org />
                <button
                    type="button"
                    on:click=move |_| {
                        create_org.dispatch(new_org.get_untracked());
                    }
                >
                    "Add organization"
                </button>
            </div>
            {error_of(create_org)}
        </Show>
    }
}

pub(super) fn payer_from(
    t: PayerType,
    contact: Option<&PersonSummary>,
) -> Result<Option<Payer>, String> {
    match (t, contact) {
        (PayerType::CaseDefault, _) => Ok(None),
        (PayerType::SelfPay, _) => Ok(Some(Payer::SelfPay)),
        (PayerType::Contact, Some(c)) => Ok(Some(Payer::Contact(c.id.0))),
        (PayerType::Organization, Some(c)) => Ok(Some(Payer::Organization(c.id.0))),
        (PayerType::Contact, None) => Err("Choose the billing contact.".into()),
        (PayerType::Organization, None) => Err("Choose or add the sponsoring organization.".into()),
    }
}

pub(super) fn payer_type_of(p: Option<&PayerView>) -> PayerType {
    match p.map(|p| p.payer) {
        None => PayerType::CaseDefault,
        Some(Payer::SelfPay) => PayerType::SelfPay,
        Some(Payer::Contact(_)) => PayerType::Contact,
        Some(Payer::Organization(_)) => PayerType::Organization,
    }
}
