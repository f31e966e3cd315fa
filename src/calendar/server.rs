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
    check_ends, check_minutes, describe, full_rule, on_roster, parse_time,
    roster_follows_membership, rule_for, seats_left, split_ends, AppointmentStatus, CalendarView,
    Ends, Repeat,
};
use crate::domain::{AccountId, AppointmentId, CaseId, PersonId, SeriesId, ServiceId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Conn, Db, Tx};
use crate::services::repo as services;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

fn day(field: &str, text: &str) -> AppResult<NaiveDate> {
    crate::domain::membership::parse_day(field, text).map_err(|m| AppError::invalid(field, m))
}

fn time(field: &str, text: &str) -> AppResult<NaiveTime> {
    parse_time(text).map_err(|m| AppError::invalid(field, m))
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn local(tz: Tz, at_ms: i64) -> chrono::DateTime<Tz> {
    Utc.timestamp_millis_opt(at_ms)
        .single()
        .unwrap_or_default()
        .with_timezone(&tz)
}

/// When a session is, as its screens head it: "Tuesday 24 November 2026 · 18:00–19:30".
pub(crate) fn period(tz: Tz, starts_at: i64, ends_at: i64) -> String {
    let start = local(tz, starts_at);
    let end = local(tz, ends_at);
    format!(
        "{} · {}–{}",
        start.format("%A %-d %B %Y"),
        start.format("%H:%M"),
        end.format("%H:%M")
    )
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

fn event_title(row: &EventRow) -> (Option<CaseKind>, String) {
    if !row.visible {
        return (None, "Busy".into());
    }
    (
        Some(row.kind),
        case_title(row.initials.as_deref(), &row.name),
    )
}

fn to_event(row: &EventRow, providers: &[(i64, i64)], tz: Tz) -> CalendarEvent {
    let start = local(tz, row.starts_at);
    let end = local(tz, row.ends_at);
    let (kind, title) = event_title(row);
    let minutes = (row.ends_at - row.starts_at) / 60_000;
    let start_minute = i64::from(chrono::Timelike::hour(&start)) * 60
        + i64::from(chrono::Timelike::minute(&start));
    CalendarEvent {
        id: AppointmentId(row.id),
        case_id: row.visible.then_some(CaseId(row.case_id)),
        kind,
        initials: if row.visible {
            row.initials.clone()
        } else {
            None
        },
        title,
        day: start.date_naive().to_string(),
        start_minute,
        minutes,
        time_label: format!("{}–{}", start.format("%H:%M"), end.format("%H:%M")),
        provider_ids: providers
            .iter()
            .filter(|(a, _)| *a == row.id)
            .map(|(_, p)| AccountId(*p))
            .collect(),
        cancelled: row.status == AppointmentStatus::Cancelled,
        in_series: row.series_id.is_some(),
        expected: row.visible.then_some(row.expected),
        seats_left: if row.visible {
            seats_left(row.capacity, row.expected)
        } else {
            None
        },
    }
}

/// The UTC range covering local days `first..=last`.
fn day_range(tz: Tz, first: NaiveDate, last: NaiveDate) -> (i64, i64) {
    let from = local_to_utc(tz, first, NaiveTime::MIN);
    let to = local_to_utc(tz, last + Duration::days(1), NaiveTime::MIN);
    (ms(from), ms(to))
}

/// A calendar view. Other providers' calendars are open to every staff member for
/// planning, but appointments of cases the caller may not see show only as "Busy".
pub async fn calendar_page(
    db: &Db,
    who: &SignedIn,
    view: CalendarView,
    on: NaiveDate,
    showing: &Showing,
) -> AppResult<CalendarPage> {
    let tz = who.time_zone;
    let mut c = db.acquire().await?;
    let all_staff = staff(cases::care_staff(c.conn(), &who.scope()).await?);
    let columns: Vec<crate::cases::StaffMember> = match showing {
        Showing::Me => {
            let me: Vec<_> = all_staff
                .iter()
                .filter(|s| s.id == who.account_id)
                .cloned()
                .collect();
            if me.is_empty() {
                // Admins without a caseload start on everyone's calendar.
                all_staff.clone()
            } else {
                me
            }
        }
        Showing::Everyone => all_staff.clone(),
        Showing::Providers(ids) => {
            let chosen: Vec<_> = all_staff
                .iter()
                .filter(|s| ids.contains(&s.id))
                .cloned()
                .collect();
            if chosen.is_empty() {
                return Err(AppError::invalid(
                    "who",
                    "None of those providers are in this practice.",
                ));
            }
            chosen
        }
    };
    let (first, last) = view.range(on);
    let (from, to) = day_range(tz, first, last);
    let ids: Vec<AccountId> = columns.iter().map(|s| s.id).collect();
    let rows = repo::events(
        c.conn(),
        &who.scope(),
        if matches!(showing, Showing::Everyone) {
            None
        } else {
            Some(&ids)
        },
        from,
        to,
    )
    .await?;
    let appointment_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let providers = repo::providers_of(c.conn(), &appointment_ids).await?;
    let events = rows.iter().map(|r| to_event(r, &providers, tz)).collect();
    // A view naming cases and counting their rosters is a read of health information.
    let named = rows.iter().filter(|r| r.visible).count();
    if named > 0 {
        record(
            c.conn(),
            who,
            Event::new(Action::Read, ObjectKind::Calendar, None).detail(format!(
                "{} view {first} to {last}: {named} session(s)",
                view.as_str()
            )),
        )
        .await?;
    }
    let days = first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|d| d.to_string())
        .collect();
    let title = match view {
        CalendarView::Day => on.format("%A %-d %B %Y").to_string(),
        CalendarView::Week => format!("{} – {}", first.format("%-d %b"), last.format("%-d %b %Y")),
        CalendarView::Month => on.format("%B %Y").to_string(),
    };
    Ok(CalendarPage {
        view,
        day: on.to_string(),
        today: who.today().to_string(),
        title,
        days,
        columns,
        staff: all_staff,
        services: service_list(c.conn(), who).await?,
        me: who.account_id,
        events,
        previous: view.step(on, false).to_string(),
        next: view.step(on, true).to_string(),
    })
}

/// Cases the caller may schedule, matched by name, initials or a current member's name.
pub async fn schedulable_cases(db: &Db, who: &SignedIn, query: &str) -> AppResult<Vec<CaseChoice>> {
    let mut c = db.acquire().await?;
    let rows = repo::schedulable_cases(c.conn(), &who.scope(), query.trim(), 12).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (usual, _) = repo::case_staff(c.conn(), CaseId(r.id)).await?;
        out.push(CaseChoice {
            id: CaseId(r.id),
            kind: r.kind,
            name: r.name,
            initials: r.initials,
            default_service_id: r.default_service_id.map(ServiceId),
            default_minutes: r.default_minutes,
            provider_ids: usual,
        });
    }
    Ok(out)
}

