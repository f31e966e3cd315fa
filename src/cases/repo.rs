//! Cases, providers, sharing, memberships and diagnoses in the database. Server only.

use super::CaseSummary;
use crate::access::visibility::{BindScope, VISIBLE_CASE};
use crate::domain::billing::Payer;
use crate::domain::cases::CaseKind;
use crate::domain::membership::MembershipStatus;
use crate::domain::paging::{Cursor, Page};
use crate::domain::{
    AccountId, CaseId, MembershipId, PersonId, Role, Scope, ServiceId, UnknownValue,
};
use crate::on_conn;
use crate::server::db::{sql_list, Conn, DbError};
use chrono::NaiveDate;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: CaseKind,
    pub name: String,
    pub initials: Option<String>,
    pub capacity: Option<i64>,
    pub default_service_id: Option<i64>,
    pub payer_kind: String,
    pub payer_contact_id: Option<i64>,
}

impl CaseRow {
    pub fn kind(&self) -> CaseKind {
        self.kind
    }

    /// Who pays. A kind and contact that name no payer is a corrupt row, never self-pay.
    pub fn payer(&self) -> Result<Payer, DbError> {
        Ok(stored_payer(&self.payer_kind, self.payer_contact_id)?)
    }
}

fn stored_payer(kind: &str, contact: Option<i64>) -> Result<Payer, UnknownValue> {
    Payer::from_parts(kind, contact).ok_or_else(|| UnknownValue {
        of: "payer",
        value: format!("{kind} (contact {contact:?})"),
    })
}

pub struct CaseFields<'a> {
    pub kind: CaseKind,
    pub name: &'a str,
    pub initials: Option<&'a str>,
    pub capacity: Option<i64>,
    pub default_service_id: Option<ServiceId>,
    pub payer: Payer,
}

pub async fn insert(
    mut c: Conn<'_>,
    scope: &Scope,
    f: &CaseFields<'_>,
    now: i64,
) -> Result<CaseId, DbError> {
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO cases (practice_id, kind, name, search_name, initials, capacity, default_service_id,
                payer_kind, payer_contact_id, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        )
        .bind(scope.practice_id.0)
        .bind(f.kind.as_str())
        .bind(f.name)
        .bind(search_key(f.name, f.initials))
        .bind(f.initials)
        .bind(f.capacity)
        .bind(f.default_service_id.map(|s| s.0))
        .bind(f.payer.kind_str())
        .bind(f.payer.contact_id())
        .bind(scope.account_id.0)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(CaseId(id))
}

fn search_key(name: &str, initials: Option<&str>) -> String {
    format!(
        "{} {}",
        name.to_lowercase(),
        initials.unwrap_or("").to_lowercase()
    )
    .trim()
    .to_string()
}

