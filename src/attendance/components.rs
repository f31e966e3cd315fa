//! The session screen: the roster with confirmations, attendance per participant with its
//! charge, Mark all attended, each participant's history, and live updates. Taps change the
//! screen at once; they are queued on the device (surviving a reload) and sent in order,
//! so a phone that loses its connection keeps working and catches up when it returns.

use super::api::{
    attendance_history, correct_attendance, get_attendance, record_attendance, set_confirmation,
};
#[cfg(feature = "hydrate")]
use super::LiveEvent;
use super::{ChangeOutcome, ChangeRequest, HistoryEntry, RowState, Sheet};
use crate::billing::components::TakePayment;
use crate::billing::invoices::{invoice_session, InvoiceRun};
use crate::domain::attendance::{Choice, ChoiceOption, Confirmation, MAX_CORRECTION_REASON_CHARS};
use crate::domain::money::Money;
use crate::domain::services::format_money;
use crate::domain::{AppointmentId, PersonId};
use crate::error::AppError;
use crate::ui::{loaded, or_not_found, route_id, FieldErrorText};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn SessionScreen() -> impl IntoView {
    let sheet = Resource::new(route_id(AppointmentId), |id| {
        or_not_found(id, get_attendance)
    });
    loaded(sheet, move |s| view! { <AttendanceSheet sheet=s /> })
}

/// One participant's row: what the server last said, and what this device is waiting to send.
#[derive(Clone, Copy)]
struct Row {
    person_id: PersonId,
    name: StoredValue<String>,
    server: RwSignal<RowState>,
    /// The latest change queued on this device for the participant, not yet confirmed.
    pending: RwSignal<Option<Option<Choice>>>,
    notice: RwSignal<Option<String>>,
    editing: RwSignal<bool>,
    /// Paid on the participant's charge: from the screen's read, then each payment taken.
    paid: RwSignal<Money>,
    /// Adjusted off the charge when the screen was read (adjustments are made on the payer's
    /// account page, not here).
    adjusted: Money,
    /// Why a change to this participant's attendance is a correction (invoiced, charted):
    /// from the screen's read, or from the server refusing a change without a reason.
    on_record: RwSignal<Option<String>>,
    /// The choice waiting for a correction's reason.
    correcting: RwSignal<Option<Option<Choice>>>,
    /// What the last correction saved.
    corrected: RwSignal<Option<String>>,
}

impl Row {
    /// The choice the screen shows: a queued change, else the server's.
    fn shown(&self) -> Option<Choice> {
        self.pending
            .get()
            .unwrap_or_else(|| self.server.with(|s| s.choice))
    }
}

/// Where the device's connection stands, for the status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    not(feature = "hydrate"),
    expect(
        dead_code,
        reason = "only the browser's live stream reports being live"
    )
)]
enum Link {
    Connecting,
    Live,
    Offline,
}

/// Everything the screen's parts share.
#[derive(Clone, Copy)]
struct Ctx {
    id: AppointmentId,
    rows: StoredValue<Vec<Row>>,
    queue: RwSignal<Vec<ChangeRequest>>,
    sending: RwSignal<bool>,
    link: RwSignal<Link>,
    error: RwSignal<Option<String>>,
    labels: StoredValue<Vec<ChoiceOption>>,
}

impl Ctx {
    fn row(&self, person: PersonId) -> Option<Row> {
        self.rows
            .with_value(|rows| rows.iter().find(|r| r.person_id == person).cloned())
    }

    /// Takes in rows the server sent (live or in answer), keeping whichever is newer.
    fn take(&self, states: Vec<RowState>) {
        for state in states {
            if let Some(row) = self.row(state.person_id) {
                let newer = row.server.with_untracked(|s| {
                    state.version > s.version
                        || (state.version == s.version && state.confirmation != s.confirmation)
                });
                if newer {
                    row.server.set(state);
                }
            }
        }
    }

