//! The calendar's views of a range: the time grid (day and week), the month grid and the
//! phone's agenda, each event a button that opens the appointment panel.

use super::*;

/// Height of half an hour in the time grid, in pixels (also `.slot` in style/main.css).
const SLOT_PX: i64 = 24;

pub(super) fn day_label(day: &str) -> String {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(crate::domain::when::weekday_day_month)
        .unwrap_or_else(|_| day.to_string())
}

fn short_weekday(day: &str) -> (String, String) {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| (d.format("%a").to_string(), d.format("%-d").to_string()))
        .unwrap_or_default()
}

fn provider_class(page: &CalendarPage, ev: &CalendarEvent) -> String {
    // Colour by the first shown provider running it, so side-by-side calendars are told apart.
    let index = page
        .columns
        .iter()
        .position(|c| ev.provider_ids.contains(&c.id))
        .unwrap_or(0);
    format!("provider-{}", index % 6)
}

#[component]
pub(super) fn CalendarGrid(
    page: CalendarPage,
    place: Place,
    go: Callback<Place>,
    selected: RwSignal<Option<AppointmentId>>,
    creating: RwSignal<Option<Slot>>,
) -> impl IntoView {
    let view_kind = page.view;
    let nav = |label: &'static str, p: Place, cls: &'static str, test: &'static str| {
        view! { <a class=format!("button {cls}") href=p.href() data-testid=test>{label}</a> }
    };
    let at = |day: &str| Place {
        day: day.to_string(),
        ..place.clone()
    };
    let with_view = |v: CalendarView| Place {
        view: v.as_str().into(),
        ..at(&page.day)
    };
    let picker_place = place.clone();
    let who_place = place.clone();
    let showing = Showing::parse(&place.who);
    let shown: Vec<AccountId> = page.columns.iter().map(|c| c.id).collect();
    let me = page.me;
    let first_provider = page.columns.first().map(|c| c.id).unwrap_or(me);
    let default_slot_day = if page.days.contains(&page.today) {
        page.today.clone()
    } else {
        page.day.clone()
    };
    let body = match view_kind {
        CalendarView::Month => {
            view! { <MonthGrid page=page.clone() place=place.clone() selected /> }.into_any()
        }
        _ => view! {
            <TimeGrid page=page.clone() selected creating />
            <Agenda page=page.clone() selected />
        }
        .into_any(),
    };
    view! {
        <header class="page-header calendar-header">
            <h1 data-testid="calendar-title">{page.title.clone()}</h1>
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    data-testid="new-appointment"
                    on:click=move |_| creating.set(Some(Slot { day: default_slot_day.clone(), time: "09:00".into(), provider: Some(first_provider) }))
                >
                    "New appointment"
                </button>
            </div>
        </header>
        <div class="calendar-toolbar" role="toolbar" aria-label="Calendar navigation">
            <div class="button-group">
                {nav("Today", at(&page.today), "", "today")}
                <a class="button" href=at(&page.previous).href() aria-label="Previous" data-testid="previous">"‹"</a>
                <a class="button" href=at(&page.next).href() aria-label="Next" data-testid="next">"›"</a>
            </div>
            <div class="button-group" role="group" aria-label="View">
                {[CalendarView::Day, CalendarView::Week, CalendarView::Month]
                    .into_iter()
                    .map(|v| {
                        let label = match v {
                            CalendarView::Day => "Day",
                            CalendarView::Week => "Week",
                            CalendarView::Month => "Month",
                        };
                        let current = v == view_kind;
                        view! {
                            <a
                                class="button"
                                class:selected=current
                                aria-current=current.then_some("page")
                                href=with_view(v).href()
                                data-testid=format!("view-{}", v.as_str())
                            >
                                {label}
                            </a>
                        }
                    })
                    .collect_view()}
            </div>
            <label class="sr-only" for="calendar-date">"Go to date"</label>
            <input
                id="calendar-date"
                type="date"
                prop:value=page.day.clone()
                on:change=move |ev| {
                    let day = event_target_value(&ev);
                    if !day.is_empty() {
                        go.run(Place { day, ..picker_place.clone() });
                    }
                }
            />
            <ProviderPicker staff=page.staff.clone() showing shown me place=who_place go />
        </div>
        <p class="hint desktop-only">"Keys: ← → move, T today, D W M switch views, Esc closes. Click a free time to schedule."</p>
        {body}
    }
}

