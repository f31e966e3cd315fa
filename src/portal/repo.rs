//! The portal's rows: one person's sessions with their own attendance, their calendar feed
//! and their requests, and the staff side of those requests. Every portal query is keyed by
//! the one person the portal account stands for and selects nothing of anyone else. Server
//! only.

use crate::access::visibility::{BindScope, VISIBLE_CASE};
use crate::domain::cases::CaseKind;
use crate::domain::portal::SessionsFrom;
use crate::domain::schedule::AppointmentStatus;
use crate::domain::{AccountId, AppointmentId, PersonId, PracticeId, Scope};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

/// One of a person's sessions, with only their own attendance.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OwnSession {
    pub id: i64,
    pub case_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    #[sqlx(try_from = "String")]
    pub status: AppointmentStatus,
    pub location: Option<String>,
    pub video_link: Option<String>,
    #[sqlx(try_from = "String")]
    pub kind: CaseKind,
    pub case_name: String,
    pub portal_names_group: bool,
    pub portal_label: Option<String>,
    pub updated_at: i64,
    pub confirmation: Option<String>,
    pub choice: Option<String>,
    pub service_id: Option<i64>,
    /// Their latest cancellation request of this session, if any (not withdrawn).
    pub cancel_status: Option<String>,
}

impl OwnSession {
    /// What the participant sees this session called (see `domain::portal`).
    pub fn label(&self) -> String {
        crate::domain::portal::participant_label(
            self.kind,
            &self.case_name,
            &crate::domain::portal::PortalLabel {
                names_group: self.portal_names_group,
                label: self.portal_label.clone(),
            },
        )
    }
}

/// Whether person `$2` is on session `a`'s roster: its frozen roster, or the case's members
/// active on its day while it still follows membership. The first clause narrows the scan to
/// the person's own cases (an index on the appointment's case).
const OWN_SESSION: &str = "a.practice_id = $1
    AND a.case_id IN (SELECT m0.case_id FROM memberships m0 WHERE m0.person_id = $2)
    AND CASE WHEN a.roster_frozen
         THEN EXISTS (SELECT 1 FROM session_roster s
                      WHERE s.appointment_id = a.id AND s.person_id = $2)
         ELSE EXISTS (SELECT 1 FROM memberships m
                      WHERE m.case_id = a.case_id AND m.person_id = $2
                        AND m.status = 'active' AND m.joined_on <= a.local_day
                        AND (m.left_on IS NULL OR m.left_on > a.local_day))
    END";

const OWN_COLUMNS: &str =
    "a.id, a.case_id, a.starts_at, a.ends_at, a.status, a.location, a.video_link,
    c.kind, c.name AS case_name, c.portal_names_group, c.portal_label, a.updated_at,
    t.confirmation, t.choice, t.service_id,
    (SELECT q.status FROM portal_requests q
      WHERE q.appointment_id = a.id AND q.person_id = $2 AND q.kind = 'cancel'
        AND q.status <> 'withdrawn'
      ORDER BY q.id DESC LIMIT 1) AS cancel_status";

const OWN_FROM: &str = "FROM appointments a
    JOIN cases c ON c.id = a.case_id
    LEFT JOIN attendance t ON t.appointment_id = a.id AND t.person_id = $2";

