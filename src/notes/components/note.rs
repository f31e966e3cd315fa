//! The note screen: the group note, attendees' own notes, supervision actions and addenda.

use super::*;

#[component]
pub fn NoteRoute() -> impl IntoView {
    let id = route_id(AppointmentId);
    let reload = RwSignal::new(0u32);
    let screen = Resource::new(
        move || (id(), reload.get()),
        |(id, _)| or_not_found(id, get_note),
    );
    loaded(screen, move |s| view! { <NotePage screen=s reload /> })
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
pub(super) fn AddendumList(addenda: Vec<AddendumView>) -> impl IntoView {
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
