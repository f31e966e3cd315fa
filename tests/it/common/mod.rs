//! Test support. Here: test databases, a fresh SQLite file or a fresh Postgres database per
//! test, migrated, and removed afterwards even when the test fails. `fixtures` builds a
//! practice to test in; `router` talks to the whole application.
//!
//! Postgres is found at `GATHER_TEST_POSTGRES_URL` (default: the local server, trust auth).
//! Under CI (`CI=true`) an unreachable Postgres fails the test; elsewhere the Postgres half
//! is skipped with a message saying so.

pub mod fixtures;
pub mod router;

use futures::FutureExt;
use gather::server::db::Db;
use sqlx::Connection;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("gather_test_{}_{}_{}", std::process::id(), n, nanos)
}

pub fn postgres_admin_url() -> String {
    std::env::var("GATHER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

pub fn postgres_required() -> bool {
    std::env::var("CI").map(|v| v == "true").unwrap_or(false)
        || std::env::var("GATHER_REQUIRE_POSTGRES")
            .map(|v| v == "1")
            .unwrap_or(false)
}

pub struct TestDb {
    pub db: Db,
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database(String),
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
        let url = format!("sqlite://{}", path.display());
        let db = Db::connect(&url)
            .await
            .expect("open a SQLite test database");
        TestDb {
            db,
            url,
            cleanup: Cleanup::File(path),
        }
    }

    /// A fresh database on the Postgres server, or `None` (with a visible message) when
    /// Postgres is unreachable outside CI.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = postgres_admin_url();
        let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(c) => c,
            Err(e) => {
                if postgres_required() {
                    panic!(
                        "Postgres is required here (CI=true) but {admin_url} is unreachable: {e}"
                    );
                }
                eprintln!(
                    "SKIPPED the Postgres half of this test: {admin_url} is unreachable ({e})"
                );
                return None;
            }
        };
        let name = unique_name();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create a Postgres test database");
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("GATHER_TEST_POSTGRES_URL must name a database"),
        };
        let db = Db::connect(&url)
            .await
            .expect("open the Postgres test database");
        Some(TestDb {
            db,
            url,
            cleanup: Cleanup::Database(name),
        })
    }

    /// The database's URL, for a second server process to open.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn cleanup(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database(name) => {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            }
        }
    }
}

/// Runs `test` on the database and then removes it, also when the test panics (the panic
/// is passed on after the cleanup, so the test still fails).
pub async fn run<F: Future<Output = ()>>(t: TestDb, test: impl FnOnce(Db) -> F) {
    let outcome = AssertUnwindSafe(test(t.db.clone())).catch_unwind().await;
    t.cleanup().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs an `async fn(Db)` test against SQLite and against Postgres, as two tests named
/// `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::common::TestDb::sqlite().await;
                $crate::common::run(t, super::$name).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(t) = $crate::common::TestDb::postgres().await else { return };
                $crate::common::run(t, super::$name).await;
            }
        }
    )+};
}
