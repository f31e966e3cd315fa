//! The database layer: SQLite (embedded, the default) or Postgres, chosen by the URL.
//!
//! Repositories are written once. Each query is plain SQL that both engines accept (`$1`
//! placeholders, `RETURNING`, integer ids and times) and runs through [`on_conn!`], which
//! expands the same code for each engine's native driver. Only the schema differs, in
//! `migrations/sqlite` and `migrations/postgres`.

use crate::error::AppError;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A pool for one of the two engines.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// The database: its pool, and the writer that batches its reads' audit entries (see
/// `audit::writer`). Cloning shares both.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    /// Absent only in the writer's own copy, so the writer's channel closes with the last
    /// handle the application holds.
    audit: Option<crate::audit::writer::AuditWriter>,
}

/// An open transaction. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A pooled connection outside any transaction, for single reads and writes.
pub enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// A borrowed connection of either engine: what repository functions take, so the same
/// function runs inside a caller's transaction or on its own.
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// Runs `$body` with `$c` bound to the engine's native connection (`&mut SqliteConnection`
/// or `&mut PgConnection`). The body is compiled once per engine; write it once.
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::server::db::Conn::Sqlite($c) => $body,
            $crate::server::db::Conn::Postgres($c) => $body,
        }
    };
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(&mut *t),
            Tx::Postgres(t) => Conn::Postgres(&mut *t),
        }
    }

    pub async fn commit(self) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

impl Pooled {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Pooled::Sqlite(c) => Conn::Sqlite(&mut *c),
            Pooled::Postgres(c) => Conn::Postgres(&mut *c),
        }
    }
}

impl Conn<'_> {
    /// Reborrows, so one `Conn` can be passed to several repository calls in turn.
    pub fn re(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A database failure. Its text goes to the log, never to the browser.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// A stored value this build cannot read (a corrupt or newer row); never guessed at.
    #[error("stored value: {0}")]
    Corrupt(#[from] crate::domain::UnknownValue),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The audit writer could not commit an entry (its batch's error, as text).
    #[error("audit entry not written: {0}")]
    Audit(String),
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
}

impl DbError {
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, DbError::Sqlx(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

/// `'a','b'`: a SQL list of stored names, so SQL spells a rule the domain owns (which kinds
/// are groups, which roles provide care) from the domain instead of restating it. Only the
/// domain's own `&'static str` names go in, never user input.
pub fn sql_list(names: impl IntoIterator<Item = &'static str>) -> String {
    names
        .into_iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A LIKE pattern matching `query` anywhere, with the user's own % and _ taken literally.
pub fn like_pattern(query: &str) -> String {
    let escaped: String = query
        .trim()
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

impl From<DbError> for AppError {
    /// A unique violation is the user's to hear (a taken value, a race to retry); an
    /// unreachable database is a 503; anything else is an internal error, logged here.
    fn from(e: DbError) -> Self {
        if let Some(answer) = e.as_unique_answer() {
            tracing::info!(error = %e, "unique constraint");
            return answer;
        }
        match &e {
            DbError::Sqlx(
                sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed,
            ) => {
                tracing::warn!(error = %e, "database unavailable");
                AppError::Unavailable
            }
            _ => AppError::internal(format_args!("database error: {e}")),
        }
    }
}

impl Db {
    /// Connects to `url` (`sqlite://path`, `sqlite::memory:`, `postgres://...`) and applies
    /// the engine's migrations.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                // WAL lets the calendar read while attendance writes.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let mut pool = SqlitePoolOptions::new()
                // An embedded database's connection cannot go stale: pinging it before each
                // use would only cost every request a round trip to its thread.
                .test_before_acquire(false)
                // An in-memory database lives in one connection; more would each see their own.
                .max_connections(if in_memory { 1 } else { 8 });
            if in_memory {
                // Closing that connection would drop the database.
                pool = pool
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None);
            }
            let pool = pool
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await?;
            Pool::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await?;
            Pool::Postgres(pool)
        } else {
            return Err(DbError::UnsupportedUrl(url.to_string()));
        };
        let mut db = Db { pool, audit: None };
        db.migrate().await?;
        db.audit = Some(crate::audit::writer::AuditWriter::start(db.clone()));
        Ok(db)
    }

    /// The engine's own pool, for what only one engine has (Postgres's LISTEN/NOTIFY).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The writer for audit entries of reads and refusals (see `audit::writer`).
    pub fn audit(&self) -> Option<&crate::audit::writer::AuditWriter> {
        self.audit.as_ref()
    }

    pub async fn migrate(&self) -> Result<(), DbError> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        match &self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// Begins a transaction that only reads: one consistent view of the database across its
    /// statements, without SQLite's write lock, so page views read side by side. A write in
    /// it fails on SQLite; use [`Db::begin`] for those.
    pub async fn begin_read(&self) -> Result<Tx, DbError> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Begins a transaction. On SQLite it takes the write lock at once, as BEGIN IMMEDIATE
    /// would: a transaction that reads and then writes would otherwise fail, not wait, when
    /// another write commits in between (SQLite has one writer at a time anyway). sqlx's
    /// `begin_with` refuses a pooled connection whose dropped transaction is still rolling
    /// back, so the lock is taken by a write statement that changes nothing.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("UPDATE practices SET id = id WHERE 0")
                    .execute(&mut *tx)
                    .await?;
                Tx::Sqlite(tx)
            }
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn acquire(&self) -> Result<Pooled, DbError> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Pooled::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Pooled::Postgres(p.acquire().await?),
        })
    }

    /// Answers whether the database responds, for `/healthz`.
    pub async fn ping(&self) -> Result<(), DbError> {
        let mut pooled = self.acquire().await?;
        on_conn!(pooled.conn(), |c| {
            sqlx::query("SELECT 1").execute(&mut *c).await?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// Splits rows for multi-row statements into chunks of at most `max` whose sizes are powers
/// of two. Each chunk size is its own SQL text, which the connection prepares once and keeps;
/// batches of every size between 1 and `max` thus share a handful of prepared statements
/// instead of filling the statement cache with one of each.
pub fn statement_chunks<T>(items: &[T], max: usize) -> Vec<&[T]> {
    let mut chunks = Vec::new();
    let mut rest = items;
    while !rest.is_empty() {
        let size = rest.len().min(max);
        // The largest power of two not above `size`.
        let size = 1usize << (usize::BITS - 1 - size.leading_zeros());
        let (chunk, tail) = rest.split_at(size);
        chunks.push(chunk);
        rest = tail;
    }
    chunks
}

/// Now, in UTC milliseconds since the Unix epoch: how every time is stored.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::statement_chunks;

    #[test]
    fn statement_chunks_are_powers_of_two_and_keep_order() {
        let items: Vec<u32> = (0..1_500).collect();
        let chunks = statement_chunks(&items, 512);
        let sizes: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
        assert_eq!(sizes, vec![512, 512, 256, 128, 64, 16, 8, 4]);
        assert_eq!(chunks.concat(), items);
        assert_eq!(statement_chunks(&items[..3], 512).len(), 2);
        assert!(statement_chunks::<u32>(&[], 512).is_empty());
    }
}
