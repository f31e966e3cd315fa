//! Billing settings: what the practice's documents say about it (legal name, address, tax
//! id, NPI), its payment terms, and each clinician's NPI as rendering provider. Owners and
//! administrators, who run billing, read and change them; every change is audited. Issued
//! invoices keep what they said when issued.

pub mod components;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::billing_settings::BillingSettingsInput;
use crate::domain::AccountId;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// The settings as stored, with the staff whose NPI may be set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingSettings {
    /// The practice's name in Gather (documents use the legal name when it is set).
    pub practice_name: String,
    pub legal_name: String,
    pub address: String,
    pub tax_id: String,
    pub npi: String,
    pub payment_terms_days: i64,
    pub clinicians: Vec<ClinicianNpi>,
}

/// A staff member and their NPI (empty when not set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicianNpi {
    pub account_id: AccountId,
    pub name: String,
    pub role: String,
    pub npi: String,
}

/// The billing settings page.
#[server(endpoint = "billing_settings", input = Json)]
pub async fn get_billing_settings() -> Result<BillingSettings, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::settings(&state.db, &who).await
    })
    .await
}

/// Saves the practice's billing details and payment terms.
#[server(endpoint = "save_billing_settings", input = Json)]
pub async fn save_billing_settings(
    input: BillingSettingsInput,
) -> Result<BillingSettings, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::save(&state.db, &who, &input).await
    })
    .await
}

/// Sets (or, empty, clears) one staff member's NPI.
#[server(endpoint = "save_clinician_npi", input = Json)]
pub async fn save_clinician_npi(account: AccountId, npi: String) -> Result<ClinicianNpi, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::save_npi(&state.db, &who, account, &npi).await
    })
    .await
}
