//! Reminders: the practice's settings, each person's choice, the planner (what goes when),
//! the sender (what still goes, one email per person, day and lead time) and the answers
//! people give through a reminder's link. Server only.

use super::repo::{self, NewReminder};
use super::{
    GroupNaming, PersonReminderLine, PersonReminders, ReminderLinkView, ReminderSettingsInput,
    ReminderSettingsView,
};
use crate::access::SignedIn;
use crate::attendance::live::Live;
use crate::audit::repo::{append, NewEntry};
use crate::audit::server::{read, record};
use crate::audit::{Action, Event, ObjectKind, Outcome};
use crate::auth::server::{hash_token, new_session_token};
use crate::domain::attendance::Confirmation;
use crate::domain::mail::EmailKind;
use crate::domain::reminders::{
    greeting_name, local_day, plan, reminder_email, skip_reason, when_text, ReminderAnswer,
    ReminderLine, ReminderSettings, ReminderStatus, SendCheck, SkipReason, PLANNING_HORIZON_MS,
};
use crate::domain::{AppointmentId, CaseId, PersonId, PracticeId};
use crate::error::{AppError, AppResult};
use crate::mail::repo::{enqueue, NewEmail};
use crate::server::db::{now_ms, Db};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};

fn may_manage(who: &SignedIn) -> AppResult<()> {
    who.permit(
        who.role.manages_practice(),
        "Only the practice's owners and administrators change reminder settings.",
    )
}

fn zone(name: Option<&str>, fallback: Tz) -> Tz {
    name.and_then(|n| n.parse::<Tz>().ok()).unwrap_or(fallback)
}

/// "48" or "1.5" hours as minutes.
fn hours(field: &str, text: &str, blank_ok: bool) -> AppResult<Option<i64>> {
    let text = text.trim();
    if text.is_empty() {
        return if blank_ok {
            Ok(None)
        } else {
            Err(AppError::invalid(
                field,
                "Enter how many hours before the session, like 48.",
            ))
        };
    }
    match text.parse::<f64>() {
        Ok(h) if h.is_finite() && h > 0.0 && h <= 10_000.0 => Ok(Some((h * 60.0).round() as i64)),
        _ => Err(AppError::invalid(
            field,
            format!("\"{text}\" is not a number of hours. Enter one like 48 or 1.5."),
        )),
    }
}

/// "08:00" as minutes after midnight; "24:00" is the end of the day.
fn clock(field: &str, text: &str) -> AppResult<i64> {
    let bad = || AppError::invalid(field, "Choose a time of day, like 08:00.");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

pub async fn settings_view(db: &Db, who: &SignedIn) -> AppResult<ReminderSettingsView> {
    may_manage(who)?;
    let mut c = db.acquire().await?;
    let settings = repo::settings(c.conn(), who.practice_id).await?;
    let groups = repo::groups(c.conn(), who.practice_id).await?;
    Ok(ReminderSettingsView {
        settings,
        time_zone: who.time_zone.name().to_string(),
        groups: groups
            .into_iter()
            .map(|g| GroupNaming {
                case_id: CaseId(g.id),
                name: g.name,
                named: g.name_in_reminders,
            })
            .collect(),
    })
}

pub async fn save_settings(
    db: &Db,
    who: &SignedIn,
    input: ReminderSettingsInput,
) -> AppResult<ReminderSettings> {
    may_manage(who)?;
    let first = hours("first_lead", &input.first_lead_hours, false)?.unwrap_or_default();
    let second = hours("second_lead", &input.second_lead_hours, true)?;
    let settings = ReminderSettings {
        enabled: input.enabled,
        first_lead_minutes: first,
        second_lead_minutes: second,
        window_start_minute: clock("window", &input.window_start)?,
        window_end_minute: clock("window", &input.window_end)?,
    };
    settings
        .check()
        .map_err(|(field, message)| AppError::invalid(field, message))?;
    let mut tx = db.begin().await?;
    repo::save_settings(tx.conn(), who.practice_id, &settings, now_ms()).await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::ReminderSettings, who.practice_id.0).detail(format!(
            "{}; leads {:?} min; window {}-{}",
            if settings.enabled { "on" } else { "off" },
            settings.leads(),
            settings.window_start_minute,
            settings.window_end_minute
        )),
    )
    .await?;
    tx.commit().await?;
    super::worker::wake();
    Ok(settings)
}