/// Active services, for the appointment form.
async fn service_list(c: Conn<'_>, who: &SignedIn) -> AppResult<Vec<ServiceChoice>> {
    Ok(services::list(c, who.practice_id, false)
        .await?
        .into_iter()
        .map(|s| ServiceChoice {
            id: s.id,
            label: format!("{} · {}", s.code, s.name),
            minutes: s.minutes,
        })
        .collect())
}

async fn check_service(
    c: Conn<'_>,
    who: &SignedIn,
    id: Option<ServiceId>,
) -> AppResult<Option<ServiceId>> {
    let Some(id) = id else { return Ok(None) };
    match services::get(c, who.practice_id, id).await? {
        Some(s) if s.active => Ok(Some(id)),
        Some(_) => Err(AppError::invalid(
            "service",
            "That service has been deactivated; choose another.",
        )),
        None => Err(AppError::invalid("service", "That service was not found.")),
    }
}

fn when_label(tz: Tz, at_ms: i64) -> String {
    local(tz, at_ms).format("on %a %-d %b at %H:%M").to_string()
}

/// Warnings for putting `sessions` (UTC ms ranges) on `providers`' calendars for `case`:
/// providers who do not usually see the case, and double bookings. Appointments in
/// `replacing` are the ones being moved and do not count.
async fn warnings_for(
    tx: &mut Tx,
    who: &SignedIn,
    case: CaseId,
    providers: &[AccountId],
    sessions: &[(i64, i64)],
    replacing: &[i64],
) -> AppResult<(Vec<Warning>, Vec<AccountId>)> {
    let tz = who.time_zone;
    let (usual, shared) = repo::case_staff(tx.conn(), case).await?;
    let names = staff(cases::care_staff(tx.conn(), &who.scope()).await?);
    let name_of = |id: AccountId| {
        names
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| format!("Account {id}"))
    };
    let mut warnings = Vec::new();
    let mut to_share = Vec::new();
    for p in providers {
        if !usual.contains(p) && !shared.contains(p) {
            warnings.push(Warning::NotUsualProvider {
                provider: name_of(*p),
            });
            to_share.push(*p);
        }
    }
    let (Some(from), Some(to)) = (
        sessions.iter().map(|s| s.0).min(),
        sessions.iter().map(|s| s.1).max(),
    ) else {
        return Ok((warnings, to_share));
    };
    for p in providers {
        let busy = repo::busy(tx.conn(), &who.scope(), *p, from, to).await?;
        let mut clashes = 0;
        for (start, end) in sessions {
            if let Some(b) = busy.iter().find(|b| {
                b.starts_at < *end && b.ends_at > *start && !replacing.contains(&b.appointment_id)
            }) {
                clashes += 1;
                if clashes <= 3 {
                    let with = if b.visible {
                        b.initials.clone().unwrap_or_else(|| b.name.clone())
                    } else {
                        "another appointment".into()
                    };
                    warnings.push(Warning::DoubleBooked {
                        provider: name_of(*p),
                        when: when_label(tz, *start),
                        with,
                    });
                }
            }
        }
        if clashes > 3 {
            warnings.push(Warning::DoubleBooked {
                provider: name_of(*p),
                when: format!("at {} more of these times", clashes - 3),
                with: "other appointments".into(),
            });
        }
    }
    Ok((warnings, to_share))
}