pub async fn update_details(
    mut c: Conn<'_>,
    case: CaseId,
    name: &str,
    initials: Option<&str>,
    capacity: Option<i64>,
    default_service_id: Option<ServiceId>,
    now: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE cases SET name = $2, search_name = $3, initials = $4, capacity = $5,
                default_service_id = $6, updated_at = $7 WHERE id = $1",
        )
        .bind(case.0)
        .bind(name)
        .bind(search_key(name, initials))
        .bind(initials)
        .bind(capacity)
        .bind(default_service_id.map(|s| s.0))
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Takes the case's row lock for the rest of the transaction, so concurrent membership
/// changes to one case queue up (capacity is checked against a count that cannot change
/// underneath). A plain UPDATE does this on both engines.
pub async fn lock(mut c: Conn<'_>, case: CaseId, now: i64) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE cases SET updated_at = $2 WHERE id = $1")
            .bind(case.0)
            .bind(now)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// One case, if the scope may see it.
pub async fn get(mut c: Conn<'_>, scope: &Scope, id: CaseId) -> Result<Option<CaseRow>, DbError> {
    let sql = format!(
        "SELECT c.id, c.kind, c.name, c.initials, c.capacity, c.default_service_id, c.payer_kind, c.payer_contact_id
         FROM cases c WHERE c.id = $4 AND {VISIBLE_CASE}"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, CaseRow>(&sql)
            .bind_scope(scope)
            .bind(id.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    #[sqlx(try_from = "String")]
    kind: CaseKind,
    name: String,
    initials: Option<String>,
    capacity: Option<i64>,
    current_members: i64,
}

/// The kinds that are groups, as a SQL list (`CaseKind::is_group` decides).
pub(crate) fn group_kinds() -> String {
    sql_list(
        CaseKind::ALL
            .into_iter()
            .filter(|k| k.is_group())
            .map(CaseKind::as_str),
    )
}

/// Cases the scope may see whose name or initials contain `query`: groups first, then by
/// name. `groups_only` narrows to groups.
pub async fn search(
    mut c: Conn<'_>,
    scope: &Scope,
    query: &str,
    groups_only: bool,
    limit: i64,
) -> Result<Vec<CaseSummary>, DbError> {
    let sql = format!(
        "SELECT c.id, c.kind, c.name, c.initials, c.capacity,
            (SELECT COUNT(*) FROM memberships m WHERE m.case_id = c.id AND m.left_on IS NULL AND m.status = 'active') AS current_members
         FROM cases c
         WHERE {VISIBLE_CASE} AND c.search_name LIKE $4 ESCAPE '\\'
           AND ($5 = FALSE OR c.kind IN ({groups}))
         ORDER BY (CASE WHEN c.kind IN ({groups}) THEN 0 ELSE 1 END), c.search_name, c.id
         LIMIT $6",
        groups = group_kinds(),
    );
    let rows: Vec<SummaryRow> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind_scope(scope)
            .bind(crate::server::db::like_pattern(query))
            .bind(groups_only)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| CaseSummary {
            id: CaseId(r.id),
            kind: r.kind,
            name: r.name,
            initials: r.initials,
            current_members: r.current_members,
            capacity: r.capacity,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ListedRow {
    id: i64,
    #[sqlx(try_from = "String")]
    kind: CaseKind,
    name: String,
    initials: Option<String>,
    capacity: Option<i64>,
    current_members: i64,
    search_name: String,
}

/// One page of the cases the scope may see whose name matches `query`: the groups, or the
/// other cases, in name order from `after`. Read by the `(practice_id, search_name)` index
/// from the cursor on, so a page costs the same however many cases the practice has.
pub async fn page(
    mut c: Conn<'_>,
    scope: &Scope,
    query: &str,
    groups: bool,
    after: &Cursor,
    size: usize,
) -> Result<Page<CaseSummary>, DbError> {
    let sql = format!(
        "SELECT c.id, c.kind, c.name, c.initials, c.capacity, c.search_name,
            (SELECT COUNT(*) FROM memberships m WHERE m.case_id = c.id AND m.left_on IS NULL AND m.status = 'active') AS current_members
         FROM cases c
         WHERE {VISIBLE_CASE} AND c.search_name LIKE $4 ESCAPE '\\'
           AND (c.kind IN ({groups})) = $5
           AND (c.search_name, c.id) > ($6, $7)
         ORDER BY c.search_name, c.id
         LIMIT $8",
        groups = group_kinds(),
    );
    let rows: Vec<ListedRow> = on_conn!(c.re(), |c| {
        sqlx::query_as(&sql)
            .bind_scope(scope)
            .bind(crate::server::db::like_pattern(query))
            .bind(groups)
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
            id: r.id,
        },
        |r| CaseSummary {
            id: CaseId(r.id),
            kind: r.kind,
            name: r.name,
            initials: r.initials,
            current_members: r.current_members,
            capacity: r.capacity,
        },
    ))
}

/// Whether another case of the practice already uses these initials.
pub async fn initials_taken(
    mut c: Conn<'_>,
    scope: &Scope,
    initials: &str,
    except: Option<CaseId>,
) -> Result<bool, DbError> {
    let n: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases WHERE practice_id = $1 AND initials = $2 AND id <> $3",
        )
        .bind(scope.practice_id.0)
        .bind(initials)
        .bind(except.map(|e| e.0).unwrap_or(-1))
        .fetch_one(&mut *c)
        .await?
    });
    Ok(n > 0)
}

pub async fn set_providers(
    mut c: Conn<'_>,
    case: CaseId,
    providers: &[AccountId],
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("DELETE FROM case_providers WHERE case_id = $1")
            .bind(case.0)
            .execute(&mut *c)
            .await?;
        for p in providers {
            sqlx::query("INSERT INTO case_providers (case_id, account_id) VALUES ($1, $2)")
                .bind(case.0)
                .bind(p.0)
                .execute(&mut *c)
                .await?;
        }
    });
    Ok(())
}