    /// Records a tap: shown at once, queued on the device, sent when possible. A change to
    /// attendance on record asks for the correction's reason first instead.
    fn change(&self, person: PersonId, choice: Option<Choice>, fill_only: bool) {
        let Some(row) = self.row(person) else { return };
        if row.on_record.get_untracked().is_some() {
            if !fill_only {
                row.editing.set(false);
                row.corrected.set(None);
                row.correcting.set(Some(choice));
            }
            return;
        }
        let request = ChangeRequest {
            person_id: person,
            choice,
            base_version: row.server.get_untracked().version,
            made_at: now_ms(),
            fill_only,
        };
        row.pending.set(Some(choice));
        row.notice.set(None);
        row.editing.set(false);
        self.queue.update(|q| q.push(request));
        self.save_queue();
        self.flush();
    }

    fn save_queue(&self) {
        #[cfg(feature = "hydrate")]
        client::save_queue(self.id, &self.queue.get_untracked());
    }

    /// Sends what is queued, in order, one request at a time.
    fn flush(&self) {
        if self.sending.get_untracked() || self.queue.with_untracked(|q| q.is_empty()) {
            return;
        }
        let ctx = *self;
        let batch = self.queue.get_untracked();
        self.sending.set(true);
        spawn_local(async move {
            let result = record_attendance(ctx.id, batch.clone(), now_ms()).await;
            let retry = match result {
                Ok(outcomes) => {
                    ctx.error.set(None);
                    ctx.sent(&batch);
                    for (outcome, change) in outcomes.into_iter().zip(&batch) {
                        match &outcome {
                            ChangeOutcome::Superseded { row, message } => {
                                if let Some(r) = ctx.row(row.person_id) {
                                    r.notice.set(Some(message.clone()));
                                }
                            }
                            // Invoiced or charted since the screen was read: nothing was
                            // stored, and the change now waits for a reason.
                            ChangeOutcome::NeedsReason { row, message } => {
                                if let Some(r) = ctx.row(row.person_id) {
                                    r.on_record.set(Some(message.clone()));
                                    if !change.fill_only {
                                        r.correcting.set(Some(change.choice));
                                    }
                                }
                            }
                            ChangeOutcome::Stored(_) => {}
                        }
                        ctx.take(vec![outcome.row().clone()]);
                    }
                    false
                }
                // Not reachable, or the connection dropped: keep everything and try again.
                Err(AppError::Transport(_)) | Err(AppError::Unavailable) => {
                    ctx.link.set(Link::Offline);
                    true
                }
                Err(AppError::NotSignedIn) => {
                    ctx.error.set(Some(format!(
                        "You were signed out. Sign in again in another tab; {} change(s) wait on this device and will be sent.",
                        batch.len()
                    )));
                    true
                }
                // Refused as a whole (the session was cancelled, someone left the roster):
                // nothing of it was stored, and the screen says so.
                Err(e) => {
                    ctx.error
                        .set(Some(format!("These changes were not saved: {e}")));
                    ctx.sent(&batch);
                    false
                }
            };
            ctx.sending.set(false);
            if retry {
                set_timeout(move || ctx.flush(), std::time::Duration::from_secs(3));
            } else {
                ctx.flush();
            }
        });
    }

    /// Drops a sent batch from the queue and clears "pending" where nothing else waits.
    fn sent(&self, batch: &[ChangeRequest]) {
        self.queue.update(|q| {
            let n = batch.len().min(q.len());
            q.drain(..n);
        });
        self.save_queue();
        let rest = self.queue.get_untracked();
        for c in batch {
            if let Some(row) = self.row(c.person_id) {
                row.pending.set(
                    rest.iter()
                        .rev()
                        .find(|r| r.person_id == c.person_id)
                        .map(|r| r.choice),
                );
            }
        }
    }
}

fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        chrono::Utc::now().timestamp_millis()
    }
}