/// Shares the case with providers it is now scheduled for, recording each share.
async fn share_with(
    tx: &mut Tx,
    who: &SignedIn,
    case: CaseId,
    providers: &[AccountId],
    now: i64,
) -> AppResult<()> {
    for p in providers {
        cases::share(tx.conn(), case, *p, who.account_id, now).await?;
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::Case, case.0)
                .detail(format!("shared with account {} by scheduling", p.0)),
        )
        .await?;
    }
    Ok(())
}

fn rule_sessions(
    rule: Option<&str>,
    first: NaiveDate,
    at: NaiveTime,
    tz: Tz,
    ends: &Ends,
) -> AppResult<Vec<Occurrence>> {
    match rule {
        None => Ok(vec![Occurrence {
            on: first,
            starts_at: local_to_utc(tz, first, at),
        }]),
        Some(rule) => {
            check_ends(ends, first).map_err(|m| AppError::invalid("ends", m))?;
            recurrence::expand(rule, first, at, tz, ends)
                .map_err(|m| AppError::invalid("repeat", m))
        }
    }
}

/// Schedules a single session or a series. With warnings and no confirmation, nothing is
/// saved and the warnings come back.
pub async fn schedule(db: &Db, who: &SignedIn, draft: NewAppointment) -> AppResult<Scheduled> {
    let tz = who.time_zone;
    let first = day("day", &draft.day)?;
    let at = time("start_time", &draft.start_time)?;
    let minutes = check_minutes(draft.minutes).map_err(|m| AppError::invalid("minutes", m))?;
    let location = optional_text("location", &draft.location, 300)?;
    let video = video_link(&draft.video_link)?;
    let rule = rule_for(&draft.repeat, first).map_err(|m| AppError::invalid("repeat", m))?;
    let sessions = rule_sessions(rule.as_deref(), first, at, tz, &draft.ends)?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let case = crate::cases::server::visible_case(tx.conn(), who, draft.case_id).await?;
    let providers = check_providers(tx.conn(), who, &draft.provider_ids, &[]).await?;
    let service = check_service(tx.conn(), who, draft.service_id).await?;
    let spans: Vec<(i64, i64)> = sessions
        .iter()
        .map(|s| (ms(s.starts_at), ms(s.starts_at) + minutes * 60_000))
        .collect();
    let (warnings, to_share) =
        warnings_for(&mut tx, who, draft.case_id, &providers, &spans, &[]).await?;
    if !warnings.is_empty() && !draft.confirmed {
        return Ok(Scheduled::NeedsConfirmation(warnings));
    }
    share_with(&mut tx, who, draft.case_id, &to_share, now).await?;
    let series = match &rule {
        Some(rule) => Some(
            repo::insert_series(
                tx.conn(),
                &who.scope(),
                &SeriesFields {
                    case_id: draft.case_id,
                    rule,
                    first_day: first,
                    start_time: &at.format("%H:%M").to_string(),
                    time_zone: tz.name(),
                    minutes,
                    ends: &draft.ends,
                },
                now,
            )
            .await?,
        ),
        None => None,
    };
    let mut first_id = None;
    for (s, (start, end)) in sessions.iter().zip(&spans) {
        let id = repo::insert_appointment(
            tx.conn(),
            &who.scope(),
            &AppointmentFields {
                case_id: draft.case_id,
                series: series.map(|id| (id, s.on)),
                starts_at: *start,
                ends_at: *end,
                local_day: s.on,
                service_id: service,
                location: location.as_deref(),
                video_link: video.as_deref(),
            },
            &providers,
            now,
        )
        .await?;
        first_id = first_id.or(id);
    }
    let first_id = first_id.ok_or(AppError::Internal)?;
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::Appointment, first_id.0).detail(format!(
            "case {} ({}), {} session(s){}",
            case.id,
            case.kind().label(),
            sessions.len(),
            series.map(|s| format!(", series {s}")).unwrap_or_default()
        )),
    )
    .await?;
    tx.commit().await?;
    Ok(Scheduled::Done {
        first: first_id,
        sessions: sessions.len() as i64,
        day: first.to_string(),
    })
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

