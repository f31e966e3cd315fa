//! Reminders in the database: settings, the plan, and what a link may answer. Server only.

use crate::domain::reminders::{ReminderSettings, ReminderStatus};
use crate::domain::{AppointmentId, CaseId, PersonId, PracticeId};
use crate::on_conn;
use crate::server::db::{statement_chunks, Conn, DbError};

#[derive(sqlx::FromRow)]
struct SettingsRow {
    enabled: bool,
    first_lead_minutes: i64,
    second_lead_minutes: Option<i64>,
    window_start_minute: i64,
    window_end_minute: i64,
}

/// The practice's settings, or the defaults while it has saved none.
pub async fn settings(mut c: Conn<'_>, practice: PracticeId) -> Result<ReminderSettings, DbError> {
    let row: Option<SettingsRow> = on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT enabled, first_lead_minutes, second_lead_minutes, window_start_minute,
                    window_end_minute
             FROM reminder_settings WHERE practice_id = $1",
        )
        .bind(practice.0)
        .fetch_optional(&mut *c)
        .await?
    });
    Ok(row
        .map(|r| ReminderSettings {
            enabled: r.enabled,
            first_lead_minutes: r.first_lead_minutes,
            second_lead_minutes: r.second_lead_minutes,
            window_start_minute: r.window_start_minute,
            window_end_minute: r.window_end_minute,
        })
        .unwrap_or_default())
}