/// Shares a case with a provider who does not usually see it.
pub async fn share(
    mut c: Conn<'_>,
    case: CaseId,
    with: AccountId,
    by: AccountId,
    now: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "INSERT INTO case_shares (case_id, account_id, shared_by, shared_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (case_id, account_id) DO NOTHING",
        )
        .bind(case.0)
        .bind(with.0)
        .bind(by.0)
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

/// Providers of a case (`shares = false`) or accounts it was shared with (`true`).
pub async fn staff_of_case(
    mut c: Conn<'_>,
    case: CaseId,
    shares: bool,
) -> Result<Vec<StaffRow>, DbError> {
    let table = if shares {
        "case_shares"
    } else {
        "case_providers"
    };
    let sql = format!(
        "SELECT a.id, a.display_name, a.role FROM {table} x JOIN accounts a ON a.id = x.account_id
         WHERE x.case_id = $1 ORDER BY a.display_name"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, StaffRow>(&sql)
            .bind(case.0)
            .fetch_all(&mut *c)
            .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub case_id: i64,
    pub person_id: i64,
    pub legal_name: String,
    pub preferred_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: MembershipStatus,
    pub joined_on: String,
    pub left_on: Option<String>,
    pub payer_kind: Option<String>,
    pub payer_contact_id: Option<i64>,
}

impl MemberRow {
    pub fn period(&self) -> Option<crate::domain::membership::Period> {
        Some(crate::domain::membership::Period {
            joined_on: NaiveDate::parse_from_str(&self.joined_on, "%Y-%m-%d").ok()?,
            left_on: match &self.left_on {
                Some(d) => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?),
                None => None,
            },
        })
    }

    pub fn payer_override(&self) -> Result<Option<Payer>, DbError> {
        Ok(self
            .payer_kind
            .as_deref()
            .map(|k| stored_payer(k, self.payer_contact_id))
            .transpose()?)
    }
}

const MEMBER_COLUMNS: &str = "m.id, m.case_id, m.person_id, p.legal_name, p.preferred_name, m.status, m.joined_on, m.left_on, m.payer_kind, m.payer_contact_id";

/// Every membership of a case, current and past, in name order.
pub async fn members(mut c: Conn<'_>, case: CaseId) -> Result<Vec<MemberRow>, DbError> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN people p ON p.id = m.person_id
         WHERE m.case_id = $1 ORDER BY p.search_name, m.joined_on"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, MemberRow>(&sql)
            .bind(case.0)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// The members active on `day`: the roster of a session held that day.
pub async fn members_on(
    mut c: Conn<'_>,
    case: CaseId,
    day: NaiveDate,
) -> Result<Vec<MemberRow>, DbError> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN people p ON p.id = m.person_id
         WHERE m.case_id = $1 AND m.status = 'active' AND m.joined_on <= $2
           AND (m.left_on IS NULL OR m.left_on > $2)
         ORDER BY p.search_name"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, MemberRow>(&sql)
            .bind(case.0)
            .bind(day.to_string())
            .fetch_all(&mut *c)
            .await?
    }))
}

/// One membership, if its case is one the scope may see.
pub async fn membership(
    mut c: Conn<'_>,
    scope: &Scope,
    id: MembershipId,
) -> Result<Option<MemberRow>, DbError> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN people p ON p.id = m.person_id
         JOIN cases c ON c.id = m.case_id
         WHERE m.id = $4 AND {VISIBLE_CASE}"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, MemberRow>(&sql)
            .bind_scope(scope)
            .bind(id.0)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// A person's memberships in one case, for checking a new period against.
pub async fn periods_of(
    mut c: Conn<'_>,
    case: CaseId,
    person: PersonId,
) -> Result<Vec<MemberRow>, DbError> {
    let sql = format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN people p ON p.id = m.person_id
         WHERE m.case_id = $1 AND m.person_id = $2"
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, MemberRow>(&sql)
            .bind(case.0)
            .bind(person.0)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// Seats taken on `day`: active memberships not ended by then (including ones starting
/// later, which have a seat promised).
pub async fn count_current(mut c: Conn<'_>, case: CaseId, day: NaiveDate) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships
             WHERE case_id = $1 AND status = 'active' AND (left_on IS NULL OR left_on > $2)",
        )
        .bind(case.0)
        .bind(day.to_string())
        .fetch_one(&mut *c)
        .await?
    }))
}

