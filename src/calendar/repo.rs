//! Series, appointments, their providers, frozen rosters and calendar feeds in the
//! database. Server only.

use crate::access::visibility::{BindScope, VISIBLE_CASE};
use crate::domain::cases::CaseKind;
use crate::domain::schedule::{AppointmentStatus, Ends, MAX_MINUTES};
use crate::domain::{AccountId, AppointmentId, CaseId, PracticeId, Scope, SeriesId, ServiceId};
use crate::on_conn;
use crate::server::db::{Conn, DbError};
use chrono::NaiveDate;

/// How far before a range's start an appointment overlapping it can begin.
const LONGEST_MS: i64 = MAX_MINUTES * 60_000;

/// An expression for how many are expected at appointment `a` of case `a.case_id`: the
/// frozen roster, or the members active on the session's day.
const EXPECTED: &str = "(CASE WHEN a.roster_frozen
        THEN (SELECT COUNT(*) FROM session_roster r WHERE r.appointment_id = a.id)
        ELSE (SELECT COUNT(*) FROM memberships m WHERE m.case_id = a.case_id AND m.status = 'active'
              AND m.joined_on <= a.local_day AND (m.left_on IS NULL OR m.left_on > a.local_day)) END)";

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseChoiceRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: CaseKind,
    pub name: String,
    pub initials: Option<String>,
    pub default_service_id: Option<i64>,
    pub default_minutes: Option<i64>,
}

/// Cases the scope may see whose name or initials, or a current member's name, contain
/// `query`: what "type part of a group's name, initials or a client's name" finds.
pub async fn schedulable_cases(
    mut c: Conn<'_>,
    scope: &Scope,
    query: &str,
    limit: i64,
) -> Result<Vec<CaseChoiceRow>, DbError> {
    let sql = format!(
        "SELECT c.id, c.kind, c.name, c.initials, c.default_service_id, s.minutes AS default_minutes
         FROM cases c LEFT JOIN services s ON s.id = c.default_service_id
         WHERE {VISIBLE_CASE} AND (c.search_name LIKE $4 ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM memberships m JOIN people p ON p.id = m.person_id
                       WHERE m.case_id = c.id AND m.left_on IS NULL AND p.search_name LIKE $4 ESCAPE '\\'))
         ORDER BY (CASE WHEN c.kind IN ({}) THEN 0 ELSE 1 END), c.search_name, c.id
         LIMIT $5",
        crate::cases::repo::group_kinds()
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, CaseChoiceRow>(&sql)
            .bind_scope(scope)
            .bind(crate::server::db::like_pattern(query))
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// The usual providers and the accounts a case was shared with.
pub async fn case_staff(
    mut c: Conn<'_>,
    case: CaseId,
) -> Result<(Vec<AccountId>, Vec<AccountId>), DbError> {
    let rows: Vec<(i64, bool)> = on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT account_id, FALSE AS shared FROM case_providers WHERE case_id = $1
             UNION ALL SELECT account_id, TRUE AS shared FROM case_shares WHERE case_id = $1",
        )
        .bind(case.0)
        .fetch_all(&mut *c)
        .await?
    });
    let (shared, usual): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, s)| *s);
    Ok((
        usual.into_iter().map(|(a, _)| AccountId(a)).collect(),
        shared.into_iter().map(|(a, _)| AccountId(a)).collect(),
    ))
}

pub struct SeriesFields<'a> {
    pub case_id: CaseId,
    pub rule: &'a str,
    pub first_day: NaiveDate,
    pub start_time: &'a str,
    pub time_zone: &'a str,
    pub minutes: i64,
    pub ends: &'a Ends,
}

fn ends_parts(ends: &Ends) -> (Option<i64>, Option<String>) {
    match ends {
        Ends::After(n) => (Some(*n), None),
        Ends::On(day) => (None, Some(day.to_string())),
    }
}