pub async fn save_settings(
    mut c: Conn<'_>,
    practice: PracticeId,
    s: &ReminderSettings,
    now: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO reminder_settings
                (practice_id, enabled, first_lead_minutes, second_lead_minutes,
                 window_start_minute, window_end_minute, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (practice_id) DO UPDATE SET
                enabled = excluded.enabled,
                first_lead_minutes = excluded.first_lead_minutes,
                second_lead_minutes = excluded.second_lead_minutes,
                window_start_minute = excluded.window_start_minute,
                window_end_minute = excluded.window_end_minute,
                updated_at = excluded.updated_at",
        )
        .bind(practice.0)
        .bind(s.enabled)
        .bind(s.first_lead_minutes)
        .bind(s.second_lead_minutes)
        .bind(s.window_start_minute)
        .bind(s.window_end_minute)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Every practice and its time zone, for the planner.
pub async fn practices(mut c: Conn<'_>) -> Result<Vec<(i64, String)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as("SELECT id, time_zone FROM practices ORDER BY id")
            .fetch_all(&mut *c)
            .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GroupNaming {
    pub id: i64,
    pub name: String,
    pub name_in_reminders: bool,
}

/// The practice's group cases, and whether reminders may name each.
pub async fn groups(mut c: Conn<'_>, practice: PracticeId) -> Result<Vec<GroupNaming>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT id, name, name_in_reminders FROM cases
             WHERE practice_id = $1
               AND kind IN ('therapy_group','workshop','consultation_group')
             ORDER BY search_name, id",
        )
        .bind(practice.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Sets whether reminders name a case; false when the practice has no such case.
pub async fn set_case_named(
    mut c: Conn<'_>,
    practice: PracticeId,
    case: CaseId,
    named: bool,
) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query("UPDATE cases SET name_in_reminders = $1 WHERE id = $2 AND practice_id = $3")
            .bind(named)
            .bind(case.0)
            .bind(practice.0)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    Ok(done == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonChoice {
    pub reminders_off: bool,
    pub time_zone: Option<String>,
    pub email: Option<String>,
}

pub async fn person_choice(
    mut c: Conn<'_>,
    practice: PracticeId,
    person: PersonId,
) -> Result<Option<PersonChoice>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT reminders_off, time_zone, email FROM people WHERE id = $1 AND practice_id = $2",
        )
        .bind(person.0)
        .bind(practice.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

pub async fn set_person_choice(
    mut c: Conn<'_>,
    practice: PracticeId,
    person: PersonId,
    reminders_off: bool,
    time_zone: Option<&str>,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE people SET reminders_off = $1, time_zone = $2 WHERE id = $3 AND practice_id = $4",
        )
        .bind(reminders_off)
        .bind(time_zone)
        .bind(person.0)
        .bind(practice.0)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Someone on an upcoming session's roster who can be reminded (an address, reminders on,
/// not declined), as the planner needs them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Candidate {
    pub appointment_id: i64,
    pub person_id: i64,
    pub starts_at: i64,
    pub time_zone: Option<String>,
}

const CANDIDATE_FILTER: &str = "p.email IS NOT NULL AND p.email <> '' AND p.reminders_off = FALSE
    AND NOT EXISTS (SELECT 1 FROM attendance t WHERE t.appointment_id = a.id
                    AND t.person_id = p.id AND t.confirmation = 'declined')";

/// Everyone to remind of the practice's sessions starting in `(from, to]`: the members
/// active on each session's day or, once its roster is frozen, those on it.
pub async fn candidates(
    mut c: Conn<'_>,
    practice: PracticeId,
    from: i64,
    to: i64,
) -> Result<Vec<Candidate>, DbError> {
    let sql = format!(
        "SELECT a.id AS appointment_id, p.id AS person_id, a.starts_at, p.time_zone
         FROM appointments a
         JOIN memberships m ON m.case_id = a.case_id AND m.status = 'active'
              AND m.joined_on <= a.local_day AND (m.left_on IS NULL OR m.left_on > a.local_day)
         JOIN people p ON p.id = m.person_id
         WHERE a.practice_id = $1 AND a.status = 'scheduled' AND a.roster_frozen = FALSE
           AND a.starts_at > $2 AND a.starts_at <= $3 AND {CANDIDATE_FILTER}
         UNION ALL
         SELECT a.id, p.id, a.starts_at, p.time_zone
         FROM appointments a
         JOIN session_roster r ON r.appointment_id = a.id
         JOIN people p ON p.id = r.person_id
         WHERE a.practice_id = $1 AND a.status = 'scheduled' AND a.roster_frozen = TRUE
           AND a.starts_at > $2 AND a.starts_at <= $3 AND {CANDIDATE_FILTER}"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(from)
            .bind(to)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// A reminder still to send, as the planner compares it with the plan.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PlannedRow {
    pub id: i64,
    pub appointment_id: i64,
    pub person_id: i64,
    pub lead_minutes: i64,
    pub session_starts_at: i64,
    pub due_at: i64,
}

/// The practice's planned reminders not yet due. Those already due are the sender's: it
/// checks them at send time, so the planner never takes one away from under it.
pub async fn planned_ahead(
    mut c: Conn<'_>,
    practice: PracticeId,
    now: i64,
) -> Result<Vec<PlannedRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT id, appointment_id, person_id, lead_minutes, session_starts_at, due_at
             FROM reminders
             WHERE practice_id = $1 AND status = 'planned' AND due_at > $2",
        )
        .bind(practice.0)
        .bind(now)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// A reminder to add to the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReminder {
    pub appointment_id: i64,
    pub person_id: i64,
    pub lead_minutes: i64,
    pub session_starts_at: i64,
    pub due_at: i64,
}

/// Adds reminders to the plan; one already planned, sent or skipped for the same session,
/// person, lead time and start stays as it is. Returns how many were added.
pub async fn insert_planned(
    mut c: Conn<'_>,
    practice: PracticeId,
    rows: &[NewReminder],
    now: i64,
) -> Result<u64, DbError> {
    let mut added = 0;
    for chunk in statement_chunks(rows, 256) {
        added += on_conn!(c.re(), |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO reminders
                    (practice_id, appointment_id, person_id, lead_minutes, session_starts_at,
                     due_at, status, created_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(practice.0)
                    .push_bind(r.appointment_id)
                    .push_bind(r.person_id)
                    .push_bind(r.lead_minutes)
                    .push_bind(r.session_starts_at)
                    .push_bind(r.due_at)
                    .push_bind(ReminderStatus::Planned.as_str())
                    .push_bind(now);
            });
            q.push(
                " ON CONFLICT (appointment_id, person_id, lead_minutes, session_starts_at) DO NOTHING",
            );
            q.build().execute(&mut *c).await?.rows_affected()
        });
    }
    Ok(added)
}

