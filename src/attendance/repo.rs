//! Attendance in the database. Server only.

use crate::domain::attendance::{Choice, Confirmation, MissedSessionFees};
use crate::domain::{AccountId, AppointmentId, PersonId, PracticeId};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

pub async fn missed_fees(
    mut c: Conn<'_>,
    practice: PracticeId,
) -> Result<MissedSessionFees, DbError> {
    let (no_show_cents, late_cancel_cents): (i64, i64) = on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT no_show_fee_cents, late_cancel_fee_cents FROM practices WHERE id = $1",
        )
        .bind(practice.0)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(MissedSessionFees {
        no_show_cents,
        late_cancel_cents,
    })
}

pub async fn set_missed_fees(
    mut c: Conn<'_>,
    practice: PracticeId,
    fees: MissedSessionFees,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE practices SET no_show_fee_cents = $2, late_cancel_fee_cents = $3 WHERE id = $1",
        )
        .bind(practice.0)
        .bind(fees.no_show_cents)
        .bind(fees.late_cancel_cents)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// A participant's stored attendance, with the names the screen shows.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct AttendanceRow {
    pub person_id: i64,
    pub confirmation: String,
    pub choice: Option<String>,
    pub service_id: Option<i64>,
    pub service_code: Option<String>,
    pub charge_cents: i64,
    pub version: i64,
    pub changed_by_name: Option<String>,
    pub changed_at: i64,
}

impl AttendanceRow {
    pub fn choice(&self) -> Option<Choice> {
        self.choice
            .as_deref()
            .and_then(|c| Choice::from_parts(c, self.service_id))
    }

    pub fn confirmation(&self) -> Confirmation {
        Confirmation::parse(&self.confirmation).unwrap_or_default()
    }
}

const ROW_COLUMNS: &str =
    "t.person_id, t.confirmation, t.choice, t.service_id, s.code AS service_code,
    t.charge_cents, t.version, ac.display_name AS changed_by_name, t.changed_at";
const ROW_JOINS: &str = "LEFT JOIN services s ON s.id = t.service_id
    LEFT JOIN accounts ac ON ac.id = t.changed_by";

/// Every stored row of a session.
pub async fn rows(
    mut c: Conn<'_>,
    appointment: AppointmentId,
) -> Result<Vec<AttendanceRow>, DbError> {
    let sql =
        format!("SELECT {ROW_COLUMNS} FROM attendance t {ROW_JOINS} WHERE t.appointment_id = $1");
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(appointment.0)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// One participant's stored row, if any.
pub async fn row(
    mut c: Conn<'_>,
    appointment: AppointmentId,
    person: PersonId,
) -> Result<Option<AttendanceRow>, DbError> {
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM attendance t {ROW_JOINS}
         WHERE t.appointment_id = $1 AND t.person_id = $2"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(appointment.0)
            .bind(person.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// What is stored for a participant of a frozen roster: `None` when the person is not on
/// the session's roster, a default row (version 0) when nothing is recorded yet.
pub async fn on_roster(
    mut c: Conn<'_>,
    appointment: AppointmentId,
    person: PersonId,
) -> Result<Option<AttendanceRow>, DbError> {
    let sql = format!(
        "SELECT r.person_id, COALESCE(t.confirmation, 'not_confirmed') AS confirmation, t.choice,
            t.service_id, s.code AS service_code, COALESCE(t.charge_cents, 0) AS charge_cents,
            COALESCE(t.version, 0) AS version, ac.display_name AS changed_by_name,
            COALESCE(t.changed_at, 0) AS changed_at
         FROM session_roster r
         LEFT JOIN attendance t ON t.appointment_id = r.appointment_id AND t.person_id = r.person_id
         {ROW_JOINS}
         WHERE r.appointment_id = $1 AND r.person_id = $2"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(appointment.0)
            .bind(person.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// A choice about to be stored.
pub struct NewChoice {
    pub practice: PracticeId,
    pub appointment: AppointmentId,
    pub person: PersonId,
    pub choice: Option<Choice>,
    pub charge_cents: i64,
    pub by: AccountId,
    pub at: i64,
}

/// Stores a choice if the row is still at `expected_version`, and returns its new version;
/// `None` when another change got there first (the caller reads again and decides again).
pub async fn store_choice(
    mut c: Conn<'_>,
    new: &NewChoice,
    expected_version: i64,
) -> Result<Option<i64>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO attendance
                (appointment_id, person_id, practice_id, choice, service_id, charge_cents, version, changed_by, changed_at)
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)
             ON CONFLICT (appointment_id, person_id) DO UPDATE SET
                choice = excluded.choice, service_id = excluded.service_id,
                charge_cents = excluded.charge_cents, version = attendance.version + 1,
                changed_by = excluded.changed_by, changed_at = excluded.changed_at
             WHERE attendance.version = $9
             RETURNING version",
        )
        .bind(new.appointment.0)
        .bind(new.person.0)
        .bind(new.practice.0)
        .bind(new.choice.map(|c| c.code()))
        .bind(new.choice.and_then(|c| c.service()).map(|s| s.0))
        .bind(new.charge_cents)
        .bind(new.by.0)
        .bind(new.at)
        .bind(expected_version)
        .fetch_optional(&mut *c)
        .await?
    }))
}