pub async fn insert_membership(
    mut c: Conn<'_>,
    scope: &Scope,
    case: CaseId,
    person: PersonId,
    waitlisted: bool,
    joined_on: NaiveDate,
    now: i64,
) -> Result<MembershipId, DbError> {
    let id: i64 = on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO memberships (practice_id, case_id, person_id, status, joined_on, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(scope.practice_id.0)
        .bind(case.0)
        .bind(person.0)
        .bind(
            if waitlisted {
                MembershipStatus::Waitlisted
            } else {
                MembershipStatus::Active
            }
            .as_str(),
        )
        .bind(joined_on.to_string())
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(MembershipId(id))
}

pub async fn end_membership(
    mut c: Conn<'_>,
    id: MembershipId,
    left_on: NaiveDate,
    now: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE memberships SET left_on = $2, updated_at = $3 WHERE id = $1 AND left_on IS NULL")
            .bind(id.0)
            .bind(left_on.to_string())
            .bind(now)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

/// Moves someone from the waitlist into the group from `joined_on`.
pub async fn promote(
    mut c: Conn<'_>,
    id: MembershipId,
    joined_on: NaiveDate,
    now: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query(
            "UPDATE memberships SET status = 'active', joined_on = $2, updated_at = $3
             WHERE id = $1 AND status = 'waitlisted' AND left_on IS NULL",
        )
        .bind(id.0)
        .bind(joined_on.to_string())
        .bind(now)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}

/// Withdraws an open membership that leaves no history: a waitlist place, or a period
/// that had not begun.
pub async fn withdraw(mut c: Conn<'_>, id: MembershipId) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("DELETE FROM memberships WHERE id = $1 AND left_on IS NULL")
            .bind(id.0)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

pub async fn set_case_payer(
    mut c: Conn<'_>,
    case: CaseId,
    payer: Payer,
    now: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE cases SET payer_kind = $2, payer_contact_id = $3, updated_at = $4 WHERE id = $1")
            .bind(case.0)
            .bind(payer.kind_str())
            .bind(payer.contact_id())
            .bind(now)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

pub async fn set_member_payer(
    mut c: Conn<'_>,
    id: MembershipId,
    payer: Option<Payer>,
    now: i64,
) -> Result<(), DbError> {
    on_conn!(c.re(), |c| {
        sqlx::query("UPDATE memberships SET payer_kind = $2, payer_contact_id = $3, updated_at = $4 WHERE id = $1")
            .bind(id.0)
            .bind(payer.map(Payer::kind_str))
            .bind(payer.and_then(Payer::contact_id))
            .bind(now)
            .execute(&mut *c)
            .await?;
    });
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DiagnosisRow {
    pub id: i64,
    pub person_id: i64,
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub code: String,
    pub description: String,
    pub noted_on: String,
}

pub async fn diagnoses(mut c: Conn<'_>, case: CaseId) -> Result<Vec<DiagnosisRow>, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, DiagnosisRow>(
            "SELECT d.id, d.person_id, p.legal_name, p.preferred_name, d.code, d.description, d.noted_on
             FROM diagnoses d JOIN people p ON p.id = d.person_id
             WHERE d.case_id = $1 ORDER BY d.noted_on DESC, d.id DESC",
        )
        .bind(case.0)
        .fetch_all(&mut *c)
        .await?
    }))
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_diagnosis(
    mut c: Conn<'_>,
    scope: &Scope,
    case: CaseId,
    person: PersonId,
    code: &str,
    description: &str,
    noted_on: NaiveDate,
    now: i64,
) -> Result<i64, DbError> {
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_scalar(
            "INSERT INTO diagnoses (practice_id, case_id, person_id, code, description, noted_on, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(scope.practice_id.0)
        .bind(case.0)
        .bind(person.0)
        .bind(code)
        .bind(description)
        .bind(noted_on.to_string())
        .bind(scope.account_id.0)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    }))
}

/// Staff accounts of the practice who can provide care, for the provider picker.
pub async fn care_staff(mut c: Conn<'_>, scope: &Scope) -> Result<Vec<StaffRow>, DbError> {
    let sql = format!(
        "SELECT id, display_name, role FROM accounts
         WHERE practice_id = $1 AND active = TRUE AND role IN ({})
         ORDER BY display_name",
        sql_list(
            Role::ALL
                .into_iter()
                .filter(|r| r.provides_care())
                .map(Role::as_str)
        )
    );
    Ok(on_conn!(c.re(), |c| {
        sqlx::query_as::<_, StaffRow>(&sql)
            .bind(scope.practice_id.0)
            .fetch_all(&mut *c)
            .await?
    }))
}