#[component]
fn AttendanceSheet(sheet: Sheet) -> impl IntoView {
    let id = sheet.appointment_id;
    let rows: Vec<Row> = sheet
        .rows
        .iter()
        .map(|r| Row {
            person_id: r.state.person_id,
            name: StoredValue::new(r.name.clone()),
            server: RwSignal::new(r.state.clone()),
            pending: RwSignal::new(None),
            notice: RwSignal::new(None),
            editing: RwSignal::new(false),
            paid: RwSignal::new(r.paid),
            adjusted: r.adjusted,
            on_record: RwSignal::new(r.on_record.clone()),
            correcting: RwSignal::new(None),
            corrected: RwSignal::new(None),
        })
        .collect();
    let labels: Vec<ChoiceOption> = sheet
        .attended_options
        .iter()
        .chain(sheet.absent_options.iter())
        .cloned()
        .collect();
    let ctx = Ctx {
        id,
        rows: StoredValue::new(rows.clone()),
        queue: RwSignal::new(Vec::new()),
        sending: RwSignal::new(false),
        link: RwSignal::new(Link::Connecting),
        error: RwSignal::new(None),
        labels: StoredValue::new(labels),
    };
    // On the device only: what was queued before a reload, the live stream, and the
    // browser's word on whether it is online.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        client::start(ctx);
    });

    let default_service = sheet.default_service;
    let mark_all = move |_| {
        let Some(service) = default_service else {
            return;
        };
        let unset: Vec<PersonId> = ctx.rows.with_value(|rows| {
            rows.iter()
                .filter(|r| r.shown().is_none())
                .map(|r| r.person_id)
                .collect()
        });
        for person in unset {
            ctx.change(person, Some(Choice::Attended(service)), true);
        }
    };
    let counts = move || {
        ctx.rows.with_value(|rows| {
            let (mut yes, mut no, mut unset, mut cents) = (0, 0, 0, 0);
            for r in rows {
                match r.shown() {
                    Some(c) if c.attended() => yes += 1,
                    Some(_) => no += 1,
                    None => unset += 1,
                }
                if r.pending.get().is_none() {
                    cents += r.server.with(|s| s.charge_cents);
                }
            }
            (yes, no, unset, cents)
        })
    };
    let status = move || {
        let waiting = ctx.queue.with(|q| q.len());
        match (ctx.link.get(), waiting) {
            (Link::Offline, 0) => ("offline", "Offline. Changes you make are kept on this device.".to_string()),
            (Link::Offline, n) => ("offline", format!("Offline. {n} change(s) wait on this device and will be sent when the connection returns.")),
            (_, n) if n > 0 => ("sending", format!("Sending {n} change(s)…")),
            (Link::Connecting, _) => ("connecting", "Connecting…".to_string()),
            (Link::Live, _) => ("live", "Live: changes from other screens appear here.".to_string()),
        }
    };
    let cancelled = sheet.cancelled;
    let attended_options = sheet.attended_options.clone();
    let absent_options = sheet.absent_options.clone();
    view! {
        <div class="session-screen">
            <header class="page-header">
                <div>
                    <h1 data-testid="session-title">{sheet.title.clone()}</h1>
                    <p class="muted">{sheet.kind_label.clone()} " · " {sheet.when.clone()}</p>
                </div>
                <nav class="header-links">
                    <a class="button secondary" href=format!("/app/cases/{}", sheet.case_id.0)>"Open the case"</a>
                    <a class="button" href=format!("/app/sessions/{}/note", id.0) data-testid="open-note">"Session note"</a>
                </nav>
            </header>
            <p class=move || format!("live-status {}", status().0) role="status" data-testid="live-status">{move || status().1}</p>
            {move || ctx.error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="attendance-error">{e}</p> })}
            {cancelled.then(|| view! { <p class="notice" role="status">"This session was cancelled; attendance can't be recorded."</p> })}
            {(!cancelled && crate::auth::components::use_viewer().role.manages_practice()).then(|| view! { <InvoiceSession ctx /> })}
            <section class="card attendance">
                <div class="attendance-head">
                    <p data-testid="attendance-counts">
                        {move || {
                            let (yes, no, unset, cents) = counts();
                            format!("{yes} attended · {no} did not attend · {unset} not set · charges {}", format_money(cents))
                        }}
                    </p>
                    {(!cancelled).then(|| match sheet.default_label.clone() {
                        _ if sheet.note_locked => view! {
                            <span class="hint" data-testid="note-locked">"The note is signed and locked: a change is a correction with a reason, and the chart gets a dated addendum."</span>
                        }.into_any(),
                        Some(label) => view! {
                            <button type="button" class="button" data-testid="mark-all"
                                disabled=move || counts().2 == 0
                                on:click=mark_all>
                                "Mark all attended"
                            </button>
                            <span class="hint">{format!("Everyone without a choice: attended, {label}")}</span>
                        }.into_any(),
                        None => view! {
                            <span class="hint">"Set the case's default service to mark everyone attended at once."</span>
                        }.into_any(),
                    })}
                </div>
                {sheet.rows.is_empty().then(|| view! { <p class="muted">"No one is on this session's roster."</p> })}
                <ul class="attendance-list" data-testid="attendance-list">
                    {rows.into_iter().map(|row| view! {
                        <AttendanceRow row ctx cancelled attended=attended_options.clone() absent=absent_options.clone() />
                    }).collect_view()}
                </ul>
            </section>
        </div>
    }
}