pub async fn set_confirmation(
    mut c: Conn<'_>,
    practice: PracticeId,
    appointment: AppointmentId,
    person: PersonId,
    confirmation: Confirmation,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO attendance (appointment_id, person_id, practice_id, confirmation)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (appointment_id, person_id) DO UPDATE SET confirmation = excluded.confirmation",
        )
        .bind(appointment.0)
        .bind(person.0)
        .bind(practice.0)
        .bind(confirmation.as_str())
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// One line of the history as it is written.
pub struct NewHistory {
    pub practice: PracticeId,
    pub appointment: AppointmentId,
    pub person: PersonId,
    pub from: Option<Choice>,
    pub to: Option<Choice>,
    pub charge_cents: i64,
    pub superseded: bool,
    pub version: i64,
    pub by: AccountId,
    pub made_at: i64,
    pub recorded_at: i64,
}

pub async fn add_history(mut c: Conn<'_>, h: &NewHistory) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO attendance_changes
                (practice_id, appointment_id, person_id, from_choice, from_service_id, to_choice,
                 to_service_id, charge_cents, outcome, version, changed_by, made_at, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(h.practice.0)
        .bind(h.appointment.0)
        .bind(h.person.0)
        .bind(h.from.map(|c| c.code()))
        .bind(h.from.and_then(|c| c.service()).map(|s| s.0))
        .bind(h.to.map(|c| c.code()))
        .bind(h.to.and_then(|c| c.service()).map(|s| s.0))
        .bind(h.charge_cents)
        .bind(if h.superseded {
            "superseded"
        } else {
            "applied"
        })
        .bind(h.version)
        .bind(h.by.0)
        .bind(h.made_at)
        .bind(h.recorded_at)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HistoryRow {
    pub from_choice: Option<String>,
    pub from_service_id: Option<i64>,
    pub from_code: Option<String>,
    pub to_choice: Option<String>,
    pub to_service_id: Option<i64>,
    pub to_code: Option<String>,
    pub charge_cents: i64,
    pub outcome: String,
    pub changed_by_name: String,
    pub made_at: i64,
    pub recorded_at: i64,
}

/// A participant's changes in one session, oldest first.
pub async fn history(
    mut c: Conn<'_>,
    appointment: AppointmentId,
    person: PersonId,
) -> Result<Vec<HistoryRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT h.from_choice, h.from_service_id, fs.code AS from_code, h.to_choice,
                h.to_service_id, ts.code AS to_code, h.charge_cents, h.outcome,
                ac.display_name AS changed_by_name, h.made_at, h.recorded_at
             FROM attendance_changes h
             JOIN accounts ac ON ac.id = h.changed_by
             LEFT JOIN services fs ON fs.id = h.from_service_id
             LEFT JOIN services ts ON ts.id = h.to_service_id
             WHERE h.appointment_id = $1 AND h.person_id = $2 ORDER BY h.id",
        )
        .bind(appointment.0)
        .bind(person.0)
        .fetch_all(&mut *c)
        .await?
    }))
}
