//! Repository and server tests. Every test here runs twice: on SQLite and on Postgres.
#![cfg(feature = "ssr")]

mod common;

// One file per capability, named after it; `boundary` is the server-function boundary,
// `pages` the router as a browser meets it, `schema` the two engines' parity.
mod accounts;
mod adjustments;
mod attendance;
mod audit;
mod auth;
mod billing;
mod billing_properties;
mod boundary;
mod calendar;
mod cases;
mod corrections;
mod documents;
mod forms;
mod invoices;
mod messages;
mod notes;
mod outbox;
mod pages;
mod pdf;
mod portal;
mod reminders;
mod reports;
mod schema;
mod shares;
mod superbills;
