//! The calendar screen: day, week and month views, the phone agenda, scheduling from a
//! slot, the appointment panel and the calendar-feed settings.

use super::api::{
    cancel_appointment, change_appointment, enable_feed, end_series, find_schedulable_cases,
    get_appointment, get_calendar, get_feed_status, revoke_feed, schedule,
};
use super::{
    AppointmentChange, AppointmentDetails, CalendarEvent, CalendarPage, CaseChoice, NewAppointment,
    Scheduled, ServiceChoice, Showing, Span, Warning,
};
use crate::auth::components::RequireArea;
use crate::auth::Viewer;
use crate::cases::StaffMember;
use crate::domain::schedule::{clock, CalendarView, Ends, Repeat};
use crate::domain::{AccountId, AppointmentId, Area};
use crate::error::AppError;
use crate::staff::StaffShell;
use crate::ui::FieldErrorText;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Height of half an hour in the time grid, in pixels.
const SLOT_PX: i64 = 24;

/// Where the calendar is: view, day and whose calendars.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Place {
    view: String,
    day: String,
    who: String,
}

impl Place {
    fn href(&self) -> String {
        format!(
            "/app/calendar?view={}&day={}&who={}",
            self.view, self.day, self.who
        )
    }
}

/// Where a new appointment starts: the slot that was clicked.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Slot {
    day: String,
    time: String,
    provider: Option<AccountId>,
}

fn day_label(day: &str) -> String {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| d.format("%a %-d %b").to_string())
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
pub fn CalendarScreen() -> impl IntoView {
    view! {
        <RequireArea
            area=Area::Staff
            render=|viewer: Viewer| view! { <StaffShell viewer><CalendarBody /></StaffShell> }
        />
    }
}

