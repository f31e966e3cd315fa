//! Scheduling: finding the case, checking the service, warning of double bookings and
//! unusual providers, and booking one session or a series.

use super::*;

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
pub(super) async fn service_list(c: Conn<'_>, who: &SignedIn) -> AppResult<Vec<ServiceChoice>> {
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
    when::on_day_at(wall(tz, at_ms))
}

/// Warnings for putting `sessions` (UTC ms ranges) on `providers`' calendars for `case`:
/// providers who do not usually see the case, and double bookings. Appointments in
/// `replacing` are the ones being moved and do not count.
/// Only the double bookings among the warnings for `sessions`: what moving sessions that
/// are already booked has to confirm (their case and providers were settled at booking).
pub(super) async fn double_bookings(
    tx: &mut Tx,
    who: &SignedIn,
    case: CaseId,
    providers: &[AccountId],
    sessions: &[(i64, i64)],
    replacing: &[i64],
) -> AppResult<Vec<Warning>> {
    let (warnings, _) = warnings_for(tx, who, case, providers, sessions, replacing).await?;
    Ok(warnings
        .into_iter()
        .filter(|w| matches!(w, Warning::DoubleBooked { .. }))
        .collect())
}

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
    let first_id = first_id.ok_or_else(|| AppError::internal("a new series wrote no session"))?;
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