/// The appointment panel, audited as a read (it shows the roster).
pub async fn appointment_details(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
) -> AppResult<AppointmentDetails> {
    let tz = who.time_zone;
    let mut tx = db.begin().await?;
    let (row, case) = visible_appointment(&mut tx, who, id).await?;
    let event_row = repo::event(tx.conn(), &who.scope(), id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Appointment, id.0))?;
    let providers = repo::providers_of(tx.conn(), &[row.id]).await?;
    let event = to_event(&event_row, &providers, tz);
    let names = staff(cases::care_staff(tx.conn(), &who.scope()).await?);
    let roster = roster_of(tx.conn(), &row).await?;
    let service = match row.service_id {
        Some(s) => services::get(tx.conn(), who.practice_id, ServiceId(s))
            .await?
            .map(|s| format!("{} · {}", s.code, s.name)),
        None => None,
    };
    let series = match row.series_id {
        Some(s) => repo::series(tx.conn(), who.practice_id, SeriesId(s))
            .await?
            .map(|s| series_info(&s)),
        None => None,
    };
    record(tx.conn(), who, Event::read(ObjectKind::Appointment, id.0)).await?;
    tx.commit().await?;
    Ok(AppointmentDetails {
        case_name: case.name.clone(),
        kind_label: case.kind().label().to_string(),
        service,
        location: row.location.clone(),
        video_link: row.video_link.clone(),
        providers: names
            .into_iter()
            .filter(|s| event.provider_ids.contains(&s.id))
            .collect(),
        roster,
        roster_frozen: !roster_follows_membership(row.ends_at, now_ms(), row.roster_frozen),
        capacity: case.capacity,
        series,
        cancel_reason: row.cancel_reason.clone(),
        start_time: local(tz, row.starts_at).format("%H:%M").to_string(),
        today: who.today().to_string(),
        event,
    })
}