/// Takes planned reminders out of the plan (the session moved, the person left).
pub async fn delete_planned(mut c: Conn<'_>, ids: &[i64]) -> Result<(), DbError> {
    for chunk in statement_chunks(ids, 256) {
        on_conn!(c.re(), |c| {
            let mut q = sqlx::QueryBuilder::new(
                "DELETE FROM reminders WHERE status = 'planned' AND id IN (",
            );
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(")");
            q.build().execute(&mut *c).await?;
        });
    }
    Ok(())
}

pub async fn set_due(mut c: Conn<'_>, id: i64, due_at: i64) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE reminders SET due_at = $1 WHERE id = $2 AND status = 'planned'")
            .bind(due_at)
            .bind(id)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// People with a reminder due by `now`, a batch at a time.
pub async fn due_people(mut c: Conn<'_>, now: i64, limit: i64) -> Result<Vec<(i64, i64)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT DISTINCT practice_id, person_id FROM reminders
             WHERE status = 'planned' AND due_at <= $1
             ORDER BY practice_id, person_id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// A planned reminder of one person with what decides, at send time, whether it goes.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueRow {
    pub id: i64,
    pub appointment_id: i64,
    pub lead_minutes: i64,
    pub session_starts_at: i64,
    pub due_at: i64,
    pub starts_at: i64,
    pub cancelled: bool,
    pub case_name: String,
    pub name_in_reminders: bool,
    pub declined: bool,
    pub on_roster: bool,
}

/// Whether reminder `r`'s person is on session `a`'s roster: its frozen roster, or the case's
/// members active on its day while it still follows membership.
const ON_ROSTER: &str = "CASE WHEN a.roster_frozen
         THEN EXISTS (SELECT 1 FROM session_roster s
                      WHERE s.appointment_id = a.id AND s.person_id = r.person_id)
         ELSE EXISTS (SELECT 1 FROM memberships m
                      WHERE m.case_id = a.case_id AND m.person_id = r.person_id
                        AND m.status = 'active' AND m.joined_on <= a.local_day
                        AND (m.left_on IS NULL OR m.left_on > a.local_day))
    END AS on_roster";

/// Every planned reminder of a person, with the session as it is now.
pub async fn planned_for_person(mut c: Conn<'_>, person: PersonId) -> Result<Vec<DueRow>, DbError> {
    let sql = format!(
            "SELECT r.id, r.appointment_id, r.lead_minutes, r.session_starts_at, r.due_at,
                    a.starts_at, a.status = 'cancelled' AS cancelled, k.name AS case_name,
                    k.name_in_reminders,
                    EXISTS (SELECT 1 FROM attendance t WHERE t.appointment_id = a.id
                            AND t.person_id = r.person_id AND t.confirmation = 'declined') AS declined,
                    {ON_ROSTER}
             FROM reminders r
             JOIN appointments a ON a.id = r.appointment_id
             JOIN cases k ON k.id = a.case_id
             WHERE r.person_id = $1 AND r.status = 'planned'
             ORDER BY a.starts_at, r.id"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(person.0)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// Who a reminder greets and where it goes.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Recipient {
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub email: Option<String>,
    pub reminders_off: bool,
    pub time_zone: Option<String>,
    pub practice_name: String,
    pub practice_time_zone: String,
}

pub async fn recipient(mut c: Conn<'_>, person: PersonId) -> Result<Option<Recipient>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT p.legal_name, p.preferred_name, p.email, p.reminders_off, p.time_zone,
                    pr.name AS practice_name, pr.time_zone AS practice_time_zone
             FROM people p JOIN practices pr ON pr.id = p.practice_id
             WHERE p.id = $1",
        )
        .bind(person.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// Marks a planned reminder sent (with its link) or skipped; false when it is no longer
/// planned (another worker got there first).
pub async fn settle(
    mut c: Conn<'_>,
    id: i64,
    status: ReminderStatus,
    reason: Option<&str>,
    link_token_hash: Option<&str>,
    now: i64,
) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE reminders SET status = $1, skip_reason = $2, link_token_hash = $3, sent_at = $4
             WHERE id = $5 AND status = 'planned'",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(link_token_hash)
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(done == 1)
}

/// The person stopped reminders themselves (through a reminder's link).
pub async fn set_reminders_off(mut c: Conn<'_>, person: PersonId) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE people SET reminders_off = TRUE WHERE id = $1")
            .bind(person.0)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// Skips every planned reminder of a person (they stopped reminders).
pub async fn skip_person(
    mut c: Conn<'_>,
    person: PersonId,
    reason: &str,
    now: i64,
) -> Result<u64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE reminders SET status = 'skipped', skip_reason = $1, sent_at = $2
             WHERE person_id = $3 AND status = 'planned'",
        )
        .bind(reason)
        .bind(now)
        .bind(person.0)
        .execute(&mut *c)
        .await?
        .rows_affected()
    }))
}

