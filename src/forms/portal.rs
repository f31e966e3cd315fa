//! The portal's forms: "/portal/forms" lists what the person has to fill in or sign (their
//! own and those they sign for) and what they have done; "/portal/forms/:id" fills one in
//! and signs it. The same rules as the server check every answer before it is sent.

use super::api::{my_forms, open_my_form, submit_my_form};
use super::{MyForm, MyFormSummary};
use crate::domain::forms::{
    check_answers, check_signature, AnswerErrors, Answers, FieldKind, FormField, FormStatus,
};
use crate::domain::FormId;
use crate::error::AppError;
use crate::ui::{loaded, or_not_found, route_id, FieldErrorText};
use leptos::prelude::*;

/// "/portal/forms".
#[component]
pub fn PortalFormsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_forms());
    view! {
        <h1>"Forms"</h1>
        {loaded(data, |forms: Vec<MyFormSummary>| {
            if forms.is_empty() {
                return view! { <p class="muted" data-testid="no-forms">"No forms for you right now."</p> }.into_any();
            }
            let (to_do, done): (Vec<_>, Vec<_>) = forms.into_iter().partition(|f| f.to_do);
            view! {
                <section class="list-section" aria-labelledby="forms-to-do">
                    <h2 id="forms-to-do">"To do"</h2>
                    {if to_do.is_empty() {
                        view! { <p class="muted">"Nothing to do."</p> }.into_any()
                    } else {
                        view! { <ul class="rows" data-testid="forms-to-do">{to_do.into_iter().map(form_row).collect_view()}</ul> }.into_any()
                    }}
                </section>
                <section class="list-section" aria-labelledby="forms-done">
                    <h2 id="forms-done">"Done or waiting for others"</h2>
                    {if done.is_empty() {
                        view! { <p class="muted">"None yet."</p> }.into_any()
                    } else {
                        view! { <ul class="rows" data-testid="forms-done">{done.into_iter().map(form_row).collect_view()}</ul> }.into_any()
                    }}
                </section>
            }.into_any()
        })}
    }
}

fn form_row(f: MyFormSummary) -> impl IntoView {
    view! {
        <li>
            <a href=format!("/portal/forms/{}", f.id.0)>{f.title.clone()}</a>
            {f.for_whom.clone().map(|w| view! { <span class="muted">{format!("for {w}")}</span> })}
            <span class="badge">{f.status.label()}</span>
            <span class="muted">{format!("sent {}", f.sent)}</span>
        </li>
    }
}

/// "/portal/forms/:id": one form, to fill in and sign, or as it was completed.
#[component]
pub fn PortalFormPage() -> impl IntoView {
    let id = route_id(FormId);
    let submit = Action::new(
        |(id, answers, typed, agreed): &(FormId, Answers, String, bool)| {
            submit_my_form(*id, answers.clone(), typed.clone(), *agreed)
        },
    );
    // Read once: a refused submission keeps every answer typed.
    let data = Resource::new(id, |id| or_not_found(id, open_my_form));
    view! {
        <p><a href="/portal/forms">"← All forms"</a></p>
        {loaded(data, move |form: MyForm| {
            // After a submission, the form as the server now has it. A memo: a refused
            // submission leaves it as it was, so the form and its answers stay on screen.
            let shown = Memo::new(move |_| {
                submit.value().get().and_then(Result::ok).unwrap_or_else(|| form.clone())
            });
            let open = Memo::new(move |_| {
                let f = shown.get();
                f.status != FormStatus::Completed
                    && (f.answers.is_none() || (f.needs_signature && !f.signed_by_me))
            });
            move || {
                if open.get() {
                    view! { <FillForm form=shown.get_untracked() submit /> }.into_any()
                } else {
                    view! { <DoneForm f=shown.get_untracked() /> }.into_any()
                }
            }
        })}
    }
}

