//! Making a billing report. Server only.

use super::repo::{self, Moved, Sessions};
use super::{
    AgedPayer, AgingReport, Report, ReportAsk, ReportBody, UnbilledReport, UnbilledSession,
    UNBILLED_LISTED,
};
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Action, Event, ObjectKind};
use crate::billing::invoices::server::bring_all_up_to_date;
use crate::billing::server::{charged_for, long_day, may_run_billing};
use crate::domain::billing::PaymentMethod;
use crate::domain::money::Money;
use crate::domain::people::display_name;
use crate::domain::reports::{
    age, revenue_by, Aged, Due, MethodRow, ReportKind, RevenueBy, SessionFigures,
};
use crate::domain::statements::{check_period_of, default_period};
use crate::domain::{when, AppointmentId, CaseId, PersonId};
use crate::error::{AppError, AppResult};
use crate::server::db::{Db, Tx};
use crate::server::time::{local, start_of_day};
use chrono::{Days, NaiveDate};
use std::collections::HashMap;

/// How many unbilled sessions a report lists: the page's few hundred, or all (the CSV).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    Page,
    Everything,
}

/// The report `ask` names, with each part it leaves out defaulted: outstanding balances,
/// as of today; a period from the first of last month to today; revenue by group.
fn resolve(
    ask: &ReportAsk,
    today: NaiveDate,
) -> AppResult<(ReportKind, NaiveDate, NaiveDate, NaiveDate, RevenueBy)> {
    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let kind = match given(&ask.report) {
        None => ReportKind::Aging,
        Some(r) => ReportKind::parse(r)
            .ok_or_else(|| AppError::invalid("report", "Choose one of the reports."))?,
    };
    let by = match given(&ask.by) {
        None => RevenueBy::Group,
        Some(b) => RevenueBy::parse(b)
            .ok_or_else(|| AppError::invalid("by", "Choose group, service or provider."))?,
    };
    let as_of = match given(&ask.as_of) {
        Some(d) if kind.as_of_a_day() => {
            let d = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::invalid("as_of", "Enter the day as a date."))?;
            if d > today {
                return Err(AppError::invalid(
                    "as_of",
                    "A report is of today or an earlier day.",
                ));
            }
            d
        }
        _ => today,
    };
    let (from, to) = match (given(&ask.from), given(&ask.to)) {
        _ if kind.as_of_a_day() => default_period(today),
        (None, None) => default_period(today),
        (from, to) => check_period_of("report", from.unwrap_or(""), to.unwrap_or(""), today)
            .map_err(|(field, m)| AppError::invalid(field, m))?,
    };
    Ok((kind, as_of, from, to, by))
}

