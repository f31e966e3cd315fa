//! Secure messages: staff and portal sides. A thread is with exactly one person; staff reach
//! it only if they may see that person (and its case, if it has one); a portal account
//! reaches only its own person's threads. Writing a message, its notification email and its
//! audit entry happen in one transaction; every read is audited. Server only.

use super::repo::{self, NewThreadRow, ThreadRow};
use super::{Inbox, InboxFilter, MessageView, NewThread, ThreadSummary, ThreadView};
use crate::access::SignedIn;
use crate::audit::server::{read, record};
use crate::audit::{Action, Event, ObjectKind};
use crate::domain::cases::CaseKind;
use crate::domain::mail::EmailKind;
use crate::domain::messages::{check_body, check_subject, notice_email, MAX_GROUP_RECIPIENTS};
use crate::domain::people::display_name;
use crate::domain::{CaseId, PersonId, ThreadId};
use crate::error::{AppError, AppResult};
use crate::mail::repo::{enqueue, NewEmail};
use crate::server::db::{now_ms, Conn, Db};

fn stamp(who: &SignedIn, ms: i64) -> String {
    crate::domain::when::short_stamp(crate::server::time::wall(who.time_zone, ms))
}

fn summary(who: &SignedIn, r: ThreadRow, with: String) -> ThreadSummary {
    ThreadSummary {
        id: ThreadId(r.id),
        with,
        person_id: PersonId(r.person_id),
        case_name: r.case_name,
        subject: r.subject,
        last_at: stamp(who, r.last_message_at),
        unread: r.unread,
    }
}

fn person_name(r: &ThreadRow) -> String {
    display_name(&r.legal_name, r.preferred_name.as_deref())
}