/// The form filled in (answers read-only), who has signed, and the PDF once complete.
#[component]
fn DoneForm(f: MyForm) -> impl IntoView {
    let answers = f.answers.clone().unwrap_or_default();
    view! {
        <article class="card" data-testid="done-form">
            <h1>{f.title.clone()}</h1>
            {f.for_whom.clone().map(|w| view! { <p class="muted">{format!("For {w}")}</p> })}
            <p><span class="badge" data-testid="my-form-status">{f.status.label()}</span>
                {(!f.progress.is_empty()).then(|| view! { " " <span class="muted">{f.progress.clone()}</span> })}</p>
            <dl class="answers">
                {f.fields.iter().filter(|x| x.kind.answered()).map(|x| {
                    let a = answers.get(&x.key).cloned().unwrap_or_default();
                    let shown = match x.kind {
                        FieldKind::Checkbox => if a == "yes" { "Yes".to_string() } else { "No".to_string() },
                        _ if a.is_empty() => "(no answer)".to_string(),
                        _ => a,
                    };
                    view! { <dt>{x.label.clone()}</dt><dd>{shown}</dd> }
                }).collect_view()}
            </dl>
            {(!f.signatures.is_empty()).then(|| view! {
                <h2>"Signatures"</h2>
                <ul class="rows" data-testid="signatures">
                    {f.signatures.iter().map(|s| view! {
                        <li><strong>{s.name.clone()}</strong><span class="muted">{format!("{} · {}", s.capacity, s.signed_at)}</span></li>
                    }).collect_view()}
                </ul>
            })}
            {(f.status != FormStatus::Completed && f.signed_by_me).then(|| view! {
                <p role="status">"Thank you. The form is complete once everyone who has to sign it has."</p>
            })}
            {f.pdf.clone().map(|href| view! {
                <p><a class="button secondary" href=href download="" rel="external">"Download PDF"</a></p>
            })}
        </article>
    }
}

type Submitted = (FormId, Answers, String, bool);

/// The form to fill in and sign. Each answer is its own signal; every answer is checked
/// with the server's own rules before sending, so all problems show at once.
#[component]
fn FillForm(form: MyForm, submit: Action<Submitted, Result<MyForm, AppError>>) -> impl IntoView {
    let id = form.id;
    let fixed = form.answers.is_some();
    let fields = StoredValue::new(form.fields.clone());
    let answers: Vec<(String, RwSignal<String>)> = form
        .fields
        .iter()
        .filter(|f| f.kind.answered())
        .map(|f| {
            let given = form
                .answers
                .as_ref()
                .and_then(|a| a.get(&f.key))
                .cloned()
                .unwrap_or_default();
            (f.key.clone(), RwSignal::new(given))
        })
        .collect();
    let answers = StoredValue::new(answers);
    let value_of =
        move |key: &str| answers.with_value(|a| a.iter().find(|(k, _)| k == key).map(|(_, s)| *s));
    let typed = RwSignal::new(String::new());
    let agreed = RwSignal::new(false);
    let local = RwSignal::new(AnswerErrors::new());
    let sign_error = RwSignal::new(None::<AppError>);
    let server_error = Signal::derive(move || submit.value().get().and_then(Result::err));
    let error = Signal::derive(move || sign_error.get().or_else(|| server_error.get()));
    let problem = move |key: String| {
        let k2 = key.clone();
        move || {
            local
                .with(|l| l.get(&key).cloned())
                .or_else(|| match server_error.get() {
                    Some(AppError::InvalidInput { field, message }) if field == k2 => Some(message),
                    _ => None,
                })
        }
    };
    let needs_signature = form.needs_signature;
    let intent = form.intent().map(str::to_string);
    view! {
        <article class="card" data-testid="fill-form">
            <h1>{form.title.clone()}</h1>
            {form.for_whom.clone().map(|w| view! { <p class="muted">{format!("For {w}; you sign as {}.", form.capacity.to_lowercase())}</p> })}
            {fixed.then(|| view! {
                <p class="hint">"This form has been filled in and signed by someone else who signs it too; read it and add your signature."</p>
            })}
            <form class="stack" novalidate=true on:submit=move |ev| {
                ev.prevent_default();
                let given: Answers = answers.with_value(|a| a.iter().map(|(k, s)| (k.clone(), s.get_untracked())).collect());
                if !fixed {
                    match fields.with_value(|f| check_answers(f, &given)) {
                        Ok(_) => local.set(AnswerErrors::new()),
                        Err(e) => { local.set(e); sign_error.set(None); return; }
                    }
                }
                if needs_signature {
                    if let Err((field, message)) = check_signature(&typed.get_untracked(), agreed.get_untracked()) {
                        sign_error.set(Some(AppError::InvalidInput { field, message }));
                        return;
                    }
                }
                sign_error.set(None);
                submit.dispatch((id, given, typed.get_untracked(), agreed.get_untracked()));
            }>
                {form.fields.iter().map(|f| {
                    field_view(f, fixed, f.kind.answered().then(|| value_of(&f.key)).flatten(), problem(f.key.clone()))
                }).collect_view()}
                {needs_signature.then(|| view! {
                    <fieldset class="signature">
                        <legend>"Signature"</legend>
                        <label class="check">
                            <input type="checkbox" id="sign-agree" prop:checked=move || agreed.get()
                                on:change=move |ev| agreed.set(event_target_checked(&ev)) />
                            {intent.clone().unwrap_or_default()}
                        </label>
                        <FieldErrorText error field="agree" />
                        <label for="sign-name">"Type your full name to sign"</label>
                        <input id="sign-name" autocomplete="name" maxlength="120" prop:value=move || typed.get()
                            on:input=move |ev| typed.set(event_target_value(&ev)) />
                        <FieldErrorText error field="signature" />
                        <p class="hint">"Your typed name is your signature. We record the time, your account and this device's address and browser with it."</p>
                    </fieldset>
                })}
                {move || (!local.with(|l| l.is_empty())).then(|| view! {
                    <p class="form-error" role="alert">"Some answers need attention; see the questions marked above."</p>
                })}
                {move || server_error.get().filter(|e| !matches!(e, AppError::InvalidInput { .. })).map(|e| view! {
                    <p class="form-error" role="alert">{e.to_string()}</p>
                })}
                <div class="actions">
                    <button type="submit" disabled=move || submit.pending().get()>
                        {if needs_signature { "Sign and submit" } else { "Submit" }}
                    </button>
                </div>
            </form>
        </article>
    }
}

