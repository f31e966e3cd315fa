//! A booked session: its details, moving it or its series (planned by
//! `domain::schedule::plan_series_edit`), ending a series and cancelling.

use super::*;

/// The appointment panel, audited as a read (it shows the roster).
pub async fn appointment_details(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
) -> AppResult<AppointmentDetails> {
    let tz = who.time_zone;
    let mut tx = db.begin_read().await?;
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
    tx.commit().await?;
    crate::audit::server::read(db, who, Event::read(ObjectKind::Appointment, id.0)).await?;
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
        let warnings = double_bookings(
            &mut tx,
            who,
            CaseId(case.id),
            &providers,
            &[(start, end)],
            &[row.id],
        )
        .await?;
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
                .detail(format!("moved to {new_day} {}", when::clock(at))),
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
    let old_days: Vec<NaiveDate> = series_sessions(&series)?.iter().map(|o| o.on).collect();
    let SeriesEdit {
        split_at,
        first_day,
        rule,
        old_ends,
        new_ends,
    } = plan_series_edit(
        span == Span::WholeSeries,
        day("day", &series.first_day)?,
        &series.rule,
        &series.ends(),
        &old_days,
        this_day,
        new_day,
    )
    .map_err(|m| AppError::invalid("span", m))?;
    let plan: Vec<(NaiveDate, i64)> = recurrence::expand(&rule, first_day, at, tz, &new_ends)
        .map_err(|m| AppError::invalid("repeat", m))?
        .iter()
        .map(|o| (o.on, ms(o.starts_at)))
        .collect();
    // The sessions this edit may replace: planned ones of the series from the split on.
    let existing: Vec<SeriesSession> = repo::series_appointments(tx.conn(), series_id, split_at)
        .await?
        .iter()
        .map(|a| SeriesSession {
            id: a.id,
            on: a.occurrence_on.as_deref().and_then(|d| d.parse().ok()),
            replaceable: replaceable(a.status, a.detached, a.roster_frozen, a.starts_at, now),
        })
        .collect();
    let rewrite = rewrite_series(&existing, &plan, minutes, now);
    let spans: Vec<(i64, i64)> = rewrite
        .sessions
        .iter()
        .map(|s| (s.starts_at_ms, s.ends_at_ms))
        .collect();
    let warnings = double_bookings(
        &mut tx,
        who,
        CaseId(case.id),
        &providers,
        &spans,
        &rewrite.replacing,
    )
    .await?;
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
    // Re-planned sessions keep their ids; the sessions the plan no longer has go before
    // new days get new sessions, so a day is never held twice.
    let service = row.service_id.map(ServiceId);
    let fields_of = |s: &PlannedSession| AppointmentFields {
        case_id: CaseId(case.id),
        series: Some((target, s.on)),
        starts_at: s.starts_at_ms,
        ends_at: s.ends_at_ms,
        local_day: s.on,
        service_id: service,
        location: location.as_deref(),
        video_link: video.as_deref(),
    };
    let (mut edited, mut first_new, mut count) = (None, None, 0);
    for s in &rewrite.sessions {
        if let Some(existing) = s.reuses.map(AppointmentId) {
            repo::replan(tx.conn(), existing, &fields_of(s), false, now).await?;
            count += 1;
            first_new = first_new.or(Some(existing));
            if s.on == new_day {
                edited = Some(existing);
            }
        }
    }
    repo::delete_appointments(tx.conn(), &rewrite.remove).await?;
    for s in rewrite.sessions.iter().filter(|s| s.reuses.is_none()) {
        let made =
            repo::insert_appointment(tx.conn(), &who.scope(), &fields_of(s), &providers, now)
                .await?;
        if made.is_some() {
            count += 1;
        }
        first_new = first_new.or(made);
        if s.on == new_day {
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

/// Why a documented session is not cancelled: its attendance and note are what happened,
/// and billing and charts rest on them.
const DOCUMENTED: &str = "This session is documented (attendance or a note is recorded), so it \
    stays on record as held. To change what happened, correct its attendance instead.";

/// Cancels one session, this and the following ones, or a whole series, keeping them on
/// record with the reason. A documented session is never cancelled: alone it is refused; in
/// a span it is left as held. Returns how many were cancelled.
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
            if repo::is_documented(tx.conn(), AppointmentId(row.id)).await? {
                return Err(AppError::Conflict(DOCUMENTED.into()));
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
            let candidates: Vec<i64> = repo::series_appointments(tx.conn(), SeriesId(series), from)
                .await?
                .into_iter()
                .filter(|a| {
                    a.status == AppointmentStatus::Scheduled
                        && !a.roster_frozen
                        && (a.starts_at > now || a.id == row.id)
                })
                .map(|a| a.id)
                .collect();
            // The session asked about may be under way or held already: kept if documented.
            let mut kept = Vec::with_capacity(candidates.len());
            for candidate in candidates {
                if !repo::is_documented(tx.conn(), AppointmentId(candidate)).await? {
                    kept.push(candidate);
                }
            }
            if kept.is_empty() {
                return Err(AppError::Conflict(DOCUMENTED.into()));
            }
            kept
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
