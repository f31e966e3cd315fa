//! Message threads and messages in the database. Server only.

use crate::access::visibility::{visible_person, BindScope, VISIBLE_CASE};
use crate::domain::{AccountId, CaseId, PersonId, PracticeId, Scope, ThreadId};
use crate::on_conn;
use crate::server::db::{Conn, DbError};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ThreadRow {
    pub id: i64,
    pub person_id: i64,
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub case_id: Option<i64>,
    pub case_name: Option<String>,
    pub subject: String,
    pub last_message_at: i64,
    pub unread: i64,
}

/// A thread the scope may see: its person visible, and its case (if any) visible too.
fn visible_thread() -> String {
    format!(
        "{} AND (t.case_id IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.id = t.case_id AND {VISIBLE_CASE}))",
        visible_person()
    )
}

const STAFF_COLUMNS: &str = "t.id, t.person_id, p.legal_name, p.preferred_name, t.case_id,
    k.name AS case_name, t.subject, t.last_message_at,
    (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.from_practice = FALSE
       AND m.id > t.practice_read_through) AS unread";

/// The staff inbox: threads the scope may see, newest first, filtered.
pub async fn inbox(
    mut c: Conn<'_>,
    scope: &Scope,
    person: Option<PersonId>,
    case: Option<CaseId>,
    unread_only: bool,
    limit: i64,
) -> Result<Vec<ThreadRow>, DbError> {
    let sql = format!(
        "SELECT {STAFF_COLUMNS}
         FROM message_threads t JOIN people p ON p.id = t.person_id
         LEFT JOIN cases k ON k.id = t.case_id
         WHERE {} AND ($4 = 0 OR t.person_id = $4) AND ($5 = 0 OR t.case_id = $5)
           AND ($6 = FALSE OR t.last_message_id > t.practice_read_through)
         ORDER BY t.last_message_at DESC, t.id DESC LIMIT $7",
        visible_thread()
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind_scope(scope)
            .bind(person.map_or(0, |p| p.0))
            .bind(case.map_or(0, |k| k.0))
            .bind(unread_only)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// Threads the scope may see with something from the person unread.
pub async fn unread_threads(mut c: Conn<'_>, scope: &Scope) -> Result<i64, DbError> {
    let sql = format!(
        "SELECT COUNT(*) FROM message_threads t JOIN people p ON p.id = t.person_id
         WHERE {} AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id
                              AND m.from_practice = FALSE AND m.id > t.practice_read_through)",
        visible_thread()
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(&sql)
            .bind_scope(scope)
            .fetch_one(&mut *c)
            .await?
    }))
}

/// One thread, if the scope may see it.
pub async fn thread_for_staff(
    mut c: Conn<'_>,
    scope: &Scope,
    id: ThreadId,
) -> Result<Option<ThreadRow>, DbError> {
    let sql = format!(
        "SELECT {STAFF_COLUMNS}
         FROM message_threads t JOIN people p ON p.id = t.person_id
         LEFT JOIN cases k ON k.id = t.case_id
         WHERE t.id = $4 AND {}",
        visible_thread()
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind_scope(scope)
            .bind(id.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// A person's threads (the portal), newest first, with what the practice wrote unread.
pub async fn threads_of_person(
    mut c: Conn<'_>,
    person: PersonId,
    limit: i64,
) -> Result<Vec<ThreadRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT t.id, t.person_id, p.legal_name, p.preferred_name, CAST(NULL AS BIGINT) AS case_id,
                    CAST(NULL AS TEXT) AS case_name, t.subject, t.last_message_at,
                    (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id
                       AND m.from_practice = TRUE AND m.id > t.person_read_through) AS unread
             FROM message_threads t JOIN people p ON p.id = t.person_id
             WHERE t.person_id = $1
             ORDER BY t.last_message_at DESC, t.id DESC LIMIT $2",
        )
        .bind(person.0)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// One of the person's own threads.
pub async fn thread_of_person(
    mut c: Conn<'_>,
    person: PersonId,
    id: ThreadId,
) -> Result<Option<ThreadRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT t.id, t.person_id, p.legal_name, p.preferred_name, CAST(NULL AS BIGINT) AS case_id,
                    CAST(NULL AS TEXT) AS case_name, t.subject, t.last_message_at, CAST(0 AS BIGINT) AS unread
             FROM message_threads t JOIN people p ON p.id = t.person_id
             WHERE t.id = $1 AND t.person_id = $2",
        )
        .bind(id.0)
        .bind(person.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub from_practice: bool,
    pub author_name: Option<String>,
    pub body: String,
    pub sent_at: i64,
}

/// A thread's messages after message `after`, oldest first.
pub async fn messages(
    mut c: Conn<'_>,
    thread: ThreadId,
    after: i64,
) -> Result<Vec<MessageRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT m.id, m.from_practice, a.display_name AS author_name, m.body, m.sent_at
             FROM messages m LEFT JOIN accounts a ON a.id = m.author_id
             WHERE m.thread_id = $1 AND m.id > $2
             ORDER BY m.id LIMIT 1000",
        )
        .bind(thread.0)
        .bind(after)
        .fetch_all(&mut *c)
        .await?
    }))
}

