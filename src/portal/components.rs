//! The portal's screens (its layout, the home with "My sessions" and the calendar feed) and
//! the staff side of what participants ask (requests on the staff home, how a case is
//! called in the portal, the late-cancel window). It shows a participant only their own
//! information, never who else is in their groups.

use super::api::{
    ask_to_cancel, case_portal_label, confirm_my_session, decide_portal_request, enable_my_feed,
    late_cancel_window, my_feed, my_sessions, portal_requests, revoke_my_feed,
    save_late_cancel_window, save_portal_label,
};
use super::{CancelState, PersonFeedView, PortalLabelView, PortalSession, RequestView};
use crate::auth::api::SignOut;
use crate::auth::components::{use_viewer, RequireArea};
use crate::auth::Viewer;
use crate::domain::attendance::Confirmation;
use crate::domain::money::Money;
use crate::domain::portal::{SessionsFrom, SessionsWhen};
use crate::domain::{AppointmentId, Area, CaseId};
use crate::error::AppError;
use crate::staff::SessionCard;
use crate::ui::FieldErrorText;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

/// The portal's layout, the parent route of every portal screen: it checks the caller once,
/// renders the frame once and provides the viewer by context.
#[component]
pub fn PortalLayout() -> impl IntoView {
    view! {
        <RequireArea
            area=Area::Portal
            render=|viewer: Viewer| {
                provide_context(viewer.clone());
                let sign_out = ServerAction::<SignOut>::new();
                view! {
                    <div class="portal">
                        <header class="topbar">
                            <span class="brand">{viewer.practice_name.clone()}</span>
                            <nav class="portal-nav" aria-label="Portal">
                                <A href="/portal" exact=true>"My sessions"</A>
                                <A href="/portal/forms">"Forms"</A>
                                <A href="/portal/bills">"Bills"</A>
                                <A href="/portal/messages">"Messages"</A>
                            </nav>
                            <ActionForm action=sign_out>
                                <button type="submit" class="link-button">"Sign out"</button>
                            </ActionForm>
                        </header>
                        <main class="content">
                            <Outlet />
                        </main>
                    </div>
                }
            }
        />
    }
}

/// "/portal": the participant's sessions first (what they come for on a phone), then their
/// messages, their calendar feed and their sign-in.
#[component]
pub fn PortalHome() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <h1 data-testid="portal-home">"Hello, " {viewer.display_name.clone()}</h1>
        <MySessions />
        <div class="cards">
            <section class="card">
                <h2>"Messages"</h2>
                <p>"Write to the practice and read its messages."</p>
                <a href="/portal/messages" class="button secondary">"Open messages"</a>
            </section>
            <MyFeedCard />
            <SessionCard viewer=viewer.clone() />
        </div>
    }
}

/// What a session's answer led to: the session, and the error if it was refused.
type Answered = (AppointmentId, Result<(), AppError>);

/// Upcoming and past sessions, a page at a time, with confirming and cancelling. The list is
/// read again after each answer (keyed on the answers' versions); an answer's error is
/// shown on its own session.
#[component]
fn MySessions() -> impl IntoView {
    let which = RwSignal::new(SessionsWhen::Upcoming);
    // Where each page shown so far started: "More" pushes, "Previous" pops.
    let starts = RwSignal::new(Vec::<SessionsFrom>::new());
    let confirm = Action::new(|id: &AppointmentId| {
        let id = *id;
        async move { (id, confirm_my_session(id).await) }
    });
    let cancel = Action::new(|(id, note): &(AppointmentId, String)| {
        let (id, note) = (*id, note.clone());
        async move { (id, ask_to_cancel(id, note).await) }
    });
    let data = Resource::new(
        move || {
            (
                which.get(),
                starts.with(|s| s.last().copied()),
                confirm.version().get(),
                cancel.version().get(),
            )
        },
        |(w, from, _, _)| my_sessions(w, from),
    );
    let tab = move |w: SessionsWhen, label: &'static str, id: &'static str| {
        view! {
            <button type="button" class="tab" id=id
                aria-pressed=move || (which.get() == w).to_string()
                on:click=move |_| { which.set(w); starts.set(Vec::new()); }>
                {label}
            </button>
        }
    };
    view! {
        <section class="card portal-sessions" aria-labelledby="my-sessions-heading" data-testid="my-sessions">
            <h2 id="my-sessions-heading">"My sessions"</h2>
            <div class="tabs" role="group" aria-label="Which sessions">
                {tab(SessionsWhen::Upcoming, "Upcoming", "tab-upcoming")}
                {tab(SessionsWhen::Past, "Past", "tab-past")}
            </div>
            {crate::ui::loaded(data, move |p: super::SessionsPage| {
                let empty = p.sessions.is_empty();
                let next = p.next;
                let terms = (p.late_cancel_hours, p.late_cancel_fee);
                view! {
                    <p class="hint">{format!("Times are in {}.", p.time_zone)}</p>
                    {empty.then(|| view! {
                        <p data-testid="no-sessions">{match which.get_untracked() {
                            SessionsWhen::Upcoming => "You have no upcoming sessions.",
                            SessionsWhen::Past => "No past sessions yet.",
                        }}</p>
                    })}
                    <ul class="session-list" role="list">
                        {p.sessions.into_iter().map(|s| view! {
                            <SessionItem session=s terms confirm cancel />
                        }).collect_view()}
                    </ul>
                    <div class="pager">
                        {move || starts.with(|s| !s.is_empty()).then(|| view! {
                            <button type="button" class="secondary" on:click=move |_| starts.update(|s| { s.pop(); })>"Previous"</button>
                        })}
                        {next.map(|n| view! {
                            <button type="button" class="secondary" on:click=move |_| starts.update(|s| s.push(n))>"More"</button>
                        })}
                    </div>
                }
            })}
        </section>
    }
}

