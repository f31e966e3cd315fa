//! The portal's server side: a participant's own sessions and answers, their feed, and the
//! staff side of their requests. A portal caller is always resolved to the one person their
//! account stands for; nothing here takes a person id from a participant. Server only.

use super::repo::{self, OwnSession, PortalPerson};
use super::{
    CancelState, PersonFeedView, PortalLabelView, PortalSession, RequestView, SessionsPage,
};
use crate::access::SignedIn;
use crate::attendance::server::{write_confirmation, ConfirmationChange};
use crate::attendance::ChangeRequest;
use crate::audit::server::{entry, read, record};
use crate::audit::{Event, ObjectKind};
use crate::domain::attendance::{Choice, Confirmation};
use crate::domain::cases::case_title;
use crate::domain::money::Money;
use crate::domain::people::display_name;
use crate::domain::portal::{
    answer_closed, cancel_choice, check_late_cancel_hours, check_portal_label, check_request_note,
    is_late_cancel, neutral_label, own_attendance, participant_label, PortalLabel, RequestKind,
    RequestStatus, SessionsFrom, SessionsWhen, SESSIONS_PER_PAGE,
};
use crate::domain::schedule::AppointmentStatus;
use crate::domain::when;
use crate::domain::{AppointmentId, CaseId, PersonId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Db, Tx};
use crate::server::time::wall;
use chrono_tz::Tz;

/// The person a portal account stands for, with their time zone and the practice's
/// late-cancel terms. An account without a person (or not active) reaches nothing.
async fn own(db: &Db, who: &SignedIn) -> AppResult<(PortalPerson, Tz)> {
    let mut c = db.acquire().await?;
    let person = repo::portal_person(c.conn(), who.practice_id, who.account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Their own zone if they set one (and it is still a known zone), else the practice's.
    let tz = person
        .time_zone
        .as_deref()
        .and_then(|z| z.parse::<Tz>().ok())
        .unwrap_or(who.time_zone);
    Ok((person, tz))
}

/// The person a portal account stands for, and their name: for the portal's other screens
/// (bills), which read only what that person is responsible for.
pub(crate) async fn own_person(db: &Db, who: &SignedIn) -> AppResult<(PersonId, String)> {
    let (person, _) = own(db, who).await?;
    Ok((
        PersonId(person.person_id),
        display_name(&person.legal_name, person.preferred_name.as_deref()),
    ))
}

/// Only web addresses are offered as links: a stored `javascript:` or other scheme never
/// reaches an `href`.
fn web_link(link: Option<&str>) -> Option<String> {
    let link = link?.trim();
    let lower = link.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| link.to_string())
}

fn shown(row: &OwnSession, person: &PortalPerson, tz: Tz, now: i64) -> PortalSession {
    let start = wall(tz, row.starts_at);
    let end = wall(tz, row.ends_at);
    let cancelled = row.status == AppointmentStatus::Cancelled;
    let past = row.ends_at <= now;
    let choice = row
        .choice
        .as_deref()
        .and_then(|c| Choice::from_parts(c, row.service_id));
    let cancel = match row.cancel_status.as_deref().and_then(RequestStatus::parse) {
        Some(RequestStatus::Open) => CancelState::Asked,
        Some(RequestStatus::Accepted) => CancelState::Accepted,
        Some(RequestStatus::Declined) => CancelState::Declined,
        Some(RequestStatus::Withdrawn) | None => CancelState::None,
    };
    PortalSession {
        id: AppointmentId(row.id),
        label: row.label(),
        day: when::long_date(start.date()),
        time: when::clock_range(start.time(), end.time()),
        place: row.location.clone().filter(|l| !l.trim().is_empty()),
        video_link: web_link(row.video_link.as_deref()),
        cancelled,
        confirmation: row
            .confirmation
            .as_deref()
            .and_then(Confirmation::parse)
            .unwrap_or_default(),
        attendance: (past && !cancelled).then(|| own_attendance(choice).to_string()),
        can_answer: answer_closed(cancelled, row.starts_at, now).is_none(),
        late_now: is_late_cancel(now, row.starts_at, person.late_cancel_hours),
        cancel,
    }
}

