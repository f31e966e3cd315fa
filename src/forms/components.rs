//! Staff screens of forms: the practice's templates with their builder ("/app/forms"), and
//! the "Forms" card on a case's page (send a form to one member or every member, follow
//! each person's status, remind, download the completed PDF).

use super::api::{
    form_template, form_templates, forms_of_case, remind_form, save_form_template, send_form,
};
use super::{CaseForms, SentForm, ShareForm, Shared, TemplateSummary, TemplateView};
use crate::auth::components::use_viewer;
use crate::domain::forms::{FieldKind, FormField, FormSet, FormStatus};
use crate::domain::{CaseId, FormId, FormTemplateId, PersonId};
use crate::error::AppError;
use crate::ui::{loaded, FieldErrorText};
use leptos::prelude::*;

/// One field in the builder: each part its own signal, so typing never rebuilds the row.
#[derive(Clone, Copy)]
struct Draft {
    uid: u32,
    key: StoredValue<String>,
    kind: RwSignal<FieldKind>,
    label: RwSignal<String>,
    required: RwSignal<bool>,
    options: RwSignal<String>,
    text: RwSignal<String>,
}

impl Draft {
    fn new(uid: u32, f: &FormField) -> Draft {
        Draft {
            uid,
            key: StoredValue::new(f.key.clone()),
            kind: RwSignal::new(f.kind),
            label: RwSignal::new(f.label.clone()),
            required: RwSignal::new(f.required),
            options: RwSignal::new(f.options.join("\n")),
            text: RwSignal::new(f.text.clone()),
        }
    }

    fn field(&self) -> FormField {
        FormField {
            key: self.key.get_value(),
            kind: self.kind.get_untracked(),
            label: self.label.get_untracked(),
            required: self.required.get_untracked(),
            options: self
                .options
                .get_untracked()
                .lines()
                .map(str::to_string)
                .collect(),
            text: self.text.get_untracked(),
        }
    }
}

fn blank(kind: FieldKind) -> FormField {
    FormField {
        key: String::new(),
        kind,
        label: String::new(),
        required: false,
        options: Vec::new(),
        text: String::new(),
    }
}

