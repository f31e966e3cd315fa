//! People in the database. Server only.

use super::{PersonMembership, PersonSummary};
use crate::access::visibility::{visible_person, BindScope, VISIBLE_CASE};
use crate::domain::cases::CaseKind;
use crate::domain::membership::MembershipStatus;
use crate::domain::paging::{Cursor, Page};
use crate::domain::people::{display_name, PersonFields, PersonInput, PersonKind};
use crate::domain::{CaseId, MembershipId, PersonId, Scope};
use crate::on_conn;
use crate::server::db::{sql_list, Conn, DbError};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: PersonKind,
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    pub date_of_birth: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub emergency_contact: Option<String>,
    pub admin_notes: Option<String>,
}

impl PersonRow {
    pub fn kind(&self) -> PersonKind {
        self.kind
    }

    pub fn display_name(&self) -> String {
        display_name(&self.legal_name, self.preferred_name.as_deref())
    }

    pub fn summary(&self) -> PersonSummary {
        PersonSummary {
            id: PersonId(self.id),
            kind: self.kind(),
            display_name: self.display_name(),
            legal_name: self.legal_name.clone(),
            email: self.email.clone(),
        }
    }

    /// The stored details in the shape the edit form sends back.
    pub fn as_input(&self) -> PersonInput {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        PersonInput {
            kind: Some(self.kind()),
            legal_name: self.legal_name.clone(),
            preferred_name: s(&self.preferred_name),
            pronouns: s(&self.pronouns),
            date_of_birth: s(&self.date_of_birth),
            email: s(&self.email),
            phone: s(&self.phone),
            address: s(&self.address),
            emergency_contact: s(&self.emergency_contact),
            admin_notes: s(&self.admin_notes),
        }
    }
}

const COLUMNS: &str = "p.id, p.kind, p.legal_name, p.preferred_name, p.pronouns, p.date_of_birth, p.email, p.phone, p.address, p.emergency_contact, p.admin_notes";

fn search_key(fields: &PersonFields) -> String {
    format!(
        "{} {}",
        fields.legal_name.to_lowercase(),
        fields
            .preferred_name
            .as_deref()
            .unwrap_or("")
            .to_lowercase()
    )
    .trim()
    .to_string()
}

pub async fn insert(
    mut c: Conn<'_>,
    scope: &Scope,
    f: &PersonFields,
    now: i64,
) -> Result<PersonId, DbError> {
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO people (practice_id, kind, legal_name, preferred_name, pronouns, date_of_birth,
                email, phone, address, emergency_contact, admin_notes, search_name, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
             RETURNING id",
        )
        .bind(scope.practice_id.0)
        .bind(f.kind.as_str())
        .bind(&f.legal_name)
        .bind(&f.preferred_name)
        .bind(&f.pronouns)
        .bind(f.date_of_birth.map(|d| d.to_string()))
        .bind(&f.email)
        .bind(&f.phone)
        .bind(&f.address)
        .bind(&f.emergency_contact)
        .bind(&f.admin_notes)
        .bind(search_key(f))
        .bind(scope.account_id.0)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(PersonId(id))
}

/// Updates a person the caller may see; returns whether a row changed. The kind is never
/// changed here (see `people::server::update_person`).
pub async fn update(
    mut c: Conn<'_>,
    scope: &Scope,
    id: PersonId,
    f: &PersonFields,
    now: i64,
) -> Result<bool, DbError> {
    let sql = format!(
        "UPDATE people SET legal_name = $5, preferred_name = $6, pronouns = $7,
            date_of_birth = $8, email = $9, phone = $10, address = $11, emergency_contact = $12,
            admin_notes = $13, search_name = $14, updated_at = $15
         WHERE id = $4 AND id IN (SELECT p.id FROM people p WHERE {})",
        visible_person()
    );
    let n = on_conn!(c.re(), |c| {
        sqlx::query(&sql)
            .bind_scope(scope)
            .bind(id.0)
            .bind(&f.legal_name)
            .bind(&f.preferred_name)
            .bind(&f.pronouns)
            .bind(f.date_of_birth.map(|d| d.to_string()))
            .bind(&f.email)
            .bind(&f.phone)
            .bind(&f.address)
            .bind(&f.emergency_contact)
            .bind(&f.admin_notes)
            .bind(search_key(f))
            .bind(now)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    Ok(n > 0)
}

/// One person, if the scope may see them.
pub async fn get(
    mut c: Conn<'_>,
    scope: &Scope,
    id: PersonId,
) -> Result<Option<PersonRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM people p WHERE p.id = $4 AND {}",
        visible_person()
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, PersonRow>(&sql)
            .bind_scope(scope)
            .bind(id.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// People whose name contains `query`, in name order, of the given kinds.
pub async fn search(
    mut c: Conn<'_>,
    scope: &Scope,
    query: &str,
    kinds: &[PersonKind],
    limit: i64,
) -> Result<Vec<PersonSummary>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM people p
         WHERE {} AND p.search_name LIKE $4 ESCAPE '\\' AND p.kind IN ({})
         ORDER BY p.search_name, p.id LIMIT $5",
        visible_person(),
        sql_list(kinds.iter().map(|k| k.as_str()))
    );
    let rows: Vec<PersonRow> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind_scope(scope)
            .bind(crate::server::db::like_pattern(query))
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(rows.iter().map(PersonRow::summary).collect())
}

#[derive(sqlx::FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    person: PersonRow,
    search_name: String,
}

