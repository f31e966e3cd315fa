//! The domain core: plain types and rules with no I/O, compiled for the server and the
//! browser alike and unit-tested without a database or a browser.

pub mod attendance;
pub mod billing;
pub mod cases;
pub mod groups;
pub mod ids;
pub mod membership;
pub mod notes;
pub mod people;
pub mod roles;
pub mod schedule;
pub mod services;
pub mod sessions;
pub mod sign_in;

pub use ids::*;
pub use roles::*;
