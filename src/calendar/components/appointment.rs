//! The appointment panel: a session's details, moving it or its series, ending a series and
//! cancelling.

use super::*;

/// One appointment: details, roster, and moving, ending or cancelling it.
#[component]
pub(super) fn AppointmentPanel(
    id: AppointmentId,
    selected: RwSignal<Option<AppointmentId>>,
    refresh: Callback<()>,
) -> impl IntoView {
    let details = Resource::new(|| (), move |_| get_appointment(id));
    // After a change the panel is rebuilt on the session as it now is (a series edit may
    // have replaced it with a new one), with every section closed again.
    let done = Callback::new(move |next: Option<AppointmentId>| {
        let show = next.unwrap_or(id);
        selected.set(None);
        set_timeout(move || selected.set(Some(show)), std::time::Duration::ZERO);
        refresh.run(());
    });
    let root = NodeRef::new();
    crate::ui::hold_focus(root);
    view! {
        <div class="panel" role="dialog" aria-labelledby="appointment-title" data-testid="appointment-panel" node_ref=root>
            <button type="button" class="close link-button" on:click=move |_| selected.set(None)>"Close"</button>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || details.get().map(|r| match r {
                    Ok(d) => view! { <AppointmentBody d done /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn AppointmentBody(d: AppointmentDetails, done: Callback<Option<AppointmentId>>) -> impl IntoView {
    let id = d.event.id;
    let in_series = d.series.is_some();
    let cancelled = d.event.cancelled;
    let expected = d.roster.len();
    let seats = d.capacity.map(|c| (c - expected as i64).max(0));
    let case_href = d
        .event
        .case_id
        .map(|c| format!("/app/cases/{}", c.0))
        .unwrap_or_default();
    view! {
        <h2 id="appointment-title">{d.event.title.clone()}</h2>
        <p class="muted">{d.kind_label.clone()}</p>
        <p data-testid="appointment-when">
            <strong>{day_label(&d.event.day)}</strong> " · " {d.event.time_label.clone()}
            {cancelled.then(|| view! { <span class="badge danger">"Cancelled"</span> })}
        </p>
        {d.cancel_reason.clone().map(|r| view! { <p data-testid="cancel-reason">"Reason: " {r}</p> })}
        {d.series.clone().map(|s| view! { <p class="series" data-testid="series-description">{s.description} <span class="muted">{format!(" · {}", s.rule)}</span></p> })}
        <dl class="facts">
            {d.service.clone().map(|s| view! { <dt>"Service"</dt><dd>{s}</dd> })}
            {d.location.clone().map(|l| view! { <dt>"Location"</dt><dd>{l}</dd> })}
            {d.video_link.clone().map(|v| view! { <dt>"Video"</dt><dd><a href=v.clone() target="_blank" rel="noopener noreferrer">{v.clone()}</a></dd> })}
            <dt>"Providers"</dt>
            <dd>{d.providers.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ")}</dd>
        </dl>
        <section class="roster">
            <h3>
                {format!("{expected} expected")}
                {seats.map(|s| format!(" · {s} seats left"))}
            </h3>
            <ul data-testid="roster">
                {d.roster.iter().map(|r| view! { <li><a href=format!("/app/people/{}", r.person_id.0)>{r.display_name.clone()}</a></li> }).collect_view()}
            </ul>
            <p class="hint">
                {if d.roster_frozen {
                    "This session's roster is kept as it was."
                } else {
                    "The roster follows the case's membership until the session is documented."
                }}
            </p>
        </section>
        <div class="actions">
            {(!cancelled).then(|| view! {
                <a class="button" data-testid="take-attendance" href=format!("/app/sessions/{}", id.0)>"Take attendance"</a>
            })}
            <a class="button secondary" href=case_href>"Open the case"</a>
        </div>
        {(!cancelled).then(|| view! {
            <ChangeForm d=d.clone() done />
            {in_series.then(|| view! { <EndSeriesForm id today=d.today.clone() done /> })}
            <CancelForm id in_series done />
        })}
    }
}

fn span_picker(span: RwSignal<Span>, name: &'static str) -> impl IntoView {
    let option = move |value: Span, label: &'static str| {
        view! {
            <label class="check">
                <input type="radio" name=name prop:checked=move || span.get() == value on:change=move |_| span.set(value) />
                {label}
            </label>
        }
    };
    view! {
        <div class="span-picker">
            {option(Span::ThisSession, "This session")}
            {option(Span::ThisAndFollowing, "This and following")}
            {option(Span::WholeSeries, "Whole series")}
        </div>
    }
}

#[component]
fn ChangeForm(d: AppointmentDetails, done: Callback<Option<AppointmentId>>) -> impl IntoView {
    let id = d.event.id;
    let in_series = d.series.is_some();
    let day = RwSignal::new(d.event.day.clone());
    let start = RwSignal::new(d.start_time.clone());
    let minutes = RwSignal::new(d.event.minutes.to_string());
    let location = RwSignal::new(d.location.clone().unwrap_or_default());
    let video = RwSignal::new(d.video_link.clone().unwrap_or_default());
    let span = RwSignal::new(Span::ThisSession);
    let warnings = RwSignal::new(None::<Vec<Warning>>);
    let error = RwSignal::new(None::<AppError>);
    let save = Action::new(move |(span, change): &(Span, AppointmentChange)| {
        let (span, change) = (*span, change.clone());
        async move { change_appointment(id, span, change).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(Scheduled::Done { first, .. })) => {
            warnings.set(None);
            done.run(Some(first));
        }
        Some(Ok(Scheduled::NeedsConfirmation(w))) => warnings.set(Some(w)),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let send = move |confirmed: bool| {
        let Ok(m) = minutes.get_untracked().trim().parse::<i64>() else {
            error.set(Some(AppError::invalid(
                "minutes",
                "Enter the length in minutes, such as 90.",
            )));
            return;
        };
        error.set(None);
        save.dispatch((
            span.get_untracked(),
            AppointmentChange {
                day: day.get_untracked(),
                start_time: start.get_untracked(),
                minutes: m,
                location: location.get_untracked(),
                video_link: video.get_untracked(),
                confirmed,
            },
        ));
    };
    let errs = field_error(error);
    view! {
        <details class="panel-section" data-testid="change-section">
            <summary>{if in_series { "Move or change" } else { "Move this session" }}</summary>
            <form class="form-grid" on:submit=move |ev| { ev.prevent_default(); send(false); }>
                {in_series.then(|| view! { <div class="wide">{span_picker(span, "change-span")}</div> })}
                <WhenAndWhere prefix="move" day start minutes location video errs />
                {move || warnings.get().map(|w| view! {
                    <div class="wide">
                        {warnings_view(w)}
                        <button type="button" class="primary" on:click=move |_| send(true)>"Go ahead"</button>
                    </div>
                })}
                {move || error.get().map(|e| view! { <p class="form-error wide" role="alert">{e.to_string()}</p> })}
                <div class="actions wide"><button type="submit" class="primary" data-testid="save-change">"Save"</button></div>
            </form>
        </details>
    }
}

#[component]
fn EndSeriesForm(
    id: AppointmentId,
    today: String,
    done: Callback<Option<AppointmentId>>,
) -> impl IntoView {
    let last = RwSignal::new(today);
    let end = Action::new(move |day: &String| {
        let day = day.clone();
        async move { end_series(id, day).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = end.value().get() {
            done.run(None);
        }
    });
    view! {
        <details class="panel-section" data-testid="end-series-section">
            <summary>"End the series"</summary>
            <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); end.dispatch(last.get_untracked()); }>
                <label for="end-after">"Last session on or before"</label>
                <input id="end-after" type="date" prop:value=move || last.get() on:input=move |ev| last.set(event_target_value(&ev)) />
                <button type="submit" data-testid="end-series">"End series"</button>
                <p class="hint">"Planned sessions after this day are removed; held, cancelled and documented ones stay."</p>
                {move || end.value().get().map(|r| match r {
                    Ok(n) => view! { <p class="notice" role="status">{format!("Series ended; {n} planned session(s) removed.")}</p> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </form>
        </details>
    }
}

#[component]
fn CancelForm(
    id: AppointmentId,
    in_series: bool,
    done: Callback<Option<AppointmentId>>,
) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let span = RwSignal::new(Span::ThisSession);
    let cancel = Action::new(move |(span, reason): &(Span, String)| {
        let (span, reason) = (*span, reason.clone());
        async move { cancel_appointment(id, span, reason).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = cancel.value().get() {
            done.run(None);
        }
    });
    view! {
        <details class="panel-section" data-testid="cancel-section">
            <summary>"Cancel"</summary>
            <form class="form-grid" on:submit=move |ev| { ev.prevent_default(); cancel.dispatch((span.get_untracked(), reason.get_untracked())); }>
                {in_series.then(|| view! { <div class="wide">{span_picker(span, "cancel-span")}</div> })}
                <div class="field wide">
                    <label for="cancel-reason">"Reason (kept on record)"</label>
                    <input id="cancel-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </div>
                {move || cancel.value().get().and_then(Result::err).map(|e| view! { <p class="form-error wide" role="alert">{e.to_string()}</p> })}
                <div class="actions wide"><button type="submit" class="danger" data-testid="confirm-cancel">"Cancel session"</button></div>
            </form>
        </details>
    }
}
