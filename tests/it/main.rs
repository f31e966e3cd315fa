//! Repository and server tests. Every test here runs twice: on SQLite and on Postgres.
#![cfg(feature = "ssr")]

mod common;

mod attendance_repo;
mod audit_repo;
mod auth_repo;
mod boundary;
mod calendar_repo;
mod cases_repo;
mod http;
mod notes_repo;
mod schema;
