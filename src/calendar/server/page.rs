//! The calendar page: a day, week or month of one provider's or everyone's sessions.

use super::*;

fn event_title(row: &EventRow) -> (Option<CaseKind>, String) {
    if !row.visible {
        return (None, "Busy".into());
    }
    (
        Some(row.kind),
        case_title(row.initials.as_deref(), &row.name),
    )
}

pub(super) fn to_event(row: &EventRow, providers: &[(i64, i64)], tz: Tz) -> CalendarEvent {
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
        time_label: when::clock_range(start.time(), end.time()),
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
    let services = service_list(c.conn(), who).await?;
    drop(c);
    // A view naming cases and counting their rosters is a read of health information.
    let named = rows.iter().filter(|r| r.visible).count();
    if named > 0 {
        crate::audit::server::read(
            db,
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
        CalendarView::Day => when::long_date(on),
        CalendarView::Week => when::date_range(first, last),
        CalendarView::Month => when::month(on),
    };
    Ok(CalendarPage {
        view,
        day: on.to_string(),
        today: who.today().to_string(),
        title,
        days,
        columns,
        staff: all_staff,
        services,
        me: who.account_id,
        events,
        previous: view.step(on, false).to_string(),
        next: view.step(on, true).to_string(),
    })
}
