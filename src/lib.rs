//! Gather: operations for therapy and coaching practices that run groups.
//!
//! One crate, two targets: the `ssr` feature builds the axum server, the `hydrate` feature
//! builds the WASM client. `domain` holds plain types and rules shared by both; each
//! capability (`auth`, `audit`, ...) keeps its shared types, server functions, server-only
//! repository code and components together.

// Leptos views are deeply nested types; the wizard and case page exceed the default.
#![recursion_limit = "512"]

#[cfg(feature = "ssr")]
pub mod access;
pub mod accounts;
pub mod app;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod calendar;
pub mod cases;
pub mod domain;
pub mod error;
pub mod forms;
pub mod mail;
pub mod messages;
pub mod notes;
pub mod people;
pub mod portal;
pub mod reminders;
pub mod services;
pub mod staff;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: screens loaded separately (see `app::screens`) hydrate when their chunk arrives.
    leptos::mount::hydrate_lazy(app::App);
}
