//! Every editor saves itself: a moment after typing stops, the part is sent with the version
//! it started from. Until the server confirms, the text is also kept on the device, so a
//! reload or a lost connection loses nothing; a save that finds someone else's newer text
//! shows both and overwrites nothing.

use super::*;

/// Where one part's text stands, for the line under its editor.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum SaveState {
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
pub(super) struct LocalDraft {
    base: i64,
    doc: Document,
}

pub(super) fn draft_key(id: AppointmentId, part: NotePart) -> String {
    format!("gather.note.{}.{}", id.0, part.key())
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub(super) fn load_draft(key: &str) -> Option<LocalDraft> {
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
pub(super) struct Autosave {
    id: AppointmentId,
    part: NotePart,
    /// The server's version this screen's text builds on.
    version: StoredValue<i64>,
    /// Text not yet confirmed by the server.
    unsaved: StoredValue<Option<Document>>,
    in_flight: StoredValue<bool>,
    /// Bumped by each change; a timer only fires if no change came after it.
    generation: StoredValue<u64>,
    pub(super) state: RwSignal<SaveState>,
    handle: EditorHandle,
}

/// The pause in typing after which a part is saved.
const SAVE_AFTER_MS: u64 = 700;

impl Autosave {
    pub(super) fn new(
        id: AppointmentId,
        part: NotePart,
        version: i64,
        handle: EditorHandle,
    ) -> Autosave {
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
    pub(super) fn changed(&self, doc: Document) {
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
    pub(super) fn keep_mine(&self) {
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
    pub(super) fn use_theirs(&self) {
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
    pub(super) fn restore(&self, server: &Document, server_version: i64, saved_by: &str) {
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

/// The status line under an editor.
pub(super) fn state_text(state: &SaveState) -> (&'static str, String) {
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