/// Writes the "you have a new message" email to the person, if they have an address. It
/// names only the practice.
async fn notify(
    mut c: Conn<'_>,
    who: &SignedIn,
    public_url: &str,
    person: PersonId,
    message: i64,
    now: i64,
) -> AppResult<()> {
    let Some(to) = repo::addressee(c.re(), person).await? else {
        return Ok(());
    };
    let Some(email) = to.email.filter(|e| !e.trim().is_empty()) else {
        return Ok(());
    };
    let (subject, body) = notice_email(&who.practice_name, public_url);
    enqueue(
        c,
        &NewEmail {
            practice: Some(who.practice_id),
            dedupe_key: &format!("message:{message}"),
            kind: EmailKind::MessageNotice,
            recipient: email.trim(),
            subject: &subject,
            body: &body,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Adds `who`'s message to a thread, on the practice's side or the person's.
async fn add_message(
    c: Conn<'_>,
    who: &SignedIn,
    thread: ThreadId,
    from_practice: bool,
    body: &str,
    now: i64,
) -> AppResult<i64> {
    Ok(repo::insert_message(
        c,
        who.practice_id,
        thread,
        who.account_id,
        from_practice,
        body,
        now,
    )
    .await?)
}

fn subject_of(text: &str) -> AppResult<String> {
    check_subject(text).map_err(|m| AppError::invalid("subject", m))
}

fn body_of(text: &str) -> AppResult<String> {
    check_body(text).map_err(|m| AppError::invalid("body", m))
}

// ---- staff ----

pub async fn inbox(db: &Db, who: &SignedIn, filter: InboxFilter) -> AppResult<Inbox> {
    let mut tx = db.begin_read().await?;
    let rows = repo::inbox(
        tx.conn(),
        &who.scope(),
        filter.person,
        filter.case,
        filter.unread_only,
        200,
    )
    .await?;
    let unread_threads = repo::unread_threads(tx.conn(), &who.scope()).await?;
    tx.commit().await?;
    read(
        db,
        who,
        Event::new(Action::Read, ObjectKind::MessageThread, None).detail(format!(
            "inbox: {} threads{}{}",
            rows.len(),
            filter
                .person
                .map(|p| format!(", person {p}"))
                .unwrap_or_default(),
            filter
                .case
                .map(|k| format!(", case {k}"))
                .unwrap_or_default()
        )),
    )
    .await?;
    Ok(Inbox {
        threads: rows
            .into_iter()
            .map(|r| {
                let with = person_name(&r);
                summary(who, r, with)
            })
            .collect(),
        unread_threads,
    })
}

fn staff_messages(who: &SignedIn, person: &str, rows: Vec<repo::MessageRow>) -> Vec<MessageView> {
    rows.into_iter()
        .map(|m| MessageView {
            id: m.id,
            author: if m.from_practice {
                m.author_name.unwrap_or_else(|| who.practice_name.clone())
            } else {
                person.to_string()
            },
            mine: m.from_practice,
            body: m.body,
            at: stamp(who, m.sent_at),
        })
        .collect()
}

/// A thread and its messages after `after` (0: all), marked read for the practice. Audited
/// when it shows any message.
pub async fn thread(db: &Db, who: &SignedIn, id: ThreadId, after: i64) -> AppResult<ThreadView> {
    // An open thread asks every few seconds: a read transaction, and a write only when
    // there is something new to mark read.
    let mut tx = db.begin_read().await?;
    let row = repo::thread_for_staff(tx.conn(), &who.scope(), id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::MessageThread, id.0))?;
    let messages = repo::messages(tx.conn(), id, after).await?;
    let can_sign_in = after > 0
        || repo::addressee(tx.conn(), PersonId(row.person_id))
            .await?
            .is_some_and(|a| a.can_sign_in);
    tx.commit().await?;
    mark_read(db, id, true, &messages).await?;
    if after == 0 || !messages.is_empty() {
        read(
            db,
            who,
            Event::read(ObjectKind::MessageThread, id.0)
                .detail(format!("{} messages", messages.len())),
        )
        .await?;
    }
    let with = person_name(&row);
    Ok(ThreadView {
        id,
        subject: row.subject.clone(),
        person_id: PersonId(row.person_id),
        case_name: row.case_name.clone(),
        can_sign_in,
        messages: staff_messages(who, &with, messages),
        with,
    })
}

/// Marks a thread read through the newest of `messages` for one side; nothing when empty.
async fn mark_read(
    db: &Db,
    id: ThreadId,
    by_practice: bool,
    messages: &[repo::MessageRow],
) -> AppResult<()> {
    if let Some(last) = messages.last() {
        let mut c = db.acquire().await?;
        repo::mark_read(c.conn(), id, by_practice, last.id).await?;
    }
    Ok(())
}

async fn check_case(c: Conn<'_>, who: &SignedIn, case: CaseId) -> AppResult<CaseKind> {
    crate::cases::repo::get(c, &who.scope(), case)
        .await?
        .map(|k| k.kind)
        .ok_or_else(|| who.not_found(ObjectKind::Case, case.0))
}

/// Starts a thread with one person (about one of their cases, optionally) and sends its
/// first message.
pub async fn start(
    db: &Db,
    public_url: &str,
    who: &SignedIn,
    input: NewThread,
) -> AppResult<ThreadId> {
    let person = input
        .person
        .ok_or_else(|| AppError::invalid("person", "Choose who the message is to."))?;
    let subject = subject_of(&input.subject)?;
    let body = body_of(&input.body)?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    if crate::people::repo::get(tx.conn(), &who.scope(), person)
        .await?
        .is_none()
    {
        return Err(who.not_found(ObjectKind::Person, person.0));
    }
    if let Some(case) = input.case {
        check_case(tx.conn(), who, case).await?;
        let belongs = crate::cases::repo::members(tx.conn(), case)
            .await?
            .iter()
            .any(|m| m.person_id == person.0);
        if !belongs {
            return Err(AppError::invalid(
                "case",
                "This person is not a member of that case.",
            ));
        }
    }
    let opening = Opening {
        person,
        case: input.case,
        subject: &subject,
        body: &body,
    };
    let id = write_thread(tx.conn(), public_url, who, &opening, now).await?;
    tx.commit().await?;
    crate::mail::worker::wake();
    Ok(id)
}

/// A first message to one person: what [`write_thread`] writes.
#[derive(Clone, Copy)]
struct Opening<'a> {
    person: PersonId,
    case: Option<CaseId>,
    subject: &'a str,
    body: &'a str,
}

/// A new thread with its first message, notice and audit entry, in the caller's transaction.
async fn write_thread(
    mut c: Conn<'_>,
    public_url: &str,
    who: &SignedIn,
    opening: &Opening<'_>,
    now: i64,
) -> AppResult<ThreadId> {
    let Opening {
        person,
        case,
        subject,
        body,
    } = *opening;
    let id = repo::insert_thread(
        c.re(),
        &NewThreadRow {
            practice: who.practice_id,
            person,
            case,
            subject,
            started_by: Some(who.account_id),
        },
        now,
    )
    .await?;
    let message = add_message(c.re(), who, id, true, body, now).await?;
    notify(c.re(), who, public_url, person, message, now).await?;
    record(
        c.re(),
        who,
        Event::create(ObjectKind::MessageThread, id.0).detail(format!(
            "to person {person}{}",
            case.map(|k| format!(", case {k}")).unwrap_or_default()
        )),
    )
    .await?;
    Ok(id)
}

/// Replies in a thread, for the practice.
pub async fn reply(
    db: &Db,
    public_url: &str,
    who: &SignedIn,
    id: ThreadId,
    body: &str,
) -> AppResult<i64> {
    let body = body_of(body)?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let row = repo::thread_for_staff(tx.conn(), &who.scope(), id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::MessageThread, id.0))?;
    let message = add_message(tx.conn(), who, id, true, &body, now).await?;
    notify(
        tx.conn(),
        who,
        public_url,
        PersonId(row.person_id),
        message,
        now,
    )
    .await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::MessageThread, id.0).detail(format!("message {message}")),
    )
    .await?;
    tx.commit().await?;
    crate::mail::worker::wake();
    Ok(message)
}

