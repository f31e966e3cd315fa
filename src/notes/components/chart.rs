//! Each participant's chart: their locked chart notes, printable.

use super::*;

/// One chart note: the session, attendance and service, the group note, their own note,
/// signatures and addenda.
#[component]
pub(super) fn ChartNoteCard(
    note: ChartNoteView,
    #[prop(optional)] show_person: bool,
) -> impl IntoView {
    view! {
        <article class="card chart-note" data-testid=format!("chart-note-{}", note.person_id.0)>
            <header>
                {show_person
                    .then(|| {
                        view! {
                            <h2>
                                <a href=format!("/app/people/{}/chart", note.person_id.0)>
                                    {note.person_name.clone()}
                                </a>
                            </h2>
                        }
                    })}
                <h3>{note.session_title.clone()}</h3>
                <p class="muted">{note.when.clone()}</p>
                <p>
                    <strong>"Attendance: "</strong>
                    {note.attendance.clone()}
                    {note.service.clone().map(|s| format!(" · Service: {s}"))}
                </p>
            </header>
            <DocumentView doc=note.group.clone() testid="chart-group-note" />
            {note
                .own
                .clone()
                .map(|own| {
                    view! {
                        <h4>"Note for " {note.person_name.clone()}</h4>
                        <DocumentView doc=own testid="chart-own-note" />
                    }
                })}
            {note.signed.clone().map(|s| view! { <p class="signature">"Signed by " {s}</p> })}
            {note.cosigned.clone().map(|c| view! { <p class="signature">"Co-signed by " {c}</p> })}
            <AddendumList addenda=note.addenda.clone() />
        </article>
    }
}

#[component]
pub fn ChartRoute() -> impl IntoView {
    let chart = Resource::new(route_id(PersonId), |id| or_not_found(id, get_chart));
    loaded(chart, move |c| {
        view! {
            <div class="chart">
                <header class="page-header">
                    <div>
                        <h1 data-testid="chart-title">"Chart: " {c.name.clone()}</h1>
                        <p class="muted">"Chart notes, newest first."</p>
                    </div>
                    <nav class="header-links no-print">
                        <a class="button secondary" href=format!("/app/people/{}", c.person_id.0)>
                            "Profile"
                        </a>
                        <button class="secondary" on:click=|_| print_page()>"Print"</button>
                    </nav>
                </header>
                {if c.notes.is_empty() {
                    view! { <p data-testid="chart-empty">"No chart notes yet."</p> }.into_any()
                } else {
                    view! { <ChartNotes person=c.person_id first=c.notes earlier=c.earlier /> }.into_any()
                }}
            </div>
        }
    })
}

/// The chart's notes as loaded, then each earlier page appended below them. Pages are kept
/// apart and keyed by their number, so loading one renders only its notes.
#[component]
fn ChartNotes(
    person: PersonId,
    first: Vec<ChartNoteView>,
    earlier: Option<Earlier>,
) -> impl IntoView {
    let pages = RwSignal::new(vec![(0_usize, first)]);
    let earlier = RwSignal::new(earlier);
    let more = Action::new(move |before: &Earlier| {
        let before = *before;
        async move {
            let page = earlier_chart_notes(person, before).await?;
            pages.update(|p| {
                let n = p.len();
                p.push((n, page.items));
            });
            earlier.set(page.next);
            Ok::<(), AppError>(())
        }
    });
    view! {
        <For each=move || pages.get() key=|(n, _)| *n let:page>
            {page.1.into_iter().map(|n| view! { <ChartNoteCard note=n /> }).collect_view()}
        </For>
        {move || {
            earlier.get().map(|before| {
                view! {
                    <p class="muted print-only">"Earlier notes are not shown here."</p>
                    <button
                        type="button"
                        class="show-more no-print"
                        data-testid="chart-earlier"
                        disabled=move || more.pending().get()
                        on:click=move |_| {
                            more.dispatch(before);
                        }
                    >
                        {move || if more.pending().get() { "Loading…" } else { "Show earlier notes" }}
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

fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}