pub async fn set_group_named(db: &Db, who: &SignedIn, case: CaseId, named: bool) -> AppResult<()> {
    may_manage(who)?;
    let mut tx = db.begin().await?;
    if !repo::set_case_named(tx.conn(), who.practice_id, case, named).await? {
        return Err(who.not_found(ObjectKind::Case, case.0));
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Case, case.0).detail(if named {
            "reminders name the group"
        } else {
            "reminders do not name the group"
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn visible_person(
    c: crate::server::db::Conn<'_>,
    who: &SignedIn,
    person: PersonId,
) -> AppResult<()> {
    match crate::people::repo::get(c, &who.scope(), person).await? {
        Some(_) => Ok(()),
        None => Err(who.not_found(ObjectKind::Person, person.0)),
    }
}

/// A person's reminder choice and their reminders of sessions from today on.
pub async fn person_reminders(
    db: &Db,
    who: &SignedIn,
    person: PersonId,
) -> AppResult<PersonReminders> {
    let mut tx = db.begin_read().await?;
    visible_person(tx.conn(), who, person).await?;
    let choice = repo::person_choice(tx.conn(), who.practice_id, person)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Person, person.0))?;
    let settings = repo::settings(tx.conn(), who.practice_id).await?;
    let now = now_ms();
    let rows = repo::for_person(tx.conn(), person, now - 24 * 3_600_000, 20).await?;
    tx.commit().await?;
    // Which sessions (and cases) someone is reminded of is health information.
    read(
        db,
        who,
        Event::read(ObjectKind::Person, person.0).detail(format!("reminders: {}", rows.len())),
    )
    .await?;
    let stamp =
        |ms: i64| crate::domain::when::short_stamp(crate::server::time::wall(who.time_zone, ms));
    Ok(PersonReminders {
        person,
        has_email: choice
            .email
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty()),
        reminders_off: choice.reminders_off,
        time_zone: choice.time_zone,
        practice_time_zone: who.time_zone.name().to_string(),
        practice_enabled: settings.enabled,
        upcoming: rows
            .into_iter()
            .map(|r| PersonReminderLine {
                session: stamp(r.session_starts_at),
                case_name: r.case_name,
                status: match ReminderStatus::parse(&r.status) {
                    Some(ReminderStatus::Planned) => format!("Planned for {}", stamp(r.due_at)),
                    Some(ReminderStatus::Sent) => {
                        format!("Sent {}", stamp(r.sent_at.unwrap_or(r.due_at)))
                    }
                    _ => format!(
                        "Not sent: {}",
                        r.skip_reason.as_deref().unwrap_or("skipped")
                    ),
                },
            })
            .collect(),
    })
}

pub async fn set_person_reminders(
    db: &Db,
    who: &SignedIn,
    person: PersonId,
    reminders_off: bool,
    time_zone: String,
) -> AppResult<()> {
    let time_zone = time_zone.trim();
    let time_zone = if time_zone.is_empty() {
        None
    } else {
        match time_zone.parse::<Tz>() {
            Ok(tz) => Some(tz.name().to_string()),
            Err(_) => {
                return Err(AppError::invalid(
                    "time_zone",
                    format!("\"{time_zone}\" is not a time zone. Choose one from the list, like America/New_York."),
                ))
            }
        }
    };
    let mut tx = db.begin().await?;
    visible_person(tx.conn(), who, person).await?;
    repo::set_person_choice(
        tx.conn(),
        who.practice_id,
        person,
        reminders_off,
        time_zone.as_deref(),
    )
    .await?;
    if reminders_off {
        repo::skip_person(tx.conn(), person, SkipReason::OptedOut.as_str(), now_ms()).await?;
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Person, person.0).detail(format!(
            "reminders {}; time zone {}",
            if reminders_off { "off" } else { "on" },
            time_zone.as_deref().unwrap_or("the practice's")
        )),
    )
    .await?;
    tx.commit().await?;
    super::worker::wake();
    Ok(())
}

/// What one planning pass changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlanPass {
    pub added: u64,
    pub rescheduled: usize,
    pub dropped: usize,
}

