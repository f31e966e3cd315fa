//! Scheduling from a slot: the dialog that finds the case, picks when, where and how it
//! repeats, and confirms any warning before anything is booked.

use super::*;

pub(super) fn warnings_view(warnings: Vec<Warning>) -> impl IntoView {
    view! {
        <div class="warnings" role="alert" data-testid="warnings">
            <ul>{warnings.into_iter().map(|w| view! { <li>{w.message()}</li> }).collect_view()}</ul>
        </div>
    }
}

pub(super) fn field_error(error: RwSignal<Option<AppError>>) -> Signal<Option<AppError>> {
    Signal::derive(move || error.get())
}

/// One labelled input with its field's error: `field` names it in server errors.
pub(super) fn input_field(
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
pub(super) fn WhenAndWhere(
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
pub(super) fn ScheduleDialog(
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
    let searched = debounced(query, SEARCH_PAUSE_MS);
    let matches = Resource::new(
        move || searched.get(),
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
    let root = NodeRef::new();
    crate::ui::hold_focus(root);
    view! {
        <div class="dialog-backdrop" on:click=move |_| creating.set(None)></div>
        <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="schedule-title" data-testid="schedule-dialog" node_ref=root>
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
