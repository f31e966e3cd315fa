//! The demo practice seeded into an empty database, so a new user can sign in as every
//! role at once.

use super::db::{now_ms, Db};
use crate::auth::repo::{self, NewAccount};
use crate::auth::server::hash_password;
use crate::domain::{AccountId, Role};
use crate::error::AppError;

pub const DEMO_PRACTICE: &str = "Riverside Counseling Collective";
/// Every demo account's password. Printed at start-up and listed in the README.
pub const DEMO_PASSWORD: &str = "gather-demo-2026";

/// (email, name, role); the associate is supervised by the supervisor.
pub const DEMO_ACCOUNTS: &[(&str, &str, Role)] = &[
    ("owner@riverside.example", "Maya Ortiz", Role::Owner),
    ("admin@riverside.example", "Sam Patel", Role::Admin),
    (
        "provider@riverside.example",
        "Dr. Jordan Lee",
        Role::Provider,
    ),
    (
        "provider2@riverside.example",
        "Dr. Priya Raman",
        Role::Provider,
    ),
    (
        "supervisor@riverside.example",
        "Dr. Elena Brooks",
        Role::Supervisor,
    ),
    (
        "associate@riverside.example",
        "Chris Nguyen",
        Role::Associate,
    ),
    (
        "participant@riverside.example",
        "Alex Rivera",
        Role::Participant,
    ),
    (
        "participant2@riverside.example",
        "Taylor Morgan",
        Role::Participant,
    ),
    (
        "participant3@riverside.example",
        "Jamie Chen",
        Role::Participant,
    ),
];

/// Seeds the demo practice if the database has no practice yet. Returns whether it did.
pub async fn seed_demo_if_empty(db: &Db, time_zone: &str) -> Result<bool, AppError> {
    let mut pooled = db.acquire().await?;
    if repo::count_practices(pooled.conn()).await? > 0 {
        return Ok(false);
    }
    drop(pooled);
    // One hash for all: they share a password, and argon2 is deliberately slow.
    let hash = hash_password(DEMO_PASSWORD.to_string()).await?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let practice = repo::create_practice(tx.conn(), DEMO_PRACTICE, time_zone, now).await?;
    let mut supervisor: Option<AccountId> = None;
    for (email, name, role) in DEMO_ACCOUNTS {
        let id = repo::create_account(
            tx.conn(),
            NewAccount {
                practice_id: practice,
                email,
                display_name: name,
                role: *role,
                supervisor_id: if role.needs_supervisor() {
                    supervisor
                } else {
                    None
                },
                password_hash: &hash,
            },
            now,
        )
        .await?;
        if *role == Role::Supervisor {
            supervisor = Some(id);
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// What to print so someone can sign in.
pub fn demo_accounts_text(url: &str) -> String {
    let mut text =
        format!("\nGather is running at {url}\n\nDemo accounts (password: {DEMO_PASSWORD}):\n");
    for (email, name, role) in DEMO_ACCOUNTS {
        text.push_str(&format!("  {:<14} {:<32} {}\n", role.label(), email, name));
    }
    text
}