/// "Message the group": one separate thread with each member active today, each with its
/// own notice. Nobody's message, email or thread names anyone else. Returns how many.
pub async fn message_group(
    db: &Db,
    public_url: &str,
    who: &SignedIn,
    case: CaseId,
    subject: &str,
    body: &str,
) -> AppResult<usize> {
    let subject = subject_of(subject)?;
    let body = body_of(body)?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let kind = check_case(tx.conn(), who, case).await?;
    if !kind.is_group() {
        return Err(AppError::invalid(
            "case",
            "Only a group can be messaged as a group; message this client directly.",
        ));
    }
    let members = crate::cases::repo::members_on(tx.conn(), case, who.today()).await?;
    if members.is_empty() {
        return Err(AppError::invalid(
            "case",
            "This group has no current members to message.",
        ));
    }
    if members.len() > MAX_GROUP_RECIPIENTS {
        return Err(AppError::invalid(
            "case",
            format!("A group message reaches at most {MAX_GROUP_RECIPIENTS} people."),
        ));
    }
    for m in &members {
        let opening = Opening {
            person: PersonId(m.person_id),
            case: Some(case),
            subject: &subject,
            body: &body,
        };
        write_thread(tx.conn(), public_url, who, &opening, now).await?;
    }
    tx.commit().await?;
    crate::mail::worker::wake();
    Ok(members.len())
}

// ---- portal ----

async fn own_person(db: &Db, who: &SignedIn) -> AppResult<PersonId> {
    let mut c = db.acquire().await?;
    repo::person_of_account(c.conn(), who.account_id)
        .await?
        .map(PersonId)
        .ok_or(AppError::NotFound)
}

pub async fn my_threads(db: &Db, who: &SignedIn) -> AppResult<Vec<ThreadSummary>> {
    let person = own_person(db, who).await?;
    let rows = {
        let mut c = db.acquire().await?;
        repo::threads_of_person(c.conn(), person, 200).await?
    };
    read(
        db,
        who,
        Event::new(Action::Read, ObjectKind::MessageThread, None)
            .detail(format!("portal inbox: {} threads", rows.len())),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| summary(who, r, who.practice_name.clone()))
        .collect())
}

pub async fn my_thread(db: &Db, who: &SignedIn, id: ThreadId, after: i64) -> AppResult<ThreadView> {
    let person = own_person(db, who).await?;
    let mut tx = db.begin_read().await?;
    let row = repo::thread_of_person(tx.conn(), person, id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::MessageThread, id.0))?;
    let messages = repo::messages(tx.conn(), id, after).await?;
    tx.commit().await?;
    mark_read(db, id, false, &messages).await?;
    if after == 0 || !messages.is_empty() {
        read(
            db,
            who,
            Event::read(ObjectKind::MessageThread, id.0)
                .detail(format!("portal: {} messages", messages.len())),
        )
        .await?;
    }
    Ok(ThreadView {
        id,
        subject: row.subject,
        with: who.practice_name.clone(),
        person_id: person,
        case_name: None,
        can_sign_in: true,
        messages: messages
            .into_iter()
            .map(|m| MessageView {
                id: m.id,
                author: if m.from_practice {
                    m.author_name.unwrap_or_else(|| who.practice_name.clone())
                } else {
                    "You".into()
                },
                mine: !m.from_practice,
                body: m.body,
                at: stamp(who, m.sent_at),
            })
            .collect(),
    })
}

pub async fn my_reply(db: &Db, who: &SignedIn, id: ThreadId, body: &str) -> AppResult<i64> {
    let body = body_of(body)?;
    let person = own_person(db, who).await?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    repo::thread_of_person(tx.conn(), person, id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::MessageThread, id.0))?;
    let message = add_message(tx.conn(), who, id, false, &body, now).await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::MessageThread, id.0).detail(format!("message {message}")),
    )
    .await?;
    tx.commit().await?;
    Ok(message)
}

/// A person writes to the practice.
pub async fn my_new_thread(
    db: &Db,
    who: &SignedIn,
    subject: &str,
    body: &str,
) -> AppResult<ThreadId> {
    let subject = subject_of(subject)?;
    let body = body_of(body)?;
    let person = own_person(db, who).await?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let id = repo::insert_thread(
        tx.conn(),
        &NewThreadRow {
            practice: who.practice_id,
            person,
            case: None,
            subject: &subject,
            started_by: None,
        },
        now,
    )
    .await?;
    add_message(tx.conn(), who, id, false, &body, now).await?;
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::MessageThread, id.0).detail("from the portal"),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