fn confirmation_text(s: &PortalSession) -> &'static str {
    if s.cancelled {
        return "Cancelled by the practice";
    }
    match (&s.cancel, s.confirmation) {
        (CancelState::Asked, _) => "You asked to cancel: waiting for the practice",
        (CancelState::Accepted, _) => "Cancelled at your request",
        (CancelState::Declined, Confirmation::Declined) => {
            "The practice could not cancel this one: please contact them"
        }
        (_, Confirmation::Confirmed) => "You confirmed",
        (_, Confirmation::Declined) => "You said you can't come",
        (_, Confirmation::NotConfirmed) => "Not confirmed yet",
    }
}

#[component]
fn SessionItem(
    session: PortalSession,
    /// The practice's late-cancel window (hours) and fee.
    terms: (i64, Money),
    confirm: Action<AppointmentId, Answered>,
    cancel: Action<(AppointmentId, String), Answered>,
) -> impl IntoView {
    let id = session.id;
    let cancelling = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let mine = move |v: Option<Answered>| v.filter(|(i, _)| *i == id).and_then(|(_, r)| r.err());
    let error =
        Signal::derive(move || mine(cancel.value().get()).or_else(|| mine(confirm.value().get())));
    let busy = move || confirm.pending().get() || cancel.pending().get();
    let status = confirmation_text(&session);
    let confirmed = session.confirmation == Confirmation::Confirmed;
    let open_cancel = session.cancel == CancelState::Asked;
    let can_answer = session.can_answer && session.cancel != CancelState::Accepted;
    let (hours, fee) = terms;
    let late_warning = session.late_now.then(|| {
        if fee.is_positive() {
            format!("This is less than {hours} hours before the session: the practice's late-cancel fee of {fee} may apply.")
        } else {
            format!("This is less than {hours} hours before the session.")
        }
    });
    let note_id = format!("cancel-note-{}", id.0);
    let heading_id = format!("session-{}-heading", id.0);
    view! {
        <li class="portal-session" data-testid="portal-session" aria-labelledby=heading_id.clone()>
            <h3 id=heading_id.clone() class="when">
                <span class="day">{session.day.clone()}</span>
                " "
                <span class="time">{session.time.clone()}</span>
            </h3>
            <p class="what" data-testid="session-label">{session.label.clone()}</p>
            {session.place.clone().map(|p| view! { <p class="where">{p}</p> })}
            {session.video_link.clone().filter(|_| !session.cancelled).map(|href| view! {
                <p><a href=href target="_blank" rel="noopener noreferrer">"Join by video"</a></p>
            })}
            {session.attendance.clone().map(|a| view! {
                <p class="own-attendance" data-testid="own-attendance">{a}</p>
            })}
            {session.attendance.is_none().then(|| view! {
                <p class="confirmation" data-testid="confirmation" role="status">{status}</p>
            })}
            {can_answer.then(|| view! {
                <div class="actions">
                    {(!confirmed).then(|| view! {
                        <button type="button" class="primary" disabled=busy
                            on:click=move |_| { confirm.dispatch(id); }>
                            {if open_cancel { "I can come after all" } else { "Confirm" }}
                        </button>
                    })}
                    {(!open_cancel).then(|| view! {
                        <button type="button" class="secondary" disabled=busy
                            aria-expanded=move || cancelling.get().to_string()
                            on:click=move |_| cancelling.update(|c| *c = !*c)>
                            "Can't come…"
                        </button>
                    })}
                </div>
            })}
            {move || cancelling.get().then(|| {
                let note_id = note_id.clone();
                view! {
                    <form class="stack cancel-form" novalidate=true data-testid="cancel-form"
                        on:submit=move |ev| { ev.prevent_default(); cancel.dispatch((id, note.get_untracked())); }>
                        {late_warning.clone().map(|w| view! {
                            <p class=if fee.is_positive() { "warning" } else { "hint" } data-testid="late-fee">{w}</p>
                        })}
                        <label for=note_id.clone()>"A note for the practice (optional)"</label>
                        <textarea id=note_id rows="2" maxlength="1000" prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                        <FieldErrorText error field="note" />
                        <div class="actions">
                            <button type="submit" class="primary" disabled=busy>"Ask to cancel"</button>
                            <button type="button" class="secondary" on:click=move |_| cancelling.set(false)>"Keep my place"</button>
                        </div>
                    </form>
                }
            })}
            {move || error.get().filter(|e| !matches!(e, AppError::InvalidInput { .. })).map(|e| view! {
                <p class="form-error" role="alert">{e.to_string()}</p>
            })}
        </li>
    }
}