/// Whose calendars: mine, everyone's, or a chosen few side by side.
#[component]
pub(super) fn ProviderPicker(
    staff: Vec<StaffMember>,
    showing: Showing,
    shown: Vec<AccountId>,
    me: AccountId,
    place: Place,
    go: Callback<Place>,
) -> impl IntoView {
    let summary = match &showing {
        Showing::Me => "My calendar".to_string(),
        Showing::Everyone => "Everyone".to_string(),
        Showing::Providers(ids) if ids.len() == 1 => staff
            .iter()
            .find(|s| s.id == ids[0])
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "1 provider".into()),
        Showing::Providers(ids) => format!("{} providers", ids.len()),
    };
    let mine = Place {
        who: "me".into(),
        ..place.clone()
    };
    let all = Place {
        who: "all".into(),
        ..place.clone()
    };
    view! {
        <details class="provider-picker">
            <summary data-testid="provider-picker">{summary}</summary>
            <div class="popover">
                <a class="link-button" href=mine.href()>"My calendar"</a>
                <a class="link-button" href=all.href()>"Everyone"</a>
                <fieldset>
                    <legend>"Side by side"</legend>
                    {staff
                        .into_iter()
                        .map(|s| {
                            let checked = shown.contains(&s.id) && !matches!(showing, Showing::Everyone);
                            let shown = shown.clone();
                            let place = place.clone();
                            let showing = showing.clone();
                            let id = s.id;
                            view! {
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        prop:checked=checked
                                        on:change=move |_| {
                                            let mut ids: Vec<AccountId> = if matches!(showing, Showing::Everyone) { vec![] } else { shown.clone() };
                                            if ids.contains(&id) { ids.retain(|x| *x != id) } else { ids.push(id) }
                                            if ids.is_empty() { ids.push(me) }
                                            go.run(Place { who: Showing::Providers(ids).to_param(), ..place.clone() });
                                        }
                                    />
                                    {s.name.clone()}
                                    <span class="muted">{format!(" · {}", s.role_label)}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
            </div>
        </details>
    }
}

fn expected_text(ev: &CalendarEvent) -> Option<String> {
    ev.expected.map(|n| {
        let mut s = format!("{n} expected");
        if let Some(left) = ev.seats_left {
            s.push_str(&format!(" · {left} seats left"));
        }
        s
    })
}

#[component]
fn EventButton(
    ev: CalendarEvent,
    tone: String,
    style: String,
    selected: RwSignal<Option<AppointmentId>>,
) -> impl IntoView {
    let id = ev.id;
    let label = format!(
        "{} {}, {}{}",
        day_label(&ev.day),
        ev.time_label,
        ev.title,
        if ev.cancelled { ", cancelled" } else { "" }
    );
    view! {
        <button
            type="button"
            class=format!("event {tone}")
            class:cancelled=ev.cancelled
            class:busy=ev.case_id.is_none()
            style=style
            aria-label=label
            data-testid="event"
            data-day=ev.day.clone()
            on:click=move |e| {
                e.stop_propagation();
                selected.set(Some(id));
            }
        >
            <span class="event-time">{ev.time_label.clone()}</span>
            <span class="event-title">{ev.title.clone()}</span>
            {expected_text(&ev).map(|t| view! { <span class="event-meta">{t}</span> })}
            {ev.cancelled.then(|| view! { <span class="event-meta">"Cancelled"</span> })}
        </button>
    }
}

/// Side-by-side lanes for overlapping events in one column.
fn lanes(events: &[&CalendarEvent]) -> Vec<(usize, usize)> {
    let mut ends: Vec<i64> = Vec::new();
    let mut lane_of = Vec::with_capacity(events.len());
    for ev in events {
        let lane = match ends.iter().position(|end| *end <= ev.start_minute) {
            Some(l) => l,
            None => {
                ends.push(0);
                ends.len() - 1
            }
        };
        ends[lane] = ev.start_minute + ev.minutes;
        lane_of.push(lane);
    }
    let count = ends.len().max(1);
    lane_of.into_iter().map(|l| (l, count)).collect()
}

/// The day and week views: a column per day (week) or per provider (day), half-hour slots
/// to click, and events placed by time.
#[component]
fn TimeGrid(
    page: CalendarPage,
    selected: RwSignal<Option<AppointmentId>>,
    creating: RwSignal<Option<Slot>>,
) -> impl IntoView {
    let visible: Vec<&CalendarEvent> = page.events.iter().collect();
    let first_hour = visible
        .iter()
        .map(|e| e.start_minute / 60)
        .min()
        .unwrap_or(7)
        .min(7);
    let last_hour = visible
        .iter()
        .map(|e| ((e.start_minute + e.minutes).min(24 * 60) + 59) / 60)
        .max()
        .unwrap_or(21)
        .clamp(21, 24);
    let slots: Vec<i64> = (first_hour * 2..last_hour * 2).map(|h| h * 30).collect();
    let height = slots.len() as i64 * SLOT_PX;
    // Columns: (heading, day, provider for new appointments, events)
    let columns: Vec<(String, String, Option<AccountId>, Vec<CalendarEvent>)> =
        if page.view == CalendarView::Day {
            page.columns
                .iter()
                .map(|c| {
                    let evs = page
                        .events
                        .iter()
                        .filter(|e| e.provider_ids.contains(&c.id))
                        .cloned()
                        .collect();
                    (c.name.clone(), page.day.clone(), Some(c.id), evs)
                })
                .collect()
        } else {
            let provider = if page.columns.len() == 1 {
                page.columns.first().map(|c| c.id)
            } else {
                page.columns.iter().find(|c| c.id == page.me).map(|c| c.id)
            };
            page.days
                .iter()
                .map(|d| {
                    let evs = page
                        .events
                        .iter()
                        .filter(|e| &e.day == d)
                        .cloned()
                        .collect();
                    (day_label(d), d.clone(), provider, evs)
                })
                .collect()
        };
    let ncols = columns.len();
    let page_for_class = page.clone();
    let heads = columns
        .iter()
        .map(|(heading, day, _, _)| {
            view! { <div class="col-head" class:today=*day == page.today>{heading.clone()}</div> }
        })
        .collect_view();
    view! {
        <div class="time-grid" class:day-view=page.view == CalendarView::Day data-testid="time-grid" style=format!("--columns: {ncols}")>
            <div class="grid-head">
                <div class="gutter"></div>
                {heads}
            </div>
            <div class="grid-body" style=format!("height: {height}px")>
                <div class="gutter">
                    {slots
                        .iter()
                        .filter(|m| *m % 60 == 0)
                        .map(|m| view! { <div class="hour" style=format!("height: {}px", 2 * SLOT_PX)>{clock(*m)}</div> })
                        .collect_view()}
                </div>
                {columns
                    .into_iter()
                    .map(|(heading, day, provider, evs)| {
                        let refs: Vec<&CalendarEvent> = evs.iter().collect();
                        let placed = lanes(&refs);
                        let events_view = evs
                            .iter()
                            .zip(placed)
                            .map(|(ev, (lane, count))| {
                                let top = (ev.start_minute - first_hour * 60) * SLOT_PX / 30;
                                let h = (ev.minutes * SLOT_PX / 30).max(SLOT_PX);
                                let width = 100.0 / count as f64;
                                let style = format!(
                                    "top: {top}px; height: {h}px; left: {:.2}%; width: calc({width:.2}% - 4px)",
                                    lane as f64 * width
                                );
                                view! { <EventButton ev=ev.clone() tone=provider_class(&page_for_class, ev) style selected /> }
                            })
                            .collect_view();
                        let slots_html = slot_buttons(&heading, &slots);
                        let column_day = day.clone();
                        view! {
                            <div class="day-column" data-day=column_day data-provider=provider.map(|p| p.0.to_string())>
                                <div class="slots" inner_html=slots_html on:click=move |e| {
                                    if let Some(time) = clicked_slot(&e) {
                                        creating.set(Some(Slot { day: day.clone(), time, provider }));
                                    }
                                }></div>
                                {events_view}
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </div>
    }
}

/// A column's half-hour slots, as markup: one button each to book a new appointment there,
/// named for screen readers ("New appointment, Mon 30 Nov, 09:30"). They are written as one
/// string and clicked through their column (see [`clicked_slot`]) rather than rendered as
/// views: a week has some two hundred of them, and as views they were most of what the
/// server spent rendering a calendar page and the client hydrating one. The heading is a
/// provider's name in the day view, so it is escaped.
fn slot_buttons(heading: &str, slots: &[i64]) -> String {
    use std::fmt::Write as _;
    let heading = html_escape::encode_double_quoted_attribute(heading);
    let mut html = String::with_capacity(slots.len() * 110);
    for m in slots {
        let t = clock(*m);
        let hour = if *m % 60 == 0 { " hour-start" } else { "" };
        let _ = write!(
            html,
            r#"<button type="button" class="slot{hour}" aria-label="New appointment, {heading}, {t}" data-time="{t}"></button>"#
        );
    }
    html
}

/// The time of the slot a click in a column's slots landed on, if it landed on one.
fn clicked_slot(e: &leptos::ev::MouseEvent) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        e.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(".slot").ok().flatten())
            .and_then(|slot| slot.get_attribute("data-time"))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = e;
        None
    }
}

/// The phone view of a day or week: a list by day.
#[component]
fn Agenda(page: CalendarPage, selected: RwSignal<Option<AppointmentId>>) -> impl IntoView {
    let page_for_class = page.clone();
    view! {
        <div class="agenda" data-testid="agenda">
            {page
                .days
                .iter()
                .map(|d| {
                    let evs: Vec<CalendarEvent> = page.events.iter().filter(|e| &e.day == d).cloned().collect();
                    let empty = evs.is_empty();
                    view! {
                        <section class="agenda-day" class:today=*d == page.today>
                            <h2>{day_label(d)}</h2>
                            {empty.then(|| view! { <p class="muted">"Nothing scheduled"</p> })}
                            {evs
                                .iter()
                                .map(|ev| view! { <EventButton ev=ev.clone() tone=provider_class(&page_for_class, ev) style=String::new() selected /> })
                                .collect_view()}
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn MonthGrid(
    page: CalendarPage,
    place: Place,
    selected: RwSignal<Option<AppointmentId>>,
) -> impl IntoView {
    let month = page.day.get(..7).unwrap_or_default().to_string();
    let page_for_class = page.clone();
    view! {
        <div class="month-grid" data-testid="month-grid">
            {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].into_iter().map(|d| view! { <div class="month-head">{d}</div> }).collect_view()}
            {page
                .days
                .iter()
                .map(|d| {
                    let evs: Vec<CalendarEvent> = page.events.iter().filter(|e| &e.day == d).cloned().collect();
                    let (weekday, number) = short_weekday(d);
                    let day_link_label = format!("{weekday} {number}, day view");
                    let outside = !d.starts_with(&month);
                    let day_place = Place { view: "day".into(), day: d.clone(), ..place.clone() };
                    view! {
                        <div class="month-day" class:outside=outside class:today=*d == page.today data-day=d.clone()>
                            <a class="day-number" href=day_place.href() aria-label=day_link_label>{number}</a>
                            {evs
                                .iter()
                                .map(|ev| {
                                    let base = ev.initials.clone().unwrap_or_else(|| ev.title.clone());
                                    let short = CalendarEvent {
                                        // The roster count stays, compactly: "TAG · 4 expected".
                                        title: match ev.expected {
                                            Some(n) => format!("{base} · {n} expected"),
                                            None => base,
                                        },
                                        time_label: ev.time_label.split('–').next().unwrap_or_default().to_string(),
                                        expected: None,
                                        ..ev.clone()
                                    };
                                    view! { <EventButton ev=short tone=format!("chip {}", provider_class(&page_for_class, ev)) style=String::new() selected /> }
                                })
                                .collect_view()}
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}