/// "/app/forms": the practice's form templates by set; owners and administrators build and
/// change them (a change to the fields is a new version; forms already sent keep theirs).
#[component]
pub fn FormTemplatesPage() -> impl IntoView {
    let viewer = use_viewer();
    let may_edit = viewer.role.manages_practice();
    let save = Action::new(
        |(id, name, set, fields, active): &(
            Option<FormTemplateId>,
            String,
            FormSet,
            Vec<FormField>,
            bool,
        )| { save_form_template(*id, name.clone(), *set, fields.clone(), *active) },
    );
    let list = Resource::new(move || save.version().get(), |_| form_templates());
    // Which template is open in the builder: none, a new one, or one of the list.
    let open = RwSignal::new(None::<Option<FormTemplateId>>);
    view! {
        <h1>"Forms"</h1>
        <p class="muted">
            "Forms are sent from a case's page. Therapy intake goes only to clinical cases; "
            "workshop forms only to workshops."
        </p>
        {move || {
            save.value().get().and_then(Result::ok).map(|t: TemplateView| view! {
                <p class="saved" role="status">{format!("Saved “{}”, version {}.", t.name, t.version)}</p>
            })
        }}
        {loaded(list, move |templates: Vec<TemplateSummary>| {
            let sets = [FormSet::Intake, FormSet::Workshop, FormSet::General];
            view! {
                {sets.into_iter().map(|set| {
                    let mine: Vec<TemplateSummary> = templates.iter().filter(|t| t.set == set).cloned().collect();
                    view! {
                        <section class="list-section" data-testid=format!("forms-{}", set.as_str())>
                            <h2>{set.label()}</h2>
                            {if mine.is_empty() {
                                view! { <p class="muted">"No forms yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="rows">
                                        {mine.into_iter().map(|t| {
                                            let id = t.id;
                                            view! {
                                                <li>
                                                    <strong>{t.name.clone()}</strong>
                                                    <span class="muted">{format!("version {} · {} fields{}", t.version, t.fields, if t.signed { " · signed" } else { "" })}</span>
                                                    {(!t.active).then(|| view! { <span class="badge">"Retired"</span> })}
                                                    {may_edit.then(|| view! {
                                                        <button type="button" class="link-button"
                                                            aria-label=format!("Edit {}", t.name)
                                                            on:click=move |_| open.set(Some(Some(id)))>"Edit"</button>
                                                    })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                    }
                }).collect_view()}
            }
        })}
        {may_edit.then(|| view! {
            <button type="button" class="button" on:click=move |_| open.set(Some(None))>"New form"</button>
        })}
        {move || open.get().map(|which| view! { <TemplateBuilder which save open /> })}
    }
}

type SaveTemplate = (
    Option<FormTemplateId>,
    String,
    FormSet,
    Vec<FormField>,
    bool,
);

/// Loads the template to edit (or starts a new one) and shows the builder.
#[component]
fn TemplateBuilder(
    which: Option<FormTemplateId>,
    save: Action<SaveTemplate, Result<TemplateView, AppError>>,
    open: RwSignal<Option<Option<FormTemplateId>>>,
) -> impl IntoView {
    // Read once: a refused save keeps what was typed.
    let data = Resource::new(
        move || which,
        |which| async move {
            match which {
                Some(id) => form_template(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        {loaded(data, move |t: Option<TemplateView>| view! { <Builder template=t save open /> })}
    }
}

#[component]
fn Builder(
    template: Option<TemplateView>,
    save: Action<SaveTemplate, Result<TemplateView, AppError>>,
    open: RwSignal<Option<Option<FormTemplateId>>>,
) -> impl IntoView {
    let id = template.as_ref().map(|t| t.id);
    let name = RwSignal::new(
        template
            .as_ref()
            .map(|t| t.name.clone())
            .unwrap_or_default(),
    );
    let set = RwSignal::new(template.as_ref().map_or(FormSet::General, |t| t.set));
    let active = RwSignal::new(template.as_ref().is_none_or(|t| t.active));
    let next_uid = StoredValue::new(0u32);
    let make = move |f: &FormField| {
        let uid = next_uid.get_value();
        next_uid.set_value(uid + 1);
        Draft::new(uid, f)
    };
    let drafts = RwSignal::new(
        template
            .as_ref()
            .map(|t| t.fields.iter().map(make).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    let adding = RwSignal::new(FieldKind::ShortText);
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    // Closes the builder once a save made from it went through (not an earlier one).
    let opened_at = save.version().get_untracked();
    Effect::new(move |_| {
        if save.version().get() == opened_at {
            return;
        }
        if let Some(Ok(saved)) = save.value().get() {
            if id.is_none_or(|id| id == saved.id) {
                open.set(None);
            }
        }
    });
    let field_error = move |uid: u32| {
        let at = drafts.with(|d| d.iter().position(|x| x.uid == uid));
        error.get().and_then(|e| match e {
            AppError::InvalidInput { field, message }
                if Some(field.as_str()) == at.map(|i| format!("field-{i}")).as_deref() =>
            {
                Some(message)
            }
            _ => None,
        })
    };
    let title = if id.is_some() {
        "Edit form"
    } else {
        "New form"
    };
    view! {
        <section class="card" aria-labelledby="builder-heading" data-testid="form-builder">
            <h2 id="builder-heading">{title}</h2>
            <form class="stack" novalidate=true on:submit=move |ev| {
                ev.prevent_default();
                let fields = drafts.get_untracked().iter().map(Draft::field).collect();
                save.dispatch((id, name.get_untracked(), set.get_untracked(), fields, active.get_untracked()));
            }>
                <label for="form-name">"Name"</label>
                <input id="form-name" maxlength="100" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
                <FieldErrorText error field="name" />
                <label for="form-set">"Set"</label>
                <select id="form-set" on:change=move |ev| {
                    if let Some(s) = FormSet::parse(&event_target_value(&ev)) { set.set(s) }
                }>
                    {FormSet::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=move || set.get() == *s>{s.label()}</option>
                    }).collect_view()}
                </select>
                <p class="hint">"Therapy intake is offered only to clinical cases; workshop forms only to workshops."</p>
                <fieldset>
                    <legend>"Fields"</legend>
                    <ol class="rows form-fields">
                        <For each=move || drafts.get() key=|d| d.uid let:d>
                            <li data-testid="form-field">
                                <FieldRow d drafts field_error />
                            </li>
                        </For>
                    </ol>
                    <FieldErrorText error field="fields" />
                    <div class="field-row">
                        <label>"Add a field"
                            <select id="add-field-kind" on:change=move |ev| {
                                if let Some(k) = FieldKind::parse(&event_target_value(&ev)) { adding.set(k) }
                            }>
                                {FieldKind::ALL.iter().map(|k| view! {
                                    <option value=k.as_str() selected=move || adding.get() == *k>{k.label()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <button type="button" class="secondary" on:click=move |_| {
                            let d = make(&blank(adding.get_untracked()));
                            drafts.update(|v| v.push(d));
                        }>"Add field"</button>
                    </div>
                </fieldset>
                {id.is_some().then(|| view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=move || active.get()
                            on:change=move |ev| active.set(event_target_checked(&ev)) />
                        "Offered for sending (untick to retire it)"
                    </label>
                })}
                {move || error.get().filter(|e| !matches!(e, AppError::InvalidInput { .. })).map(|e| view! {
                    <p class="form-error" role="alert">{e.to_string()}</p>
                })}
                <div class="actions">
                    <button type="submit" disabled=move || save.pending().get()>"Save form"</button>
                    <button type="button" class="secondary" on:click=move |_| open.set(None)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}

/// One field's controls in the builder.
#[component]
fn FieldRow(
    d: Draft,
    drafts: RwSignal<Vec<Draft>>,
    field_error: impl Fn(u32) -> Option<String> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let uid = d.uid;
    let label_id = format!("field-label-{uid}");
    let kind_id = format!("field-kind-{uid}");
    view! {
        <div class="stack">
            <div class="field-row">
                <label for=kind_id.clone()>"Kind"</label>
                <select id=kind_id on:change=move |ev| {
                    if let Some(k) = FieldKind::parse(&event_target_value(&ev)) { d.kind.set(k) }
                }>
                    {FieldKind::ALL.iter().map(|k| view! {
                        <option value=k.as_str() selected=move || d.kind.get() == *k>{k.label()}</option>
                    }).collect_view()}
                </select>
                <button type="button" class="link-button" aria-label="Move this field up"
                    on:click=move |_| drafts.update(|v| {
                        if let Some(i) = v.iter().position(|x| x.uid == uid) {
                            if i > 0 { v.swap(i, i - 1) }
                        }
                    })>"Move up"</button>
                <button type="button" class="link-button" aria-label="Remove this field"
                    on:click=move |_| drafts.update(|v| v.retain(|x| x.uid != uid))>"Remove"</button>
            </div>
            <label for=label_id.clone()>{move || match d.kind.get() {
                FieldKind::Signature => "What the signer agrees to",
                FieldKind::Info => "Heading",
                _ => "Question",
            }}</label>
            <input id=label_id class="field-label" maxlength="300" prop:value=move || d.label.get()
                on:input=move |ev| d.label.set(event_target_value(&ev)) />
            {move || (d.kind.get() == FieldKind::Choice).then(|| view! {
                <label>"Options, one per line"
                    <textarea class="field-options" rows="3" prop:value=move || d.options.get()
                        on:input=move |ev| d.options.set(event_target_value(&ev))></textarea>
                </label>
            })}
            {move || (d.kind.get() == FieldKind::Info).then(|| view! {
                <label>"Text to show"
                    <textarea class="field-text" rows="5" prop:value=move || d.text.get()
                        on:input=move |ev| d.text.set(event_target_value(&ev))></textarea>
                </label>
            })}
            {move || d.kind.get().answered().then(|| view! {
                <label class="check">
                    <input type="checkbox" class="field-required" prop:checked=move || d.required.get()
                        on:change=move |ev| d.required.set(event_target_checked(&ev)) />
                    "Required"
                </label>
            })}
            {move || field_error(uid).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        </div>
    }
}

/// What a reminder did: the form, and how many it went to or why not.
type Reminded = (FormId, Result<usize, AppError>);

/// On a case's page: send a form to one member or every member, and follow each one.
#[component]
pub fn CaseFormsCard(case: CaseId) -> impl IntoView {
    let send = Action::new(move |ask: &ShareForm| send_form(case, ask.clone()));
    let remind = Action::new(|id: &FormId| {
        let id = *id;
        async move { (id, remind_form(id).await) }
    });
    let data = Resource::new(
        move || (send.version().get(), remind.version().get()),
        move |_| forms_of_case(case),
    );
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    view! {
        <section class="card" aria-labelledby="case-forms-heading" data-testid="case-forms">
            <h2 id="case-forms-heading">"Forms"</h2>
            {loaded(data, move |v: CaseForms| view! { <CaseFormsBody v send remind error /> })}
        </section>
    }
}

#[component]
fn CaseFormsBody(
    v: CaseForms,
    send: Action<ShareForm, Result<Shared, AppError>>,
    remind: Action<FormId, Reminded>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let template = crate::ui::kept("case-forms-template", || {
        v.templates
            .first()
            .map(|t| t.0 .0.to_string())
            .unwrap_or_default()
    });
    let person = crate::ui::kept("case-forms-person", String::new);
    let member_signs = crate::ui::kept("case-forms-member", || true);
    let payer_signs = crate::ui::kept("case-forms-payer", || false);
    let joint = crate::ui::kept("case-forms-joint", || false);
    let offered_joint = v.joint;
    let has_templates = !v.templates.is_empty();
    view! {
        {if has_templates {
            view! {
                <form class="stack" novalidate=true on:submit=move |ev| {
                    ev.prevent_default();
                    let Ok(t) = template.get_untracked().parse::<i64>() else { return };
                    send.dispatch(ShareForm {
                        template: FormTemplateId(t),
                        person: person.get_untracked().parse::<i64>().ok().map(PersonId),
                        member_signs: member_signs.get_untracked(),
                        payer_signs: payer_signs.get_untracked(),
                        joint: joint.get_untracked(),
                    });
                }>
                    <label for="send-form-template">"Form"</label>
                    <select id="send-form-template" on:change=move |ev| template.set(event_target_value(&ev))>
                        {v.templates.iter().map(|(id, name, set)| {
                            let value = id.0.to_string();
                            let chosen = value.clone();
                            view! {
                                <option value=value selected=move || template.get() == chosen>
                                    {format!("{name} ({})", set.label())}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                    <FieldErrorText error field="template" />
                    <label for="send-form-to">"To"</label>
                    <select id="send-form-to" on:change=move |ev| person.set(event_target_value(&ev))>
                        <option value="" selected=move || person.get().is_empty()>"Every current member"</option>
                        {v.members.iter().map(|(id, name)| {
                            let value = id.0.to_string();
                            let chosen = value.clone();
                            view! { <option value=value selected=move || person.get() == chosen>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <FieldErrorText error field="person" />
                    <fieldset>
                        <legend>"Who signs"</legend>
                        <label class="check">
                            <input type="checkbox" id="send-form-member" prop:checked=move || member_signs.get()
                                on:change=move |ev| member_signs.set(event_target_checked(&ev)) />
                            "The member, for themself"
                        </label>
                        <label class="check">
                            <input type="checkbox" id="send-form-payer" prop:checked=move || payer_signs.get()
                                on:change=move |ev| payer_signs.set(event_target_checked(&ev)) />
                            "Their payer contact, as parent or guardian"
                        </label>
                        {offered_joint.then(|| view! {
                            <label class="check">
                                <input type="checkbox" id="send-form-joint" prop:checked=move || joint.get()
                                    on:change=move |ev| joint.set(event_target_checked(&ev)) />
                                "One form, signed by every member"
                            </label>
                        })}
                    </fieldset>
                    <FieldErrorText error field="signers" />
                    <FieldErrorText error field="joint" />
                    {move || error.get().filter(|e| !matches!(e, AppError::InvalidInput { .. })).map(|e| view! {
                        <p class="form-error" role="alert">{e.to_string()}</p>
                    })}
                    {move || send.value().get().and_then(Result::ok).map(|s| view! {
                        <p class="saved" role="status">{match (s.sent, s.skipped) {
                            (1, 0) => "Sent to 1 person.".to_string(),
                            (n, 0) => format!("Sent to {n} people."),
                            (n, k) => format!("Sent to {n}; {k} already had it open."),
                        }}</p>
                    })}
                    <div class="actions">
                        <button type="submit" class="secondary" disabled=move || send.pending().get()>"Send form"</button>
                    </div>
                </form>
            }.into_any()
        } else {
            view! {
                <p class="muted">"No forms for this kind of case yet. "
                    <a href="/app/forms">"Build one"</a>"."</p>
            }.into_any()
        }}
        {if v.forms.is_empty() {
            view! { <p class="muted">"No forms sent from this case yet."</p> }.into_any()
        } else {
            view! {
                <ul class="rows" data-testid="sent-forms">
                    {v.forms.into_iter().map(|f| view! { <SentFormRow f remind /> }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn SentFormRow(f: SentForm, remind: Action<FormId, Reminded>) -> impl IntoView {
    let id = f.id;
    let outcome = move || {
        remind
            .value()
            .get()
            .filter(|(which, _)| *which == id)
            .map(|(_, r)| r)
    };
    let status_class = match f.status {
        FormStatus::Completed => "badge",
        _ => "badge pending",
    };
    view! {
        <li data-testid="sent-form">
            <strong>{f.person.clone()}</strong>
            <span>{f.title.clone()}</span>
            <span class=status_class data-testid="form-status">{f.status.label()}</span>
            {(!f.signed.is_empty()).then(|| view! { <span class="muted">{f.signed.clone()}</span> })}
            <span class="muted">{format!("sent {}", f.sent)}</span>
            {f.completed.clone().map(|c| view! { <span class="muted">{format!("completed {c}")}</span> })}
            {(f.reminders > 0).then(|| view! {
                <span class="muted">{format!("{} reminder{}", f.reminders, if f.reminders == 1 { "" } else { "s" })}</span>
            })}
            {(f.status == FormStatus::Completed).then(|| view! {
                <a href=super::staff_pdf(id) download="" rel="external">"PDF"</a>
            })}
            {f.can_remind.then(|| view! {
                <button type="button" class="link-button" aria-label=format!("Remind {}", f.person)
                    disabled=move || remind.pending().get()
                    on:click=move |_| { remind.dispatch(id); }>"Remind"</button>
            })}
            {move || outcome().map(|r| match r {
                Ok(n) => view! { <span class="saved" role="status">{format!("Reminder sent to {n}.")}</span> }.into_any(),
                Err(e) => view! { <span class="form-error" role="alert">{e.to_string()}</span> }.into_any(),
            })}
        </li>
    }
}