/// At most `limit` of the person's sessions: not yet ended, soonest first (`upcoming`), or
/// ended, latest first; after `from` in that order when given.
pub async fn own_sessions(
    mut c: Conn<'_>,
    practice: PracticeId,
    person: PersonId,
    now: i64,
    upcoming: bool,
    from: Option<SessionsFrom>,
    limit: i64,
) -> Result<Vec<OwnSession>, DbError> {
    let (when, after, order) = if upcoming {
        (
            "a.ends_at > $3",
            "(a.starts_at > $4 OR (a.starts_at = $4 AND a.id > $5))",
            "a.starts_at ASC, a.id ASC",
        )
    } else {
        (
            "a.ends_at <= $3",
            "(a.starts_at < $4 OR (a.starts_at = $4 AND a.id < $5))",
            "a.starts_at DESC, a.id DESC",
        )
    };
    let sql = format!(
        "SELECT {OWN_COLUMNS} {OWN_FROM} WHERE {OWN_SESSION} AND {when} AND ($6 OR {after})
         ORDER BY {order} LIMIT $7"
    );
    let from_start = from.is_none();
    let from = from.unwrap_or(SessionsFrom { at: 0, id: 0 });
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(person.0)
            .bind(now)
            .bind(from.at)
            .bind(from.id)
            .bind(from_start)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// One session of the person's, or `None` when they are not on its roster.
pub async fn own_session(
    mut c: Conn<'_>,
    practice: PracticeId,
    person: PersonId,
    id: AppointmentId,
) -> Result<Option<OwnSession>, DbError> {
    let sql = format!("SELECT {OWN_COLUMNS} {OWN_FROM} WHERE {OWN_SESSION} AND a.id = $3");
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(person.0)
            .bind(id.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// The person's sessions between `from` and `to` (by start), for their calendar feed.
pub async fn feed_sessions(
    mut c: Conn<'_>,
    practice: PracticeId,
    person: PersonId,
    from: i64,
    to: i64,
) -> Result<Vec<OwnSession>, DbError> {
    let sql = format!(
        "SELECT {OWN_COLUMNS} {OWN_FROM} WHERE {OWN_SESSION} AND a.starts_at >= $3 AND a.starts_at < $4
         ORDER BY a.starts_at, a.id LIMIT 2000"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(practice.0)
            .bind(person.0)
            .bind(from)
            .bind(to)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// What the portal needs to know of the person and their practice.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PortalPerson {
    pub person_id: i64,
    pub legal_name: String,
    pub preferred_name: Option<String>,
    /// The person's own time zone, if they set one (the practice's otherwise).
    pub time_zone: Option<String>,
    pub late_cancel_hours: i64,
    pub late_cancel_fee_cents: i64,
}

/// The person a portal account stands for (an active account of the practice).
pub async fn portal_person(
    mut c: Conn<'_>,
    practice: PracticeId,
    account: AccountId,
) -> Result<Option<PortalPerson>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT p.id AS person_id, p.legal_name, p.preferred_name, p.time_zone,
                    pr.late_cancel_hours, pr.late_cancel_fee_cents
             FROM accounts ac
             JOIN people p ON p.id = ac.person_id AND p.practice_id = ac.practice_id
             JOIN practices pr ON pr.id = ac.practice_id
             WHERE ac.id = $1 AND ac.practice_id = $2 AND ac.active = TRUE",
        )
        .bind(account.0)
        .bind(practice.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

pub async fn feed_exists(mut c: Conn<'_>, person: PersonId) -> Result<Option<i64>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar("SELECT created_at FROM person_feeds WHERE person_id = $1")
            .bind(person.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// Replaces the person's feed token (any earlier address stops working).
pub async fn set_feed(
    mut c: Conn<'_>,
    practice: PracticeId,
    person: PersonId,
    token_hash: &str,
    now: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO person_feeds (person_id, practice_id, token_hash, created_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (person_id) DO UPDATE SET token_hash = excluded.token_hash,
                 created_at = excluded.created_at",
        )
        .bind(person.0)
        .bind(practice.0)
        .bind(token_hash)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

pub async fn revoke_feed(mut c: Conn<'_>, person: PersonId) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query("DELETE FROM person_feeds WHERE person_id = $1")
            .bind(person.0)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    Ok(done > 0)
}

/// Whose feed a token opens: the person and practice, while the person still has an
/// active portal account (a closed account's feed stops).
pub async fn feed_owner(
    mut c: Conn<'_>,
    token_hash: &str,
) -> Result<Option<(PracticeId, PersonId)>, DbError> {
    let row: Option<(i64, i64)> = on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT f.practice_id, f.person_id FROM person_feeds f
             WHERE f.token_hash = $1 AND EXISTS (
                 SELECT 1 FROM accounts ac WHERE ac.person_id = f.person_id AND ac.active = TRUE)",
        )
        .bind(token_hash)
        .fetch_optional(&mut *c)
        .await?
    });
    Ok(row.map(|(p, q)| (PracticeId(p), PersonId(q))))
}

/// A new cancellation request.
pub struct NewCancel<'a> {
    pub practice: PracticeId,
    pub person: PersonId,
    pub appointment: AppointmentId,
    pub late: bool,
    pub fee_cents: i64,
    pub note: &'a str,
    pub by: AccountId,
    pub now: i64,
}

/// Stores a cancellation request; `None` when one is already open for this session.
pub async fn add_cancel(mut c: Conn<'_>, r: &NewCancel<'_>) -> Result<Option<i64>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO portal_requests (practice_id, person_id, kind, appointment_id, late,
                 fee_cents, note, requested_by, requested_at)
             VALUES ($1, $2, 'cancel', $3, $4, $5, $6, $7, $8)
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(r.practice.0)
        .bind(r.person.0)
        .bind(r.appointment.0)
        .bind(r.late)
        .bind(r.fee_cents)
        .bind(r.note)
        .bind(r.by.0)
        .bind(r.now)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// Withdraws the person's open cancellation of a session; whether there was one.
pub async fn withdraw_cancel(
    mut c: Conn<'_>,
    person: PersonId,
    appointment: AppointmentId,
) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE portal_requests SET status = 'withdrawn'
             WHERE person_id = $1 AND appointment_id = $2 AND kind = 'cancel' AND status = 'open'",
        )
        .bind(person.0)
        .bind(appointment.0)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(done > 0)
}

/// An open request as staff see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenRequest {
    pub id: i64,
    pub kind: String,
    pub person_id: i64,
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub appointment_id: Option<i64>,
    pub starts_at: Option<i64>,
    pub case_id: Option<i64>,
    pub case_name: Option<String>,
    pub initials: Option<String>,
    pub late: bool,
    pub fee_cents: i64,
    pub note: String,
    pub requested_at: i64,
}

