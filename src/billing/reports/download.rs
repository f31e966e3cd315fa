//! `GET /documents/reports/<report>.csv?as_of=…` (or `from=…&to=…&by=…`): a billing report
//! as a spreadsheet, for the same readers as its page, with the same defaults and checks,
//! audited the same way, and every row (the page lists the oldest unbilled sessions only).
//! Amounts are plain decimals ("1234.50"); a name a spreadsheet would read as a formula
//! stays text. Server only.

use super::server::{report, Listing};
use super::{Report, ReportAsk, ReportBody};
use crate::billing::pdf::{caller, refused, staff_caller};
use crate::domain::money::Money;
use crate::domain::reports::{spreadsheet_text, AgingBucket, ReportKind};
use crate::error::AppError;
use crate::server::state::AppState;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn serve(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(mut ask): Query<ReportAsk>,
    req: Request,
) -> Response {
    let who = match staff_caller(caller(&req)) {
        Ok(who) => who,
        Err(e) => return refused(&e),
    };
    let Some(kind) = file.strip_suffix(".csv").and_then(ReportKind::parse) else {
        return refused(&AppError::NotFound);
    };
    ask.report = Some(kind.as_str().to_string());
    let db = &state.db;
    let made = crate::access::answer(db, &who, report(db, &who, &ask, Listing::Everything)).await;
    let report = match made {
        Ok(r) => r,
        Err(e) => return refused(&e),
    };
    match csv_of(&report) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.csv\"", report.file_name()),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a report's CSV");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The CSV could not be made.",
            )
                .into_response()
        }
    }
}

fn amount(m: Money) -> String {
    m.as_input()
}

/// The report as CSV: a header row, a row per line of the page, and its total row.
pub fn csv_of(report: &Report) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    match &report.body {
        ReportBody::Unbilled(u) => {
            w.write_record([
                "Date",
                "Start",
                "Group or case",
                "Providers",
                "Charges",
                "Payers",
                "Unbilled",
            ])?;
            for s in &u.sessions {
                w.write_record([
                    s.day.clone(),
                    s.starts.clone(),
                    spreadsheet_text(&s.case_name),
                    spreadsheet_text(&s.providers),
                    s.items.to_string(),
                    s.payers.to_string(),
                    amount(s.amount),
                ])?;
            }
            let items: i64 = u.sessions.iter().map(|s| s.items).sum();
            w.write_record([
                "Total".to_string(),
                String::new(),
                format!("{} sessions", u.session_count),
                String::new(),
                items.to_string(),
                String::new(),
                amount(u.total),
            ])?;
        }
        ReportBody::Aging(a) => {
            let mut head = vec!["Payer".to_string()];
            head.extend(AgingBucket::ALL.iter().map(|b| b.label().to_string()));
            head.extend(["Credit".to_string(), "Balance".to_string()]);
            w.write_record(&head)?;
            let line = |name: String, aged: &crate::domain::reports::Aged| {
                let mut row = vec![name];
                row.extend(AgingBucket::ALL.iter().map(|b| amount(aged.in_bucket(*b))));
                row.extend([amount(aged.credit), amount(aged.balance())]);
                row
            };
            for p in &a.payers {
                w.write_record(line(spreadsheet_text(&p.name), &p.aged))?;
            }
            w.write_record(line("Total".into(), &a.total))?;
        }
        ReportBody::Payments(rows) => {
            w.write_record([
                "Method", "Payments", "Received", "Refunds", "Refunded", "Net",
            ])?;
            for r in rows {
                w.write_record([
                    r.method.label().to_string(),
                    r.payments.to_string(),
                    amount(r.received),
                    r.refunds.to_string(),
                    amount(r.refunded),
                    amount(r.net()),
                ])?;
            }
            let sum = |f: fn(&crate::domain::reports::MethodRow) -> Money| {
                amount(rows.iter().map(f).sum())
            };
            w.write_record([
                "Total".to_string(),
                rows.iter().map(|r| r.payments).sum::<i64>().to_string(),
                sum(|r| r.received),
                rows.iter().map(|r| r.refunds).sum::<i64>().to_string(),
                sum(|r| r.refunded),
                sum(|r| r.net()),
            ])?;
        }
        ReportBody::Revenue(rows) => {
            w.write_record([
                report.by.label(),
                "Sessions",
                "Charged",
                "Adjusted",
                "Paid",
                "Open",
            ])?;
            for r in rows {
                w.write_record([
                    spreadsheet_text(&r.label),
                    r.sessions.to_string(),
                    amount(r.charged),
                    amount(r.adjusted),
                    amount(r.paid),
                    amount(r.open()),
                ])?;
            }
            let sum = |f: fn(&crate::domain::reports::RevenueRow) -> Money| {
                amount(rows.iter().map(f).sum())
            };
            w.write_record([
                "Total".to_string(),
                String::new(),
                sum(|r| r.charged),
                sum(|r| r.adjusted),
                sum(|r| r.paid),
                sum(|r| r.open()),
            ])?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
