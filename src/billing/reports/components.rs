//! The reports page (`/app/billing/reports?report=…`). What is asked is kept in the address,
//! so a report can be bookmarked, reloaded or sent to a colleague, and its form works as a
//! plain form before the page's client has started. Each report is a table (the figures)
//! and, where a person would rather look than read, a bar chart of the same figures.

use super::{get_report, AgingReport, Report, ReportAsk, ReportBody, UnbilledReport};
use crate::billing::invoices::components::PrintButton;
use crate::domain::money::Money;
use crate::domain::reports::{AgingBucket, MethodRow, ReportKind, RevenueBy, RevenueRow};
use crate::domain::when;
use crate::error::AppError;
use crate::ui::{ErrorPanel, FieldErrorText};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        query.with(|q| {
            let get = |k: &str| q.get(k).filter(|s| !s.is_empty());
            ReportAsk {
                report: get("report"),
                as_of: get("as_of"),
                from: get("from"),
                to: get("to"),
                by: get("by"),
            }
        })
    };
    let report = Resource::new(asked, get_report);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(r) => view! {
                        <ReportsHeader csv=Some(format!("/documents/reports/{}.csv?{}", r.kind.as_str(), r.query())) />
                        <ReportTabs current=r.kind />
                        <ReportForm kind=r.kind as_of=r.as_of.clone() from=r.from.clone() to=r.to.clone() by=r.by error=None />
                        <ReportView report=r />
                    }.into_any(),
                    Err(e @ AppError::InvalidInput { .. }) => {
                        let a = asked();
                        let kind = a.report.as_deref().and_then(ReportKind::parse).unwrap_or(ReportKind::Aging);
                        let by = a.by.as_deref().and_then(RevenueBy::parse).unwrap_or(RevenueBy::Group);
                        view! {
                            <ReportsHeader csv=None />
                            <ReportTabs current=kind />
                            <ReportForm kind as_of=a.as_of.unwrap_or_default() from=a.from.unwrap_or_default() to=a.to.unwrap_or_default() by error=Some(e) />
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `csv` is the download of exactly the report on screen; absent while the asked one is
/// refused.
#[component]
fn ReportsHeader(csv: Option<String>) -> impl IntoView {
    view! {
        <header class="page-header">
            <div>
                <p class="eyebrow">"Billing"</p>
                <h1>"Reports"</h1>
            </div>
            <nav class="header-links no-print" aria-label="Report actions">
                <a class="button secondary" href="/app/billing">"Invoices"</a>
                {csv.map(|href| view! {
                    <a class="button secondary" rel="external" download="" data-testid="report-csv" href=href>"Download CSV"</a>
                })}
                <PrintButton />
            </nav>
        </header>
    }
}

#[component]
fn ReportTabs(current: ReportKind) -> impl IntoView {
    view! {
        <nav class="report-tabs no-print" aria-label="Reports">
            {ReportKind::ALL.iter().map(|k| {
                let k = *k;
                view! {
                    <a href=format!("/app/billing/reports?report={}", k.as_str())
                        class="report-tab"
                        aria-current=(k == current).then_some("page")
                        data-testid=format!("report-tab-{}", k.as_str())>
                        {k.title()}
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

/// What the report is of, as a plain GET form: a day for the balances, a period (and a
/// grouping) for the rest.
#[component]
fn ReportForm(
    kind: ReportKind,
    as_of: String,
    from: String,
    to: String,
    by: RevenueBy,
    error: Option<AppError>,
) -> impl IntoView {
    let error = Signal::stored(error);
    view! {
        <form method="get" action="/app/billing/reports" class="card statement-period no-print" data-testid="report-form">
            <input type="hidden" name="report" value=kind.as_str() />
            {if kind.as_of_a_day() {
                view! {
                    <div class="field">
                        <label for="report-as-of">"As of"</label>
                        <input id="report-as-of" name="as_of" type="date" required value=as_of />
                        <FieldErrorText error field="as_of" />
                    </div>
                }.into_any()
            } else {
                view! {
                    <div class="field">
                        <label for="report-from">"From"</label>
                        <input id="report-from" name="from" type="date" required value=from />
                        <FieldErrorText error field="from" />
                    </div>
                    <div class="field">
                        <label for="report-to">"To"</label>
                        <input id="report-to" name="to" type="date" required value=to />
                        <FieldErrorText error field="to" />
                    </div>
                }.into_any()
            }}
            {(kind == ReportKind::Revenue).then(|| view! {
                <div class="field">
                    <label for="report-by">"By"</label>
                    <select id="report-by" name="by">
                        {RevenueBy::ALL.iter().map(|b| view! {
                            <option value=b.as_str() selected={*b == by}>{b.label()}</option>
                        }).collect_view()}
                    </select>
                    <FieldErrorText error field="by" />
                </div>
            })}
            <FieldErrorText error field="report" />
            <div class="actions">
                <button type="submit" class="secondary">"Show report"</button>
            </div>
        </form>
    }
}

#[component]
fn ReportView(report: Report) -> impl IntoView {
    let said = if report.kind.as_of_a_day() {
        format!("As of {}", when::days_range(&report.as_of, &report.as_of))
    } else {
        when::days_range(&report.from, &report.to)
    };
    let title = report.kind.title();
    let body = match report.body {
        ReportBody::Unbilled(u) => view! { <UnbilledView report=u /> }.into_any(),
        ReportBody::Aging(a) => view! { <AgingView report=a /> }.into_any(),
        ReportBody::Payments(rows) => view! { <PaymentsView rows /> }.into_any(),
        ReportBody::Revenue(rows) => view! { <RevenueView rows by=report.by /> }.into_any(),
    };
    view! {
        <article class="card document report" data-testid="report" data-report=report.kind.as_str()>
            <h2>{title}</h2>
            <p class="muted" data-testid="report-said">{said}" · made "{report.made_on}</p>
            {body}
        </article>
    }
}

/// Horizontal bars of `bars` (label, amount), longest for the largest amount; the figures
/// are written beside each bar, so the chart reads without colour or a legend.
#[component]
fn BarChart(caption: &'static str, bars: Vec<(String, Money)>) -> impl IntoView {
    let most = bars
        .iter()
        .map(|(_, m)| m.cents())
        .max()
        .unwrap_or(0)
        .max(1);
    view! {
        <figure class="bar-chart" data-testid="report-chart">
            <figcaption>{caption}</figcaption>
            <ul>
                {bars.into_iter().map(|(label, amount)| {
                    let share = (amount.cents().max(0) as f64 / most as f64 * 100.0).round();
                    view! {
                        <li>
                            <span class="bar-label">{label}</span>
                            <span class="bar-track" aria-hidden="true">
                                <span class="bar-fill" style=format!("width: {share}%")></span>
                            </span>
                            <span class="bar-amount">{amount.to_string()}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </figure>
    }
}

#[component]
fn UnbilledView(report: UnbilledReport) -> impl IntoView {
    let listed = report.sessions.len() as i64;
    let summary = if report.session_count == 0 {
        "Every session is invoiced.".to_string()
    } else {
        format!(
            "{} not yet invoiced, from {} session{}.",
            report.total,
            report.session_count,
            if report.session_count == 1 { "" } else { "s" }
        )
    };
    view! {
        <p data-testid="report-summary">{summary}
            {(report.session_count > 0).then(|| view! {
                " "<a class="no-print" href="/app/billing">"Invoice them"</a>
            })}
        </p>
        {(report.session_count > listed).then(|| view! {
            <p class="muted">{format!("The oldest {listed} are listed here; the CSV has all {}.", report.session_count)}</p>
        })}
        {(!report.sessions.is_empty()).then(|| view! {
            <table class="lines report-lines">
                <caption class="sr-only">"Sessions with charges not yet invoiced"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Group or case"</th>
                        <th scope="col">"Providers"</th>
                        <th scope="col" class="money">"Charges"</th>
                        <th scope="col" class="money">"Unbilled"</th>
                    </tr>
                </thead>
                <tbody>
                    {report.sessions.into_iter().map(|s| {
                        let day = chrono::NaiveDate::parse_from_str(&s.day, "%Y-%m-%d").map(when::date).unwrap_or_else(|_| s.day.clone());
                        view! {
                            <tr data-testid="report-row">
                                <td data-label="Date">{day}" "{s.starts}</td>
                                <td data-label="Group or case"><a href=format!("/app/sessions/{}", s.id.0)>{s.case_name}</a></td>
                                <td data-label="Providers">{s.providers}</td>
                                <td data-label="Charges" class="money">{s.items}</td>
                                <td data-label="Unbilled" class="money">{s.amount.to_string()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row" colspan="4">"Total"</th>
                        <td class="money" data-testid="report-total">{report.total.to_string()}</td>
                    </tr>
                </tfoot>
            </table>
        })}
    }
}

/// A balance as people read it: "$120.00", or "$30.00 credit".
fn balance_said(m: Money) -> String {
    if m.cents() < 0 {
        format!("{} credit", Money(-m.cents()))
    } else {
        m.to_string()
    }
}

#[component]
fn AgingView(report: AgingReport) -> impl IntoView {
    let t = report.total;
    let bars: Vec<(String, Money)> = AgingBucket::ALL
        .iter()
        .map(|b| (b.label().to_string(), t.in_bucket(*b)))
        .collect();
    view! {
        <dl class="summary-figures" data-testid="report-summary">
            <dt>"Owed"</dt><dd data-testid="aging-owed">{t.owed().to_string()}</dd>
            {t.credit.is_positive().then(|| view! { <dt>"Credits held"</dt><dd>{t.credit.to_string()}</dd> })}
            <dt>"Past due"</dt><dd data-testid="aging-past-due">{(t.owed() - t.in_bucket(AgingBucket::Current)).to_string()}</dd>
        </dl>
        <BarChart caption="Owed, by how long past due" bars />
        {if report.payers.is_empty() {
            view! { <p class="muted">"No payer owes anything or holds a credit."</p> }.into_any()
        } else {
            view! {
                <table class="lines report-lines">
                    <caption class="sr-only">"Balances by payer and how long past due"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Payer"</th>
                            {AgingBucket::ALL.iter().map(|b| view! { <th scope="col" class="money">{b.label()}</th> }).collect_view()}
                            <th scope="col" class="money">"Balance"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {report.payers.into_iter().map(|p| view! {
                            <tr data-testid="report-row">
                                <th scope="row" data-label="Payer"><a href=format!("/app/people/{}/account", p.id.0)>{p.name}</a></th>
                                {AgingBucket::ALL.iter().map(|b| view! {
                                    <td data-label=b.label() class="money">{p.aged.in_bucket(*b).to_string()}</td>
                                }).collect_view()}
                                <td data-label="Balance" class="money">{balance_said(p.aged.balance())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"Total"</th>
                            {AgingBucket::ALL.iter().map(|b| view! {
                                <td data-label=b.label() class="money">{t.in_bucket(*b).to_string()}</td>
                            }).collect_view()}
                            <td data-label="Balance" class="money" data-testid="report-total">{balance_said(t.balance())}</td>
                        </tr>
                    </tfoot>
                </table>
            }.into_any()
        }}
    }
}

#[component]
fn PaymentsView(rows: Vec<MethodRow>) -> impl IntoView {
    let bars: Vec<(String, Money)> = rows
        .iter()
        .map(|r| (r.method.label().to_string(), r.net()))
        .collect();
    let received: Money = rows.iter().map(|r| r.received).sum();
    let refunded: Money = rows.iter().map(|r| r.refunded).sum();
    view! {
        <BarChart caption="Received less refunded, by method" bars />
        <table class="lines report-lines">
            <caption class="sr-only">"Payments and refunds by method"</caption>
            <thead>
                <tr>
                    <th scope="col">"Method"</th>
                    <th scope="col" class="money">"Payments"</th>
                    <th scope="col" class="money">"Received"</th>
                    <th scope="col" class="money">"Refunded"</th>
                    <th scope="col" class="money">"Net"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr data-testid="report-row">
                        <th scope="row" data-label="Method">{r.method.label()}</th>
                        <td data-label="Payments" class="money">{r.payments}</td>
                        <td data-label="Received" class="money">{r.received.to_string()}</td>
                        <td data-label="Refunded" class="money">{r.refunded.to_string()}</td>
                        <td data-label="Net" class="money">{r.net().to_string()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot>
                <tr>
                    <th scope="row" colspan="2">"Total"</th>
                    <td data-label="Received" class="money">{received.to_string()}</td>
                    <td data-label="Refunded" class="money">{refunded.to_string()}</td>
                    <td data-label="Net" class="money" data-testid="report-total">{(received - refunded).to_string()}</td>
                </tr>
            </tfoot>
        </table>
    }
}

/// The bars a chart shows at most; the table lists every row.
const MOST_BARS: usize = 12;

#[component]
fn RevenueView(rows: Vec<RevenueRow>, by: RevenueBy) -> impl IntoView {
    let bars: Vec<(String, Money)> = rows
        .iter()
        .take(MOST_BARS)
        .map(|r| (r.label.clone(), r.charged))
        .collect();
    let sum = |f: fn(&RevenueRow) -> Money| rows.iter().map(f).sum::<Money>();
    let (charged, adjusted, paid) = (sum(|r| r.charged), sum(|r| r.adjusted), sum(|r| r.paid));
    let caption = if rows.len() > MOST_BARS {
        "Charged, the twelve largest"
    } else {
        "Charged"
    };
    view! {
        {if rows.is_empty() {
            view! { <p class="muted">"No sessions were charged in this period."</p> }.into_any()
        } else {
            view! {
                <BarChart caption bars />
                <table class="lines report-lines">
                    <caption class="sr-only">{format!("Revenue by {}", by.label().to_lowercase())}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{by.label()}</th>
                            <th scope="col" class="money">"Sessions"</th>
                            <th scope="col" class="money">"Charged"</th>
                            <th scope="col" class="money">"Adjusted"</th>
                            <th scope="col" class="money">"Paid"</th>
                            <th scope="col" class="money">"Open"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr data-testid="report-row">
                                <th scope="row" data-label=by.label()>{r.label.clone()}</th>
                                <td data-label="Sessions" class="money">{r.sessions}</td>
                                <td data-label="Charged" class="money">{r.charged.to_string()}</td>
                                <td data-label="Adjusted" class="money">{r.adjusted.to_string()}</td>
                                <td data-label="Paid" class="money">{r.paid.to_string()}</td>
                                <td data-label="Open" class="money">{r.open().to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row" colspan="2">"Total"</th>
                            <td data-label="Charged" class="money" data-testid="report-total">{charged.to_string()}</td>
                            <td data-label="Adjusted" class="money">{adjusted.to_string()}</td>
                            <td data-label="Paid" class="money">{paid.to_string()}</td>
                            <td data-label="Open" class="money">{(charged - adjusted - paid).to_string()}</td>
                        </tr>
                    </tfoot>
                </table>
            }.into_any()
        }}
    }
}
