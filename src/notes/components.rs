//! The note screen (group note, attendees' own notes, supervision, addenda), the review and
//! lock screen with its progress bar, each participant's chart, and the practice's templates.
//!
//! Every editor saves itself: a moment after typing stops, the part is sent with the version
//! it started from. Until the server confirms, the text is also kept on the device, so a
//! reload or a lost connection loses nothing; a save that finds someone else's newer text
//! shows both and overwrites nothing.

use super::api::{
    add_addendum, get_chart, get_lock_progress, get_note, get_review, get_templates, lock_note,
    notes_to_review, review_note, save_note, save_template, start_note, submit_note,
};
use super::editor::{DocumentView, EditorHandle, RichTextEditor};
use super::{
    AddendumView, AttendeeNote, ChartNoteView, LockProgress, NotePart, NoteScreen, NoteState,
    Review, SaveOutcome, Template,
};
use crate::auth::components::RequireArea;
use crate::auth::Viewer;
use crate::domain::cases::Language;
use crate::domain::notes::{Document, NoteStatus};
use crate::domain::{AppointmentId, Area, PersonId, TemplateId};
use crate::error::AppError;
use crate::staff::StaffShell;
use crate::ui::{param_id, ErrorPanel};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

/// Where one part's text stands, for the line under its editor.
#[derive(Clone, Debug, PartialEq)]
enum SaveState {
    /// Nothing waits; the time of the last save, if this screen made one.
    Saved(Option<String>),
    /// Typed, waiting for the pause before saving.
    Pending,
    Saving,
    Offline,
    Conflict {
        theirs: Document,
        version: i64,
        by: String,
        at: String,
    },
    Failed(String),
}

/// A draft kept on the device until the server has it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct LocalDraft {
    base: i64,
    doc: Document,
}