pub struct NewThreadRow<'a> {
    pub practice: PracticeId,
    pub person: PersonId,
    pub case: Option<CaseId>,
    pub subject: &'a str,
    pub started_by: Option<AccountId>,
}

pub async fn insert_thread(
    mut c: Conn<'_>,
    t: &NewThreadRow<'_>,
    now: i64,
) -> Result<ThreadId, DbError> {
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO message_threads
                (practice_id, person_id, case_id, subject, started_by, created_at, last_message_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(t.practice.0)
        .bind(t.person.0)
        .bind(t.case.map(|k| k.0))
        .bind(t.subject)
        .bind(t.started_by.map(|a| a.0))
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(ThreadId(id))
}

/// Adds a message and marks the thread read through it for its writer's side.
pub async fn insert_message(
    mut c: Conn<'_>,
    practice: PracticeId,
    thread: ThreadId,
    author: AccountId,
    from_practice: bool,
    body: &str,
    now: i64,
) -> Result<i64, DbError> {
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO messages (thread_id, practice_id, author_id, from_practice, body, sent_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(thread.0)
        .bind(practice.0)
        .bind(author.0)
        .bind(from_practice)
        .bind(body)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    let side = if from_practice {
        "practice_read_through"
    } else {
        "person_read_through"
    };
    let sql = format!(
        "UPDATE message_threads SET last_message_id = $1, last_message_at = $2, {side} = $1
         WHERE id = $3"
    );
    on_conn!(c.re(), |c| {
        sqlx::query(&sql)
            .bind(id)
            .bind(now)
            .bind(thread.0)
            .execute(&mut *c)
            .await?;
    });
    Ok(id)
}

/// Marks a thread read through message `through` for one side (never backwards).
pub async fn mark_read(
    mut c: Conn<'_>,
    thread: ThreadId,
    by_practice: bool,
    through: i64,
) -> Result<(), DbError> {
    let side = if by_practice {
        "practice_read_through"
    } else {
        "person_read_through"
    };
    let sql = format!("UPDATE message_threads SET {side} = $1 WHERE id = $2 AND {side} < $1");
    on_conn!(c.re(), |c| {
        sqlx::query(&sql)
            .bind(through)
            .bind(thread.0)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// Who a message is to: their address and whether they can sign in to read it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Addressee {
    pub email: Option<String>,
    pub can_sign_in: bool,
}

pub async fn addressee(mut c: Conn<'_>, person: PersonId) -> Result<Option<Addressee>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as(
            "SELECT p.email, EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id
                                     AND a.active = TRUE) AS can_sign_in
             FROM people p WHERE p.id = $1",
        )
        .bind(person.0)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// The person a portal account belongs to.
pub async fn person_of_account(
    mut c: Conn<'_>,
    account: AccountId,
) -> Result<Option<i64>, DbError> {
    let id: Option<Option<i64>> = on_conn!(c.re(), |c| {
        sqlx::query_scalar("SELECT person_id FROM accounts WHERE id = $1")
            .bind(account.0)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(id.flatten())
}
