//! The practice's service catalogue: standard CPT codes and its own codes, each with a
//! category, a duration and a fee. Used services are deactivated, never deleted.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::cases::ServiceCategory;
use crate::domain::ServiceId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub id: ServiceId,
    pub code: String,
    pub name: String,
    pub category: ServiceCategory,
    pub minutes: i64,
    pub fee_cents: i64,
    pub standard: bool,
    pub active: bool,
}

/// A service as the form sends it; the fee as typed (dollars).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInput {
    pub code: String,
    pub name: String,
    pub category: String,
    pub minutes: String,
    pub fee: String,
}