fn label_of(ctx: Ctx, choice: Choice) -> String {
    ctx.labels.with_value(|l| {
        l.iter()
            .find(|o| o.choice == choice)
            .map(|o| o.label.clone())
            .unwrap_or_else(|| crate::domain::attendance::describe(Some(choice), None))
    })
}

#[component]
fn AttendanceRow(
    row: Row,
    ctx: Ctx,
    cancelled: bool,
    attended: Vec<ChoiceOption>,
    absent: Vec<ChoiceOption>,
) -> impl IntoView {
    let person = row.person_id;
    let name = row.name.get_value();
    let state = move || match row.shown() {
        Some(c) if c.attended() => "attended",
        Some(_) => "absent",
        None => "unset",
    };
    let shown_label = move || match (row.pending.get(), row.server.get()) {
        (Some(Some(c)), _) => label_of(ctx, c),
        (Some(None), _) => "Not set".to_string(),
        (None, s) => s.label.clone(),
    };
    let charge = move || {
        if row.pending.get().is_some() {
            None
        } else {
            row.server
                .with(|s| s.choice.map(|_| format_money(s.charge_cents)))
        }
    };
    let show_picker = move || !cancelled && (row.editing.get() || row.shown().is_none());
    let who_when = move || {
        row.server.with(|s| match (&s.changed_by, &s.changed_at) {
            (Some(by), Some(at)) if row.pending.get().is_none() && s.choice.is_some() => {
                Some(format!("{by}, {at}"))
            }
            _ => None,
        })
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(choice) = Choice::parse_key(&value) {
            ctx.change(person, Some(choice), false);
        }
    };
    let aria = format!("Attendance for {name}");
    let conf_aria = format!("Confirmation for {name}");
    let change_aria = format!("Change attendance for {name}");
    let clear_aria = format!("Clear attendance for {name}");
    let history = RwSignal::new(None::<Result<Vec<HistoryEntry>, AppError>>);
    // Fetched each time the history is opened, so it is never stale.
    let opened = RwSignal::new(false);
    let load_history = move |_| {
        opened.update(|o| *o = !*o);
        if opened.get_untracked() {
            spawn_local(async move {
                history.set(Some(attendance_history(ctx.id, person).await));
            });
        }
    };
    view! {
        <li class="attendance-row" data-testid="attendance-row" data-person=person.0
            data-state=state data-pending=move || row.pending.get().is_some().to_string()>
            <div class="attendance-main">
                <span class="participant" data-testid="participant-name">{name.clone()}</span>
                {
                    move || {
                        let s = state();
                        let conf = row.server.with(|s| s.confirmation);
                        if s == "unset" {
                            let conf_aria = conf_aria.clone();
                            view! {
                                <select class=format!("confirmation {}", conf.as_str()) aria-label=conf_aria
                                    data-testid="confirmation" disabled=cancelled
                                    on:change=move |ev| {
                                        if let Some(c) = Confirmation::parse(&event_target_value(&ev)) {
                                            spawn_local(async move {
                                                match set_confirmation(ctx.id, person, c).await {
                                                    Ok(state) => ctx.take(vec![state]),
                                                    Err(e) => ctx.error.set(Some(e.to_string())),
                                                }
                                            });
                                        }
                                    }>
                                    {Confirmation::ALL.into_iter().map(|c| view! {
                                        <option value=c.as_str() selected=c == conf>{c.label()}</option>
                                    }).collect_view()}
                                </select>
                            }.into_any()
                        } else {
                            view! {
                                <span class=format!("mark {s}") aria-hidden="true">{if s == "attended" { "✓" } else { "✗" }}</span>
                            }.into_any()
                        }
                    }
                }
                <span class="choice" data-testid="choice">{shown_label}</span>
                {move || charge().map(|c| view! { <span class="charge" data-testid="charge">{c}</span> })}
                {
                    let name = name.clone();
                    // A memo, so the payment form (and what it just said) is made once, not
                    // again with every change to the charge or what is paid.
                    // A change waiting to be sent only pauses it: what was typed and the
                    // receipt just given stay on screen.
                    let billable = Memo::new(move |_| {
                        row.server.with(|s| s.charge_cents) > 0 || row.paid.get().is_positive() || row.adjusted.is_positive()
                    });
                    move || billable.get().then(|| view! {
                        <TakePayment appointment=ctx.id person name=name.clone()
                            charge=Signal::derive(move || row.server.with(|s| s.charge_cents)) paid=row.paid adjusted=row.adjusted
                            waiting=Signal::derive(move || row.pending.get().is_some()) />
                    })
                }
                {move || row.pending.get().is_some().then(|| view! { <span class="badge pending" data-testid="pending">"Waiting to send"</span> })}
                {move || who_when().map(|w| view! { <span class="muted by">{w}</span> })}
                {
                    let change_aria = change_aria.clone();
                    move || (!cancelled && row.shown().is_some() && !row.editing.get()).then(|| {
                        view! {
                            <button type="button" class="icon-button" aria-label=change_aria.clone() title="Change"
                                on:click=move |_| row.editing.set(true)>"✎"</button>
                        }
                    })
                }
            </div>
            {
                let attended = attended.clone();
                let absent = absent.clone();
                let aria = aria.clone();
                let clear_aria = clear_aria.clone();
                move || show_picker().then(|| {
                    let current = row.shown().map(|c| c.key()).unwrap_or_default();
                    let clear_aria = clear_aria.clone();
                    view! {
                        <div class="attendance-picker">
                            <select aria-label=aria.clone() data-testid="attendance-choice" on:change=on_pick>
                                <option value="" selected=current.is_empty()>"Choose…"</option>
                                <optgroup label="Attended">
                                    {attended.iter().map(|o| view! { <option value=o.choice.key() selected=current == o.choice.key()>{o.label.clone()}</option> }).collect_view()}
                                </optgroup>
                                <optgroup label="Did not attend">
                                    {absent.iter().map(|o| view! { <option value=o.choice.key() selected=current == o.choice.key()>{o.label.clone()}</option> }).collect_view()}
                                </optgroup>
                            </select>
                            {move || (row.shown().is_some()).then(|| view! {
                                <button type="button" class="link-button" aria-label=clear_aria.clone()
                                    on:click=move |_| ctx.change(person, None, false)>"Clear"</button>
                            })}
                            {move || row.editing.get().then(|| {
                                view! { <button type="button" class="link-button" on:click=move |_| row.editing.set(false)>"Keep as is"</button> }
                            })}
                        </div>
                    }
                })
            }
            {move || row.correcting.get().map(|choice| view! { <CorrectionForm row ctx choice /> })}
            {move || row.corrected.get().map(|n| view! { <p class="notice" role="status" data-testid="corrected">{n}</p> })}
            {move || row.notice.get().map(|n| view! { <p class="notice conflict" role="status" data-testid="conflict">{n}</p> })}
            <details class="history">
                <summary on:click=load_history>"History"</summary>
                {move || match history.get() {
                    None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                    Some(Ok(h)) if h.is_empty() => view! { <p class="muted">"No changes yet."</p> }.into_any(),
                    Some(Ok(h)) => view! {
                        <ol class="history-list" data-testid="history">
                            {h.into_iter().map(|e| view! {
                                <li class:superseded=e.superseded>
                                    <span class="when">{e.when}</span> " · " {e.who} ": " {e.from} " → " {e.to}
                                    {(e.charge_cents > 0 && !e.superseded).then(|| format!(" ({})", format_money(e.charge_cents)))}
                                    {e.queued.then(|| view! { <span class="badge">"sent later"</span> })}
                                    {e.superseded.then(|| view! { <span class="badge">"superseded"</span> })}
                                    {e.reason.map(|r| view! { <span class="correction-reason" data-testid="correction-reason">"Correction: " {r}</span> })}
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                }}
            </details>
        </li>
    }
}

/// What "Invoice this session" issued, in words.
fn session_run_said(run: &InvoiceRun) -> String {
    match run.invoices.len() {
        0 => "Nothing of this session is waiting to be invoiced.".to_string(),
        1 => format!(
            "Invoice issued: {} line{}, {}.",
            run.lines,
            if run.lines == 1 { "" } else { "s" },
            run.total
        ),
        n => format!("{n} invoices issued: {} lines, {}.", run.lines, run.total),
    }
}

/// "Invoice this session", for owners and administrators: each of the session's payers is
/// invoiced for what of it is not yet invoiced. Invoiced rows then change only by a
/// correction, so the screen reads which rows are on record again.
#[component]
fn InvoiceSession(ctx: Ctx) -> impl IntoView {
    let run = Action::new(move |_: &()| async move { invoice_session(ctx.id).await });
    Effect::new(move |_| {
        if let Some(Ok(done)) = run.value().get() {
            if !done.invoices.is_empty() {
                spawn_local(async move {
                    if let Ok(sheet) = get_attendance(ctx.id).await {
                        for r in sheet.rows {
                            if let Some(row) = ctx.row(r.state.person_id) {
                                row.on_record.set(r.on_record);
                            }
                        }
                    }
                });
            }
        }
    });
    view! {
        <div class="invoice-session">
            <button type="button" class="secondary" data-testid="invoice-session"
                disabled=move || run.pending().get()
                on:click=move |_| { run.dispatch(()); }>
                {move || if run.pending().get() { "Invoicing…" } else { "Invoice this session" }}
            </button>
            {move || run.value().get().map(|r| match r {
                Ok(done) => view! {
                    <div class="notice" role="status" data-testid="invoice-session-done">
                        <p>{session_run_said(&done)}</p>
                        {(!done.invoices.is_empty()).then(|| view! {
                            <ul class="plain-list">
                                {done.invoices.iter().map(|i| view! {
                                    <li><a href=format!("/app/invoices/{}", i.id.0)>{format!("{} to {}", i.title, i.payer)}</a> " · " {i.total.to_string()}</li>
                                }).collect_view()}
                            </ul>
                        })}
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </div>
    }
}

/// Asks for a correction's reason and sends the correction (not queued: it is saved only
/// with the server's answer, so the clinician sees at once whether it stood).
#[component]
fn CorrectionForm(row: Row, ctx: Ctx, choice: Option<Choice>) -> impl IntoView {
    let person = row.person_id;
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<AppError>);
    let to = match choice {
        Some(c) => label_of(ctx, c),
        None => "Not set".to_string(),
    };
    let save = Action::new(move |reason: &String| {
        let reason = reason.clone();
        let change = ChangeRequest {
            person_id: person,
            choice,
            base_version: row.server.get_untracked().version,
            made_at: now_ms(),
            fill_only: false,
        };
        async move {
            match correct_attendance(ctx.id, change, reason).await {
                Ok(outcome) => {
                    match &outcome {
                        ChangeOutcome::Stored(state) => row.corrected.set(Some(format!(
                            "Corrected to {}. The reason is kept in the history.",
                            state.label
                        ))),
                        ChangeOutcome::Superseded { message, .. }
                        | ChangeOutcome::NeedsReason { message, .. } => {
                            row.notice.set(Some(message.clone()))
                        }
                    }
                    ctx.take(vec![outcome.row().clone()]);
                    row.correcting.set(None);
                }
                Err(e) => problem.set(Some(e)),
            }
        }
    });
    let id = format!("correction-reason-{}", person.0);
    let name = row.name.get_value();
    view! {
        <form class="correction stack" data-testid="correction-form"
            aria-label=format!("Correct attendance for {name}")
            on:submit=move |ev| {
                ev.prevent_default();
                problem.set(None);
                save.dispatch(reason.get_untracked());
            }>
            <p class="notice">{move || row.on_record.get().unwrap_or_default()}</p>
            <p data-testid="correction-to">"Correct to: " <strong>{to}</strong></p>
            <div class="field">
                <label for=id.clone()>"Reason for the correction"</label>
                <textarea id=id rows="2" maxlength=MAX_CORRECTION_REASON_CHARS.to_string()
                    data-testid="correction-reason-input"
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                <FieldErrorText error=problem.into() field="reason" />
            </div>
            <div class="actions">
                <button type="submit" class="button" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save correction" }}
                </button>
                <button type="button" class="link-button" on:click=move |_| row.correcting.set(None)>"Keep as is"</button>
            </div>
            {move || problem.get().filter(|e| !matches!(e, AppError::InvalidInput { field, .. } if field == "reason"))
                .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        </form>
    }
}

/// The browser side: the queue kept in local storage, the live stream and the online and
/// offline events. Only the WASM client has these.
#[cfg(feature = "hydrate")]
mod client {
    use super::{Ctx, Link, LiveEvent};
    use crate::attendance::ChangeRequest;
    use crate::domain::AppointmentId;
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    type Handler = Closure<dyn FnMut(web_sys::Event)>;

    fn key(id: AppointmentId) -> String {
        format!("gather.attendance.queue.{}", id.0)
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn save_queue(id: AppointmentId, queue: &[ChangeRequest]) {
        let Some(s) = storage() else { return };
        if queue.is_empty() {
            let _ = s.remove_item(&key(id));
        } else if let Ok(json) = serde_json::to_string(queue) {
            let _ = s.set_item(&key(id), &json);
        }
    }

    fn load_queue(id: AppointmentId) -> Vec<ChangeRequest> {
        storage()
            .and_then(|s| s.get_item(&key(id)).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    fn online() -> bool {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }

    /// What must be let go when the screen closes: the stream and every listener.
    #[derive(Default)]
    struct Connection {
        source: Option<web_sys::EventSource>,
        source_handlers: Vec<(&'static str, Handler)>,
        window_handlers: Vec<(&'static str, Handler)>,
    }

    impl Connection {
        fn close_source(&mut self) {
            if let Some(source) = self.source.take() {
                for (name, h) in &self.source_handlers {
                    let _ = source
                        .remove_event_listener_with_callback(name, h.as_ref().unchecked_ref());
                }
                source.close();
            }
            self.source_handlers.clear();
        }
    }

    impl Drop for Connection {
        fn drop(&mut self) {
            self.close_source();
            if let Some(w) = web_sys::window() {
                for (name, h) in &self.window_handlers {
                    let _ = w.remove_event_listener_with_callback(name, h.as_ref().unchecked_ref());
                }
            }
        }
    }

    type Store = StoredValue<Connection, LocalStorage>;

    /// Opens (or reopens) the session's live stream.
    fn connect(ctx: Ctx, store: Store) {
        let url = format!("/live/sessions/{}", ctx.id.0);
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        let mut handlers: Vec<(&'static str, Handler)> = Vec::new();
        let on_rows = move |ev: web_sys::Event| {
            let Some(data) = ev
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|m| m.data().as_string())
            else {
                return;
            };
            match serde_json::from_str::<LiveEvent>(&data) {
                Ok(LiveEvent::Snapshot(rows)) => {
                    ctx.link.set(Link::Live);
                    ctx.take(rows);
                    // Back after a break: send whatever waited.
                    ctx.flush();
                }
                Ok(LiveEvent::Changed(rows)) => ctx.take(rows),
                Err(_) => {}
            }
        };
        handlers.push(("snapshot", Closure::new(on_rows)));
        handlers.push(("changed", Closure::new(on_rows)));
        handlers.push((
            "error",
            Closure::new(move |_: web_sys::Event| {
                ctx.link.set(if online() {
                    Link::Connecting
                } else {
                    Link::Offline
                });
                // A stream the browser gave up on (it does after a refused or failed
                // connection) is reopened here, a little later.
                let closed = store
                    .try_with_value(|c| {
                        c.source
                            .as_ref()
                            .is_some_and(|s| s.ready_state() == web_sys::EventSource::CLOSED)
                    })
                    .unwrap_or(false);
                if closed {
                    set_timeout(
                        move || {
                            if store.try_with_value(|_| ()).is_some() {
                                connect(ctx, store);
                            }
                        },
                        std::time::Duration::from_secs(2),
                    );
                }
            }),
        ));
        for (name, h) in &handlers {
            let _ = source.add_event_listener_with_callback(name, h.as_ref().unchecked_ref());
        }
        store.update_value(|c| {
            c.close_source();
            c.source = Some(source);
            c.source_handlers = handlers;
        });
    }

    /// Restores what was queued before a reload, opens the live stream and follows the
    /// browser's online and offline events.
    pub fn start(ctx: Ctx) {
        untrack(|| {
            let saved = load_queue(ctx.id);
            for c in &saved {
                if let Some(row) = ctx.row(c.person_id) {
                    row.pending.set(Some(c.choice));
                }
            }
            if !saved.is_empty() {
                ctx.queue.set(saved);
            }
            if !online() {
                ctx.link.set(Link::Offline);
            }
            let store: Store = StoredValue::new_local(Connection::default());
            let mut window_handlers: Vec<(&'static str, Handler)> = Vec::new();
            window_handlers.push((
                "online",
                Closure::new(move |_: web_sys::Event| {
                    ctx.link.set(Link::Connecting);
                    // A stream that failed while offline may be waiting out a long retry,
                    // or given up: open a fresh one now.
                    connect(ctx, store);
                    ctx.flush();
                }),
            ));
            window_handlers.push((
                "offline",
                Closure::new(move |_: web_sys::Event| ctx.link.set(Link::Offline)),
            ));
            if let Some(w) = web_sys::window() {
                for (name, h) in &window_handlers {
                    let _ = w.add_event_listener_with_callback(name, h.as_ref().unchecked_ref());
                }
            }
            store.update_value(|c| c.window_handlers = window_handlers);
            connect(ctx, store);
            ctx.flush();
        });
    }
}