impl std::ops::AddAssign for PlanPass {
    fn add_assign(&mut self, o: PlanPass) {
        self.added += o.added;
        self.rescheduled += o.rescheduled;
        self.dropped += o.dropped;
    }
}

/// Brings a practice's plan in line with its sessions, rosters and settings as of `now`:
/// reminders are added for what is coming, moved with their session's send time, and
/// taken out for sessions that moved or were cancelled and people who left or declined.
pub async fn plan_practice(
    db: &Db,
    practice: PracticeId,
    practice_tz: Tz,
    now: i64,
) -> AppResult<PlanPass> {
    let mut tx = db.begin().await?;
    let settings = repo::settings(tx.conn(), practice).await?;
    let mut wanted: HashMap<(i64, i64, i64, i64), i64> = HashMap::new();
    if settings.enabled {
        let leads = settings.leads();
        let window = settings.window();
        let candidates =
            repo::candidates(tx.conn(), practice, now, now + PLANNING_HORIZON_MS).await?;
        let mut zones: HashMap<Option<String>, Tz> = HashMap::new();
        for c in candidates {
            let tz = *zones
                .entry(c.time_zone.clone())
                .or_insert_with(|| zone(c.time_zone.as_deref(), practice_tz));
            for (lead, due) in plan(&tz, window, &leads, c.starts_at, now) {
                wanted.insert((c.appointment_id, c.person_id, lead, c.starts_at), due);
            }
        }
    }
    let mut pass = PlanPass::default();
    let mut dropped = Vec::new();
    for row in repo::planned_ahead(tx.conn(), practice, now).await? {
        let key = (
            row.appointment_id,
            row.person_id,
            row.lead_minutes,
            row.session_starts_at,
        );
        match wanted.remove(&key) {
            Some(due) if due != row.due_at => {
                repo::set_due(tx.conn(), row.id, due).await?;
                pass.rescheduled += 1;
            }
            Some(_) => {}
            None => dropped.push(row.id),
        }
    }
    pass.dropped = dropped.len();
    repo::delete_planned(tx.conn(), &dropped).await?;
    let mut new: Vec<NewReminder> = wanted
        .into_iter()
        .map(
            |((appointment_id, person_id, lead_minutes, session_starts_at), due_at)| NewReminder {
                appointment_id,
                person_id,
                lead_minutes,
                session_starts_at,
                due_at,
            },
        )
        .collect();
    new.sort_by_key(|r| (r.due_at, r.appointment_id, r.person_id));
    pass.added = repo::insert_planned(tx.conn(), practice, &new, now).await?;
    tx.commit().await?;
    Ok(pass)
}

/// Plans every practice's reminders.
pub async fn plan_all(db: &Db, now: i64) -> AppResult<PlanPass> {
    let practices = {
        let mut c = db.acquire().await?;
        repo::practices(c.conn()).await?
    };
    let mut pass = PlanPass::default();
    for (id, tz) in practices {
        let tz = zone(Some(&tz), chrono_tz::UTC);
        pass += plan_practice(db, PracticeId(id), tz, now).await?;
    }
    Ok(pass)
}

/// What one sending pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendPass {
    pub emails: usize,
    pub reminded: usize,
    pub skipped: usize,
}

/// Sends every reminder due by `now`: for each person, one email per day and lead time with
/// every session of theirs that day, after checking each session still stands.
pub async fn send_due(db: &Db, public_url: &str, now: i64) -> AppResult<SendPass> {
    let mut pass = SendPass::default();
    let mut seen = std::collections::HashSet::new();
    loop {
        let people = {
            let mut c = db.acquire().await?;
            repo::due_people(c.conn(), now, 100).await?
        };
        let fresh: Vec<(i64, i64)> = people.into_iter().filter(|p| seen.insert(*p)).collect();
        if fresh.is_empty() {
            break;
        }
        for (practice, person) in fresh {
            let p = send_for_person(db, public_url, PracticeId(practice), PersonId(person), now)
                .await?;
            pass.emails += p.emails;
            pass.reminded += p.reminded;
            pass.skipped += p.skipped;
        }
    }
    if pass.emails > 0 {
        crate::mail::worker::wake();
    }
    Ok(pass)
}

