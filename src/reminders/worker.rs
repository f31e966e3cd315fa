//! Runs the planner and the sender for the life of the server (and, with the planner,
//! the reminders of incomplete forms). Server only.
//!
//! Any number of processes may run this on one database: planning twice adds nothing twice
//! (each reminder has one row), and a reminder is marked sent by exactly one of them before
//! its email is written, in the same transaction.

use crate::server::db::{now_ms, Db};
use std::time::Duration;
use tokio::sync::Notify;

static WAKE: Notify = Notify::const_new();

/// Tells this process's planner that sessions, rosters or settings changed, so the plan is
/// brought up to date now rather than at its next pass.
pub fn wake() {
    WAKE.notify_one();
}

/// How often due reminders are looked for: their times are to the minute.
const TICK: Duration = Duration::from_secs(20);
/// How often the whole plan is checked when nothing woke it.
const REPLAN: Duration = Duration::from_secs(120);

pub async fn run(db: Db, public_url: String) {
    let mut last_plan: Option<tokio::time::Instant> = None;
    let mut woken = true;
    loop {
        let now = now_ms();
        if woken || last_plan.is_none_or(|t| t.elapsed() >= REPLAN) {
            match super::server::plan_all(&db, now).await {
                Ok(p) if p != Default::default() => tracing::info!(
                    added = p.added,
                    rescheduled = p.rescheduled,
                    dropped = p.dropped,
                    "reminders planned"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reminder planner"),
            }
            // Incomplete forms' reminders are days apart: checked with the plan.
            match crate::forms::server::remind_overdue(&db, &public_url, now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(forms = n, "form reminders sent"),
                Err(e) => tracing::warn!(error = %e, "form reminders"),
            }
            last_plan = Some(tokio::time::Instant::now());
        }
        match super::server::send_due(&db, &public_url, now_ms()).await {
            Ok(p) if p != Default::default() => tracing::info!(
                emails = p.emails,
                reminded = p.reminded,
                skipped = p.skipped,
                "reminders sent"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reminder sender"),
        }
        woken = tokio::time::timeout(TICK, WAKE.notified()).await.is_ok();
    }
}
