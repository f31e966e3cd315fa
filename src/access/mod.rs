//! Who is calling and what they may touch. Server only.
//!
//! - [`SignedIn`]: the principal, resolved from the session cookie by the session middleware.
//! - [`serve`]: the one way a server function gets its caller. It refuses the anonymous and
//!   the other side's accounts, runs the work, and audits every refusal the work returns
//!   (`NotFound`, `Forbidden`), so no server function can forget to.
//! - [`visibility`]: the rules every repository filters by (which cases and people a staff
//!   account may see), written once as SQL with one way to bind them.

pub mod visibility;

use crate::audit::{self, ObjectKind};
use crate::domain::{AccountId, Area, PracticeId, Role, Scope};
use crate::error::{AppError, AppResult};
use crate::server::db::Db;
use crate::server::state::AppState;
use chrono::NaiveDate;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// Who is calling. Holds no secret but the session token's hash.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub token_hash: String,
    pub account_id: AccountId,
    pub practice_id: PracticeId,
    pub role: Role,
    pub display_name: String,
    pub email: String,
    pub practice_name: String,
    pub time_zone: chrono_tz::Tz,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// The object this request was refused, named where the refusal was decided, so the
    /// boundary's audit entry says what was asked for. Shared by the clones of one caller.
    pub refused: RefusalNote,
}

/// The first object a request was refused (see [`SignedIn::not_found`]).
#[derive(Clone, Debug, Default)]
pub struct RefusalNote(Arc<Mutex<Option<(ObjectKind, i64)>>>);

impl RefusalNote {
    fn note(&self, kind: ObjectKind, id: i64) {
        if let Ok(mut slot) = self.0.lock() {
            slot.get_or_insert((kind, id));
        }
    }

    fn take(&self) -> Option<(ObjectKind, i64)> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

impl SignedIn {
    /// What this account may see, for the repositories' visibility filters.
    pub fn scope(&self) -> Scope {
        Scope {
            practice_id: self.practice_id,
            account_id: self.account_id,
            sees_every_case: self.role.sees_every_case(),
        }
    }

    /// Today in the practice's time zone: the date a change made now is on.
    pub fn today(&self) -> NaiveDate {
        chrono::Utc::now()
            .with_timezone(&self.time_zone)
            .date_naive()
    }

    /// `NotFound` for an object this caller may not see (or that does not exist: the two
    /// are never told apart), naming it for the boundary's audit entry.
    pub fn not_found(&self, kind: ObjectKind, id: i64) -> AppError {
        self.refused.note(kind, id);
        AppError::NotFound
    }

    /// `Forbidden` for an object this caller may see but not change this way.
    pub fn forbidden(&self, kind: ObjectKind, id: i64, why: impl Into<String>) -> AppError {
        self.refused.note(kind, id);
        AppError::Forbidden(why.into())
    }

    /// Refuses a caller whose role lacks a permission (`Forbidden`, saying who may).
    pub fn permit(&self, allowed: bool, who_may: &str) -> AppResult<()> {
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden(who_may.to_string()))
        }
    }
}

/// The application state, from the server function's context.
pub fn state() -> AppResult<AppState> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("AppState missing from the server function context"))
}

/// Who is calling, if anyone: what the session middleware resolved for this request. Only
/// sign-in, sign-out and "who am I" use this directly; everything that touches an object
/// goes through [`serve`].
pub fn signed_in() -> Option<SignedIn> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SignedIn>().cloned())
}

/// The path of the server function being answered, for audit entries that name no object.
fn endpoint() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .map(|parts| parts.uri.path().to_string())
        .unwrap_or_default()
}

/// The caller, if they may enter `area`: `NotSignedIn` for the anonymous, `WrongArea` for
/// the other side's accounts. Synchronous, so a page's layout can decide at once (see
/// `auth::components::RequireArea`). It does not audit: [`serve`] records a refused server
/// function, and the session middleware a refused page, each before answering.
pub fn enter(area: Area) -> AppResult<(AppState, SignedIn)> {
    let (state, who) = caller()?;
    if !who.role.may_enter(area) {
        return Err(AppError::WrongArea);
    }
    Ok((state, who))
}

fn caller() -> AppResult<(AppState, SignedIn)> {
    Ok((state()?, signed_in().ok_or(AppError::NotSignedIn)?))
}

/// Audits `who` being turned away from `area`.
pub async fn refused_area(db: &Db, who: &SignedIn, area: Area) {
    audit::server::denied(
        db,
        who,
        audit::Event::access(ObjectKind::Area, None).detail(match area {
            Area::Staff => "participant tried a staff page or function",
            Area::Portal => "staff account tried a portal page or function",
        }),
    )
    .await;
}

/// Answers a server function of `area`: the caller must be signed in on that side; `work`
/// gets the state and the caller, and any refusal it returns is audited. This is the only
/// way a server function learns who is calling.
pub async fn serve<T, Work, Fut>(area: Area, work: Work) -> AppResult<T>
where
    Work: FnOnce(AppState, SignedIn) -> Fut,
    Fut: Future<Output = AppResult<T>>,
{
    let (state, who) = caller()?;
    if !who.role.may_enter(area) {
        refused_area(&state.db, &who, area).await;
        return Err(AppError::WrongArea);
    }
    let db = state.db.clone();
    answer(&db, &who.clone(), work(state, who)).await
}

/// Runs `work` for `who` and audits a refusal it returns: the object the work named (see
/// [`SignedIn::not_found`]) or else the server function itself. The entry is written after
/// the work's transaction has ended: on SQLite a second connection cannot write while one
/// holds the lock. [`serve`] calls this; tests call it to answer as a server function would.
pub async fn answer<T>(
    db: &Db,
    who: &SignedIn,
    work: impl Future<Output = AppResult<T>>,
) -> AppResult<T> {
    let result = work.await;
    if let Err(e @ (AppError::NotFound | AppError::Forbidden(_))) = &result {
        let (kind, id) = match who.refused.take() {
            Some((kind, id)) => (kind, Some(id)),
            None => (ObjectKind::ServerFunction, None),
        };
        let detail = match e {
            AppError::NotFound => {
                format!("not found or not visible to this account {}", endpoint())
            }
            _ => format!("not allowed {}: {e}", endpoint()),
        };
        audit::server::denied(
            db,
            who,
            audit::Event::access(kind, id).detail(detail.trim_end()),
        )
        .await;
    }
    result
}
