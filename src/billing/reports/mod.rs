//! Billing reports for owners and administrators (`/app/billing/reports`): sessions not yet
//! invoiced, outstanding balances aged as of a day, payments by method and revenue by
//! group, service or provider for a period. Each is made on request from the ledger (never
//! stored), after bringing every charge up to date, is an audited read, and downloads as
//! CSV (`/documents/reports/<report>.csv`) with exactly the figures on screen.
//!
//! Providers do not see reports: they name every payer and client of the practice and what
//! each owes. A provider sees a participant's charge and payments on their own session
//! screen.

pub mod components;
#[cfg(feature = "ssr")]
pub mod download;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::money::Money;
use crate::domain::reports::{Aged, MethodRow, ReportKind, RevenueBy, RevenueRow};
use crate::domain::{AppointmentId, CaseId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// The report asked for, as the page's address carries it: any part may be missing (the
/// report then uses its default) or wrong (the answer says which field and why).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAsk {
    pub report: Option<String>,
    pub as_of: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
}

/// A report made: what was asked, resolved (`YYYY-MM-DD` days), and its figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub kind: ReportKind,
    pub as_of: String,
    pub from: String,
    pub to: String,
    pub by: RevenueBy,
    /// The practice's today, as people read it.
    pub made_on: String,
    pub body: ReportBody,
}

impl Report {
    /// The address's query for exactly this report (for its CSV, and to link to it).
    pub fn query(&self) -> String {
        let mut q = format!("report={}", self.kind.as_str());
        if self.kind.as_of_a_day() {
            q.push_str(&format!("&as_of={}", self.as_of));
        } else {
            q.push_str(&format!("&from={}&to={}", self.from, self.to));
        }
        if self.kind == ReportKind::Revenue {
            q.push_str(&format!("&by={}", self.by.as_str()));
        }
        q
    }

    /// The CSV download's file name: "aging-2026-12-01", "revenue-by-service-2026-11-01-to-2026-11-30".
    pub fn file_name(&self) -> String {
        match self.kind {
            ReportKind::Unbilled | ReportKind::Aging => {
                format!("{}-{}", self.kind.as_str(), self.as_of)
            }
            ReportKind::Payments => format!("payments-{}-to-{}", self.from, self.to),
            ReportKind::Revenue => format!(
                "revenue-by-{}-{}-to-{}",
                self.by.as_str(),
                self.from,
                self.to
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportBody {
    Unbilled(UnbilledReport),
    Aging(AgingReport),
    Payments(Vec<MethodRow>),
    Revenue(Vec<RevenueRow>),
}

/// The most sessions the unbilled page lists (the oldest first); its totals and CSV count
/// them all.
pub const UNBILLED_LISTED: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnbilledReport {
    /// The oldest first, at most `UNBILLED_LISTED` on the page.
    pub sessions: Vec<UnbilledSession>,
    /// How many sessions have something unbilled (listed or not).
    pub session_count: i64,
    pub total: Money,
}

/// A session with charges not yet on an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnbilledSession {
    pub id: AppointmentId,
    /// `YYYY-MM-DD`, the practice's day.
    pub day: String,
    /// Its start, as the practice's clock reads ("6:00 PM").
    pub starts: String,
    pub case_id: CaseId,
    pub case_name: String,
    /// "Dana Reyes, Sam Ortiz".
    pub providers: String,
    /// Charges (a payer's part of a participant's charge) not yet on an invoice.
    pub items: i64,
    pub payers: i64,
    pub amount: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingReport {
    /// Payers with a balance or a credit, the most owed first.
    pub payers: Vec<AgedPayer>,
    pub total: Aged,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgedPayer {
    pub id: PersonId,
    pub name: String,
    pub aged: Aged,
}

/// A billing report; without a choice, outstanding balances as of today.
#[server(endpoint = "billing_report", input = Json)]
pub async fn get_report(ask: ReportAsk) -> Result<Report, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::report(&state.db, &who, &ask, server::Listing::Page).await
    })
    .await
}