/// "Add to my calendar": a private feed of the participant's own sessions.
#[component]
fn MyFeedCard() -> impl IntoView {
    let turn_on = Action::new(|_: &()| enable_my_feed());
    let turn_off = Action::new(|_: &()| revoke_my_feed());
    let data = Resource::new(
        move || (turn_on.version().get(), turn_off.version().get()),
        |_| my_feed(),
    );
    // The address exists only in the answer that turned the feed on (only a hash is kept).
    let shown_url = move || {
        turn_on
            .value()
            .get()
            .and_then(Result::ok)
            .and_then(|f| f.url)
    };
    let error = move || {
        turn_on
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| turn_off.value().get().and_then(Result::err))
    };
    view! {
        <section class="card" aria-labelledby="my-feed-heading" data-testid="my-feed">
            <h2 id="my-feed-heading">"Add to my calendar"</h2>
            <p class="hint">"A private address your phone's calendar can subscribe to: your sessions only, kept up to date."</p>
            {crate::ui::loaded(data, move |f: PersonFeedView| {
                let enabled = f.enabled;
                view! {
                    {enabled.then(|| view! {
                        <p>{format!("On since {}.", f.since.clone().unwrap_or_default())}</p>
                    })}
                    {move || shown_url().filter(|_| enabled).map(|url| view! {
                        <label for="my-feed-url">"Your calendar address (shown once; keep it private)"</label>
                        <input id="my-feed-url" readonly=true value=url data-testid="my-feed-url" />
                    })}
                    <div class="actions">
                        <button type="button" class="secondary" on:click=move |_| { turn_on.dispatch(()); }>
                            {if enabled { "Get a new address" } else { "Turn on" }}
                        </button>
                        {enabled.then(|| view! {
                            <button type="button" class="link-button" on:click=move |_| { turn_off.dispatch(()); }>"Turn off"</button>
                        })}
                    </div>
                }
            })}
            {move || error().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        </section>
    }
}

