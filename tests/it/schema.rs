//! The database schema itself: the two engines' migrations define the same tables,
//! columns, indexes and constraint names, and every unique constraint a user can run into
//! is recognised on both, so the same input gets the same field error on either.

use crate::common::router::seeded;
use crate::common::TestDb;
use crate::on_both_engines;
use gather::error::AppError;
use gather::on_conn;
use gather::server::constraints::{Meaning, UNIQUE};
use gather::server::db::{Db, DbError, Engine};
use std::collections::BTreeSet;

#[derive(Debug, Default, PartialEq)]
struct Catalogue {
    /// (table, column, not null)
    columns: BTreeSet<(String, String, bool)>,
    /// Indexes made with CREATE INDEX, by name.
    indexes: BTreeSet<String>,
    /// Constraints the migrations name (`CONSTRAINT x ...`).
    constraints: BTreeSet<String>,
}

/// Names Postgres makes up for unnamed constraints, which SQLite has no names for.
/// They end in `_check`, `_fkey`, ..., numbered when a table has several (`_check1`).
fn generated(name: &str) -> bool {
    let name = name.trim_end_matches(|c: char| c.is_ascii_digit());
    ["_pkey", "_fkey", "_key", "_check", "_not_null"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

async fn catalogue(db: &Db) -> Catalogue {
    let mut c = db.acquire().await.expect("conn");
    let mut out = Catalogue::default();
    match db.engine() {
        Engine::Sqlite => {
            on_conn!(c.conn(), |c| {
                let tables: Vec<(String, String)> = sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'table'
                      AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
                )
                .fetch_all(&mut *c)
                .await
                .expect("tables");
                for (table, sql) in tables {
                    let columns: Vec<(String, i64, i64)> =
                        sqlx::query_as("SELECT name, \"notnull\", pk FROM pragma_table_info($1)")
                            .bind(&table)
                            .fetch_all(&mut *c)
                            .await
                            .expect("columns");
                    for (column, not_null, pk) in columns {
                        out.columns
                            .insert((table.clone(), column, not_null == 1 || pk > 0));
                    }
                    let words: Vec<&str> = sql.split_whitespace().collect();
                    for pair in words.windows(2) {
                        if pair[0].eq_ignore_ascii_case("CONSTRAINT") {
                            out.constraints.insert(pair[1].to_string());
                        }
                    }
                }
                let indexes: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
                )
                .fetch_all(&mut *c)
                .await
                .expect("indexes");
                out.indexes.extend(indexes);
            });
        }
        Engine::Postgres => {
            on_conn!(c.conn(), |c| {
                let columns: Vec<(String, String, String)> = sqlx::query_as(
                    "SELECT table_name::text, column_name::text, is_nullable::text
                       FROM information_schema.columns
                      WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
                )
                .fetch_all(&mut *c)
                .await
                .expect("columns");
                for (table, column, nullable) in columns {
                    out.columns.insert((table, column, nullable == "NO"));
                }
                let constraints: Vec<String> = sqlx::query_scalar(
                    "SELECT conname::text FROM pg_constraint
                      WHERE connamespace = current_schema()::regnamespace",
                )
                .fetch_all(&mut *c)
                .await
                .expect("constraints");
                out.constraints
                    .extend(constraints.iter().filter(|n| !generated(n)).cloned());
                let indexes: Vec<String> = sqlx::query_scalar(
                    "SELECT indexname::text FROM pg_indexes
                      WHERE schemaname = current_schema() AND tablename <> '_sqlx_migrations'",
                )
                .fetch_all(&mut *c)
                .await
                .expect("indexes");
                // Constraints bring their own index; the rest were made with CREATE INDEX.
                out.indexes
                    .extend(indexes.into_iter().filter(|i| !constraints.contains(i)));
            });
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_engines_define_the_same_schema() {
    let sqlite = TestDb::sqlite().await;
    let Some(postgres) = TestDb::postgres().await else {
        sqlite.cleanup().await;
        return;
    };
    let (lite, pg) = (catalogue(&sqlite.db).await, catalogue(&postgres.db).await);
    sqlite.cleanup().await;
    postgres.cleanup().await;
    assert!(!lite.columns.is_empty() && !lite.indexes.is_empty());
    assert_eq!(
        (
            only(&lite.columns, &pg.columns),
            only(&pg.columns, &lite.columns)
        ),
        (vec![], vec![]),
        "columns (table, column, not null) only on SQLite, only on Postgres"
    );
    assert_eq!(
        (
            only(&lite.indexes, &pg.indexes),
            only(&pg.indexes, &lite.indexes)
        ),
        (vec![], vec![]),
        "indexes only on SQLite, only on Postgres"
    );
    assert_eq!(
        (
            only(&lite.constraints, &pg.constraints),
            only(&pg.constraints, &lite.constraints)
        ),
        (vec![], vec![]),
        "named constraints only on SQLite, only on Postgres"
    );
    for u in UNIQUE {
        assert!(
            lite.constraints.contains(u.name) || lite.indexes.contains(u.name),
            "{} is in the schema",
            u.name
        );
    }
}

fn only<T: Ord + Clone>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> Vec<T> {
    a.difference(b).cloned().collect()
}

/// Gives one row of `u.table` the constrained value of another row that agrees with it on
/// the other constrained columns, which the database must refuse.
fn duplicating_update(table: &str, columns: &[&str], open: &str) -> String {
    let (last, group) = columns.split_last().expect("a constrained column");
    let same = |a: &str, b: &str| {
        group
            .iter()
            .map(|g| format!(" AND {a}.{g} = {b}.{g}"))
            .collect::<String>()
    };
    format!(
        "UPDATE {table} SET {last} = (
            SELECT o.{last} FROM {table} o
             WHERE o.id <> {table}.id AND o.{last} IS NOT NULL {open_o}{same_o} ORDER BY o.id LIMIT 1)
          WHERE id = (
            SELECT MIN(a.id) FROM {table} a WHERE 1 = 1 {open_a} AND EXISTS (
              SELECT 1 FROM {table} o WHERE o.id <> a.id AND o.{last} IS NOT NULL {open_o}{same_a}
                 AND (a.{last} IS NULL OR o.{last} <> a.{last})))",
        open_o = open.replace("$", "o."),
        open_a = open.replace("$", "a."),
        same_o = same("o", table),
        same_a = same("o", "a"),
    )
}

async fn a_taken_value_names_its_field_on_both_engines(db: Db) {
    seeded(&db).await;
    // Partial indexes hold only for open rows.
    let open = |name: &str| match name {
        "memberships_one_open" => "AND $left_on IS NULL ",
        _ => "",
    };
    let mut tested = 0;
    for u in UNIQUE {
        // Chart notes and group notes of locked notes are guarded by triggers; their
        // races are covered by the notes tests. Signatures never change (a trigger), so
        // no update can duplicate one; signing twice is covered by the forms tests.
        if matches!(u.table, "group_notes" | "chart_notes" | "form_signatures") {
            continue;
        }
        let sql = duplicating_update(u.table, u.columns, open(u.name));
        let mut c = db.acquire().await.expect("conn");
        let err: DbError = on_conn!(c.conn(), |c| {
            sqlx::query(&sql)
                .execute(&mut *c)
                .await
                .expect_err(&format!("{} refuses a duplicate: {sql}", u.name))
                .into()
        });
        assert_eq!(
            err.unique_constraint().map(|f| f.name),
            Some(u.name),
            "{err}"
        );
        let answer = AppError::from(err);
        match u.meaning {
            Meaning::Taken { field, message } => {
                assert_eq!(answer, AppError::invalid(field, message), "{}", u.name)
            }
            Meaning::Race => assert!(matches!(answer, AppError::Conflict(_)), "{}", u.name),
        }
        tested += 1;
    }
    assert_eq!(tested, 7);
}

on_both_engines!(a_taken_value_names_its_field_on_both_engines);