/// One page of the people of `kinds` the scope may see whose name matches `query`, in name
/// order from `after`, read by the `(practice_id, search_name)` index from the cursor on.
pub async fn page(
    mut c: Conn<'_>,
    scope: &Scope,
    query: &str,
    kinds: &[PersonKind],
    after: &Cursor,
    size: usize,
) -> Result<Page<PersonSummary>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS}, p.search_name FROM people p
         WHERE {} AND p.search_name LIKE $4 ESCAPE '\\' AND p.kind IN ({})
           AND (p.search_name, p.id) > ($5, $6)
         ORDER BY p.search_name, p.id LIMIT $7",
        visible_person(),
        sql_list(kinds.iter().map(|k| k.as_str()))
    );
    let rows: Vec<ListedRow> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind_scope(scope)
            .bind(crate::server::db::like_pattern(query))
            .bind(&after.name)
            .bind(after.id)
            .bind(size as i64 + 1)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(Page::from_rows(
        rows,
        size,
        |r| Cursor {
            name: r.search_name.clone(),
            id: r.person.id,
        },
        |r| r.person.summary(),
    ))
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    id: i64,
    case_id: i64,
    name: String,
    #[sqlx(try_from = "String")]
    kind: CaseKind,
    initials: Option<String>,
    #[sqlx(try_from = "String")]
    status: MembershipStatus,
    joined_on: String,
    left_on: Option<String>,
}

/// Every membership of a person in cases the scope may see, current first.
pub async fn memberships(
    mut c: Conn<'_>,
    scope: &Scope,
    person: PersonId,
) -> Result<Vec<PersonMembership>, DbError> {
    let sql = format!(
        "SELECT m.id, c.id AS case_id, c.name, c.kind, c.initials, m.status, m.joined_on, m.left_on
         FROM memberships m JOIN cases c ON c.id = m.case_id
         WHERE m.person_id = $4 AND {VISIBLE_CASE}
         ORDER BY (CASE WHEN m.left_on IS NULL THEN 0 ELSE 1 END), m.joined_on DESC, m.id DESC"
    );
    let rows: Vec<MembershipRow> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind_scope(scope)
            .bind(person.0)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| PersonMembership {
            membership_id: MembershipId(r.id),
            case_id: CaseId(r.case_id),
            case_name: r.name,
            case_kind: r.kind,
            initials: r.initials,
            waitlisted: r.status == MembershipStatus::Waitlisted,
            joined_on: r.joined_on,
            left_on: r.left_on,
        })
        .collect())
}

/// People of the practice by id, in one query: the payers a case names. Limited to the
/// practice only, because whoever sees the case sees who pays for it.
pub async fn by_ids(
    mut c: Conn<'_>,
    scope: &Scope,
    ids: &[i64],
) -> Result<Vec<PersonSummary>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    // The ids are integers formatted here, not user text.
    let sql = format!(
        "SELECT p.id, p.kind, p.legal_name, p.preferred_name, p.pronouns, p.date_of_birth, p.email,
                p.phone, p.address, p.emergency_contact, p.admin_notes
         FROM people p WHERE p.practice_id = $1 AND p.id IN ({})",
        list.join(",")
    );
    let rows: Vec<PersonRow> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind(scope.practice_id.0)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(rows.iter().map(PersonRow::summary).collect())
}