/// A page of the participant's own sessions, from `from` (the start when absent). An
/// audited read (their own health information, seen through the portal).
pub async fn my_sessions(
    db: &Db,
    who: &SignedIn,
    which: SessionsWhen,
    from: Option<SessionsFrom>,
) -> AppResult<SessionsPage> {
    let (person, tz) = own(db, who).await?;
    let now = now_ms();
    let mut rows = {
        let mut c = db.acquire().await?;
        repo::own_sessions(
            c.conn(),
            who.practice_id,
            PersonId(person.person_id),
            now,
            which == SessionsWhen::Upcoming,
            from,
            SESSIONS_PER_PAGE + 1,
        )
        .await?
    };
    let has_more = rows.len() as i64 > SESSIONS_PER_PAGE;
    rows.truncate(SESSIONS_PER_PAGE as usize);
    let next = rows.last().filter(|_| has_more).map(|r| SessionsFrom {
        at: r.starts_at,
        id: r.id,
    });
    read(
        db,
        who,
        Event::read(ObjectKind::Person, person.person_id).detail(format!(
            "portal: {} sessions{}",
            match which {
                SessionsWhen::Upcoming => "upcoming",
                SessionsWhen::Past => "past",
            },
            if from.is_some() { ", a later page" } else { "" }
        )),
    )
    .await?;
    Ok(SessionsPage {
        sessions: rows.iter().map(|r| shown(r, &person, tz, now)).collect(),
        next,
        late_cancel_hours: person.late_cancel_hours,
        late_cancel_fee: Money(person.late_cancel_fee_cents),
        time_zone: tz.name().to_string(),
    })
}

/// The person's session `id`, in `tx`, if they may still answer for it: not found when it
/// is not theirs, a conflict (saying why) when it was cancelled or has started.
async fn answerable(
    tx: &mut Tx,
    who: &SignedIn,
    me: PersonId,
    id: AppointmentId,
    now: i64,
) -> AppResult<OwnSession> {
    let row = repo::own_session(tx.conn(), who.practice_id, me, id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Appointment, id.0))?;
    match answer_closed(
        row.status == AppointmentStatus::Cancelled,
        row.starts_at,
        now,
    ) {
        Some(why) => Err(AppError::Conflict(why.into())),
        None => Ok(row),
    }
}

/// Writes the person's own answer for a session with its audit entry (under their portal
/// account) in `tx`, commits, and sends it to every open screen of the session.
async fn confirm_own(
    mut tx: Tx,
    live: &crate::attendance::live::Live,
    who: &SignedIn,
    (id, me): (AppointmentId, PersonId),
    confirmation: Confirmation,
    event: &Event<'_>,
) -> AppResult<()> {
    let state = write_confirmation(
        &mut tx,
        live,
        &ConfirmationChange {
            practice: who.practice_id,
            tz: who.time_zone,
            id,
            person: me,
            confirmation,
        },
        &entry(who, event),
    )
    .await?;
    tx.commit().await?;
    live.committed(id, vec![state]);
    Ok(())
}

/// The participant confirms an upcoming session of theirs (saying they cannot come is
/// asking to cancel, below). The open attendance screen shows it at once; audited under
/// their portal account. Confirming withdraws a cancellation they had asked for.
pub async fn confirm(
    db: &Db,
    live: &crate::attendance::live::Live,
    who: &SignedIn,
    id: AppointmentId,
) -> AppResult<()> {
    let (person, _) = own(db, who).await?;
    let me = PersonId(person.person_id);
    let mut tx = db.begin().await?;
    answerable(&mut tx, who, me, id, now_ms()).await?;
    let withdrawn = repo::withdraw_cancel(tx.conn(), me, id).await?;
    let event = Event::update(ObjectKind::Attendance, id.0).detail(format!(
        "person {}: confirmation confirmed (portal){}",
        me.0,
        if withdrawn {
            ", cancellation withdrawn"
        } else {
            ""
        }
    ));
    confirm_own(tx, live, who, (id, me), Confirmation::Confirmed, &event).await
}

/// The participant asks not to come to an upcoming session: their answer becomes
/// "declined" (shown live), and staff see the request on their home screen, with whether it
/// is late and the fee the portal showed. One open request per session.
pub async fn ask_to_cancel(
    db: &Db,
    live: &crate::attendance::live::Live,
    who: &SignedIn,
    id: AppointmentId,
    note: &str,
) -> AppResult<()> {
    let note = check_request_note(note).map_err(|m| AppError::invalid("note", m))?;
    let (person, _) = own(db, who).await?;
    let me = PersonId(person.person_id);
    let now = now_ms();
    let mut tx = db.begin().await?;
    let row = answerable(&mut tx, who, me, id, now).await?;
    let late = is_late_cancel(now, row.starts_at, person.late_cancel_hours);
    let fee = if late {
        person.late_cancel_fee_cents
    } else {
        0
    };
    let request = repo::add_cancel(
        tx.conn(),
        &repo::NewCancel {
            practice: who.practice_id,
            person: me,
            appointment: id,
            late,
            fee_cents: fee,
            note: &note,
            by: who.account_id,
            now,
        },
    )
    .await?
    .ok_or_else(|| AppError::Conflict("You have already asked to cancel this session.".into()))?;
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::PortalRequest, request).detail(format!(
            "cancellation of session {}{}",
            id.0,
            if late { " (late)" } else { "" }
        )),
    )
    .await?;
    let event = Event::update(ObjectKind::Attendance, id.0).detail(format!(
        "person {}: confirmation declined (portal, asked to cancel)",
        me.0
    ));
    confirm_own(tx, live, who, (id, me), Confirmation::Declined, &event).await
}

