//! Accounts, sign-in and sessions against a real database.

use crate::on_both_engines;
use gather::audit::repo as audit;
use gather::auth::repo::{self, NewAccount};
use gather::auth::server::{self as auth, hash_token, resolve_session};
use gather::domain::sessions::{SessionPolicy, HOUR_MS, MINUTE_MS};
use gather::domain::sign_in::ThrottlePolicy;
use gather::domain::{AccountId, PracticeId, Role};
use gather::error::AppError;
use gather::server::db::{now_ms, Db};

const PASSWORD: &str = "correct horse battery staple";

async fn practice(db: &Db, name: &str) -> PracticeId {
    let mut c = db.acquire().await.expect("conn");
    repo::create_practice(c.conn(), name, "America/Chicago", now_ms())
        .await
        .expect("practice")
}

async fn account(db: &Db, practice: PracticeId, email: &str, role: Role) -> AccountId {
    let hash = auth::hash_password(PASSWORD.to_string())
        .await
        .expect("hash");
    let mut c = db.acquire().await.expect("conn");
    repo::create_account(
        c.conn(),
        NewAccount {
            practice_id: practice,
            email,
            display_name: "Test Person",
            role,
            supervisor_id: None,
            password_hash: &hash,
        },
        now_ms(),
    )
    .await
    .expect("account")
}

async fn sign_in(db: &Db, email: &str, password: &str) -> Result<auth::NewSession, AppError> {
    auth::sign_in(db, &ThrottlePolicy::default(), email, password).await
}

async fn accounts_belong_to_one_practice(db: Db) {
    let a = practice(&db, "Practice A").await;
    let b = practice(&db, "Practice B").await;
    let id = account(&db, a, "pat@a.example", Role::Provider).await;
    let mut c = db.acquire().await.expect("conn");
    let found = repo::account_by_email(c.conn(), "pat@a.example")
        .await
        .expect("query");
    assert_eq!(found.as_ref().map(|r| r.id), Some(id.0));
    assert_eq!(found.map(|r| r.role), Some(Role::Provider));
    assert!(repo::account_in_practice(c.conn(), a, id)
        .await
        .expect("query")
        .is_some());
    assert!(
        repo::account_in_practice(c.conn(), b, id)
            .await
            .expect("query")
            .is_none(),
        "another practice never sees the account"
    );
}

async fn one_account_per_email(db: Db) {
    let a = practice(&db, "Practice A").await;
    account(&db, a, "same@a.example", Role::Admin).await;
    let mut c = db.acquire().await.expect("conn");
    let err = repo::create_account(
        c.conn(),
        NewAccount {
            practice_id: a,
            email: "same@a.example",
            display_name: "Duplicate",
            role: Role::Provider,
            supervisor_id: None,
            password_hash: "x",
        },
        now_ms(),
    )
    .await
    .expect_err("duplicate email");
    assert!(err.is_unique_violation(), "{err}");
}

async fn sign_in_opens_a_session_and_audits_it(db: Db) {
    let p = practice(&db, "Practice A").await;
    let id = account(&db, p, "olivia@a.example", Role::Owner).await;
    let session = sign_in(&db, " Olivia@A.example ", PASSWORD)
        .await
        .expect("signs in with a differently cased, padded email");
    assert_eq!(session.role, Role::Owner);
    let who = resolve_session(&db, &SessionPolicy::default(), &session.token)
        .await
        .expect("query")
        .expect("the new session is live");
    assert_eq!(who.account_id, id);
    assert_eq!(who.practice_id, p);
    assert_eq!(who.practice_name, "Practice A");

    let second = sign_in(&db, "olivia@a.example", PASSWORD)
        .await
        .expect("signs in again");
    assert_ne!(
        second.token, session.token,
        "every sign-in gets a new session id"
    );

    let mut c = db.acquire().await.expect("conn");
    let log = audit::recent_for_practice(c.conn(), p, 10)
        .await
        .expect("audit");
    assert_eq!(log.len(), 2);
    assert!(log
        .iter()
        .all(|e| e.action == "sign_in" && e.outcome == "success"));
    assert_eq!(log[0].actor_account_id, Some(id.0));
}