fn series_info(s: &SeriesRow) -> SeriesInfo {
    let first = s.first_day.parse().unwrap_or_default();
    let ends = s.ends();
    let last_day = match &ends {
        Ends::On(d) => d.to_string(),
        Ends::After(_) => series_sessions(s)
            .ok()
            .and_then(|o| o.last().map(|o| o.on.to_string()))
            .unwrap_or_default(),
    };
    SeriesInfo {
        id: SeriesId(s.id),
        description: describe(&s.rule, first, &ends),
        rule: full_rule(&s.rule, &ends),
        first_day: s.first_day.clone(),
        last_day,
    }
}

fn series_zone(s: &SeriesRow) -> Tz {
    s.time_zone.parse().unwrap_or(chrono_tz::UTC)
}

fn series_sessions(s: &SeriesRow) -> AppResult<Vec<Occurrence>> {
    let first = day("day", &s.first_day)?;
    let at = time("start_time", &s.start_time)?;
    recurrence::expand(&s.rule, first, at, series_zone(s), &s.ends())
        .map_err(|m| AppError::invalid("repeat", m))
}

/// Moves one session, or changes the time, length and place of a series from this session
/// on or as a whole. A series' past and documented sessions, and sessions moved on their
/// own, keep their times.
pub async fn change_appointment(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
    span: Span,
    change: AppointmentChange,
) -> AppResult<Scheduled> {
    let tz = who.time_zone;
    let new_day = day("day", &change.day)?;
    let at = time("start_time", &change.start_time)?;
    let minutes = check_minutes(change.minutes).map_err(|m| AppError::invalid("minutes", m))?;
    let location = optional_text("location", &change.location, 300)?;
    let video = video_link(&change.video_link)?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let (row, case) = visible_appointment(&mut tx, who, id).await?;
    if row.status == AppointmentStatus::Cancelled {
        return Err(AppError::Conflict(
            "This session was cancelled; schedule a new one instead.".into(),
        ));
    }
    let providers: Vec<AccountId> = repo::providers_of(tx.conn(), &[row.id])
        .await?
        .into_iter()
        .map(|(_, p)| AccountId(p))
        .collect();
    let series_row = match (span, row.series_id) {
        (Span::ThisSession, _) | (_, None) => None,
        (_, Some(s)) => Some(
            repo::series(tx.conn(), who.practice_id, SeriesId(s))
                .await?
                .ok_or_else(|| who.not_found(ObjectKind::Series, s))?,
        ),
    };
    let Some(series) = series_row else {
        // One session.
        if row.roster_frozen {
            return Err(AppError::Conflict(
                "This session has ended or is documented, and its record is kept as it was; its time can no longer be changed."
                    .into(),
            ));
        }
        let start = ms(local_to_utc(tz, new_day, at));
        let end = start + minutes * 60_000;
        let (warnings, _) = warnings_for(
            &mut tx,
            who,
            CaseId(case.id),
            &providers,
            &[(start, end)],
            &[row.id],
        )
        .await?;
        let warnings: Vec<Warning> = warnings
            .into_iter()
            .filter(|w| matches!(w, Warning::DoubleBooked { .. }))
            .collect();
        if !warnings.is_empty() && !change.confirmed {
            return Ok(Scheduled::NeedsConfirmation(warnings));
        }
        repo::replan(
            tx.conn(),
            id,
            &AppointmentFields {
                case_id: CaseId(case.id),
                series: None,
                starts_at: start,
                ends_at: end,
                local_day: new_day,
                service_id: None,
                location: location.as_deref(),
                video_link: video.as_deref(),
            },
            true,
            now,
        )
        .await?;
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::Appointment, id.0)
                .detail(format!("moved to {new_day} {}", at.format("%H:%M"))),
        )
        .await?;
        tx.commit().await?;
        return Ok(Scheduled::Done {
            first: id,
            sessions: 1,
            day: new_day.to_string(),
        });
    };
    // A series from this session on (or all of it): the rule keeps its shape, anchored on
    // the new first day.
    let series_id = SeriesId(series.id);
    let this_day = day(
        "day",
        row.occurrence_on.as_deref().unwrap_or(&row.local_day),
    )?;
    let old_sessions = series_sessions(&series)?;
    let (split_at, first_day) = match span {
        Span::WholeSeries => {
            let first = day("day", &series.first_day)?;
            // Moving the whole series by the change made to this session.
            (first, first + (new_day - this_day))
        }
        _ => (this_day, new_day),
    };
    let rule = if series.rule.starts_with("FREQ=MONTHLY;BYDAY=") {
        rule_for(&Repeat::MonthlyByWeekday, first_day)
            .map_err(|m| AppError::invalid("repeat", m))?
            .unwrap_or_else(|| series.rule.clone())
    } else {
        series.rule.clone()
    };
    let before = old_sessions.iter().filter(|o| o.on < split_at).count() as i64;
    let (old_ends, new_ends) = if span == Span::WholeSeries || before == 0 {
        (None, series.ends())
    } else {
        let (old, new) = split_ends(&series.ends(), before, split_at)
            .map_err(|m| AppError::invalid("span", m))?;
        (Some(old), new)
    };
    let new_ends = match new_ends {
        // A dated end before the new first day (moved later) moves with it.
        Ends::On(last) if last < first_day => Ends::On(first_day),
        other => other,
    };
    let sessions = recurrence::expand(&rule, first_day, at, tz, &new_ends)
        .map_err(|m| AppError::invalid("repeat", m))?;
    // The sessions this edit replaces: planned ones of the series from the split on.
    let existing = repo::series_appointments(tx.conn(), series_id, split_at).await?;
    let replaceable: Vec<&AppointmentRow> = existing
        .iter()
        .filter(|a| {
            a.status == AppointmentStatus::Scheduled
                && !a.detached
                && !a.roster_frozen
                && a.starts_at > now
        })
        .collect();
    let kept: Vec<String> = existing
        .iter()
        .filter(|a| !replaceable.iter().any(|r| r.id == a.id))
        .filter_map(|a| a.occurrence_on.clone())
        .collect();
    let spans: Vec<(i64, i64, NaiveDate)> = sessions
        .iter()
        .filter(|s| ms(s.starts_at) > now && !kept.contains(&s.on.to_string()))
        .map(|s| (ms(s.starts_at), ms(s.starts_at) + minutes * 60_000, s.on))
        .collect();
    let replacing: Vec<i64> = replaceable.iter().map(|a| a.id).collect();
    let plain: Vec<(i64, i64)> = spans.iter().map(|(a, b, _)| (*a, *b)).collect();
    let (warnings, _) = warnings_for(
        &mut tx,
        who,
        CaseId(case.id),
        &providers,
        &plain,
        &replacing,
    )
    .await?;
    let warnings: Vec<Warning> = warnings
        .into_iter()
        .filter(|w| matches!(w, Warning::DoubleBooked { .. }))
        .collect();
    if !warnings.is_empty() && !change.confirmed {
        return Ok(Scheduled::NeedsConfirmation(warnings));
    }
    let start_text = at.format("%H:%M").to_string();
    // The series' new terms: a new series from the split on, or the same one rewritten.
    let terms = SeriesFields {
        case_id: CaseId(case.id),
        rule: &rule,
        first_day,
        start_time: &start_text,
        time_zone: tz.name(),
        minutes,
        ends: &new_ends,
    };
    let target = match old_ends {
        Some(old_ends) => {
            repo::set_series_ends(tx.conn(), series_id, &old_ends, now).await?;
            let new_id = repo::insert_series(tx.conn(), &who.scope(), &terms, now).await?;
            repo::reassign_series(tx.conn(), series_id, new_id, split_at).await?;
            new_id
        }
        None => {
            repo::update_series(tx.conn(), series_id, &terms, now).await?;
            series_id
        }
    };
    // Planned sessions on a day the new plan still has are re-planned in place (their ids
    // stay); the rest go, and new days get new sessions.
    let mut unmatched: Vec<&AppointmentRow> = replaceable.clone();
    let service = row.service_id.map(ServiceId);
    let mut edited = None;
    let mut first_new = None;
    let mut count = 0;
    let mut to_insert = Vec::new();
    for (start, end, on) in &spans {
        let fields = AppointmentFields {
            case_id: CaseId(case.id),
            series: Some((target, *on)),
            starts_at: *start,
            ends_at: *end,
            local_day: *on,
            service_id: service,
            location: location.as_deref(),
            video_link: video.as_deref(),
        };
        let day_text = on.to_string();
        match unmatched
            .iter()
            .position(|a| a.occurrence_on.as_deref() == Some(day_text.as_str()))
        {
            Some(i) => {
                let existing = AppointmentId(unmatched.remove(i).id);
                repo::replan(tx.conn(), existing, &fields, false, now).await?;
                count += 1;
                first_new = first_new.or(Some(existing));
                if *on == new_day {
                    edited = Some(existing);
                }
            }
            None => to_insert.push(fields),
        }
    }
    let leftovers: Vec<i64> = unmatched.iter().map(|a| a.id).collect();
    repo::delete_appointments(tx.conn(), &leftovers).await?;
    for fields in &to_insert {
        let made =
            repo::insert_appointment(tx.conn(), &who.scope(), fields, &providers, now).await?;
        if made.is_some() {
            count += 1;
        }
        first_new = first_new.or(made);
        if fields.local_day == new_day {
            edited = edited.or(made);
        }
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Appointment, id.0).detail(format!(
            "series {} {} changed to {} {} ({count} planned sessions rewritten)",
            series.id,
            if span == Span::WholeSeries {
                "as a whole"
            } else {
                "from this session"
            },
            first_day,
            start_text
        )),
    )
    .await?;
    tx.commit().await?;
    Ok(Scheduled::Done {
        // The edited session as it is now, for the panel to stay on.
        first: edited.or(first_new).unwrap_or(id),
        sessions: count,
        day: new_day.to_string(),
    })
}