/// A billing report. Owners and administrators only. Every charge through today is brought
/// up to date first (a change after invoicing may owe a credit note), then the report is
/// read in one transaction and audited as a read of the practice's billing.
pub async fn report(
    db: &Db,
    who: &SignedIn,
    ask: &ReportAsk,
    listing: Listing,
) -> AppResult<Report> {
    may_run_billing(who)?;
    let today = who.today();
    let (kind, as_of, from, to, by) = resolve(ask, today)?;
    let mut tx = db.begin().await?;
    bring_all_up_to_date(&mut tx, who, &today.to_string()).await?;
    let body = match kind {
        ReportKind::Unbilled => ReportBody::Unbilled(unbilled(&mut tx, who, as_of, listing).await?),
        ReportKind::Aging => ReportBody::Aging(aging(&mut tx, who, as_of).await?),
        ReportKind::Payments => ReportBody::Payments(payments(&mut tx, who, from, to).await?),
        ReportKind::Revenue => ReportBody::Revenue(revenue(&mut tx, who, from, to, by).await?),
    };
    let report = Report {
        kind,
        as_of: as_of.to_string(),
        from: from.to_string(),
        to: to.to_string(),
        by,
        made_on: long_day(today.to_string()),
        body,
    };
    record(
        tx.conn(),
        who,
        Event::new(Action::Read, ObjectKind::BillingReport, None).detail(report.query()),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// Who led each session, "Dana Reyes, Sam Ortiz", by session id.
async fn providers(
    tx: &mut Tx,
    who: &SignedIn,
    which: Sessions<'_>,
) -> AppResult<HashMap<i64, Vec<(i64, String)>>> {
    let mut by_session: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for p in repo::providers_of_sessions(tx.conn(), who.practice_id, which).await? {
        by_session
            .entry(p.appointment_id)
            .or_default()
            .push((p.account_id, p.display_name));
    }
    Ok(by_session)
}

async fn unbilled(
    tx: &mut Tx,
    who: &SignedIn,
    through: NaiveDate,
    listing: Listing,
) -> AppResult<UnbilledReport> {
    let through = through.to_string();
    let limit = match listing {
        Listing::Page => UNBILLED_LISTED as i64,
        Listing::Everything => i64::MAX,
    };
    let rows = repo::unbilled_sessions(tx.conn(), who.practice_id, &through, limit).await?;
    let session_count = repo::unbilled_session_count(tx.conn(), who.practice_id, &through).await?;
    let (_, total, _) =
        crate::billing::invoices::repo::unbilled_summary(tx.conn(), who.practice_id, &through)
            .await?;
    let led = providers(tx, who, Sessions::UnbilledThrough(&through)).await?;
    let sessions = rows
        .into_iter()
        .map(|r| UnbilledSession {
            id: AppointmentId(r.id),
            starts: when::clock(local(who.time_zone, r.starts_at).time()),
            day: r.local_day,
            case_id: CaseId(r.case_id),
            case_name: r.case_name,
            providers: led
                .get(&r.id)
                .map(|p| {
                    p.iter()
                        .map(|(_, name)| name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            items: r.items,
            payers: r.payers,
            amount: Money(r.cents),
        })
        .collect();
    Ok(UnbilledReport {
        sessions,
        session_count,
        total: Money(total),
    })
}

/// Each payer's balance at the end of `as_of`, aged: the documents as they stood that day
/// (a void after it does not count yet), and what came in by then.
async fn aging(tx: &mut Tx, who: &SignedIn, as_of: NaiveDate) -> AppResult<AgingReport> {
    let as_of_text = as_of.to_string();
    let until_ms = as_of
        .checked_add_days(Days::new(1))
        .map_or(i64::MAX, |d| start_of_day(who.time_zone, d));
    let mut dues: HashMap<i64, Vec<Due>> = HashMap::new();
    for d in repo::documents_standing(tx.conn(), who.practice_id, &as_of_text, until_ms).await? {
        let due = NaiveDate::parse_from_str(&d.due_on, "%Y-%m-%d").map_err(AppError::internal)?;
        dues.entry(d.payer_id).or_default().push(Due {
            due,
            amount: Money(d.total_cents),
        });
    }
    let mut credits: HashMap<i64, Money> =
        repo::credits_through(tx.conn(), who.practice_id, &as_of_text)
            .await?
            .into_iter()
            .map(|(payer, cents)| (payer, Money(cents)))
            .collect();
    let names: HashMap<i64, String> = repo::payer_names(tx.conn(), who.practice_id)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.id,
                display_name(&p.legal_name, p.preferred_name.as_deref()),
            )
        })
        .collect();
    let mut payers: Vec<i64> = dues.keys().chain(credits.keys()).copied().collect();
    payers.sort_unstable();
    payers.dedup();
    let mut total = Aged::default();
    let mut aged: Vec<AgedPayer> = payers
        .into_iter()
        .filter_map(|id| {
            let a = age(
                as_of,
                dues.remove(&id).unwrap_or_default(),
                credits.remove(&id).unwrap_or(Money::ZERO),
            );
            (a != Aged::default()).then(|| AgedPayer {
                id: PersonId(id),
                name: names.get(&id).cloned().unwrap_or_default(),
                aged: a,
            })
        })
        .collect();
    for p in &aged {
        total.add(&p.aged);
    }
    aged.sort_by(|a, b| {
        b.aged
            .balance()
            .cmp(&a.aged.balance())
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(AgingReport {
        payers: aged,
        total,
    })
}

async fn payments(
    tx: &mut Tx,
    who: &SignedIn,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<MethodRow>> {
    let (from, to) = (from.to_string(), to.to_string());
    let mut rows: Vec<MethodRow> = PaymentMethod::ALL
        .iter()
        .map(|m| MethodRow {
            method: *m,
            payments: 0,
            received: Money::ZERO,
            refunds: 0,
            refunded: Money::ZERO,
        })
        .collect();
    // Every method has its row, in the order the payment form lists them.
    let row_of = |rows: &[MethodRow], stored: &str| -> AppResult<usize> {
        let m = PaymentMethod::parse(stored)
            .ok_or_else(|| AppError::internal("a payment's method is not known"))?;
        rows.iter()
            .position(|r| r.method == m)
            .ok_or_else(|| AppError::internal("a payment method without a row"))
    };
    for moved in [Moved::Received, Moved::Refunded] {
        for (method, n, cents) in
            repo::by_method(tx.conn(), who.practice_id, moved, &from, &to).await?
        {
            let i = row_of(&rows, &method)?;
            let r = &mut rows[i];
            match moved {
                Moved::Received => (r.payments, r.received) = (n, Money(cents)),
                Moved::Refunded => (r.refunds, r.refunded) = (n, Money(cents)),
            }
        }
    }
    Ok(rows)
}

async fn revenue(
    tx: &mut Tx,
    who: &SignedIn,
    from: NaiveDate,
    to: NaiveDate,
    by: RevenueBy,
) -> AppResult<Vec<crate::domain::reports::RevenueRow>> {
    let (from, to) = (from.to_string(), to.to_string());
    let sessions = repo::session_money(tx.conn(), who.practice_id, &from, &to).await?;
    let led = if by == RevenueBy::Provider {
        providers(tx, who, Sessions::ChargedIn(&from, &to)).await?
    } else {
        HashMap::new()
    };
    let figures: Vec<SessionFigures> = sessions
        .into_iter()
        .map(|s| SessionFigures {
            session: s.id,
            case_id: s.case_id,
            case_name: s.case_name,
            service: charged_for(
                s.choice.as_deref(),
                s.service_code.as_deref(),
                s.service_name.as_deref(),
            ),
            // A session can have a row per thing charged for; each carries its providers.
            providers: led.get(&s.id).cloned().unwrap_or_default(),
            charged: Money(s.charged),
            adjusted: Money(s.adjusted),
            paid: Money(s.paid),
        })
        .collect();
    Ok(revenue_by(by, &figures))
}