async fn wrong_password_and_unknown_email_fail_alike(db: Db) {
    let p = practice(&db, "Practice A").await;
    account(&db, p, "olivia@a.example", Role::Owner).await;
    let wrong = sign_in(&db, "olivia@a.example", "nope").await;
    let unknown = sign_in(&db, "nobody@a.example", "nope").await;
    assert_eq!(wrong.err(), Some(AppError::SignInFailed));
    assert_eq!(unknown.err(), Some(AppError::SignInFailed));
    let mut c = db.acquire().await.expect("conn");
    for label in ["olivia@a.example", "nobody@a.example"] {
        let log = audit::recent_by_actor_label(c.conn(), label, 10)
            .await
            .expect("audit");
        assert_eq!(log.len(), 1, "{label}");
        assert_eq!(log[0].outcome, "failure");
        assert_eq!(log[0].action, "sign_in");
    }
}

async fn repeated_failures_lock_the_address(db: Db) {
    let p = practice(&db, "Practice A").await;
    account(&db, p, "olivia@a.example", Role::Owner).await;
    for _ in 0..4 {
        let r = sign_in(&db, "olivia@a.example", "guess").await;
        assert_eq!(r.err(), Some(AppError::SignInFailed));
    }
    let fifth = sign_in(&db, "olivia@a.example", "guess").await;
    assert_eq!(fifth.err(), Some(AppError::TooManyAttempts { minutes: 15 }));
    let right = sign_in(&db, "olivia@a.example", PASSWORD).await;
    assert!(
        matches!(right, Err(AppError::TooManyAttempts { .. })),
        "even the right password waits out the lock"
    );
    // Unknown addresses are throttled the same way, so the lock reveals nothing.
    for _ in 0..5 {
        let _ = sign_in(&db, "ghost@a.example", "guess").await;
    }
    let ghost = sign_in(&db, "ghost@a.example", "guess").await;
    assert!(matches!(ghost, Err(AppError::TooManyAttempts { .. })));
}

async fn parallel_guesses_each_count(db: Db) {
    let p = practice(&db, "Practice A").await;
    account(&db, p, "olivia@a.example", Role::Owner).await;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..6 {
        let db = db.clone();
        guesses.spawn(async move { sign_in(&db, "olivia@a.example", &format!("guess {i}")).await });
    }
    while let Some(r) = guesses.join_next().await {
        assert!(r.expect("task").is_err());
    }
    let right = sign_in(&db, "olivia@a.example", PASSWORD).await;
    assert!(
        matches!(right, Err(AppError::TooManyAttempts { .. })),
        "six parallel wrong guesses lock the address: {:?}",
        right.as_ref().err()
    );
    let mut c = db.acquire().await.expect("conn");
    let log = audit::recent_for_practice(c.conn(), p, 20)
        .await
        .expect("audit");
    assert!(
        log.iter().filter(|e| e.outcome == "failure").count() >= 5,
        "failed attempts on a real account appear in its practice's log"
    );
}

async fn success_clears_earlier_failures(db: Db) {
    let p = practice(&db, "Practice A").await;
    account(&db, p, "olivia@a.example", Role::Owner).await;
    for _ in 0..4 {
        let _ = sign_in(&db, "olivia@a.example", "guess").await;
    }
    sign_in(&db, "olivia@a.example", PASSWORD)
        .await
        .expect("signs in");
    let after = sign_in(&db, "olivia@a.example", "guess").await;
    assert_eq!(
        after.err(),
        Some(AppError::SignInFailed),
        "the count started over"
    );
}

