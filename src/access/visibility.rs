//! Which cases and people a staff account may see, as SQL every repository filters by.
//!
//! Each predicate reads three parameters, bound first and in this order by [`BindScope`]:
//! `$1` the practice, `$2` the account, `$3` whether the account sees every case. A query
//! using one numbers its own parameters from `$4`.

use crate::domain::Scope;

/// A case the scope may see, for a query aliasing cases as `c`: every case of the practice
/// for owners and admins; otherwise cases the account provides, supervises (through an
/// associate who provides it) or was shared.
pub const VISIBLE_CASE: &str = "(c.practice_id = $1 AND ($3
    OR EXISTS (SELECT 1 FROM case_providers cp JOIN accounts pa ON pa.id = cp.account_id
               WHERE cp.case_id = c.id AND (cp.account_id = $2 OR pa.supervisor_id = $2))
    OR EXISTS (SELECT 1 FROM case_shares cs WHERE cs.case_id = c.id AND cs.account_id = $2)))";

/// A person the scope may see, for a query aliasing people as `p`: anyone for owners and
/// admins; for others, people they created or who belong (now or before) to a case they
/// see, or pay for one; and every organization (sponsors are picked practice-wide and say
/// nothing about anyone's care).
pub fn visible_person() -> String {
    format!(
        "p.practice_id = $1 AND ($3 OR p.created_by = $2 OR p.kind = 'organization'
           OR EXISTS (SELECT 1 FROM memberships m JOIN cases c ON c.id = m.case_id
                      WHERE m.person_id = p.id AND {VISIBLE_CASE})
           OR EXISTS (SELECT 1 FROM cases c WHERE c.payer_contact_id = p.id AND {VISIBLE_CASE}))"
    )
}

/// Binds a scope as `$1..$3`, the parameters the predicates above read. Call it first.
pub trait BindScope: Sized {
    fn bind_scope(self, scope: &Scope) -> Self;
}

macro_rules! bind_scope_for {
    ($([$($extra:ident)?] $query:ty),+ $(,)?) => {$(
        impl<'q, DB $(, $extra)?> BindScope for $query
        where
            DB: sqlx::Database,
            i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
            bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
        {
            fn bind_scope(self, scope: &Scope) -> Self {
                self.bind(scope.practice_id.0)
                    .bind(scope.account_id.0)
                    .bind(scope.sees_every_case)
            }
        }
    )+};
}

bind_scope_for!(
    [] sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    [O] sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>,
    [O] sqlx::query::QueryScalar<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>,
);