fn draft_key(id: AppointmentId, part: NotePart) -> String {
    format!("gather.note.{}.{}", id.0, part.key())
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load_draft(key: &str) -> Option<LocalDraft> {
    #[cfg(feature = "hydrate")]
    {
        storage()
            .and_then(|s| s.get_item(key).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

fn store_draft(key: &str, draft: Option<&LocalDraft>) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage() {
        match draft.and_then(|d| serde_json::to_string(d).ok()) {
            Some(json) => {
                let _ = s.set_item(key, &json);
            }
            None => {
                let _ = s.remove_item(key);
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, draft);
}

/// Saving one part of a note as it is typed.
#[derive(Clone, Copy)]
struct Autosave {
    id: AppointmentId,
    part: NotePart,
    /// The server's version this screen's text builds on.
    version: StoredValue<i64>,
    /// Text not yet confirmed by the server.
    unsaved: StoredValue<Option<Document>>,
    in_flight: StoredValue<bool>,
    /// Bumped by each change; a timer only fires if no change came after it.
    generation: StoredValue<u64>,
    state: RwSignal<SaveState>,
    handle: EditorHandle,
}

/// The pause in typing after which a part is saved.
const SAVE_AFTER_MS: u64 = 700;

impl Autosave {
    fn new(id: AppointmentId, part: NotePart, version: i64, handle: EditorHandle) -> Autosave {
        Autosave {
            id,
            part,
            version: StoredValue::new(version),
            unsaved: StoredValue::new(None),
            in_flight: StoredValue::new(false),
            generation: StoredValue::new(0),
            state: RwSignal::new(SaveState::Saved(None)),
            handle,
        }
    }

    fn key(&self) -> String {
        draft_key(self.id, self.part)
    }

    fn keep_locally(&self, doc: &Document) {
        store_draft(
            &self.key(),
            Some(&LocalDraft {
                base: self.version.get_value(),
                doc: doc.clone(),
            }),
        );
    }

    /// The editor changed: keep the text on the device, save after a pause.
    fn changed(&self, doc: Document) {
        self.keep_locally(&doc);
        self.unsaved.set_value(Some(doc));
        if !matches!(
            self.state.get_untracked(),
            SaveState::Conflict { .. } | SaveState::Offline
        ) {
            self.state.set(SaveState::Pending);
        }
        self.schedule(SAVE_AFTER_MS);
    }

    fn schedule(&self, ms: u64) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        let me = *self;
        set_timeout(
            move || {
                if me.generation.try_get_value() == Some(generation) {
                    me.send();
                }
            },
            std::time::Duration::from_millis(ms),
        );
    }

    fn send(&self) {
        if self.in_flight.get_value()
            || matches!(self.state.get_untracked(), SaveState::Conflict { .. })
        {
            return;
        }
        let Some(doc) = self.unsaved.get_value() else {
            return;
        };
        let me = *self;
        let base = self.version.get_value();
        self.in_flight.set_value(true);
        if !matches!(self.state.get_untracked(), SaveState::Offline) {
            self.state.set(SaveState::Saving);
        }
        spawn_local(async move {
            let result = save_note(me.id, me.part, base, doc.clone()).await;
            if me.in_flight.try_set_value(false).is_some() {
                return;
            }
            match result {
                Ok(SaveOutcome::Saved { version, at }) => {
                    me.version.set_value(version);
                    if me.unsaved.get_value().as_ref() == Some(&doc) {
                        me.unsaved.set_value(None);
                        store_draft(&me.key(), None);
                        me.state.set(SaveState::Saved(Some(at)));
                    } else {
                        // Typed on while this save was out: that text builds on this version.
                        if let Some(d) = me.unsaved.get_value() {
                            me.keep_locally(&d);
                        }
                        me.state.set(SaveState::Pending);
                        me.schedule(50);
                    }
                }
                Ok(SaveOutcome::Conflict {
                    theirs,
                    version,
                    by,
                    at,
                }) => me.state.set(SaveState::Conflict {
                    theirs,
                    version,
                    by,
                    at,
                }),
                Err(AppError::Transport(_)) | Err(AppError::Unavailable) => {
                    me.state.set(SaveState::Offline);
                    me.schedule(2_000);
                }
                Err(AppError::NotSignedIn) => {
                    me.state.set(SaveState::Failed(
                        "You were signed out. Sign in again in another tab; your text is kept on this device and will be saved.".into(),
                    ));
                    me.schedule(5_000);
                }
                Err(e) => me.state.set(SaveState::Failed(e.to_string())),
            }
        });
    }

    /// After a conflict: this screen's text replaces theirs.
    fn keep_mine(&self) {
        if let SaveState::Conflict { version, .. } = self.state.get_untracked() {
            self.version.set_value(version);
            let doc = self
                .handle
                .read()
                .or_else(|| self.unsaved.get_value())
                .unwrap_or_default();
            self.keep_locally(&doc);
            self.unsaved.set_value(Some(doc));
            self.state.set(SaveState::Pending);
            self.send();
        }
    }

    /// After a conflict: their text replaces this screen's.
    fn use_theirs(&self) {
        if let SaveState::Conflict {
            theirs, version, ..
        } = self.state.get_untracked()
        {
            self.handle.set(&theirs);
            self.version.set_value(version);
            self.unsaved.set_value(None);
            store_draft(&self.key(), None);
            self.state.set(SaveState::Saved(None));
        }
    }

    /// On opening: text left on this device (a reload, a lost connection) comes back. If the
    /// server moved on meanwhile, both are shown instead of either being lost.
    fn restore(&self, server: &Document, server_version: i64, saved_by: &str) {
        let Some(draft) = load_draft(&self.key()) else {
            return;
        };
        if draft.doc == *server {
            store_draft(&self.key(), None);
            return;
        }
        self.handle.set(&draft.doc);
        self.unsaved.set_value(Some(draft.doc));
        if draft.base == server_version {
            self.state.set(SaveState::Pending);
            self.send();
        } else {
            self.state.set(SaveState::Conflict {
                theirs: server.clone(),
                version: server_version,
                by: saved_by.to_string(),
                at: String::new(),
            });
        }
    }
}

#[component]
pub fn NoteRoute() -> impl IntoView {
    let params = use_params_map();
    let id = move || param_id(&params.read(), "id").map(AppointmentId);
    view! {
        <RequireArea
            area=Area::Staff
            render=move |viewer: Viewer| {
                let reload = RwSignal::new(0u32);
                let screen = Resource::new(
                    move || (id(), reload.get()),
                    |(id, _)| async move {
                        match id {
                            Some(id) => get_note(id).await,
                            None => Err(AppError::NotFound),
                        }
                    },
                );
                view! {
                    <StaffShell viewer>
                        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                            {move || Suspend::new(async move {
                                match screen.await {
                                    Ok(s) => view! { <NotePage screen=s reload /> }.into_any(),
                                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </StaffShell>
                }
            }
        />
    }
}

fn note_word(language: Language) -> &'static str {
    match language {
        Language::Therapy => "group note",
        Language::Workshop => "session note",
        Language::Consultation => "consultation note",
    }
}

#[component]
fn NotePage(screen: NoteScreen, reload: RwSignal<u32>) -> impl IntoView {
    let id = screen.appointment_id;
    let word = note_word(screen.language);
    let header = view! {
        <header class="page-header">
            <div>
                <h1 data-testid="note-title">{screen.title.clone()}</h1>
                <p class="muted">{screen.kind_label.clone()} " · " {screen.when.clone()}</p>
            </div>
            <nav class="header-links">
                <a class="button secondary" href=format!("/app/sessions/{}", id.0)>"Attendance"</a>
                {screen
                    .note
                    .is_some()
                    .then(|| {
                        view! {
                            <a class="button" href=format!("/app/sessions/{}/note/review", id.0)>
                                "Review and lock"
                            </a>
                        }
                    })}
            </nav>
        </header>
    };
    let body = match screen.note.clone() {
        None => view! { <StartNote screen=screen.clone() reload /> }.into_any(),
        Some(note) => view! { <NoteBody id note word reload /> }.into_any(),
    };
    view! { <div class="note-screen">{header} {body}</div> }
}

#[component]
fn StartNote(screen: NoteScreen, reload: RwSignal<u32>) -> impl IntoView {
    let id = screen.appointment_id;
    let word = note_word(screen.language);
    if screen.cancelled {
        return view! {
            <p class="notice" role="status">"This session was cancelled; it has no note."</p>
        }
        .into_any();
    }
    if !screen.writes_notes {
        return view! {
            <p class="notice" role="status">{format!("No {word} has been written for this session yet.")}</p>
        }
        .into_any();
    }
    let first = screen
        .templates
        .first()
        .map(|t| t.id.0.to_string())
        .unwrap_or_default();
    let chosen = RwSignal::new(first);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let start = move |_| {
        let template = chosen.get_untracked().parse::<i64>().ok().map(TemplateId);
        busy.set(true);
        spawn_local(async move {
            match start_note(id, template).await {
                Ok(()) => reload.update(|r| *r += 1),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card">
            <h2>{format!("Start the {word}")}</h2>
            <label>
                "Template"
                <select prop:value=move || chosen.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {screen
                        .templates
                        .iter()
                        .map(|t| view! { <option value=t.id.0.to_string()>{t.name.clone()}</option> })
                        .collect_view()}
                    <option value="">"Blank note"</option>
                </select>
            </label>
            <button on:click=start disabled=move || busy.get()>{format!("Start the {word}")}</button>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
    .into_any()
}

/// The status line under an editor.
fn state_text(state: &SaveState) -> (&'static str, String) {
    match state {
        SaveState::Saved(Some(at)) => ("saved", format!("Saved at {at}")),
        SaveState::Saved(None) => ("saved", "Saved".into()),
        SaveState::Pending => ("pending", "Unsaved changes…".into()),
        SaveState::Saving => ("saving", "Saving…".into()),
        SaveState::Offline => (
            "offline",
            "Offline: your text is kept on this device and will be saved when the connection returns.".into(),
        ),
        SaveState::Conflict { .. } => (
            "conflict",
            "Not saved: someone else changed this text. Compare both below.".into(),
        ),
        SaveState::Failed(m) => ("failed", format!("Not saved: {m}")),
    }
}

/// One editable part of the note, saving itself.
#[component]
fn PartEditor(
    id: AppointmentId,
    part: NotePart,
    initial: Document,
    version: i64,
    label: String,
    last_saved_by: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let handle = EditorHandle::new();
    let saver = Autosave::new(id, part, version, handle);
    let server_doc = initial.clone();
    Effect::new(move |_| {
        untrack(|| saver.restore(&server_doc, version, &last_saved_by));
    });
    let on_change = Callback::new(move |doc: Document| saver.changed(doc));
    let state_id = format!("{testid}-state");
    view! {
        <div class="part-editor">
            <RichTextEditor initial on_change label handle testid=testid.clone() />
            <p
                class=move || format!("save-state {}", state_text(&saver.state.get()).0)
                role="status"
                data-testid=state_id
            >
                {move || state_text(&saver.state.get()).1}
            </p>
            {move || match saver.state.get() {
                SaveState::Conflict { theirs, by, at, .. } => {
                    let who = if at.is_empty() {
                        format!("{by} saved a newer version while this device was offline.")
                    } else {
                        format!("{by} saved this at {at} while you were editing.")
                    };
                    Some(
                        view! {
                            <div class="conflict" role="alert" data-testid="conflict">
                                <p>
                                    <strong>"Two versions. "</strong>
                                    {who}
                                    " Nothing was overwritten: yours is in the editor above, theirs is here."
                                </p>
                                <h3>"Their version"</h3>
                                <DocumentView doc=theirs testid="their-version" />
                                <div class="actions">
                                    <button on:click=move |_| saver.keep_mine()>"Keep my version"</button>
                                    <button class="secondary" on:click=move |_| saver.use_theirs()>
                                        "Use their version"
                                    </button>
                                </div>
                            </div>
                        },
                    )
                }
                _ => None,
            }}
        </div>
    }
}

#[component]
fn NoteBody(
    id: AppointmentId,
    note: NoteState,
    word: &'static str,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let perms = note.permissions;
    let status = note.status;
    let last_by = note.last_saved_by.clone();
    let group = if perms.edit {
        view! {
            <PartEditor
                id
                part=NotePart::Group
                initial=note.group.clone()
                version=note.version
                label=format!("Group {word}").replace("Group group", "Group")
                last_saved_by=last_by.clone()
                testid="group-note"
            />
        }
        .into_any()
    } else {
        view! { <DocumentView doc=note.group.clone() testid="group-note-view" /> }.into_any()
    };
    let attendees = note
        .attendees
        .iter()
        .cloned()
        .map(|a| view! { <AttendeeCard id a edit=perms.edit last_by=last_by.clone() /> })
        .collect_view();
    let not_attending = (!note.not_attending.is_empty()).then(|| {
        view! {
            <section class="card">
                <h2>"Not attending"</h2>
                <p class="muted">"They get nothing from this note."</p>
                <ul class="plain-list" data-testid="not-attending">
                    {note
                        .not_attending
                        .iter()
                        .map(|n| view! { <li>{n.name.clone()} " · " {n.attendance.clone()}</li> })
                        .collect_view()}
                </ul>
            </section>
        }
    });
    view! {
        <p class=format!("note-status {}", status.as_str()) data-testid="note-status">
            {status.label()}
        </p>
        <p class="muted">
            {format!(
                "Started by {}; last saved by {} at {}",
                note.started_by,
                note.last_saved_by,
                note.last_saved_at,
            )}
        </p>
        {note
            .review_comments
            .clone()
            .filter(|_| matches!(status, NoteStatus::Returned | NoteStatus::InReview))
            .map(|c| {
                view! {
                    <section class="card comments" data-testid="review-comments">
                        <h2>"Supervisor's comments"</h2>
                        <p class="preserve-lines">{c}</p>
                    </section>
                }
            })}
        {note.cosigned.clone().map(|c| view! { <p class="signature">"Co-signed by " {c}</p> })}
        {note.signed.clone().map(|s| view! { <p class="signature" data-testid="signed">"Signed and locked by " {s}</p> })}
        <section class="card">
            <h2>{format!("The {word}")}</h2>
            <p class="muted">"Goes into the chart of everyone who attended."</p>
            {group}
        </section>
        <section class="card">
            <h2>"Attendees' own notes"</h2>
            <p class="muted">"Optional; each goes only into that participant's chart."</p>
            {if note.attendees.is_empty() {
                view! { <p>"Nobody is recorded as attending yet. Record attendance first."</p> }.into_any()
            } else {
                view! { <div class="attendee-notes">{attendees}</div> }.into_any()
            }}
        </section>
        {not_attending}
        <NoteActions id note=note.clone() reload />
        {(status == NoteStatus::Locked).then(|| view! { <Addenda id note=note.clone() reload /> })}
    }
}

#[component]
fn AttendeeCard(id: AppointmentId, a: AttendeeNote, edit: bool, last_by: String) -> impl IntoView {
    let part = NotePart::Participant(a.person_id);
    let has_note = !a.note.is_blank();
    let open = RwSignal::new(has_note);
    // A draft left on this device opens its editor, so it is seen and saved.
    Effect::new(move |_| {
        if load_draft(&draft_key(id, part)).is_some() {
            open.set(true);
        }
    });
    let name = a.name.clone();
    let testid = format!("participant-note-{}", a.person_id.0);
    view! {
        <div class="attendee-note" data-testid=format!("attendee-{}", a.person_id.0)>
            <p>
                <a href=format!("/app/people/{}/chart", a.person_id.0)>
                    <strong>{a.name.clone()}</strong>
                </a>
                " · " {a.attendance.clone()}
            </p>
            {if edit {
                let note = a.note.clone();
                let version = a.version;
                let label = format!("Note for {name}");
                let last_by = last_by.clone();
                let testid = testid.clone();
                view! {
                    <Show
                        when=move || open.get()
                        fallback=move || {
                            let name = name.clone();
                            view! {
                                <button class="secondary" on:click=move |_| open.set(true)>
                                    {format!("Add a note for {name}")}
                                </button>
                            }
                        }
                    >
                        <PartEditor
                            id
                            part
                            initial=note.clone()
                            version
                            label=label.clone()
                            last_saved_by=last_by.clone()
                            testid=testid.clone()
                        />
                    </Show>
                }
                .into_any()
            } else if has_note {
                view! { <DocumentView doc=a.note.clone() testid=testid /> }.into_any()
            } else {
                view! { <p class="muted">"No note of their own."</p> }.into_any()
            }}
        </div>
    }
}

#[component]
fn NoteActions(id: AppointmentId, note: NoteState, reload: RwSignal<u32>) -> impl IntoView {
    let perms = note.permissions;
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let comments = RwSignal::new(String::new());
    let act = move |what: &'static str| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = match what {
                "submit" => submit_note(id).await,
                "return" => review_note(id, Some(comments.get_untracked())).await,
                _ => review_note(id, None).await,
            };
            busy.set(false);
            match result {
                Ok(()) => reload.update(|r| *r += 1),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let reviewer = note
        .reviewer
        .clone()
        .unwrap_or_else(|| "your supervisor".into());
    view! {
        <section class="card note-actions">
            {perms
                .submit
                .then(|| {
                    view! {
                        <p>"Your notes are co-signed by your supervisor before they are locked."</p>
                        <button on:click=move |_| act("submit") disabled=move || busy.get()>
                            "Send for review"
                        </button>
                    }
                })}
            {(note.status == NoteStatus::InReview && !perms.review)
                .then(|| view! { <p>"With " {reviewer.clone()} " for review."</p> })}
            {perms
                .review
                .then(|| {
                    view! {
                        <h2>"Your review"</h2>
                        <label>
                            "Comments for the author"
                            <textarea
                                rows="4"
                                prop:value=move || comments.get()
                                on:input=move |ev| comments.set(event_target_value(&ev))
                            ></textarea>
                        </label>
                        <div class="actions">
                            <button class="secondary" on:click=move |_| act("return") disabled=move || busy.get()>
                                "Return with comments"
                            </button>
                            <button on:click=move |_| act("cosign") disabled=move || busy.get()>
                                "Co-sign"
                            </button>
                        </div>
                    }
                })}
            {perms
                .lock
                .then(|| {
                    view! {
                        <a class="button" href=format!("/app/sessions/{}/note/review", id.0)>
                            "Review and lock"
                        </a>
                    }
                })}
            {note.lock_blocked.clone().filter(|_| perms.lock).map(|m| view! { <p class="muted" data-testid="lock-blocked">{m}</p> })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
}

#[component]
fn AddendumList(addenda: Vec<AddendumView>) -> impl IntoView {
    (!addenda.is_empty()).then(|| {
        view! {
            <div class="addenda" data-testid="addenda">
                {addenda
                    .into_iter()
                    .map(|a| {
                        view! {
                            <div class="addendum">
                                <p class="signature">
                                    "Addendum, " {a.when.clone()} ", signed by " {a.by.clone()}
                                    {a.for_whom.clone().map(|w| format!(" (for {w})"))}
                                </p>
                                <DocumentView doc=a.body.clone() />
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        }
    })
}

#[component]
fn Addenda(id: AppointmentId, note: NoteState, reload: RwSignal<u32>) -> impl IntoView {
    let handle = EditorHandle::new();
    let doc = RwSignal::new(Document::default());
    let target = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let on_change = Callback::new(move |d: Document| doc.set(d));
    let add = move |_| {
        let person = target.get_untracked().parse::<i64>().ok().map(PersonId);
        let body = doc.get_untracked();
        spawn_local(async move {
            match add_addendum(id, person, body).await {
                Ok(()) => reload.update(|r| *r += 1),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="card">
            <h2>"Addenda"</h2>
            <p class="muted">"A locked note never changes; corrections are added as dated, signed addenda."</p>
            <AddendumList addenda=note.addenda.clone() />
            {note
                .permissions
                .addendum
                .then(|| {
                    view! {
                        <label>
                            "For"
                            <select aria-label="Addendum for" on:change=move |ev| target.set(event_target_value(&ev))>
                                <option value="">"Every attendee's chart"</option>
                                {note
                                    .attendees
                                    .iter()
                                    .map(|a| view! { <option value=a.person_id.0.to_string()>{a.name.clone()}</option> })
                                    .collect_view()}
                            </select>
                        </label>
                        <RichTextEditor
                            initial=Document::default()
                            on_change
                            label="Addendum".to_string()
                            handle
                            testid="addendum"
                        />
                        <button on:click=add>"Sign and add the addendum"</button>
                        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                    }
                })}
        </section>
    }
}

/// One chart note: the session, attendance and service, the group note, their own note,
/// signatures and addenda.
#[component]
fn ChartNoteCard(note: ChartNoteView, #[prop(optional)] show_person: bool) -> impl IntoView {
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
pub fn ReviewRoute() -> impl IntoView {
    let params = use_params_map();
    let id = move || param_id(&params.read(), "id").map(AppointmentId);
    view! {
        <RequireArea
            area=Area::Staff
            render=move |viewer: Viewer| {
                let review = Resource::new(id, |id| async move {
                    match id {
                        Some(id) => get_review(id).await,
                        None => Err(AppError::NotFound),
                    }
                });
                view! {
                    <StaffShell viewer>
                        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                            {move || Suspend::new(async move {
                                match review.await {
                                    Ok(r) => view! { <ReviewPage review=r /> }.into_any(),
                                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </StaffShell>
                }
            }
        />
    }
}

#[component]
fn ReviewPage(review: Review) -> impl IntoView {
    let id = review.appointment_id;
    let count = review.chart_notes.len();
    let progress = RwSignal::new(None::<LockProgress>);
    let error = RwSignal::new(None::<String>);
    let running = RwSignal::new(false);
    let lock = move |_| {
        running.set(true);
        error.set(None);
        progress.set(Some(LockProgress {
            done: 0,
            total: count as i64,
            finished: false,
        }));
        // The bar follows what the server reports while the lock runs.
        spawn_local(async move {
            while running.get_untracked() {
                if let Ok(Some(p)) = get_lock_progress(id).await {
                    if running.get_untracked() {
                        progress.set(Some(p));
                    }
                }
                sleep_ms(150).await;
            }
        });
        spawn_local(async move {
            let result = lock_note(id).await;
            running.set(false);
            match result {
                Ok(n) => progress.set(Some(LockProgress {
                    done: n as i64,
                    total: n as i64,
                    finished: true,
                })),
                Err(e) => {
                    progress.set(None);
                    error.set(Some(format!("Nothing was locked: {e}")));
                }
            }
        });
    };
    let can_lock = review.permissions.lock && review.lock_blocked.is_none();
    // The count of a finished lock, once the server has said so.
    let locked = move || progress.get().filter(|p| p.finished).map(|p| p.done);
    view! {
        <div class="review-screen">
            <header class="page-header">
                <div>
                    <h1>"Review: " {review.title.clone()}</h1>
                    <p class="muted">{review.when.clone()}</p>
                </div>
                <a class="button secondary" href=format!("/app/sessions/{}/note", id.0)>"Back to the note"</a>
            </header>
            <p data-testid="review-summary">
                {format!(
                    "Locking creates {count} chart note{} — one for each attendee.",
                    if count == 1 { "" } else { "s" },
                )}
            </p>
            {(!review.not_attending.is_empty())
                .then(|| {
                    view! {
                        <p class="muted">
                            "Gets nothing from this note: "
                            {review
                                .not_attending
                                .iter()
                                .map(|n| format!("{} ({})", n.name, n.attendance))
                                .collect::<Vec<_>>()
                                .join(", ")}
                        </p>
                    }
                })}
            <section class="card lock-panel">
                {match review.status {
                    NoteStatus::Locked => view! { <p data-testid="already-locked">"This note is signed and locked."</p> }.into_any(),
                    _ if can_lock => view! {
                        <Show when=move || locked().is_none()>
                            <button on:click=lock disabled=move || running.get() data-testid="lock-button">
                                "Sign and lock"
                            </button>
                        </Show>
                    }.into_any(),
                    _ => view! {
                        <p data-testid="lock-blocked">
                            {review.lock_blocked.clone().unwrap_or_else(|| "You can't sign and lock this note.".into())}
                        </p>
                    }.into_any(),
                }}
                {move || {
                    progress
                        .get()
                        .map(|p| {
                            let pct = if p.total > 0 { p.done * 100 / p.total } else { 100 };
                            view! {
                                <div class="lock-progress">
                                    <div
                                        class="progress"
                                        role="progressbar"
                                        aria-label="Creating chart notes"
                                        aria-valuemin="0"
                                        aria-valuemax=p.total.to_string()
                                        aria-valuenow=p.done.to_string()
                                        data-testid="lock-progress"
                                    >
                                        <div class=format!("progress-fill w{}", pct / 5 * 5)></div>
                                    </div>
                                    <p>{format!("Chart notes created: {} of {}", p.done, p.total)}</p>
                                </div>
                            }
                        })
                }}
                {move || locked().map(|n| view! {
                    <p class="notice" role="status" data-testid="locked">
                        {format!("Signed and locked. {n} chart note{} created.", if n == 1 { "" } else { "s" })}
                    </p>
                })}
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </section>
            <div class="chart-notes">
                {review
                    .chart_notes
                    .into_iter()
                    .map(|n| view! { <ChartNoteCard note=n show_person=true /> })
                    .collect_view()}
            </div>
        </div>
    }
}

async fn sleep_ms(ms: u32) {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

#[component]
pub fn ChartRoute() -> impl IntoView {
    let params = use_params_map();
    let id = move || param_id(&params.read(), "id").map(PersonId);
    view! {
        <RequireArea
            area=Area::Staff
            render=move |viewer: Viewer| {
                let chart = Resource::new(id, |id| async move {
                    match id {
                        Some(id) => get_chart(id).await,
                        None => Err(AppError::NotFound),
                    }
                });
                view! {
                    <StaffShell viewer>
                        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                            {move || Suspend::new(async move {
                                match chart.await {
                                    Ok(c) => {
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
                                                    c.notes
                                                        .into_iter()
                                                        .map(|n| view! { <ChartNoteCard note=n /> })
                                                        .collect_view()
                                                        .into_any()
                                                }}
                                            </div>
                                        }
                                            .into_any()
                                    }
                                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </StaffShell>
                }
            }
        />
    }
}

fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// Notes waiting for the signed-in supervisor's review, on the staff home page.
#[component]
pub fn ReviewQueue() -> impl IntoView {
    let items = Resource::new(|| (), |_| async move { notes_to_review().await });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match items.await {
                    Ok(list) if !list.is_empty() => {
                        view! {
                            <section class="card" data-testid="review-queue">
                                <h2>"Notes waiting for your review"</h2>
                                <ul class="plain-list">
                                    {list
                                        .into_iter()
                                        .map(|i| {
                                            view! {
                                                <li>
                                                    <a href=format!("/app/sessions/{}/note", i.appointment_id.0)>
                                                        {i.title.clone()}
                                                    </a>
                                                    " · " {i.when.clone()} " · from " {i.from.clone()}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                            .into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn TemplatesRoute() -> impl IntoView {
    view! {
        <RequireArea
            area=Area::Staff
            render=move |viewer: Viewer| {
                let reload = RwSignal::new(0u32);
                let list = Resource::new(move || reload.get(), |_| async move { get_templates().await });
                let may_edit = viewer.role.manages_practice();
                // Outlives the list's reload after a save, so "Template saved." stays.
                let saved = RwSignal::new(false);
                view! {
                    <StaffShell viewer>
                        <h1>"Note templates"</h1>
                        <p class="muted">
                            "A note starts from a template of its case's kind; each section becomes a heading."
                        </p>
                        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                            {move || Suspend::new(async move {
                                match list.await {
                                    Ok(t) => view! { <TemplatesPage templates=t may_edit reload saved /> }.into_any(),
                                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </StaffShell>
                }
            }
        />
    }
}

#[component]
fn TemplatesPage(
    templates: Vec<Template>,
    may_edit: bool,
    reload: RwSignal<u32>,
    saved: RwSignal<bool>,
) -> impl IntoView {
    let editing = RwSignal::new(None::<TemplateId>);
    let name = RwSignal::new(String::new());
    let language = RwSignal::new(Language::Therapy.as_str().to_string());
    let sections = RwSignal::new(String::new());
    let active = RwSignal::new(true);
    let error = RwSignal::new(None::<AppError>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = Language::parse(&language.get_untracked()).unwrap_or(Language::Therapy);
        saved.set(false);
        spawn_local(async move {
            match save_template(
                editing.get_untracked(),
                name.get_untracked(),
                lang,
                sections.get_untracked(),
                active.get_untracked(),
            )
            .await
            {
                Ok(_) => {
                    saved.set(true);
                    reload.update(|r| *r += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let rows = templates
        .into_iter()
        .map(|t| {
            let edit = {
                let t = t.clone();
                move |_| {
                    editing.set(Some(t.id));
                    name.set(t.name.clone());
                    language.set(t.language.as_str().to_string());
                    sections.set(t.sections.join("\n"));
                    active.set(t.active);
                }
            };
            view! {
                <article class="card template" data-testid="template">
                    <h2>{t.name.clone()} {(!t.active).then_some(" (not offered)")}</h2>
                    <p class="muted">"For " {t.language.label()}</p>
                    <ol>{t.sections.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}</ol>
                    {may_edit.then(|| view! { <button class="secondary" on:click=edit>"Edit"</button> })}
                </article>
            }
        })
        .collect_view();
    view! {
        {may_edit
            .then(|| {
                view! {
                    <form class="card" on:submit=save>
                        <h2>{move || if editing.get().is_some() { "Change the template" } else { "New template" }}</h2>
                        <label>
                            "Name"
                            <input prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                        </label>
                        <crate::ui::FieldErrorText error=error.into() field="name" />
                        <label>
                            "For"
                            <select aria-label="Template is for" prop:value=move || language.get() on:change=move |ev| language.set(event_target_value(&ev))>
                                {Language::ALL
                                    .iter()
                                    .map(|l| view! { <option value=l.as_str()>{l.label()}</option> })
                                    .collect_view()}
                            </select>
                        </label>
                        <label>
                            "Sections, one per line"
                            <textarea
                                rows="6"
                                prop:value=move || sections.get()
                                on:input=move |ev| sections.set(event_target_value(&ev))
                            ></textarea>
                        </label>
                        <crate::ui::FieldErrorText error=error.into() field="sections" />
                        <label class="checkbox">
                            <input
                                type="checkbox"
                                prop:checked=move || active.get()
                                on:change=move |ev| active.set(event_target_checked(&ev))
                            />
                            "Offered for new notes"
                        </label>
                        <button type="submit">"Save the template"</button>
                        {move || {
                            error
                                .get()
                                .filter(|e| !matches!(e, AppError::InvalidInput { .. }))
                                .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
                        }}
                        {move || saved.get().then(|| view! { <p class="notice" role="status">"Template saved."</p> })}
                    </form>
                }
            })}
        <div class="templates">{rows}</div>
    }
}
