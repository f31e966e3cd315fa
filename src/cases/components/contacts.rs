//! The contacts list: groups first, then other cases, then people, narrowed as you type.

use super::*;

#[component]
pub fn ContactsPage() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let searched = debounced(query, SEARCH_PAUSE_MS);
    let list = Resource::new(move || searched.get(), contacts);
    view! {
        <header class="page-header">
            <h1>"Contacts"</h1>
            <div class="actions">
                <a class="button primary" href="/app/contacts/new">"New client or case"</a>
                <a class="button" href="/app/people/new">"New person"</a>
            </div>
        </header>
        <label for="contact-search" class="sr-only">"Search contacts"</label>
        <input
            id="contact-search"
            class="search"
            type="search"
            placeholder="Search by name or group initials"
            bind:value=query
        />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                list.get()
                    .map(|r| match r {
                        Ok((cases, people)) => {
                            let (groups, others): (Vec<_>, Vec<_>) = cases
                                .into_iter()
                                .partition(|c| c.kind.is_group());
                            view! {
                                <section class="list-section">
                                    <h2>"Groups"</h2>
                                    <ul class="rows" data-testid="groups-list">
                                        {groups
                                            .into_iter()
                                            .map(|g| {
                                                let seats = match g.capacity {
                                                    Some(c) => format!("{} of {c}", g.current_members),
                                                    None => format!("{} members", g.current_members),
                                                };
                                                view! {
                                                    <li>
                                                        <a href=format!("/app/cases/{}", g.id.0)>
                                                            <span class="initials">{g.initials.clone().unwrap_or_default()}</span>
                                                            <span class="name">{g.name.clone()}</span>
                                                        </a>
                                                        <span class="muted">{g.kind.label()} " · " {seats}</span>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </section>
                                <section class="list-section">
                                    <h2>"Clients and cases"</h2>
                                    <ul class="rows" data-testid="cases-list">
                                        {others
                                            .into_iter()
                                            .map(|c| {
                                                view! {
                                                    <li>
                                                        <a href=format!("/app/cases/{}", c.id.0)>
                                                            <span class="name">{c.name.clone()}</span>
                                                        </a>
                                                        <span class="muted">{c.kind.label()}</span>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </section>
                                <section class="list-section">
                                    <h2>"People and organizations"</h2>
                                    <ul class="rows" data-testid="people-list">
                                        {people
                                            .into_iter()
                                            .map(|p| {
                                                view! {
                                                    <li>
                                                        <a href=format!("/app/people/{}", p.id.0)>
                                                            <span class="name">{p.display_name.clone()}</span>
                                                        </a>
                                                        <span class="muted">{p.kind.label()}</span>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </section>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}
