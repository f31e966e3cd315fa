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
use crate::cases::StaffMember;
use crate::domain::schedule::{CalendarView, Ends, Repeat};
use crate::domain::when::clock_of_minutes as clock;
use crate::domain::{AccountId, AppointmentId};
use crate::error::AppError;
use crate::ui::{debounced, FieldErrorText, SEARCH_PAUSE_MS};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

mod appointment;
mod feed;
mod grid;
mod scheduling;
use grid::day_label;

use appointment::AppointmentPanel;
use feed::FeedSettings;
use grid::CalendarGrid;
use scheduling::{field_error, warnings_view, ScheduleDialog, WhenAndWhere};

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

#[component]
pub fn CalendarScreen() -> impl IntoView {
    view! { <CalendarBody /> }
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
