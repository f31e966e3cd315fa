//! The contacts list: groups, other cases, and people, each a page at a time from the
//! server, narrowed as you type.

use super::*;
use crate::cases::api::more_contacts;
use crate::cases::{CaseSummary, ContactItems, ContactList, ContactSection, MAX_CONTACT_QUERY};
use crate::domain::paging::{Cursor, Page};
use leptos_router::hooks::use_query_map;

#[component]
pub fn ContactsPage() -> impl IntoView {
    // The search is in the address (`?q=`), so it survives a reload and can be shared; Enter
    // before the page is ready submits it as a plain form.
    let from_address = use_query_map().with_untracked(|q| q.get("q").unwrap_or_default());
    let query = RwSignal::new(from_address);
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
        <form role="search" method="get" action="/app/contacts" on:submit=|e| e.prevent_default()>
            <label for="contact-search" class="sr-only">"Search contacts"</label>
            <input
                id="contact-search"
                name="q"
                class="search"
                type="search"
                maxlength=MAX_CONTACT_QUERY.to_string()
                placeholder="Search by name or group initials"
                bind:value=query
            />
        </form>
        {loaded(list, move |c: ContactList| {
            view! {
                <CaseSection title="Groups" testid="groups-list" section=ContactSection::Groups first=c.groups query=c.query.clone() />
                <CaseSection title="Clients and cases" testid="cases-list" section=ContactSection::Cases first=c.cases query=c.query.clone() />
                <PeopleSection first=c.people query=c.query />
            }
        })}
    }
}

/// "Show more" under a section that has further pages, and why it failed if it did.
fn show_more(
    next: RwSignal<Option<Cursor>>,
    more: Action<Cursor, Result<(), AppError>>,
    label: &'static str,
) -> impl IntoView {
    view! {
        {move || {
            next.get()
                .map(|after| {
                    view! {
                        <button
                            type="button"
                            class="show-more"
                            data-testid="show-more"
                            aria-label=label
                            disabled=move || more.pending().get()
                            on:click=move |_| {
                                more.dispatch(after.clone());
                            }
                        >
                            {move || if more.pending().get() { "Loading…" } else { "Show more" }}
                        </button>
                    }
                })
        }}
        {move || {
            more.value()
                .get()
                .and_then(Result::err)
                .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
        }}
    }
}

/// Loads a section's next page and appends it; `pick` takes the section's items out of the
/// server's answer.
fn more_of<T: Send + Sync + 'static>(
    query: String,
    section: ContactSection,
    shown: RwSignal<Vec<T>>,
    next: RwSignal<Option<Cursor>>,
    pick: fn(ContactItems) -> Option<Page<T>>,
) -> Action<Cursor, Result<(), AppError>> {
    Action::new(move |after: &Cursor| {
        let (query, after) = (query.clone(), after.clone());
        async move {
            if let Some(page) = pick(more_contacts(query, section, after).await?) {
                shown.update(|v| v.extend(page.items));
                next.set(page.next);
            }
            Ok(())
        }
    })
}

fn nothing_listed(query: &str) -> &'static str {
    if query.trim().is_empty() {
        "None yet."
    } else {
        "None match this search."
    }
}

/// Groups, or the other cases: the first page as loaded, then each further page appended.
/// The section is made again when the search changes, which starts it over.
#[component]
fn CaseSection(
    title: &'static str,
    testid: &'static str,
    section: ContactSection,
    first: Page<CaseSummary>,
    query: String,
) -> impl IntoView {
    let shown = RwSignal::new(first.items);
    let next = RwSignal::new(first.next);
    let empty = nothing_listed(&query);
    let more = more_of(query, section, shown, next, |items| match items {
        ContactItems::Cases(page) => Some(page),
        ContactItems::People(_) => None,
    });
    let label = match section {
        ContactSection::Groups => "Show more groups",
        _ => "Show more clients and cases",
    };
    view! {
        <section class="list-section">
            <h2>{title}</h2>
            <ul class="rows" data-testid=testid>
                {move || {
                    shown
                        .get()
                        .into_iter()
                        .map(|c| {
                            let detail = if c.kind.is_group() {
                                let seats = match c.capacity {
                                    Some(cap) => format!("{} of {cap}", c.current_members),
                                    None => format!("{} members", c.current_members),
                                };
                                format!("{} · {seats}", c.kind.label())
                            } else {
                                c.kind.label().to_string()
                            };
                            view! {
                                <li>
                                    <a href=format!("/app/cases/{}", c.id.0)>
                                        {c.kind.is_group().then(|| view! { <span class="initials">{c.initials.clone().unwrap_or_default()}</span> })}
                                        <span class="name">{c.name.clone()}</span>
                                    </a>
                                    <span class="muted">{detail}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {move || shown.with(Vec::is_empty).then(|| view! { <p class="muted">{empty}</p> })}
            {show_more(next, more, label)}
        </section>
    }
}

/// People and organizations, a page at a time like [`CaseSection`].
#[component]
fn PeopleSection(first: Page<PersonSummary>, query: String) -> impl IntoView {
    let shown = RwSignal::new(first.items);
    let next = RwSignal::new(first.next);
    let empty = nothing_listed(&query);
    let more = more_of(
        query,
        ContactSection::People,
        shown,
        next,
        |items| match items {
            ContactItems::People(page) => Some(page),
            ContactItems::Cases(_) => None,
        },
    );
    view! {
        <section class="list-section">
            <h2>"People and organizations"</h2>
            <ul class="rows" data-testid="people-list">
                {move || {
                    shown
                        .get()
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
                        .collect_view()
                }}
            </ul>
            {move || shown.with(Vec::is_empty).then(|| view! { <p class="muted">{empty}</p> })}
            {show_more(next, more, "Show more people")}
        </section>
    }
}