/// What a reminder's link stands for.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LinkRow {
    pub practice_id: i64,
    pub appointment_id: i64,
    pub person_id: i64,
    pub session_starts_at: i64,
    pub starts_at: i64,
    pub cancelled: bool,
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub reminders_off: bool,
    pub time_zone: Option<String>,
    pub practice_name: String,
    pub practice_time_zone: String,
    pub case_name: String,
    pub name_in_reminders: bool,
    pub confirmation: Option<String>,
    pub on_roster: bool,
}

pub async fn by_link(mut c: Conn<'_>, token_hash: &str) -> Result<Option<LinkRow>, DbError> {
    let sql = format!(
            "SELECT r.practice_id, r.appointment_id, r.person_id,
                    r.session_starts_at, a.starts_at, a.status = 'cancelled' AS cancelled,
                    p.legal_name, p.preferred_name, p.reminders_off, p.time_zone,
                    pr.name AS practice_name, pr.time_zone AS practice_time_zone,
                    k.name AS case_name, k.name_in_reminders, t.confirmation,
                    {ON_ROSTER}
             FROM reminders r
             JOIN appointments a ON a.id = r.appointment_id
             JOIN cases k ON k.id = a.case_id
             JOIN people p ON p.id = r.person_id
             JOIN practices pr ON pr.id = r.practice_id
             LEFT JOIN attendance t ON t.appointment_id = r.appointment_id AND t.person_id = r.person_id
             WHERE r.link_token_hash = $1 AND r.status = 'sent'"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(token_hash)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// A person's reminders of sessions from `from` on, for their page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonReminder {
    pub session_starts_at: i64,
    pub due_at: i64,
    pub status: String,
    pub skip_reason: Option<String>,
    pub sent_at: Option<i64>,
    pub case_name: String,
}

pub async fn for_person(
    mut c: Conn<'_>,
    person: PersonId,
    from: i64,
    limit: i64,
) -> Result<Vec<PersonReminder>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT r.session_starts_at, r.due_at, r.status, r.skip_reason, r.sent_at,
                    k.name AS case_name
             FROM reminders r
             JOIN appointments a ON a.id = r.appointment_id
             JOIN cases k ON k.id = a.case_id
             WHERE r.person_id = $1 AND r.session_starts_at >= $2
             ORDER BY r.due_at, r.id LIMIT $3",
        )
        .bind(person.0)
        .bind(from)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// A session's reminders as `(person, lead, status, due)`: what the repository tests check
/// the plan against.
pub async fn for_appointment(
    mut c: Conn<'_>,
    appointment: AppointmentId,
) -> Result<Vec<(i64, i64, String, i64)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT person_id, lead_minutes, status, due_at FROM reminders
             WHERE appointment_id = $1 ORDER BY person_id, lead_minutes DESC, id",
        )
        .bind(appointment.0)
        .fetch_all(&mut *c)
        .await?
    }))
}