pub async fn insert_series(
    mut c: Conn<'_>,
    scope: &Scope,
    f: &SeriesFields<'_>,
    now: i64,
) -> Result<SeriesId, DbError> {
    let (count, on) = ends_parts(f.ends);
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO series (practice_id, case_id, rule, first_day, start_time, time_zone, minutes,
                ends_count, ends_on, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(scope.practice_id.0)
        .bind(f.case_id.0)
        .bind(f.rule)
        .bind(f.first_day.to_string())
        .bind(f.start_time)
        .bind(f.time_zone)
        .bind(f.minutes)
        .bind(count)
        .bind(on)
        .bind(scope.account_id.0)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(SeriesId(id))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SeriesRow {
    pub id: i64,
    pub case_id: i64,
    pub rule: String,
    pub first_day: String,
    pub start_time: String,
    pub time_zone: String,
    pub minutes: i64,
    pub ends_count: Option<i64>,
    pub ends_on: Option<String>,
}

impl SeriesRow {
    pub fn ends(&self) -> Ends {
        match (&self.ends_count, &self.ends_on) {
            (Some(n), _) => Ends::After(*n),
            (None, Some(day)) => day.parse().map(Ends::On).unwrap_or(Ends::After(1)),
            (None, None) => Ends::After(1),
        }
    }
}

pub async fn series(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: SeriesId,
) -> Result<Option<SeriesRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, SeriesRow>(
            "SELECT id, case_id, rule, first_day, start_time, time_zone, minutes, ends_count, ends_on
             FROM series WHERE id = $1 AND practice_id = $2",
        )
        .bind(id.0)
        .bind(practice.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// Rewrites a series' terms (a whole-series edit) or only its end.
pub async fn update_series(
    mut c: Conn<'_>,
    id: SeriesId,
    f: &SeriesFields<'_>,
    now: i64,
) -> Result<(), DbError> {
    let (count, on) = ends_parts(f.ends);
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE series SET rule = $2, first_day = $3, start_time = $4, time_zone = $5, minutes = $6,
                ends_count = $7, ends_on = $8, updated_at = $9 WHERE id = $1",
        )
        .bind(id.0)
        .bind(f.rule)
        .bind(f.first_day.to_string())
        .bind(f.start_time)
        .bind(f.time_zone)
        .bind(f.minutes)
        .bind(count)
        .bind(on)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

pub async fn set_series_ends(
    mut c: Conn<'_>,
    id: SeriesId,
    ends: &Ends,
    now: i64,
) -> Result<(), DbError> {
    let (count, on) = ends_parts(ends);
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE series SET ends_count = $2, ends_on = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(id.0)
        .bind(count)
        .bind(on)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

pub struct AppointmentFields<'a> {
    pub case_id: CaseId,
    pub series: Option<(SeriesId, NaiveDate)>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub local_day: NaiveDate,
    pub service_id: Option<ServiceId>,
    pub location: Option<&'a str>,
    pub video_link: Option<&'a str>,
}

/// Inserts an appointment with its providers. A series occurrence whose day the series
/// already holds (a moved or documented session kept through an edit) is skipped: `None`.
pub async fn insert_appointment(
    mut c: Conn<'_>,
    scope: &Scope,
    f: &AppointmentFields<'_>,
    providers: &[AccountId],
    now: i64,
) -> Result<Option<AppointmentId>, DbError> {
    let id: Option<i64> = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO appointments (practice_id, case_id, series_id, occurrence_on, starts_at, ends_at,
                local_day, service_id, location, video_link, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
             ON CONFLICT (series_id, occurrence_on) DO NOTHING RETURNING id",
        )
        .bind(scope.practice_id.0)
        .bind(f.case_id.0)
        .bind(f.series.map(|(s, _)| s.0))
        .bind(f.series.map(|(_, on)| on.to_string()))
        .bind(f.starts_at)
        .bind(f.ends_at)
        .bind(f.local_day.to_string())
        .bind(f.service_id.map(|s| s.0))
        .bind(f.location)
        .bind(f.video_link)
        .bind(scope.account_id.0)
        .bind(now)
        .fetch_optional(&mut *c)
        .await?
    });
    let Some(id) = id else { return Ok(None) };
    for p in providers {
        on_conn!(c.re(), |c| {
            sqlx::query(
                "INSERT INTO appointment_providers (appointment_id, account_id, starts_at, ends_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(p.0)
            .bind(f.starts_at)
            .bind(f.ends_at)
            .execute(&mut *c)
            .await?;
        });
    }
    Ok(Some(AppointmentId(id)))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AppointmentRow {
    pub id: i64,
    pub case_id: i64,
    pub series_id: Option<i64>,
    pub occurrence_on: Option<String>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub local_day: String,
    pub service_id: Option<i64>,
    pub location: Option<String>,
    pub video_link: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: AppointmentStatus,
    pub cancel_reason: Option<String>,
    pub detached: bool,
    pub roster_frozen: bool,
}

const APPOINTMENT_COLUMNS: &str = "a.id, a.case_id, a.series_id, a.occurrence_on, a.starts_at, a.ends_at,
    a.local_day, a.service_id, a.location, a.video_link, a.status, a.cancel_reason, a.detached, a.roster_frozen";

/// One appointment of the practice (the caller checks the case).
pub async fn appointment(
    mut c: Conn<'_>,
    practice: PracticeId,
    id: AppointmentId,
) -> Result<Option<AppointmentRow>, DbError> {
    let sql = format!(
        "SELECT {APPOINTMENT_COLUMNS} FROM appointments a WHERE a.id = $1 AND a.practice_id = $2"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, AppointmentRow>(&sql)
            .bind(id.0)
            .bind(practice.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// The appointments of a series from a day on (all of them from the first day).
pub async fn series_appointments(
    mut c: Conn<'_>,
    series: SeriesId,
    from_day: NaiveDate,
) -> Result<Vec<AppointmentRow>, DbError> {
    let sql = format!(
        "SELECT {APPOINTMENT_COLUMNS} FROM appointments a
         WHERE a.series_id = $1 AND a.occurrence_on >= $2 ORDER BY a.occurrence_on"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, AppointmentRow>(&sql)
            .bind(series.0)
            .bind(from_day.to_string())
            .fetch_all(&mut *c)
            .await?
    }))
}

pub async fn providers_of(mut c: Conn<'_>, ids: &[i64]) -> Result<Vec<(i64, i64)>, DbError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT appointment_id, account_id FROM appointment_providers
             WHERE appointment_id IN ({}) ORDER BY appointment_id, account_id",
            marks.join(",")
        );
        let rows: Vec<(i64, i64)> = on_conn!(c.re(), |c| {
            let mut q = sqlx::query_as(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Re-plans a session in place: its series day, times and place change, its id and
/// history stay. `detach` marks a session moved on its own, which later series edits leave
/// alone; a series edit re-planning its sessions does not. `f.series` of `None` keeps the
/// session's series as it is.
pub async fn replan(
    mut c: Conn<'_>,
    id: AppointmentId,
    f: &AppointmentFields<'_>,
    detach: bool,
    now: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE appointments SET series_id = COALESCE($2, series_id), occurrence_on = COALESCE($3, occurrence_on),
                starts_at = $4, ends_at = $5, local_day = $6, location = $7, video_link = $8,
                detached = (detached OR $9), updated_at = $10 WHERE id = $1",
        )
        .bind(id.0)
        .bind(f.series.map(|(s, _)| s.0))
        .bind(f.series.map(|(_, on)| on.to_string()))
        .bind(f.starts_at)
        .bind(f.ends_at)
        .bind(f.local_day.to_string())
        .bind(f.location)
        .bind(f.video_link)
        .bind(detach)
        .bind(now)
        .execute(&mut *c)
        .await?;
        sqlx::query("UPDATE appointment_providers SET starts_at = $2, ends_at = $3 WHERE appointment_id = $1")
            .bind(id.0)
            .bind(f.starts_at)
            .bind(f.ends_at)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// Deletes planned sessions a series edit no longer has.
pub async fn delete_appointments(mut c: Conn<'_>, ids: &[i64]) -> Result<(), DbError> {
    for id in ids {
        on_conn!(c.re(), |c| {
            sqlx::query("DELETE FROM appointments WHERE id = $1 AND status = 'scheduled' AND roster_frozen = FALSE")
                .bind(*id)
                .execute(&mut *c)
                .await?;
        });
    }
    Ok(())
}

/// Whether a session is documented: someone's attendance is recorded on it, or its group
/// note is started. Such a session stays on record as held; it is corrected, not cancelled.
pub async fn is_documented(mut c: Conn<'_>, id: AppointmentId) -> Result<bool, DbError> {
    let documented: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT CAST(CASE WHEN
                EXISTS (SELECT 1 FROM attendance WHERE appointment_id = $1 AND choice IS NOT NULL)
                OR EXISTS (SELECT 1 FROM group_notes WHERE appointment_id = $1)
             THEN 1 ELSE 0 END AS BIGINT)",
        )
        .bind(id.0)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(documented == 1)
}

/// Cancels appointments, keeping them with the reason.
pub async fn cancel(
    mut c: Conn<'_>,
    ids: &[i64],
    reason: &str,
    by: AccountId,
    now: i64,
) -> Result<(), DbError> {
    for id in ids {
        on_conn!(c.re(), |c| {
            sqlx::query(
                "UPDATE appointments SET status = 'cancelled', cancel_reason = $2, cancelled_by = $3,
                    cancelled_at = $4, detached = TRUE, updated_at = $4 WHERE id = $1",
            )
            .bind(*id)
            .bind(reason)
            .bind(by.0)
            .bind(now)
            .execute(&mut *c)
            .await?;
        });
    }
    Ok(())
}

/// Deletes a series' sessions from `from_day` on that are still only plans (ending a
/// series): scheduled, not documented and not yet begun, moved ones included. Returns how
/// many.
pub async fn delete_planned(
    mut c: Conn<'_>,
    series: SeriesId,
    from_day: NaiveDate,
    now: i64,
) -> Result<u64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query(
            "DELETE FROM appointments WHERE series_id = $1 AND occurrence_on >= $2 AND status = 'scheduled'
               AND roster_frozen = FALSE AND starts_at > $3",
        )
        .bind(series.0)
        .bind(from_day.to_string())
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected()
    }))
}

/// Hands a series' remaining sessions from `from_day` on to another series (the new half of
/// a "this and following" edit), so moved and documented sessions stay with their series.
pub async fn reassign_series(
    mut c: Conn<'_>,
    from: SeriesId,
    to: SeriesId,
    from_day: NaiveDate,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE appointments SET series_id = $2 WHERE series_id = $1 AND occurrence_on >= $3",
        )
        .bind(from.0)
        .bind(to.0)
        .bind(from_day.to_string())
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Copies the rosters of this case's sessions that have ended into `session_roster`, so that
/// a membership change about to be made never reaches past sessions.
pub async fn freeze_ended_rosters(mut c: Conn<'_>, case: CaseId, now: i64) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO session_roster (appointment_id, person_id)
             SELECT a.id, m.person_id FROM appointments a JOIN memberships m ON m.case_id = a.case_id
             WHERE a.case_id = $1 AND a.ends_at <= $2 AND a.roster_frozen = FALSE
               AND m.status = 'active' AND m.joined_on <= a.local_day
               AND (m.left_on IS NULL OR m.left_on > a.local_day)",
        )
        .bind(case.0)
        .bind(now)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "UPDATE appointments SET roster_frozen = TRUE
             WHERE case_id = $1 AND ends_at <= $2 AND roster_frozen = FALSE",
        )
        .bind(case.0)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Freezes one session's roster as membership makes it now: attendance is being recorded,
/// so the session is documented and keeps its roster. Returns whether this call froze it.
/// The UPDATE comes first so that, on Postgres, concurrent callers wait on the
/// appointment's row and then find it frozen.
pub async fn freeze_roster(mut c: Conn<'_>, id: AppointmentId) -> Result<bool, DbError> {
    Ok(on_conn!(c.re(), |c| {
        let frozen = sqlx::query(
            "UPDATE appointments SET roster_frozen = TRUE WHERE id = $1 AND roster_frozen = FALSE",
        )
        .bind(id.0)
        .execute(&mut *c)
        .await?
        .rows_affected()
            == 1;
        if frozen {
            sqlx::query(
                "INSERT INTO session_roster (appointment_id, person_id)
                 SELECT a.id, m.person_id FROM appointments a JOIN memberships m ON m.case_id = a.case_id
                 WHERE a.id = $1 AND m.status = 'active' AND m.joined_on <= a.local_day
                   AND (m.left_on IS NULL OR m.left_on > a.local_day)
                 ON CONFLICT DO NOTHING",
            )
            .bind(id.0)
            .execute(&mut *c)
            .await?;
        }
        frozen
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RosterRow {
    pub person_id: i64,
    pub legal_name: String,
    pub preferred_name: Option<String>,
}

/// A frozen session's roster.
pub async fn frozen_roster(mut c: Conn<'_>, id: AppointmentId) -> Result<Vec<RosterRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, RosterRow>(
            "SELECT p.id AS person_id, p.legal_name, p.preferred_name FROM session_roster r
             JOIN people p ON p.id = r.person_id WHERE r.appointment_id = $1 ORDER BY p.search_name",
        )
        .bind(id.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub case_id: i64,
    pub series_id: Option<i64>,
    pub starts_at: i64,
    pub ends_at: i64,
    #[sqlx(try_from = "String")]
    pub status: AppointmentStatus,
    #[sqlx(try_from = "String")]
    pub kind: CaseKind,
    pub name: String,
    pub initials: Option<String>,
    pub capacity: Option<i64>,
    pub visible: bool,
    pub expected: i64,
}

/// The columns of an [`EventRow`], for queries aliasing appointments `a` and cases `c` and
/// binding $1 practice, $2 account and $3 sees-every-case.
fn event_columns() -> String {
    format!(
        "a.id, a.case_id, a.series_id, a.starts_at, a.ends_at, a.status, c.kind, c.name, c.initials,
            c.capacity, (CASE WHEN {VISIBLE_CASE} THEN TRUE ELSE FALSE END) AS visible, {EXPECTED} AS expected"
    )
}

/// Appointments overlapping `[from, to)` (UTC ms) for the given providers, or the whole
/// practice when `providers` is `None`, each marked with whether the scope may see its case.
///
/// A provider's calendar is read from `appointment_providers(account_id, starts_at)`, one
/// index range whatever the practice's size. The practice check is written `+a.practice_id`
/// so that SQLite (which has no statistics here) does not drive the query from the
/// practice's whole appointment history instead; Postgres reads it as the same comparison.
pub async fn events(
    mut c: Conn<'_>,
    scope: &Scope,
    providers: Option<&[AccountId]>,
    from: i64,
    to: i64,
) -> Result<Vec<EventRow>, DbError> {
    let columns = event_columns();
    let sql = match providers {
        None => format!(
            "SELECT {columns} FROM appointments a JOIN cases c ON c.id = a.case_id
             WHERE a.practice_id = $1 AND a.starts_at >= $4 AND a.starts_at < $5 AND a.ends_at > $6
             ORDER BY a.starts_at, a.id"
        ),
        Some(ids) => {
            let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 7)).collect();
            format!(
                "SELECT {columns} FROM appointment_providers ap
                 JOIN appointments a ON a.id = ap.appointment_id JOIN cases c ON c.id = a.case_id
                 WHERE ap.account_id IN ({}) AND ap.starts_at >= $4 AND ap.starts_at < $5 AND ap.ends_at > $6
                   AND +a.practice_id = $1
                 ORDER BY a.starts_at, a.id",
                marks.join(",")
            )
        }
    };
    let ids: Vec<i64> = providers.unwrap_or(&[]).iter().map(|a| a.0).collect();
    let mut rows = on_conn!(c.re(), |c| {
        let mut q = sqlx::query_as::<_, EventRow>(&sql)
            .bind_scope(scope)
            .bind(from - LONGEST_MS)
            .bind(to)
            .bind(from);
        for id in &ids {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *c).await?
    });
    // A session run by two of the shown providers comes once per provider; keep one.
    rows.dedup_by_key(|r| r.id);
    Ok(rows)
}

/// The same columns for one appointment.
pub async fn event(
    mut c: Conn<'_>,
    scope: &Scope,
    id: AppointmentId,
) -> Result<Option<EventRow>, DbError> {
    let sql = format!(
        "SELECT {} FROM appointments a JOIN cases c ON c.id = a.case_id WHERE a.id = $4 AND a.practice_id = $1",
        event_columns()
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, EventRow>(&sql)
            .bind_scope(scope)
            .bind(id.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BusyRow {
    pub appointment_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub initials: Option<String>,
    pub name: String,
    pub visible: bool,
}

/// A provider's scheduled appointments overlapping `[from, to)`.
pub async fn busy(
    mut c: Conn<'_>,
    scope: &Scope,
    provider: AccountId,
    from: i64,
    to: i64,
) -> Result<Vec<BusyRow>, DbError> {
    let sql = format!(
        "SELECT ap.appointment_id, ap.starts_at, ap.ends_at, c.initials, c.name,
            (CASE WHEN {VISIBLE_CASE} THEN TRUE ELSE FALSE END) AS visible
         FROM appointment_providers ap JOIN appointments a ON a.id = ap.appointment_id
         JOIN cases c ON c.id = a.case_id
         WHERE ap.account_id = $4 AND ap.starts_at >= $5 AND ap.starts_at < $6 AND ap.ends_at > $7
           AND a.status = 'scheduled'
         ORDER BY ap.starts_at"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, BusyRow>(&sql)
            .bind_scope(scope)
            .bind(provider.0)
            .bind(from - LONGEST_MS)
            .bind(to)
            .bind(from)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// Turns a provider's feed on with a new token (replacing any earlier one).
pub async fn set_feed(
    mut c: Conn<'_>,
    practice: PracticeId,
    account: AccountId,
    token_hash: &str,
    now: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("DELETE FROM calendar_feeds WHERE account_id = $1")
            .bind(account.0)
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "INSERT INTO calendar_feeds (account_id, practice_id, token_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(account.0)
        .bind(practice.0)
        .bind(token_hash)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

pub async fn revoke_feed(mut c: Conn<'_>, account: AccountId) -> Result<bool, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query("DELETE FROM calendar_feeds WHERE account_id = $1")
            .bind(account.0)
            .execute(&mut *c)
            .await?
            .rows_affected()
            > 0
    }))
}

/// When the account's feed was turned on, if it is.
pub async fn feed_created(mut c: Conn<'_>, account: AccountId) -> Result<Option<i64>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar("SELECT created_at FROM calendar_feeds WHERE account_id = $1")
            .bind(account.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// The feed's owner, for an active account only.
pub async fn feed_owner(
    mut c: Conn<'_>,
    token_hash: &str,
) -> Result<Option<(PracticeId, AccountId)>, DbError> {
    let row: Option<(i64, i64)> = on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT f.practice_id, f.account_id FROM calendar_feeds f JOIN accounts a ON a.id = f.account_id
             WHERE f.token_hash = $1 AND a.active = TRUE",
        )
        .bind(token_hash)
        .fetch_optional(&mut *c)
        .await?
    });
    Ok(row.map(|(p, a)| (PracticeId(p), AccountId(a))))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FeedRow {
    pub id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    #[sqlx(try_from = "String")]
    pub status: AppointmentStatus,
    #[sqlx(try_from = "String")]
    pub kind: CaseKind,
    pub initials: Option<String>,
    pub updated_at: i64,
}

/// A provider's appointments in `[from, to)` for their feed: no names, only what the feed
/// may carry.
pub async fn feed_events(
    mut c: Conn<'_>,
    practice: PracticeId,
    account: AccountId,
    from: i64,
    to: i64,
) -> Result<Vec<FeedRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, FeedRow>(
            "SELECT a.id, a.starts_at, a.ends_at, a.status, c.kind, c.initials, a.updated_at
             FROM appointment_providers ap JOIN appointments a ON a.id = ap.appointment_id
             JOIN cases c ON c.id = a.case_id
             WHERE ap.account_id = $1 AND +a.practice_id = $2 AND ap.starts_at >= $3 AND ap.starts_at < $4
             ORDER BY ap.starts_at",
        )
        .bind(account.0)
        .bind(practice.0)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *c)
        .await?
    }))
}
