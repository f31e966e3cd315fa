//! Sign-in, server-side sessions and the checks every server function starts with.
//! Server only.

use super::repo;
use crate::access::SignedIn;
use crate::audit::repo::{append, NewEntry};
use crate::audit::{Action, Event, ObjectKind, Outcome};
use crate::domain::sessions::{SessionPolicy, SessionStatus};
use crate::domain::sign_in::{minutes_to_wait, normalize_email, ThrottlePolicy};
use crate::domain::{AccountId, PracticeId, Role};
use crate::error::AppError;
use crate::server::db::{now_ms, Db};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

pub const SESSION_COOKIE: &str = "gather_session";

/// At most this many argon2 computations (19 MiB each) run at once; more wait their turn.
/// Without a bound, a flood of sign-ins to made-up addresses could exhaust memory.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Runs CPU- and memory-heavy password work off the async runtime, within [`HASHING`].
async fn with_hashing_permit<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = HASHING.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal(format!("password hashing task failed: {e}")))
}

/// Argon2id with the crate's defaults (OWASP's recommended 19 MiB, 2 passes).
pub async fn hash_password(password: String) -> Result<String, AppError> {
    with_hashing_permit(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await?
    .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
}

pub async fn verify_password(hash: String, password: String) -> bool {
    with_hashing_permit(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

static DECOY: OnceLock<String> = OnceLock::new();

/// A hash to verify against when the email is unknown, so that an unknown address costs
/// the same time as a wrong password and timing does not reveal which accounts exist.
async fn decoy_hash() -> String {
    if let Some(h) = DECOY.get() {
        return h.clone();
    }
    let h = hash_password("decoy password that matches nothing".into())
        .await
        .unwrap_or_default();
    DECOY.get_or_init(|| h).clone()
}

/// Prepares the decoy hash at start-up, so even the first unknown address costs exactly
/// one argon2 verification.
pub async fn warm_up() {
    let _ = decoy_hash().await;
}

pub fn new_session_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn session_cookie(token: &str, secure: bool, max_age_seconds: i64) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    session_cookie("", secure, 0)
}

/// The session token in a `Cookie` header, if any.
pub fn token_from_cookie_header(header: &str) -> Option<String> {
    cookie::Cookie::split_parse(header)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE && !c.value().is_empty())
        .map(|c| c.value().to_string())
}

/// A successful sign-in: the new session's token (for the cookie) and who signed in.
pub struct NewSession {
    pub token: String,
    pub role: Role,
}

/// Checks the credentials and opens a new session. Every attempt is audited; failures are
/// counted per address whether or not an account has it.
pub async fn sign_in(
    db: &Db,
    throttle: &ThrottlePolicy,
    raw_email: &str,
    password: &str,
) -> Result<NewSession, AppError> {
    let Some(email) = normalize_email(raw_email) else {
        return Err(AppError::invalid(
            "email",
            "Enter the email address you sign in with.",
        ));
    };
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    let now = now_ms();
    let mut pooled = db.acquire().await?;
    let record = repo::failure_record(pooled.conn(), &email).await?;
    if let Some(ms) = throttle.locked_for(&record, now) {
        append(
            pooled.conn(),
            &refused_attempt(
                &email,
                Outcome::Denied,
                "locked out after repeated failures",
            ),
            now,
        )
        .await?;
        return Err(AppError::TooManyAttempts {
            minutes: minutes_to_wait(ms),
        });
    }

    let account = repo::account_by_email(pooled.conn(), &email).await?;
    drop(pooled);
    let verified = match &account {
        Some(a) if a.active => verify_password(a.password_hash.clone(), password.to_string()).await,
        _ => {
            let _ = verify_password(decoy_hash().await, password.to_string()).await;
            false
        }
    };
    let mut tx = db.begin().await?;
    let (Some(account), true) = (&account, verified) else {
        // Counted under the record's lock, so parallel guesses each count.
        repo::lock_failure_record(tx.conn(), &email, now).await?;
        let fresh = repo::failure_record(tx.conn(), &email).await?;
        let after = throttle.after_failure(&fresh, now);
        repo::save_failure_record(tx.conn(), &email, &after).await?;
        let mut entry = refused_attempt(&email, Outcome::Failure, "wrong email or password");
        // When the address is a real account, the practice sees the attempt in its log.
        // (The log never reaches the browser, so this leaks nothing to the caller.)
        if let Some(a) = &account {
            entry.practice_id = Some(PracticeId(a.practice_id));
            entry.object_id = Some(a.id);
        }
        append(tx.conn(), &entry, now).await?;
        tx.commit().await?;
        return Err(match throttle.locked_for(&after, now) {
            Some(ms) => AppError::TooManyAttempts {
                minutes: minutes_to_wait(ms),
            },
            None => AppError::SignInFailed,
        });
    };

    let token = new_session_token();
    let practice = PracticeId(account.practice_id);
    let account_id = AccountId(account.id);
    repo::clear_failures(tx.conn(), &email).await?;
    repo::insert_session(tx.conn(), &hash_token(&token), account_id, practice, now).await?;
    append(
        tx.conn(),
        &NewEntry {
            practice_id: Some(practice),
            actor: Some(account_id),
            actor_label: &email,
            action: Action::SignIn,
            object_kind: ObjectKind::Account,
            object_id: Some(account_id.0),
            outcome: Outcome::Success,
            detail: account.role.as_str(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(NewSession {
        token,
        role: account.role,
    })
}

/// The audit entry for a sign-in that did not happen. It names no practice or account:
/// which one the address belongs to, if any, is exactly what must not leak.
fn refused_attempt<'a>(email: &'a str, outcome: Outcome, detail: &'a str) -> NewEntry<'a> {
    NewEntry {
        practice_id: None,
        actor: None,
        actor_label: email,
        action: Action::SignIn,
        object_kind: ObjectKind::Account,
        object_id: None,
        outcome,
        detail,
    }
}

/// Looks up the session a cookie names. Expired sessions are deleted and treated as absent;
/// a live one has its last-seen time refreshed (at most once a minute).
pub async fn resolve_session(
    db: &Db,
    policy: &SessionPolicy,
    token: &str,
) -> Result<Option<SignedIn>, AppError> {
    let token_hash = hash_token(token);
    let now = now_ms();
    let mut pooled = db.acquire().await?;
    let Some(s) = repo::session_by_token_hash(pooled.conn(), &token_hash).await? else {
        return Ok(None);
    };
    let status = policy.status(s.created_at, s.last_seen_at, now);
    let (true, SessionStatus::Active) = (s.active, status) else {
        repo::delete_session(pooled.conn(), &token_hash).await?;
        return Ok(None);
    };
    let mut last_seen_at = s.last_seen_at;
    if policy.needs_touch(s.last_seen_at, now) {
        repo::touch_session(pooled.conn(), &token_hash, now).await?;
        last_seen_at = now;
    }
    Ok(Some(SignedIn {
        token_hash,
        account_id: AccountId(s.account_id),
        practice_id: PracticeId(s.practice_id),
        role: s.role,
        display_name: s.display_name,
        email: s.email,
        practice_name: s.practice_name,
        time_zone: s.time_zone.parse().unwrap_or(chrono_tz::UTC),
        created_at: s.created_at,
        last_seen_at,
        refused: Default::default(),
    }))
}

/// Ends the session on the server and audits it.
pub async fn sign_out(db: &Db, who: &SignedIn) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    repo::delete_session(tx.conn(), &who.token_hash).await?;
    crate::audit::server::record(
        tx.conn(),
        who,
        Event::new(Action::SignOut, ObjectKind::Account, Some(who.account_id.0)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