async fn deactivated_accounts_cannot_sign_in_or_keep_sessions(db: Db) {
    let p = practice(&db, "Practice A").await;
    let id = account(&db, p, "leaver@a.example", Role::Provider).await;
    let s = sign_in(&db, "leaver@a.example", PASSWORD)
        .await
        .expect("signs in");
    let mut c = db.acquire().await.expect("conn");
    repo::set_active(c.conn(), id, false)
        .await
        .expect("deactivate");
    drop(c);
    let r = sign_in(&db, "leaver@a.example", PASSWORD).await;
    assert_eq!(r.err(), Some(AppError::SignInFailed));
    let live = resolve_session(&db, &SessionPolicy::default(), &s.token)
        .await
        .expect("query");
    assert!(live.is_none(), "an open session ends with the account");
}

async fn idle_and_old_sessions_end(db: Db) {
    let p = practice(&db, "Practice A").await;
    let id = account(&db, p, "olivia@a.example", Role::Owner).await;
    let policy = SessionPolicy::default();
    let now = now_ms();
    let mut c = db.acquire().await.expect("conn");
    repo::insert_session(c.conn(), &hash_token("idle"), id, p, now - 31 * MINUTE_MS)
        .await
        .expect("insert");
    repo::insert_session(c.conn(), &hash_token("old"), id, p, now - 13 * HOUR_MS)
        .await
        .expect("insert");
    repo::touch_session(c.conn(), &hash_token("old"), now - MINUTE_MS)
        .await
        .expect("touch");
    repo::insert_session(c.conn(), &hash_token("fresh"), id, p, now - 5 * MINUTE_MS)
        .await
        .expect("insert");
    drop(c);
    assert!(resolve_session(&db, &policy, "idle")
        .await
        .expect("q")
        .is_none());
    assert!(resolve_session(&db, &policy, "old")
        .await
        .expect("q")
        .is_none());
    let fresh = resolve_session(&db, &policy, "fresh")
        .await
        .expect("q")
        .expect("live");
    assert!(
        fresh.last_seen_at >= now,
        "a live session's last-seen time is refreshed"
    );
    let mut c = db.acquire().await.expect("conn");
    assert!(
        repo::session_by_token_hash(c.conn(), &hash_token("idle"))
            .await
            .expect("q")
            .is_none(),
        "an ended session is deleted, not just ignored"
    );
}

async fn sign_out_kills_the_session(db: Db) {
    let p = practice(&db, "Practice A").await;
    account(&db, p, "olivia@a.example", Role::Owner).await;
    let s = sign_in(&db, "olivia@a.example", PASSWORD)
        .await
        .expect("signs in");
    let policy = SessionPolicy::default();
    let who = resolve_session(&db, &policy, &s.token)
        .await
        .expect("q")
        .expect("live");
    auth::sign_out(&db, &who).await.expect("signs out");
    assert!(
        resolve_session(&db, &policy, &s.token)
            .await
            .expect("q")
            .is_none(),
        "the old cookie is refused"
    );
    let mut c = db.acquire().await.expect("conn");
    let log = audit::recent_for_practice(c.conn(), p, 1)
        .await
        .expect("audit");
    assert_eq!(log[0].action, "sign_out");
}

async fn session_tokens_are_stored_hashed(db: Db) {
    let p = practice(&db, "Practice A").await;
    account(&db, p, "olivia@a.example", Role::Owner).await;
    let s = sign_in(&db, "olivia@a.example", PASSWORD)
        .await
        .expect("signs in");
    let mut c = db.acquire().await.expect("conn");
    assert!(repo::session_by_token_hash(c.conn(), &s.token)
        .await
        .expect("q")
        .is_none());
    assert!(repo::session_by_token_hash(c.conn(), &hash_token(&s.token))
        .await
        .expect("q")
        .is_some());
}

on_both_engines!(
    accounts_belong_to_one_practice,
    one_account_per_email,
    sign_in_opens_a_session_and_audits_it,
    wrong_password_and_unknown_email_fail_alike,
    repeated_failures_lock_the_address,
    parallel_guesses_each_count,
    success_clears_earlier_failures,
    deactivated_accounts_cannot_sign_in_or_keep_sessions,
    idle_and_old_sessions_end,
    sign_out_kills_the_session,
    session_tokens_are_stored_hashed,
);