/// Ends a series after `last_day`: its planned sessions after that day are removed (sessions
/// that happened, were cancelled or are documented stay). Returns how many were removed.
pub async fn end_series(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
    last_day: &str,
) -> AppResult<i64> {
    let last = day("last_day", last_day)?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let (row, _) = visible_appointment(&mut tx, who, id).await?;
    let series_id =
        SeriesId(row.series_id.ok_or_else(|| {
            AppError::invalid("last_day", "This session is not part of a series.")
        })?);
    let series = repo::series(tx.conn(), who.practice_id, series_id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Series, series_id.0))?;
    let first = day("day", &series.first_day)?;
    if last < first {
        return Err(AppError::invalid(
            "last_day",
            format!(
                "The series starts on {first}; choose a day on or after it, or cancel the series."
            ),
        ));
    }
    // Ending on or after the series' own last session would change nothing.
    let current = match series.ends() {
        Ends::On(day) => Some(day),
        Ends::After(_) => series_sessions(&series)?.last().map(|o| o.on),
    };
    if let Some(current) = current.filter(|c| last >= *c) {
        return Err(AppError::invalid(
            "last_day",
            format!("The series already ends on {current}."),
        ));
    }
    let removed = repo::delete_planned(tx.conn(), series_id, last + Duration::days(1), now).await?;
    repo::set_series_ends(tx.conn(), series_id, &Ends::On(last), now).await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Series, series_id.0).detail(format!(
            "ended after {last}; {removed} planned session(s) removed"
        )),
    )
    .await?;
    tx.commit().await?;
    Ok(removed as i64)
}

