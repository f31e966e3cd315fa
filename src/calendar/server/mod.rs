//! What staff do on the calendar, with every check: who is asking, whether they may see the
//! exact case or appointment, whether the input makes sense; each change in one transaction
//! with its audit entry. Server functions, tests and the benchmark call these. Server only.

use super::recurrence::{self, local_to_utc, Occurrence};
use super::repo::{self, AppointmentFields, AppointmentRow, EventRow, SeriesFields, SeriesRow};
use super::{
    AppointmentChange, AppointmentDetails, CalendarEvent, CalendarPage, CaseChoice, FeedStatus,
    NewAppointment, RosterEntry, Scheduled, SeriesInfo, ServiceChoice, Showing, Span, Warning,
};
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Action, Event, ObjectKind};
use crate::cases::repo as cases;
use crate::cases::server::{check_providers, staff};
use crate::domain::cases::{case_title, CaseKind};
use crate::domain::membership::MembershipStatus;
use crate::domain::people::display_name;
use crate::domain::schedule::{
    check_ends, check_minutes, describe, full_rule, on_roster, parse_time, plan_series_edit,
    replaceable, rewrite_series, roster_follows_membership, rule_for, seats_left,
    AppointmentStatus, CalendarView, Ends, PlannedSession, SeriesEdit, SeriesSession,
};
use crate::domain::when;
use crate::domain::{AccountId, AppointmentId, CaseId, PersonId, SeriesId, ServiceId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Conn, Db, Tx};
use crate::server::time::{local, wall};
use crate::services::repo as services;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

mod booking;
mod changes;
mod feed;
mod page;
use booking::service_list;
use page::to_event;

use booking::double_bookings;
pub use booking::{schedulable_cases, schedule};
pub use changes::{appointment_details, cancel_appointment, change_appointment, end_series};
pub use feed::{enable_feed, feed_status, revoke_feed};
pub use page::calendar_page;

fn day(field: &str, text: &str) -> AppResult<NaiveDate> {
    crate::domain::membership::parse_day(field, text).map_err(|m| AppError::invalid(field, m))
}

fn time(field: &str, text: &str) -> AppResult<NaiveTime> {
    parse_time(text).map_err(|m| AppError::invalid(field, m))
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// When a session is, as its screens head it: "Tuesday 24 November 2026 · 18:00–19:30".
pub(crate) fn period(tz: Tz, starts_at: i64, ends_at: i64) -> String {
    when::period(wall(tz, starts_at), wall(tz, ends_at))
}

/// Optional free text: trimmed, `None` when empty, bounded.
fn optional_text(field: &str, text: &str, max: usize) -> AppResult<Option<String>> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Keep this under {max} characters."),
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_string()))
}

/// A video link must be a web address: it is shown as a link, so nothing else (such as a
/// `javascript:` URL) may get in.
fn video_link(text: &str) -> AppResult<Option<String>> {
    let Some(link) = optional_text("video_link", text, 500)? else {
        return Ok(None);
    };
    match url::Url::parse(&link) {
        Ok(u) if (u.scheme() == "https" || u.scheme() == "http") && u.host().is_some() => {
            Ok(Some(link))
        }
        _ => Err(AppError::invalid(
            "video_link",
            "Enter the video link as a web address starting with https://.",
        )),
    }
}

/// The appointment and its case, if the caller may see the case.
pub(crate) async fn visible_appointment(
    c: &mut Tx,
    who: &SignedIn,
    id: AppointmentId,
) -> AppResult<(AppointmentRow, cases::CaseRow)> {
    let not_found = || who.not_found(ObjectKind::Appointment, id.0);
    let row = repo::appointment(c.conn(), who.practice_id, id)
        .await?
        .ok_or_else(not_found)?;
    let case = cases::get(c.conn(), &who.scope(), CaseId(row.case_id))
        .await?
        .ok_or_else(not_found)?;
    Ok((row, case))
}

/// A session's participants: its frozen roster, or the case's members active on its day
/// (the domain's roster rule) while it still follows membership.
pub(crate) async fn roster_of(
    mut c: Conn<'_>,
    row: &AppointmentRow,
) -> AppResult<Vec<RosterEntry>> {
    let id = AppointmentId(row.id);
    Ok(if row.roster_frozen {
        repo::frozen_roster(c.re(), id)
            .await?
            .into_iter()
            .map(|r| RosterEntry {
                person_id: PersonId(r.person_id),
                display_name: display_name(&r.legal_name, r.preferred_name.as_deref()),
            })
            .collect()
    } else {
        let on = day("day", &row.local_day)?;
        cases::members(c.re(), CaseId(row.case_id))
            .await?
            .into_iter()
            .filter(|m| {
                m.period().is_some_and(|p| {
                    on_roster(
                        m.status == MembershipStatus::Active,
                        p.joined_on,
                        p.left_on,
                        on,
                    )
                })
            })
            .map(|m| RosterEntry {
                person_id: PersonId(m.person_id),
                display_name: display_name(&m.legal_name, m.preferred_name.as_deref()),
            })
            .collect()
    })
}