/// The participant's feed: whether it is on (its address is shown only when turned on).
pub async fn my_feed(db: &Db, who: &SignedIn) -> AppResult<PersonFeedView> {
    let (person, tz) = own(db, who).await?;
    let mut c = db.acquire().await?;
    let since = repo::feed_exists(c.conn(), PersonId(person.person_id)).await?;
    Ok(PersonFeedView {
        enabled: since.is_some(),
        url: None,
        since: since.map(|at| when::stamp(wall(tz, at))),
    })
}

/// Turns the participant's feed on with a new address (any earlier one stops working) and
/// returns it, once.
pub async fn enable_my_feed(
    db: &Db,
    public_url: &str,
    who: &SignedIn,
) -> AppResult<PersonFeedView> {
    let (person, tz) = own(db, who).await?;
    let token = crate::auth::server::new_session_token();
    let now = now_ms();
    let mut tx = db.begin().await?;
    repo::set_feed(
        tx.conn(),
        who.practice_id,
        PersonId(person.person_id),
        &crate::auth::server::hash_token(&token),
        now,
    )
    .await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::PersonFeed, person.person_id).detail("turned on"),
    )
    .await?;
    tx.commit().await?;
    Ok(PersonFeedView {
        enabled: true,
        url: Some(format!(
            "{}{}",
            public_url.trim_end_matches('/'),
            super::feed::path(&token)
        )),
        since: Some(when::stamp(wall(tz, now))),
    })
}

pub async fn revoke_my_feed(db: &Db, who: &SignedIn) -> AppResult<PersonFeedView> {
    let (person, _) = own(db, who).await?;
    let mut tx = db.begin().await?;
    if repo::revoke_feed(tx.conn(), PersonId(person.person_id)).await? {
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::PersonFeed, person.person_id).detail("turned off"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(PersonFeedView::default())
}

/// The most open requests the home screen lists.
const REQUESTS_SHOWN: i64 = 100;

fn request_view(r: repo::OpenRequest, tz: Tz) -> RequestView {
    let what = match RequestKind::parse(&r.kind) {
        Some(RequestKind::Cancel) => "Cancel their place",
        Some(RequestKind::Seat) => "A seat in the group",
        Some(RequestKind::Waitlist) => "A place on the waitlist",
        Some(RequestKind::Appointment) => "An appointment",
        None => "A request",
    };
    RequestView {
        id: r.id,
        what: what.to_string(),
        person_id: PersonId(r.person_id),
        person: display_name(&r.legal_name, r.preferred_name.as_deref()),
        case_id: CaseId(r.case_id.unwrap_or_default()),
        case_title: case_title(r.initials.as_deref(), r.case_name.as_deref().unwrap_or("")),
        session_id: r.appointment_id.map(AppointmentId),
        session_when: r.starts_at.map(|at| when::short_stamp(wall(tz, at))),
        late: r.late,
        fee: Money(r.fee_cents),
        note: r.note,
        asked: when::short_stamp(wall(tz, r.requested_at)),
    }
}

/// Open requests about cases the caller may see (staff home). An audited read: it names
/// participants.
pub async fn open_requests(db: &Db, who: &SignedIn) -> AppResult<Vec<RequestView>> {
    let rows = {
        let mut c = db.acquire().await?;
        repo::open_requests(c.conn(), &who.scope(), REQUESTS_SHOWN).await?
    };
    if !rows.is_empty() {
        read(
            db,
            who,
            Event::new(crate::audit::Action::Read, ObjectKind::PortalRequest, None)
                .detail(format!("open requests: {}", rows.len())),
        )
        .await?;
    }
    Ok(rows
        .into_iter()
        .map(|r| request_view(r, who.time_zone))
        .collect())
}

/// Accepts or declines a participant's request. Accepting a cancellation records their
/// attendance (late: the late-cancel fee; early: no fee) through the attendance writer, so
/// every open screen shows it and billing follows.
pub async fn decide(
    db: &Db,
    live: &crate::attendance::live::Live,
    who: &SignedIn,
    id: i64,
    accept: bool,
) -> AppResult<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let request = repo::open_request(tx.conn(), &who.scope(), id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::PortalRequest, id))?;
    let kind = RequestKind::parse(&request.kind)
        .ok_or_else(|| AppError::internal("a request is not a known kind"))?;
    if !repo::decide(tx.conn(), id, accept, who.account_id, now).await? {
        return Err(AppError::Conflict(
            "Someone has already answered this request.".into(),
        ));
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::PortalRequest, id).detail(if accept {
            "accepted"
        } else {
            "declined"
        }),
    )
    .await?;
    let cancel = match (kind, request.appointment_id, accept) {
        (RequestKind::Cancel, Some(session), true) => {
            let person = PersonId(request.person_id);
            let version = crate::attendance::repo::row(tx.conn(), AppointmentId(session), person)
                .await?
                .map_or(0, |r| r.version);
            Some((AppointmentId(session), person, version))
        }
        _ => None,
    };
    tx.commit().await?;
    if let Some((session, person, version)) = cancel {
        let outcome = crate::attendance::server::record_changes(
            live,
            who,
            session,
            &[ChangeRequest {
                person_id: person,
                choice: Some(cancel_choice(request.late)),
                base_version: version,
                made_at: now,
                fill_only: false,
            }],
            now,
        )
        .await
        .and_then(|mut outcomes| match outcomes.pop() {
            Some(crate::attendance::ChangeOutcome::Stored(_)) => Ok(()),
            Some(
                crate::attendance::ChangeOutcome::Superseded { message, .. }
                | crate::attendance::ChangeOutcome::NeedsReason { message, .. },
            ) => Err(AppError::Conflict(message)),
            None => Err(AppError::internal("the attendance writer gave no answer")),
        });
        if let Err(e) = outcome {
            // The attendance could not be written (it is on record, or someone changed it a
            // moment ago): the request goes back to open, so nothing is half-done, and the
            // caller is told why.
            let mut tx = db.begin().await?;
            repo::reopen(tx.conn(), id).await?;
            tx.commit().await?;
            return Err(e);
        }
    }
    Ok(())
}