/// Cancels one session, this and the following ones, or a whole series, keeping them on
/// record with the reason. Returns how many were cancelled.
pub async fn cancel_appointment(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
    span: Span,
    reason: &str,
) -> AppResult<i64> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "Say why the session is cancelled; it stays on record.",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid(
            "reason",
            "Keep the reason under 500 characters.",
        ));
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    let (row, _) = visible_appointment(&mut tx, who, id).await?;
    let targets: Vec<i64> = match (span, row.series_id) {
        (Span::ThisSession, _) | (_, None) => {
            if row.status == AppointmentStatus::Cancelled {
                return Err(AppError::Conflict(
                    "This session is already cancelled.".into(),
                ));
            }
            vec![row.id]
        }
        (span, Some(series)) => {
            let from = if span == Span::WholeSeries {
                NaiveDate::MIN
            } else {
                day(
                    "day",
                    row.occurrence_on.as_deref().unwrap_or(&row.local_day),
                )?
            };
            repo::series_appointments(tx.conn(), SeriesId(series), from)
                .await?
                .into_iter()
                .filter(|a| {
                    a.status == AppointmentStatus::Scheduled
                        && !a.roster_frozen
                        && (a.starts_at > now || a.id == row.id)
                })
                .map(|a| a.id)
                .collect()
        }
    };
    repo::cancel(tx.conn(), &targets, reason, who.account_id, now).await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Appointment, id.0)
            .detail(format!("cancelled {} session(s): {reason}", targets.len())),
    )
    .await?;
    tx.commit().await?;
    Ok(targets.len() as i64)
}