#[component]
fn CalendarBody() -> impl IntoView {
    let query = use_query_map();
    let place = Memo::new(move |_| {
        query.with(|q| Place {
            view: q.get("view").unwrap_or_else(|| "week".into()),
            day: q.get("day").unwrap_or_default(),
            who: q.get("who").unwrap_or_else(|| "me".into()),
        })
    });
    let version = RwSignal::new(0u32);
    let page = Resource::new(
        move || (place.get(), version.get()),
        |(p, _)| get_calendar(p.view, p.day, p.who),
    );
    let selected = RwSignal::new(None::<AppointmentId>);
    let creating = RwSignal::new(None::<Slot>);
    let navigate = use_navigate();
    let go = Callback::new(move |p: Place| navigate(&p.href(), Default::default()));
    let refresh = Callback::new(move |_: ()| version.update(|v| *v += 1));

    #[cfg(feature = "hydrate")]
    {
        // Desktop keyboard: arrows step, T today, D/W/M switch views (ignored while typing);
        // Escape closes the open dialog or panel.
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
                .unwrap_or(false);
            if ev.key() == "Escape" {
                // Escape closes the dialog first, then the session panel.
                if creating.get_untracked().is_some() {
                    creating.set(None);
                } else if selected.get_untracked().is_some() {
                    selected.set(None);
                }
                return;
            }
            if typing
                || ev.ctrl_key()
                || ev.meta_key()
                || ev.alt_key()
                || creating.get_untracked().is_some()
            {
                return;
            }
            let Some(Ok(p)) = page.get_untracked() else {
                return;
            };
            let here = place.get_untracked();
            let target = match ev.key().as_str() {
                "ArrowLeft" => Some(Place {
                    day: p.previous.clone(),
                    ..here
                }),
                "ArrowRight" => Some(Place {
                    day: p.next.clone(),
                    ..here
                }),
                "t" | "T" => Some(Place {
                    day: p.today.clone(),
                    ..here
                }),
                "d" | "D" => Some(Place {
                    view: "day".into(),
                    day: p.day.clone(),
                    ..here
                }),
                "w" | "W" => Some(Place {
                    view: "week".into(),
                    day: p.day.clone(),
                    ..here
                }),
                "m" | "M" => Some(Place {
                    view: "month".into(),
                    day: p.day.clone(),
                    ..here
                }),
                _ => None,
            };
            if let Some(t) = target {
                ev.prevent_default();
                go.run(t);
            }
        });
        on_cleanup(move || handle.remove());
    }

    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading calendar…"</p> }>
            {move || {
                page.get()
                    .map(|r| match r {
                        Ok(p) => view! {
                            <CalendarGrid page=p place=place.get_untracked() go selected creating />
                        }
                            .into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
        {move || {
            selected.get().map(|id| view! { <AppointmentPanel id selected refresh /> })
        }}
        {move || {
            creating.get().map(|slot| {
                let (staff, services) = page
                    .get_untracked()
                    .and_then(Result::ok)
                    .map(|p| (p.staff, p.services))
                    .unwrap_or_default();
                view! { <ScheduleDialog from=slot staff services creating refresh go place=place.get_untracked() /> }
            })
        }}
        <FeedSettings />
    }
}

#[component]
fn CalendarGrid(
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
fn ProviderPicker(
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
                        view! {
                            <div class="day-column" data-day=day.clone() data-provider=provider.map(|p| p.0.to_string())>
                                {slots
                                    .iter()
                                    .map(|m| {
                                        let t = clock(*m);
                                        let d = day.clone();
                                        let label = format!("New appointment, {heading}, {t}");
                                        let t2 = t.clone();
                                        view! {
                                            <button
                                                type="button"
                                                class="slot"
                                                class:hour-start=*m % 60 == 0
                                                style=format!("height: {SLOT_PX}px")
                                                aria-label=label
                                                data-time=t2
                                                on:click=move |_| creating.set(Some(Slot { day: d.clone(), time: t.clone(), provider }))
                                            ></button>
                                        }
                                    })
                                    .collect_view()}
                                {events_view}
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </div>
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

fn warnings_view(warnings: Vec<Warning>) -> impl IntoView {
    view! {
        <div class="warnings" role="alert" data-testid="warnings">
            <ul>{warnings.into_iter().map(|w| view! { <li>{w.message()}</li> }).collect_view()}</ul>
        </div>
    }
}

fn field_error(error: RwSignal<Option<AppError>>) -> Signal<Option<AppError>> {
    Signal::derive(move || error.get())
}

/// One labelled input with its field's error: `field` names it in server errors.
fn input_field(
    id: String,
    label: &'static str,
    value: RwSignal<String>,
    kind: &'static str,
    field: &'static str,
    errs: Signal<Option<AppError>>,
) -> impl IntoView {
    let for_id = id.clone();
    view! {
        <div class="field">
            <label for=for_id>{label}</label>
            <input
                id=id
                type=kind
                step=(kind == "time").then_some("300")
                inputmode=(field == "minutes").then_some("numeric")
                placeholder=(kind == "url").then_some("https://")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <FieldErrorText error=errs field />
        </div>
    }
}

/// When and where a session is: the fields scheduling and changing a session share.
#[component]
fn WhenAndWhere(
    prefix: &'static str,
    day: RwSignal<String>,
    start: RwSignal<String>,
    minutes: RwSignal<String>,
    location: RwSignal<String>,
    video: RwSignal<String>,
    errs: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = |name: &str| format!("{prefix}-{name}");
    view! {
        {input_field(id("day"), "Date", day, "date", "day", errs)}
        {input_field(id("time"), "Start", start, "time", "start_time", errs)}
        {input_field(id("minutes"), "Length (minutes)", minutes, "text", "minutes", errs)}
        {input_field(id("location"), "Location (optional)", location, "text", "location", errs)}
        {input_field(id("video"), "Video link (optional)", video, "url", "video_link", errs)}
    }
}

/// "New appointment": pick a case by typing, prefill its service and length, choose how
/// it repeats.
#[component]
fn ScheduleDialog(
    from: Slot,
    staff: Vec<StaffMember>,
    services: Vec<ServiceChoice>,
    creating: RwSignal<Option<Slot>>,
    refresh: Callback<()>,
    go: Callback<Place>,
    place: Place,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let case = RwSignal::new(None::<CaseChoice>);
    let day = RwSignal::new(from.day.clone());
    let start = RwSignal::new(from.time.clone());
    let minutes = RwSignal::new("60".to_string());
    let service = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let video = RwSignal::new(String::new());
    let providers = RwSignal::new(from.provider.into_iter().collect::<Vec<AccountId>>());
    let repeat = RwSignal::new("never".to_string());
    let custom = RwSignal::new(String::new());
    let ends_kind = RwSignal::new("count".to_string());
    let count = RwSignal::new("12".to_string());
    let until = RwSignal::new(String::new());
    let warnings = RwSignal::new(None::<Vec<Warning>>);
    let error = RwSignal::new(None::<AppError>);
    let matches = Resource::new(
        move || query.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok(vec![])
            } else {
                find_schedulable_cases(q).await
            }
        },
    );
    let submit = Action::new(move |draft: &NewAppointment| {
        let draft = draft.clone();
        async move { schedule(draft).await }
    });
    let place_after = place.clone();
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(Scheduled::Done { day, .. })) => {
            creating.set(None);
            refresh.run(());
            if place_after.day != day {
                go.run(Place {
                    day,
                    ..place_after.clone()
                });
            }
        }
        Some(Ok(Scheduled::NeedsConfirmation(w))) => {
            error.set(None);
            warnings.set(Some(w));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let pick = move |c: CaseChoice| {
        if let Some(m) = c.default_minutes.filter(|m| *m > 0) {
            minutes.set(m.to_string());
        }
        service.set(
            c.default_service_id
                .map(|s| s.0.to_string())
                .unwrap_or_default(),
        );
        // Co-leaders come along when the slot is one of the case's usual providers.
        if providers
            .get_untracked()
            .iter()
            .any(|p| c.provider_ids.contains(p))
        {
            providers.update(|ps| {
                for p in &c.provider_ids {
                    if !ps.contains(p) {
                        ps.push(*p);
                    }
                }
            });
        }
        warnings.set(None);
        case.set(Some(c));
    };
    let build = move |confirmed: bool| -> Result<NewAppointment, AppError> {
        let chosen = case
            .get_untracked()
            .ok_or_else(|| AppError::invalid("case", "Choose a group, client or case first."))?;
        let minutes = minutes.get_untracked().trim().parse::<i64>().map_err(|_| {
            AppError::invalid("minutes", "Enter the length in minutes, such as 90.")
        })?;
        let repeat_value = match repeat.get_untracked().as_str() {
            "weekly" => Repeat::Weekly,
            "biweekly" => Repeat::EveryOtherWeek,
            "monthly" => Repeat::MonthlyByWeekday,
            "custom" => Repeat::Custom(custom.get_untracked()),
            _ => Repeat::Never,
        };
        let ends = if ends_kind.get_untracked() == "date" {
            let text = until.get_untracked();
            Ends::On(
                chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                    .map_err(|_| AppError::invalid("ends", "Choose the day the series ends."))?,
            )
        } else {
            Ends::After(
                count.get_untracked().trim().parse().map_err(|_| {
                    AppError::invalid("ends", "Enter how many sessions, such as 12.")
                })?,
            )
        };
        Ok(NewAppointment {
            case_id: chosen.id,
            day: day.get_untracked(),
            start_time: start.get_untracked(),
            minutes,
            service_id: service
                .get_untracked()
                .parse()
                .ok()
                .map(crate::domain::ServiceId),
            location: location.get_untracked(),
            video_link: video.get_untracked(),
            provider_ids: providers.get_untracked(),
            repeat: repeat_value,
            ends,
            confirmed,
        })
    };
    let send = move |confirmed: bool| match build(confirmed) {
        Ok(draft) => {
            error.set(None);
            submit.dispatch(draft);
        }
        Err(e) => error.set(Some(e)),
    };
    let monthly_label = move || {
        chrono::NaiveDate::parse_from_str(&day.get(), "%Y-%m-%d")
            .map(|d| {
                let pos = match crate::domain::schedule::weekday_position(d) {
                    1 => "first",
                    2 => "second",
                    3 => "third",
                    4 => "fourth",
                    _ => "last",
                };
                format!("Monthly on the {pos} {}", d.format("%A"))
            })
            .unwrap_or_else(|_| "Monthly on the same weekday".into())
    };
    let errs = field_error(error);
    view! {
        <div class="dialog-backdrop" on:click=move |_| creating.set(None)></div>
        <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="schedule-title" data-testid="schedule-dialog">
            <form
                class="form-grid"
                on:submit=move |ev| {
                    ev.prevent_default();
                    send(false);
                }
            >
                <h2 id="schedule-title" class="wide">"New appointment"</h2>
                <div class="field wide">
                    <label for="case-search">"Group, client or case"</label>
                    {move || match case.get() {
                        Some(c) => view! {
                            <div class="chosen" data-testid="chosen-case">
                                <strong>{c.initials.clone().map(|i| format!("{i} · ")).unwrap_or_default()}{c.name.clone()}</strong>
                                <span class="muted">{format!(" · {}", c.kind.label())}</span>
                                <button type="button" class="link-button" on:click=move |_| case.set(None)>"Change"</button>
                            </div>
                        }.into_any(),
                        None => view! {
                            <input id="case-search" type="search" autocomplete="off" placeholder="Type a group's name or initials, or a client's name"
                                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
                            <Transition fallback=|| ()>
                                {move || matches.get().map(|r| match r {
                                    Ok(list) => view! {
                                        <ul class="choices" data-testid="case-choices">
                                            {list.into_iter().map(|c| {
                                                let label = format!("{}{}", c.initials.clone().map(|i| format!("{i} · ")).unwrap_or_default(), c.name);
                                                let kind = c.kind.label();
                                                view! {
                                                    <li><button type="button" class="choice" on:click=move |_| pick(c.clone())>
                                                        {label}<span class="muted">{format!(" · {kind}")}</span>
                                                    </button></li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    }.into_any(),
                                    Err(e) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                                })}
                            </Transition>
                        }.into_any(),
                    }}
                    <FieldErrorText error=errs field="case" />
                </div>
                <WhenAndWhere prefix="appt" day start minutes location video errs />
                <div class="field">
                    <label for="appt-service">"Service"</label>
                    <select id="appt-service" prop:value=move || service.get() on:change=move |ev| service.set(event_target_value(&ev))>
                        <option value="">"No service"</option>
                        {services.into_iter().map(|s| {
                            let id = s.id.0.to_string();
                            let selected = { let id = id.clone(); move || service.get() == id };
                            view! { <option value=id prop:selected=selected>{s.label}</option> }
                        }).collect_view()}
                    </select>
                    <FieldErrorText error=errs field="service" />
                </div>
                <fieldset class="field wide">
                    <legend>"Providers"</legend>
                    <div class="checks">
                        {staff.into_iter().map(|s| {
                            let id = s.id;
                            view! {
                                <label class="check">
                                    <input type="checkbox" prop:checked=move || providers.get().contains(&id)
                                        on:change=move |_| providers.update(|ps| if ps.contains(&id) { ps.retain(|p| *p != id) } else { ps.push(id) }) />
                                    {s.name.clone()}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <FieldErrorText error=errs field="providers" />
                </fieldset>
                <div class="field">
                    <label for="appt-repeat">"Repeats"</label>
                    <select id="appt-repeat" prop:value=move || repeat.get() on:change=move |ev| repeat.set(event_target_value(&ev))>
                        <option value="never">"Does not repeat"</option>
                        <option value="weekly">"Weekly"</option>
                        <option value="biweekly">"Every other week"</option>
                        <option value="monthly">{monthly_label}</option>
                        <option value="custom">"Custom rule (RFC 5545)"</option>
                    </select>
                    <FieldErrorText error=errs field="repeat" />
                </div>
                <Show when=move || repeat.get() == "custom">
                    <div class="field">
                        <label for="appt-rule">"Rule"</label>
                        <input id="appt-rule" placeholder="FREQ=WEEKLY;BYDAY=MO,WE" prop:value=move || custom.get() on:input=move |ev| custom.set(event_target_value(&ev)) />
                    </div>
                </Show>
                <Show when=move || repeat.get() != "never">
                    <fieldset class="field wide">
                        <legend>"Ends"</legend>
                        <label class="check">
                            <input type="radio" name="ends" value="count" prop:checked=move || ends_kind.get() == "count" on:change=move |_| ends_kind.set("count".into()) />
                            "After"
                            <input class="short" aria-label="Number of sessions" inputmode="numeric" prop:value=move || count.get() on:input=move |ev| count.set(event_target_value(&ev)) />
                            "sessions"
                        </label>
                        <label class="check">
                            <input type="radio" name="ends" value="date" prop:checked=move || ends_kind.get() == "date" on:change=move |_| ends_kind.set("date".into()) />
                            "On"
                            <input type="date" aria-label="Last day of the series" prop:value=move || until.get() on:input=move |ev| { until.set(event_target_value(&ev)); ends_kind.set("date".into()); } />
                        </label>
                        <FieldErrorText error=errs field="ends" />
                    </fieldset>
                </Show>
                {move || warnings.get().map(|w| view! {
                    <div class="wide">
                        {warnings_view(w)}
                        <button type="button" class="primary" data-testid="confirm-schedule" on:click=move |_| send(true)>"Go ahead and schedule"</button>
                    </div>
                })}
                {move || error.get().filter(|e| !matches!(e, AppError::InvalidInput { .. })).map(|e| view! { <p class="form-error wide" role="alert">{e.to_string()}</p> })}
                {move || error.get().and_then(|e| match e { AppError::InvalidInput { message, .. } => Some(view! { <p class="form-error wide" role="alert" data-testid="schedule-error">{message}</p> }), _ => None })}
                <div class="actions wide">
                    <button type="button" on:click=move |_| creating.set(None)>"Close"</button>
                    <button type="submit" class="primary" data-testid="save-appointment" disabled=move || submit.pending().get()>"Schedule"</button>
                </div>
            </form>
        </div>
    }
}

/// One appointment: details, roster, and moving, ending or cancelling it.
#[component]
fn AppointmentPanel(
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
    view! {
        <aside class="panel" role="dialog" aria-labelledby="appointment-title" data-testid="appointment-panel">
            <button type="button" class="close link-button" on:click=move |_| selected.set(None)>"Close"</button>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || details.get().map(|r| match r {
                    Ok(d) => view! { <AppointmentBody d done /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </aside>
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

/// The provider's private calendar feed: on, new address, off.
#[component]
fn FeedSettings() -> impl IntoView {
    let status = Resource::new(|| (), |_| get_feed_status());
    let turn_on = Action::new(|_: &()| enable_feed());
    let turn_off = Action::new(|_: &()| revoke_feed());
    // The latest answer wins: the page's first look, then each action's result.
    let latest = RwSignal::new(None::<Result<super::FeedStatus, AppError>>);
    Effect::new(move |_| {
        if let Some(v) = turn_on.value().get() {
            latest.set(Some(v));
        }
    });
    Effect::new(move |_| {
        if let Some(v) = turn_off.value().get() {
            latest.set(Some(v));
        }
    });
    let shown = move || latest.get().or_else(|| status.get());
    view! {
        <details class="card feed-settings" data-testid="feed-settings">
            <summary>"Calendar feed for your phone or other calendar app"</summary>
            <p class="hint">
                "A private address your calendar app can subscribe to. Events show only a group's initials or \"Appointment\": never names. Anyone with the address can read it, so keep it to yourself; turning it off or making a new one stops the old address at once."
            </p>
            <Transition fallback=|| ()>
                {move || shown().map(|r| match r {
                    Ok(s) => {
                        let url = s.url.clone().map(|path| {
                            #[cfg(feature = "hydrate")]
                            let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
                            #[cfg(not(feature = "hydrate"))]
                            let origin = String::new();
                            format!("{origin}{path}")
                        });
                        view! {
                            <p data-testid="feed-state">
                                {if s.enabled { format!("On since {}.", s.created_at.clone().unwrap_or_default()) } else { "Off.".to_string() }}
                            </p>
                            {url.map(|u| view! {
                                <label for="feed-url">"Your feed address (copy it now; it is not shown again)"</label>
                                <input id="feed-url" readonly data-testid="feed-url" prop:value=u />
                            })}
                            <div class="actions">
                                <button type="button" data-testid="feed-on" on:click=move |_| { turn_on.dispatch(()); }>
                                    {if s.enabled { "Make a new address" } else { "Turn on" }}
                                </button>
                                {s.enabled.then(|| view! { <button type="button" class="danger" data-testid="feed-off" on:click=move |_| { turn_off.dispatch(()); }>"Turn off"</button> })}
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </details>
    }
}