/// The case a request concerns: its own, or its session's.
const REQUEST_FROM: &str = "FROM portal_requests q
    JOIN people p ON p.id = q.person_id
    LEFT JOIN appointments a ON a.id = q.appointment_id
    JOIN cases c ON c.id = COALESCE(q.case_id, a.case_id)";

const REQUEST_COLUMNS: &str = "q.id, q.kind, q.person_id, p.legal_name, p.preferred_name,
    q.appointment_id, a.starts_at, c.id AS case_id, c.name AS case_name, c.initials, q.late,
    q.fee_cents, q.note, q.requested_at";

/// Open requests about cases the scope may see, oldest first (at most `limit`).
pub async fn open_requests(
    mut c: Conn<'_>,
    scope: &Scope,
    limit: i64,
) -> Result<Vec<OpenRequest>, DbError> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS} {REQUEST_FROM}
         WHERE q.practice_id = $1 AND q.status = 'open' AND {VISIBLE_CASE}
         ORDER BY q.requested_at, q.id LIMIT $4"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind_scope(scope)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// One open request about a case the scope may see.
pub async fn open_request(
    mut c: Conn<'_>,
    scope: &Scope,
    id: i64,
) -> Result<Option<OpenRequest>, DbError> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS} {REQUEST_FROM}
         WHERE q.practice_id = $1 AND q.status = 'open' AND {VISIBLE_CASE} AND q.id = $4"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind_scope(scope)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// Closes an open request as staff decided; whether it was still open.
pub async fn decide(
    mut c: Conn<'_>,
    id: i64,
    accepted: bool,
    by: AccountId,
    now: i64,
) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE portal_requests SET status = $2, decided_by = $3, decided_at = $4
             WHERE id = $1 AND status = 'open'",
        )
        .bind(id)
        .bind(if accepted { "accepted" } else { "declined" })
        .bind(by.0)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(done > 0)
}

/// How a case presents itself to participants.
pub async fn set_portal_label(
    mut c: Conn<'_>,
    practice: PracticeId,
    case: i64,
    names_group: bool,
    label: Option<&str>,
    now: i64,
) -> Result<bool, DbError> {
    let done = on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE cases SET portal_names_group = $3, portal_label = $4, updated_at = $5
             WHERE id = $2 AND practice_id = $1",
        )
        .bind(practice.0)
        .bind(case)
        .bind(names_group)
        .bind(label)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(done > 0)
}

pub async fn portal_label(
    mut c: Conn<'_>,
    practice: PracticeId,
    case: i64,
) -> Result<Option<(bool, Option<String>)>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT portal_names_group, portal_label FROM cases WHERE id = $2 AND practice_id = $1",
        )
        .bind(practice.0)
        .bind(case)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// Puts a request decided a moment ago back to open (its decision could not be carried out).
pub async fn reopen(mut c: Conn<'_>, id: i64) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE portal_requests SET status = 'open', decided_by = NULL, decided_at = NULL
             WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

pub async fn late_cancel_hours(mut c: Conn<'_>, practice: PracticeId) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar("SELECT late_cancel_hours FROM practices WHERE id = $1")
            .bind(practice.0)
            .fetch_one(&mut *c)
            .await?
    }))
}

pub async fn set_late_cancel_hours(
    mut c: Conn<'_>,
    practice: PracticeId,
    hours: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE practices SET late_cancel_hours = $2 WHERE id = $1")
            .bind(practice.0)
            .bind(hours)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}