async fn send_for_person(
    db: &Db,
    public_url: &str,
    practice: PracticeId,
    person: PersonId,
    now: i64,
) -> AppResult<SendPass> {
    let mut pass = SendPass::default();
    let mut tx = db.begin().await?;
    let Some(who) = repo::recipient(tx.conn(), person).await? else {
        return Ok(pass);
    };
    let settings = repo::settings(tx.conn(), practice).await?;
    let practice_tz = zone(Some(&who.practice_time_zone), chrono_tz::UTC);
    let tz = zone(who.time_zone.as_deref(), practice_tz);
    let rows = repo::planned_for_person(tx.conn(), person).await?;
    // Each day and lead time with something due now, and everything of that day and lead
    // time: a person with two sessions on Tuesday gets one email for both.
    let mut batches: BTreeMap<(chrono::NaiveDate, i64), Vec<&repo::DueRow>> = BTreeMap::new();
    for row in &rows {
        if let Some(day) = local_day(&tz, row.session_starts_at) {
            batches
                .entry((day, row.lead_minutes))
                .or_default()
                .push(row);
        }
    }
    batches.retain(|_, rows| rows.iter().any(|r| r.due_at <= now));
    // Sent late (the server was down), a day's 48-hour and 2-hour reminders can both be
    // due: only the nearer one goes.
    let mut superseded = Vec::new();
    let mut nearest: HashMap<chrono::NaiveDate, i64> = HashMap::new();
    for &(day, lead) in batches.keys() {
        let n = nearest.entry(day).or_insert(lead);
        *n = (*n).min(lead);
    }
    batches.retain(|&(day, lead), rows| {
        let keep = nearest.get(&day) == Some(&lead);
        if !keep {
            superseded.extend(rows.iter().map(|r| r.id));
        }
        keep
    });
    for id in superseded {
        pass.skipped += 1;
        let reason = SkipReason::Superseded.as_str();
        if !repo::settle(
            tx.conn(),
            id,
            ReminderStatus::Skipped,
            Some(reason),
            None,
            now,
        )
        .await?
        {
            return Ok(SendPass::default());
        }
    }
    let has_email = who.email.as_deref().is_some_and(|e| !e.trim().is_empty());
    let greeting = greeting_name(&who.legal_name, who.preferred_name.as_deref());
    let tz_note = (tz != practice_tz).then(|| tz.name().to_string());
    for ((day, lead), batch) in batches {
        let mut lines = Vec::new();
        for row in batch {
            let check = SendCheck {
                practice_enabled: settings.enabled,
                opted_out: who.reminders_off,
                has_email,
                cancelled: row.cancelled,
                starts_at: row.starts_at,
                planned_start: row.session_starts_at,
                declined: row.declined,
                on_roster: row.on_roster,
            };
            let settled = match skip_reason(&check, now) {
                Some(reason) => {
                    pass.skipped += 1;
                    repo::settle(
                        tx.conn(),
                        row.id,
                        ReminderStatus::Skipped,
                        Some(reason.as_str()),
                        None,
                        now,
                    )
                    .await?
                }
                None => {
                    let token = new_session_token();
                    let hash = hash_token(&token);
                    lines.push(ReminderLine {
                        when: when_text(&tz, row.starts_at),
                        group: row.name_in_reminders.then(|| row.case_name.clone()),
                        link: format!("{public_url}/reminder?token={token}"),
                    });
                    pass.reminded += 1;
                    repo::settle(
                        tx.conn(),
                        row.id,
                        ReminderStatus::Sent,
                        None,
                        Some(&hash),
                        now,
                    )
                    .await?
                }
            };
            if !settled {
                // Another worker is sending this person's reminders: leave them to it.
                return Ok(SendPass::default());
            }
        }
        if lines.is_empty() {
            continue;
        }
        let (subject, body) =
            reminder_email(&greeting, &who.practice_name, tz_note.as_deref(), &lines);
        let key = format!("reminder:{}:{day}:{lead}", person.0);
        let recipient = who.email.as_deref().unwrap_or_default().trim().to_string();
        enqueue(
            tx.conn(),
            &NewEmail {
                practice: Some(practice),
                dedupe_key: &key,
                kind: EmailKind::Reminder,
                recipient: &recipient,
                subject: &subject,
                body: &body,
            },
            // Due at once; `now` may be a planning clock ahead of the wall clock.
            now.min(now_ms()),
        )
        .await?;
        pass.emails += 1;
    }
    tx.commit().await?;
    Ok(pass)
}