/// How a case presents itself in the portal, for the case page. Staff who may see the case.
pub async fn portal_label(db: &Db, who: &SignedIn, case: CaseId) -> AppResult<PortalLabelView> {
    let mut c = db.acquire().await?;
    let row = crate::cases::server::visible_case(c.conn(), who, case).await?;
    let (names_group, label) = repo::portal_label(c.conn(), who.practice_id, case.0)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Case, case.0))?;
    Ok(label_view(row.kind(), &row.name, names_group, label))
}

fn label_view(
    kind: crate::domain::cases::CaseKind,
    name: &str,
    names_group: bool,
    label: Option<String>,
) -> PortalLabelView {
    let shown = participant_label(
        kind,
        name,
        &PortalLabel {
            names_group,
            label: label.clone(),
        },
    );
    PortalLabelView {
        names_group,
        label: label.unwrap_or_default(),
        default_label: neutral_label(kind).to_string(),
        shown,
    }
}

/// Sets how a case presents itself in the portal. Staff who may see the case, except
/// associates (whose changes to a case go through their supervisor).
pub async fn save_portal_label(
    db: &Db,
    who: &SignedIn,
    case: CaseId,
    names_group: bool,
    label: &str,
) -> AppResult<PortalLabelView> {
    who.permit(
        who.role != crate::domain::Role::Associate,
        "Ask your supervisor or the practice's administrator to change this.",
    )?;
    let label = check_portal_label(label).map_err(|m| AppError::invalid("portal_label", m))?;
    let mut tx = db.begin().await?;
    let row = crate::cases::server::visible_case(tx.conn(), who, case).await?;
    repo::set_portal_label(
        tx.conn(),
        who.practice_id,
        case.0,
        names_group,
        label.as_deref(),
        now_ms(),
    )
    .await?;
    crate::cases::server::case_changed(
        &mut tx,
        who,
        case.0,
        if names_group {
            "portal shows the case's name"
        } else {
            "portal shows a neutral label"
        },
    )
    .await?;
    tx.commit().await?;
    Ok(label_view(row.kind(), &row.name, names_group, label))
}

/// The practice's late-cancel window, in hours.
pub async fn late_cancel_window(db: &Db, who: &SignedIn) -> AppResult<i64> {
    let mut c = db.acquire().await?;
    Ok(repo::late_cancel_hours(c.conn(), who.practice_id).await?)
}

/// Sets the late-cancel window (typed as whole hours). Owners and admins.
pub async fn save_late_cancel_window(db: &Db, who: &SignedIn, hours: &str) -> AppResult<i64> {
    who.permit(
        who.role.manages_practice(),
        "Only the practice owner or an admin can change the late-cancel window.",
    )?;
    let hours = hours
        .trim()
        .parse::<i64>()
        .map_err(|_| "Enter the window as whole hours, such as 24.".to_string())
        .and_then(check_late_cancel_hours)
        .map_err(|m| AppError::invalid("late_cancel_hours", m))?;
    let mut tx = db.begin().await?;
    repo::set_late_cancel_hours(tx.conn(), who.practice_id, hours).await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::PracticeFees, who.practice_id.0)
            .detail(format!("late-cancel window {hours} hours")),
    )
    .await?;
    tx.commit().await?;
    Ok(hours)
}