/// The caller's own calendar feed.
pub async fn feed_status(db: &Db, who: &SignedIn) -> AppResult<FeedStatus> {
    let mut c = db.acquire().await?;
    let created = repo::feed_created(c.conn(), who.account_id).await?;
    Ok(FeedStatus {
        enabled: created.is_some(),
        url: None,
        created_at: created.map(|t| {
            local(who.time_zone, t)
                .format("%-d %b %Y %H:%M")
                .to_string()
        }),
    })
}

/// Turns the caller's feed on with a new token (any earlier address stops working) and
/// returns its path, shown once.
pub async fn enable_feed(db: &Db, who: &SignedIn) -> AppResult<(FeedStatus, String)> {
    let token = crate::auth::server::new_session_token();
    let now = now_ms();
    let mut tx = db.begin().await?;
    repo::set_feed(
        tx.conn(),
        who.practice_id,
        who.account_id,
        &crate::auth::server::hash_token(&token),
        now,
    )
    .await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::CalendarFeed, who.account_id.0).detail("turned on"),
    )
    .await?;
    tx.commit().await?;
    let path = format!("/calendar/{token}.ics");
    Ok((
        FeedStatus {
            enabled: true,
            url: Some(path.clone()),
            created_at: Some(
                local(who.time_zone, now)
                    .format("%-d %b %Y %H:%M")
                    .to_string(),
            ),
        },
        token,
    ))
}

pub async fn revoke_feed(db: &Db, who: &SignedIn) -> AppResult<FeedStatus> {
    let mut tx = db.begin().await?;
    let had = repo::revoke_feed(tx.conn(), who.account_id).await?;
    if had {
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::CalendarFeed, who.account_id.0).detail("revoked"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(FeedStatus {
        enabled: false,
        url: None,
        created_at: None,
    })
}
