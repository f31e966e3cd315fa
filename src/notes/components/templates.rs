//! The practice's note templates.

use super::*;

#[component]
pub fn TemplatesRoute() -> impl IntoView {
    let viewer = use_viewer();
    let reload = RwSignal::new(0u32);
    let list = Resource::new(
        move || reload.get(),
        |_| async move { get_templates().await },
    );
    let may_edit = viewer.role.manages_practice();
    // Outlives the list's reload after a save, so "Template saved." stays.
    let saved = RwSignal::new(false);
    view! {
        <h1>"Note templates"</h1>
        <p class="muted">
            "A note starts from a template of its case's kind; each section becomes a heading."
        </p>
        {loaded(list, move |t| view! { <TemplatesPage templates=t may_edit reload saved /> })}
    }
}

#[component]
fn TemplatesPage(
    templates: Vec<Template>,
    may_edit: bool,
    reload: RwSignal<u32>,
    saved: RwSignal<bool>,
) -> impl IntoView {
    let editing = RwSignal::new(None::<TemplateId>);
    let name = RwSignal::new(String::new());
    let language = RwSignal::new(Language::Therapy.as_str().to_string());
    let sections = RwSignal::new(String::new());
    let active = RwSignal::new(true);
    let error = RwSignal::new(None::<AppError>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = Language::parse(&language.get_untracked()).unwrap_or(Language::Therapy);
        saved.set(false);
        spawn_local(async move {
            match save_template(
                editing.get_untracked(),
                name.get_untracked(),
                lang,
                sections.get_untracked(),
                active.get_untracked(),
            )
            .await
            {
                Ok(_) => {
                    saved.set(true);
                    reload.update(|r| *r += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let rows = templates
        .into_iter()
        .map(|t| {
            let edit = {
                let t = t.clone();
                move |_| {
                    editing.set(Some(t.id));
                    name.set(t.name.clone());
                    language.set(t.language.as_str().to_string());
                    sections.set(t.sections.join("\n"));
                    active.set(t.active);
                }
            };
            view! {
                <article class="card template" data-testid="template">
                    <h2>{t.name.clone()} {(!t.active).then_some(" (not offered)")}</h2>
                    <p class="muted">"For " {t.language.label()}</p>
                    <ol>{t.sections.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}</ol>
                    {may_edit.then(|| view! { <button class="secondary" on:click=edit>"Edit"</button> })}
                </article>
            }
        })
        .collect_view();
    view! {
        {may_edit
            .then(|| {
                view! {
                    <form class="card" on:submit=save>
                        <h2>{move || if editing.get().is_some() { "Change the template" } else { "New template" }}</h2>
                        <label>
                            "Name"
                            <input prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                        </label>
                        <crate::ui::FieldErrorText error=error.into() field="name" />
                        <label>
                            "For"
                            <select aria-label="Template is for" prop:value=move || language.get() on:change=move |ev| language.set(event_target_value(&ev))>
                                {Language::ALL
                                    .iter()
                                    .map(|l| view! { <option value=l.as_str()>{l.label()}</option> })
                                    .collect_view()}
                            </select>
                        </label>
                        <label>
                            "Sections, one per line"
                            <textarea
                                rows="6"
                                prop:value=move || sections.get()
                                on:input=move |ev| sections.set(event_target_value(&ev))
                            ></textarea>
                        </label>
                        <crate::ui::FieldErrorText error=error.into() field="sections" />
                        <label class="checkbox">
                            <input
                                type="checkbox"
                                prop:checked=move || active.get()
                                on:change=move |ev| active.set(event_target_checked(&ev))
                            />
                            "Offered for new notes"
                        </label>
                        <button type="submit">"Save the template"</button>
                        {move || {
                            error
                                .get()
                                .filter(|e| !matches!(e, AppError::InvalidInput { .. }))
                                .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
                        }}
                        {move || saved.get().then(|| view! { <p class="notice" role="status">"Template saved."</p> })}
                    </form>
                }
            })}
        <div class="templates">{rows}</div>
    }
}