/// On the staff home: what participants asked (cancellations), to accept or decline.
/// Accepting a cancellation records their attendance (a late one with the late-cancel fee).
#[component]
pub fn PortalRequestsCard() -> impl IntoView {
    let decide = Action::new(|(id, accept): &(i64, bool)| decide_portal_request(*id, *accept));
    let data = Resource::new(move || decide.version().get(), |_| portal_requests());
    let error = move || decide.value().get().and_then(Result::err);
    view! {
        <section class="card" aria-labelledby="requests-heading" data-testid="portal-requests">
            <h2 id="requests-heading">"Requests from participants"</h2>
            {crate::ui::loaded(data, move |list: Vec<RequestView>| {
                if list.is_empty() {
                    return view! { <p class="hint">"No open requests."</p> }.into_any();
                }
                view! {
                    <ul class="request-list" role="list">
                        {list.into_iter().map(|r| {
                            let id = r.id;
                            let fee = (r.late && r.fee.0 > 0).then(|| format!("Late: the late-cancel fee of {} applies if accepted.", r.fee));
                            let late = (r.late && r.fee.0 == 0).then_some("Late (no fee is set).");
                            view! {
                                <li class="request" data-testid="portal-request">
                                    <p>
                                        <a href=format!("/app/people/{}", r.person_id.0)>{r.person.clone()}</a>
                                        ": " {r.what.clone()}
                                    </p>
                                    <p class="hint">
                                        {r.session_id.map(|s| view! {
                                            <a href=format!("/app/sessions/{}", s.0)>{r.session_when.clone().unwrap_or_default()}</a>
                                            " · "
                                        })}
                                        <a href=format!("/app/cases/{}", r.case_id.0)>{r.case_title.clone()}</a>
                                        {format!(" · asked {}", r.asked)}
                                    </p>
                                    {fee.map(|f| view! { <p class="warning">{f}</p> })}
                                    {late.map(|f| view! { <p class="hint">{f}</p> })}
                                    {(!r.note.is_empty()).then(|| view! { <blockquote class="request-note">{r.note.clone()}</blockquote> })}
                                    <div class="actions">
                                        <button type="button" class="primary" disabled=move || decide.pending().get()
                                            on:click=move |_| { decide.dispatch((id, true)); }>"Accept"</button>
                                        <button type="button" class="secondary" disabled=move || decide.pending().get()
                                            on:click=move |_| { decide.dispatch((id, false)); }>"Decline"</button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
            {move || error().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        </section>
    }
}

/// On a case's page: what its participants see it called in the portal and their calendars.
#[component]
pub fn PortalLabelCard(case: CaseId) -> impl IntoView {
    let save = Action::new(move |(names, label): &(bool, String)| {
        save_portal_label(case, *names, label.clone())
    });
    // Read once: a save answers with what participants now see, and a refused save keeps
    // the form as it was typed.
    let data = Resource::new(|| (), move |_| case_portal_label(case));
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <section class="card" aria-labelledby="portal-label-heading" data-testid="portal-label">
            <h2 id="portal-label-heading">"In the portal"</h2>
            {crate::ui::loaded(data, move |v: PortalLabelView| {
                let names = RwSignal::new(v.names_group);
                let label = RwSignal::new(v.label.clone());
                let loaded_shown = v.shown.clone();
                let shown = move || {
                    save.value()
                        .get()
                        .and_then(Result::ok)
                        .map_or_else(|| loaded_shown.clone(), |saved| saved.shown)
                };
                view! {
                    <p>"Participants see these sessions as " <strong data-testid="portal-shown">{shown}</strong> "."</p>
                    <form class="stack" novalidate=true on:submit=move |ev| {
                        ev.prevent_default();
                        save.dispatch((names.get_untracked(), label.get_untracked()));
                    }>
                        <fieldset>
                            <legend>"Show participants"</legend>
                            <label class="check">
                                <input type="radio" name="portal-names" prop:checked=move || !names.get()
                                    on:change=move |_| names.set(false) />
                                "A neutral label"
                            </label>
                            <label class="check">
                                <input type="radio" name="portal-names" prop:checked=move || names.get()
                                    on:change=move |_| names.set(true) />
                                "The case's name"
                            </label>
                        </fieldset>
                        <label for="portal-label-text">"Neutral label"</label>
                        <input id="portal-label-text" maxlength="60" placeholder=v.default_label.clone()
                            disabled=move || names.get()
                            prop:value=move || label.get() on:input=move |ev| label.set(event_target_value(&ev)) />
                        <p class="hint">"A group's name can itself be sensitive; blank uses the placeholder."</p>
                        <FieldErrorText error field="portal_label" />
                        {move || error.get().filter(|e| !matches!(e, AppError::InvalidInput { .. })).map(|e| view! {
                            <p class="form-error" role="alert">{e.to_string()}</p>
                        })}
                        <div class="actions">
                            <button type="submit" class="secondary" disabled=move || save.pending().get()>"Save portal label"</button>
                        </div>
                    </form>
                }
            })}
        </section>
    }
}

/// Beside the missed-session fees: how close to a session a cancellation counts as late.
#[component]
pub fn LateCancelWindow(manages: bool) -> impl IntoView {
    let save = Action::new(|hours: &String| save_late_cancel_window(hours.clone()));
    // Read once: a save keeps what was typed in the field (and, refused, the error beside it).
    let data = Resource::new(|| (), |_| late_cancel_window());
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    view! {
        {crate::ui::loaded(data, move |hours: i64| {
            if !manages {
                return view! { <p>{format!("Late cancel: within {hours} hours of the session.")}</p> }.into_any();
            }
            let text = RwSignal::new(hours.to_string());
            view! {
                <form class="field-row" novalidate=true on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(text.get_untracked());
                }>
                    <label>"Late-cancel window (hours before the session)"
                        <input id="late-cancel-hours" inputmode="numeric" prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev)) />
                    </label>
                    <button type="submit" class="button">"Save window"</button>
                    {move || saved().then(|| view! { <span class="saved" role="status">"Saved."</span> })}
                </form>
            }.into_any()
        })}
        <FieldErrorText error field="late_cancel_hours" />
        {move || error.get().filter(|e| !matches!(e, AppError::InvalidInput { .. })).map(|e| view! {
            <p class="form-error" role="alert">{e.to_string()}</p>
        })}
    }
}
