//! How far each running lock has got, for the lock screen's progress bar. A lock writes
//! every chart note in one transaction, so nothing of it is visible in the database until it
//! commits; the lock reports here as it goes instead. Per server process: the screen asks the
//! process that runs its lock. Server only.

use super::LockProgress;
use crate::domain::AppointmentId;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// How long a finished lock's figures stay to be read.
const KEEP: Duration = Duration::from_secs(600);

static LOCKS: LazyLock<Mutex<HashMap<AppointmentId, (LockProgress, Instant)>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn with<T>(f: impl FnOnce(&mut HashMap<AppointmentId, (LockProgress, Instant)>) -> T) -> T {
    // A panic elsewhere while holding the lock leaves plain numbers behind: still usable.
    let mut map = LOCKS.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut map)
}

/// Reports one lock's progress; a lock that ends without [`Tracker::finish`] (it failed)
/// takes its figures away, so the screen does not show a lock that never happened.
pub struct Tracker {
    id: AppointmentId,
    finished: bool,
}

impl Tracker {
    pub fn start(id: AppointmentId, total: i64) -> Tracker {
        with(|m| {
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
            id,
            finished: false,
        }
    }

    pub fn done(&self, done: i64) {
        with(|m| {
            if let Some((p, _)) = m.get_mut(&self.id) {
                p.done = done;
            }
        });
    }

    pub fn finish(mut self) {
        self.finished = true;
        with(|m| {
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
            with(|m| m.remove(&self.id));
        }
    }
}

/// A session's lock progress in this process, if a lock ran here lately.
pub fn of(id: AppointmentId) -> Option<LockProgress> {
    with(|m| m.get(&id).map(|(p, _)| *p))
}
