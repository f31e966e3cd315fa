//! A session's attendance rows as screens see them: the roster joined with what is stored,
//! read with every check. The sheet, the live stream and the writer share these. Server only.

use super::repo::{self, AttendanceRow};
use super::{RowState, SheetRow};
use crate::access::SignedIn;
use crate::audit::{Event, ObjectKind};
use crate::calendar::repo as calendar;
use crate::calendar::server::{roster_of, visible_appointment};
use crate::domain::attendance::describe;
use crate::domain::when;
use crate::domain::{AppointmentId, PersonId};
use crate::error::{AppError, AppResult};
use crate::server::db::{Db, Tx};
use crate::server::time::wall;
use chrono_tz::Tz;
use std::collections::HashMap;

pub(super) fn state_of(row: &AttendanceRow, tz: Tz) -> RowState {
    let choice = row.choice;
    RowState {
        person_id: PersonId(row.person_id),
        confirmation: row.confirmation,
        choice,
        label: describe(choice, row.service_code.as_deref()),
        charge_cents: row.charge_cents,
        version: row.version,
        changed_by: row.changed_by_name.clone(),
        changed_at: (row.changed_at > 0).then(|| when::clock(wall(tz, row.changed_at).time())),
    }
}

pub(super) fn blank(person: PersonId) -> AttendanceRow {
    AttendanceRow {
        person_id: person.0,
        ..AttendanceRow::default()
    }
}

/// The roster of a session the caller may see, each with their stored attendance.
pub(super) async fn roster_states(
    tx: &mut Tx,
    who: &SignedIn,
    id: AppointmentId,
) -> AppResult<(
    Vec<SheetRow>,
    calendar::AppointmentRow,
    crate::cases::repo::CaseRow,
)> {
    let (row, case) = visible_appointment(tx, who, id).await?;
    let roster = roster_of(tx.conn(), &row).await?;
    let mut stored: HashMap<i64, AttendanceRow> = repo::rows(tx.conn(), id)
        .await?
        .into_iter()
        .map(|r| (r.person_id, r))
        .collect();
    let rows = roster
        .into_iter()
        .map(|r| {
            let a = stored
                .remove(&r.person_id.0)
                .unwrap_or_else(|| blank(r.person_id));
            SheetRow {
                name: r.display_name,
                state: state_of(&a, who.time_zone),
                paid: crate::domain::money::Money::ZERO,
                adjusted: crate::domain::money::Money::ZERO,
                on_record: None,
            }
        })
        .collect();
    Ok((rows, row, case))
}

/// Every row of a session, for a live stream (re)connecting. Checked like the sheet, and
/// audited as a read like it: the stream shows the same attendance.
pub async fn snapshot(db: &Db, who: &SignedIn, id: AppointmentId) -> AppResult<Vec<RowState>> {
    let mut tx = db.begin_read().await?;
    let (rows, _, _) = roster_states(&mut tx, who, id).await?;
    tx.commit().await?;
    crate::audit::server::read(
        db,
        who,
        Event::read(ObjectKind::Attendance, id.0).detail("live stream"),
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.state).collect())
}

pub(super) fn not_on_roster() -> AppError {
    AppError::invalid(
        "person",
        "Someone in these changes is not on this session's roster. Reload the session to see who is.",
    )
}
