//! Statements: a payer's invoices, credit notes, voids and payments over a period, with the
//! balance brought forward, a running balance and the balance at the end (what is owed, or
//! the payer's credit). Made on request, never stored; printable and as PDF. Owners and
//! administrators only.

pub mod components;
#[cfg(feature = "ssr")]
pub mod download;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use super::Issuer;
use crate::domain::money::Money;
use crate::domain::statements::Ledger;
use crate::domain::PersonId;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub payer_id: PersonId,
    pub payer_name: String,
    pub issuer: Issuer,
    /// The period, as `YYYY-MM-DD` for the date fields.
    pub from: String,
    pub to: String,
    pub ledger: Ledger,
    /// Charged and not yet on any invoice (so not in the balance yet).
    pub unbilled: Money,
    /// The practice's today, as people read it: the day the statement was made.
    pub made_on: String,
}

/// A payer's statement for a period; without one, from the first of last month to today.
#[server(endpoint = "statement", input = Json)]
pub async fn get_statement(
    payer: PersonId,
    from: Option<String>,
    to: Option<String>,
) -> Result<Statement, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::statement(&state.db, &who, payer, from.as_deref(), to.as_deref()).await
    })
    .await
}