fn link_error() -> AppError {
    AppError::invalid(
        "token",
        "This reminder link is not valid. Use the newest reminder email, or contact the practice.",
    )
}

struct Link {
    row: repo::LinkRow,
    practice_tz: Tz,
    view: ReminderLinkView,
}

async fn load_link(db: &Db, token: &str, now: i64) -> AppResult<Link> {
    if token.is_empty() || token.len() > 200 {
        return Err(link_error());
    }
    let row = {
        let mut c = db.acquire().await?;
        repo::by_link(c.conn(), &hash_token(token)).await?
    }
    .ok_or_else(link_error)?;
    let practice_tz = zone(Some(&row.practice_time_zone), chrono_tz::UTC);
    let tz = zone(row.time_zone.as_deref(), practice_tz);
    let closed = if row.cancelled {
        Some("This session was cancelled. The practice will be in touch if anything else changes.")
    } else if row.starts_at != row.session_starts_at {
        Some("This session has moved. A new reminder will come with the new time; contact the practice with any questions.")
    } else if row.starts_at <= now {
        Some("This session has already started or taken place.")
    } else if !row.on_roster {
        Some("You are no longer booked into this session. Contact the practice with any questions.")
    } else {
        None
    };
    let view = ReminderLinkView {
        practice_name: row.practice_name.clone(),
        greeting: greeting_name(&row.legal_name, row.preferred_name.as_deref()),
        when: when_text(&tz, row.session_starts_at),
        group: row.name_in_reminders.then(|| row.case_name.clone()),
        confirmation: row
            .confirmation
            .as_deref()
            .and_then(Confirmation::parse)
            .unwrap_or_default(),
        closed: closed.map(str::to_string),
        reminders_off: row.reminders_off,
    };
    Ok(Link {
        row,
        practice_tz,
        view,
    })
}

/// The page behind a reminder's link. Public: the link's token is the credential, and it
/// opens only this person's answer to this one session.
pub async fn link_view(db: &Db, token: &str) -> AppResult<ReminderLinkView> {
    Ok(load_link(db, token, now_ms()).await?.view)
}

/// Records what the person answered through the link.
pub async fn answer(
    db: &Db,
    live: &Live,
    token: &str,
    answer: ReminderAnswer,
) -> AppResult<ReminderLinkView> {
    let now = now_ms();
    let link = load_link(db, token, now).await?;
    let row = &link.row;
    let person = PersonId(row.person_id);
    let practice = PracticeId(row.practice_id);
    let label = format!("person {} by reminder link", person.0);
    match answer {
        ReminderAnswer::Confirm | ReminderAnswer::Decline => {
            if let Some(why) = &link.view.closed {
                return Err(AppError::Conflict(why.clone()));
            }
            let confirmation = if answer == ReminderAnswer::Confirm {
                Confirmation::Confirmed
            } else {
                Confirmation::Declined
            };
            crate::attendance::server::confirm_by_link(
                db,
                live,
                crate::attendance::server::ConfirmationChange {
                    practice,
                    tz: link.practice_tz,
                    id: AppointmentId(row.appointment_id),
                    person,
                    confirmation,
                },
                &label,
            )
            .await?;
            Ok(ReminderLinkView {
                confirmation,
                ..link.view
            })
        }
        ReminderAnswer::Stop => {
            let mut tx = db.begin().await?;
            repo::set_reminders_off(tx.conn(), person).await?;
            repo::skip_person(tx.conn(), person, SkipReason::OptedOut.as_str(), now).await?;
            append(
                tx.conn(),
                &NewEntry {
                    practice_id: Some(practice),
                    actor: None,
                    actor_label: &label,
                    action: Action::Update,
                    object_kind: ObjectKind::Person,
                    object_id: Some(person.0),
                    outcome: Outcome::Success,
                    detail: "reminders stopped by the person",
                },
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(ReminderLinkView {
                reminders_off: true,
                ..link.view
            })
        }
    }
}
