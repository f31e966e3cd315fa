//! How far each running lock has got, for the lock screen's progress bar. A lock writes
//! every chart note in one transaction, so nothing of it is visible in the database until it
//! commits; the lock reports here as it goes instead. One board per server process (in
//! `AppState`): the screen asks the process that runs its lock. Server only.

use super::LockProgress;
use crate::domain::AppointmentId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a finished lock's figures stay to be read.
const KEEP: Duration = Duration::from_secs(600);

type Entries = HashMap<AppointmentId, (LockProgress, Instant)>;

/// The progress of this process's locks, by session.
#[derive(Clone, Debug, Default)]
pub struct Board(Arc<Mutex<Entries>>);

impl Board {
    fn with<T>(&self, f: impl FnOnce(&mut Entries) -> T) -> T {
        // A panic elsewhere while holding the lock leaves plain numbers behind: still usable.
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut map)
    }

    /// A session's lock progress, if a lock ran here lately.
    pub fn of(&self, id: AppointmentId) -> Option<LockProgress> {
        self.with(|m| m.get(&id).map(|(p, _)| *p))
    }

    /// Starts reporting a lock of `total` chart notes.
    pub fn start(&self, id: AppointmentId, total: i64) -> Tracker {
        self.with(|m| {
            m.retain(|_, (_, at)| at.elapsed() < KEEP);
            m.insert(
                id,
                (
                    LockProgress {
                        done: 0,
                        total,
                        finished: false,
                    },
                    Instant::now(),
                ),
            );
        });
        Tracker {
            board: self.clone(),
            id,
            finished: false,
        }
    }
}

/// Reports one lock's progress; a lock that ends without [`Tracker::finish`] (it failed)
/// takes its figures away, so the screen does not show a lock that never happened.
pub struct Tracker {
    board: Board,
    id: AppointmentId,
    finished: bool,
}

impl Tracker {
    pub fn done(&self, done: i64) {
        self.board.with(|m| {
            if let Some((p, _)) = m.get_mut(&self.id) {
                p.done = done;
            }
        });
    }

    pub fn finish(mut self) {
        self.finished = true;
        self.board.with(|m| {
            if let Some((p, at)) = m.get_mut(&self.id) {
                p.done = p.total;
                p.finished = true;
                *at = Instant::now();
            }
        });
    }
}

impl Drop for Tracker {
    fn drop(&mut self) {
        if !self.finished {
            let id = self.id;
            self.board.with(|m| m.remove(&id));
        }
    }
}