fn field_view<P>(
    f: &FormField,
    fixed: bool,
    value: Option<RwSignal<String>>,
    problem: P,
) -> impl IntoView
where
    P: Fn() -> Option<String> + Clone + Send + Sync + 'static,
{
    let input_id = format!("answer-{}", f.key);
    let label = format!("{}{}", f.label, if f.required { " (required)" } else { "" });
    let error_id = format!("answer-{}-error", f.key);
    let p2 = problem.clone();
    let invalid = move || p2().is_some().then_some("true");
    // Points at the error only while there is one.
    let describe = {
        let p3 = problem.clone();
        let id = error_id.clone();
        move || p3().is_some().then(|| id.clone())
    };
    let error_line = {
        let error_id = error_id.clone();
        move || {
            problem()
                .map(|m| view! { <p class="field-error" role="alert" id=error_id.clone()>{m}</p> })
        }
    };
    match (f.kind, value) {
        (FieldKind::Info, _) => view! {
            <section class="form-info">
                <h2>{f.label.clone()}</h2>
                {f.text.split("\n\n").map(|para| view! { <p>{para.to_string()}</p> }).collect_view()}
            </section>
        }
        .into_any(),
        (FieldKind::Signature, _) | (_, None) => ().into_any(),
        (FieldKind::LongText, Some(v)) => view! {
            <div class="field">
                <label for=input_id.clone()>{label}</label>
                <textarea id=input_id rows="4" disabled=fixed aria-invalid=invalid aria-describedby=describe
                    prop:value=move || v.get() on:input=move |ev| v.set(event_target_value(&ev))></textarea>
                {error_line}
            </div>
        }
        .into_any(),
        (FieldKind::Checkbox, Some(v)) => view! {
            <div class="field">
                <label class="check">
                    <input type="checkbox" id=input_id disabled=fixed aria-invalid=invalid aria-describedby=describe
                        prop:checked=move || v.get() == "yes"
                        on:change=move |ev| v.set(if event_target_checked(&ev) { "yes".into() } else { String::new() }) />
                    {label}
                </label>
                {error_line}
            </div>
        }
        .into_any(),
        (FieldKind::Choice, Some(v)) => {
            let name = format!("answer-{}", f.key);
            view! {
                <fieldset class="field" aria-describedby=describe>
                    <legend>{label}</legend>
                    {f.options.iter().map(|o| {
                        let option = o.clone();
                        let chosen = o.clone();
                        let set_to = o.clone();
                        view! {
                            <label class="check">
                                <input type="radio" name=name.clone() value=option disabled=fixed
                                    prop:checked=move || v.get() == chosen
                                    on:change=move |_| v.set(set_to.clone()) />
                                {o.clone()}
                            </label>
                        }
                    }).collect_view()}
                    {error_line}
                </fieldset>
            }
            .into_any()
        }
        (kind, Some(v)) => {
            let kind_attr = if kind == FieldKind::Date { "date" } else { "text" };
            view! {
                <div class="field">
                    <label for=input_id.clone()>{label}</label>
                    <input id=input_id type=kind_attr disabled=fixed aria-invalid=invalid aria-describedby=describe
                        maxlength="300" prop:value=move || v.get() on:input=move |ev| v.set(event_target_value(&ev)) />
                    {error_line}
                </div>
            }
            .into_any()
        }
    }
}
