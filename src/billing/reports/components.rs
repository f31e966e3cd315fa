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
use crate::ui::{DateField, ErrorPanel, FieldErrorText};
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
        <form method="get" action="/app/billing/reports" class="card statement-period report-form no-print" data-testid="report-form">
            <input type="hidden" name="report" value=kind.as_str() />
            {if kind.as_of_a_day() {
                view! {
                    <DateField id="report-as-of" name="as_of" label=day_label(kind) value=as_of error />
                }.into_any()
            } else {
                view! {
                    <DateField id="report-from" name="from" label="From" value=from error />
                    <DateField id="report-to" name="to" label="To" value=to error />
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

/// What a report's one day is: the last day of the sessions listed (unbilled), or the day
/// balances are taken (aging).
fn day_label(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::Unbilled => "Sessions through",
        _ => "As of",
    }
}

#[component]
fn ReportView(report: Report) -> impl IntoView {
    let said = if report.kind.as_of_a_day() {
        format!(
            "{} {}",
            day_label(report.kind),
            when::days_range(&report.as_of, &report.as_of)
        )
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
            <ReportTable caption="Sessions with charges not yet invoiced" texts={vec!["Date", "Group or case", "Providers"]} figures={vec!["Charges", "Unbilled"]}>
                <tbody>
                    {report.sessions.into_iter().map(|s| {
                        let day = chrono::NaiveDate::parse_from_str(&s.day, "%Y-%m-%d").map(when::date).unwrap_or_else(|_| s.day.clone());
                        view! {
                            <tr data-testid="report-row">
                                <td data-label="Date">{day}" "{s.starts}</td>
                                <td data-label="Group or case"><a href=format!("/app/sessions/{}", s.id.0)>{s.case_name}</a></td>
                                <td data-label="Providers">{s.providers}</td>
                                <Figure label="Charges" value=s.items.to_string() />
                                <Figure label="Unbilled" value=s.amount.to_string() />
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
            </ReportTable>
        })}
    }
}

/// A report's table: a caption for screen readers, the headings of its text columns, then
/// of its columns of figures (right-aligned); its body and totals are the children.
#[component]
fn ReportTable(
    #[prop(into)] caption: String,
    texts: Vec<&'static str>,
    figures: Vec<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <table class="lines report-lines">
            <caption class="sr-only">{caption}</caption>
            <thead>
                <tr>
                    {texts.into_iter().map(|t| view! { <th scope="col">{t}</th> }).collect_view()}
                    {figures.into_iter().map(|f| view! { <th scope="col" class="money">{f}</th> }).collect_view()}
                </tr>
            </thead>
            {children()}
        </table>
    }
}

/// A figure's cell, labelled with its column for the phone layout (where each row becomes
/// labelled pairs).
#[component]
fn Figure(label: &'static str, value: String) -> impl IntoView {
    view! { <td data-label=label class="money">{value}</td> }
}

/// The aging table's columns of figures: each bucket, then the balance.
fn aging_columns() -> Vec<&'static str> {
    let mut columns: Vec<&'static str> = AgingBucket::ALL.iter().map(|b| b.label()).collect();
    columns.push("Balance");
    columns
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
                <ReportTable caption="Balances by payer and how long past due" texts={vec!["Payer"]} figures={aging_columns()}>
                    <tbody>
                        {report.payers.into_iter().map(|p| view! {
                            <tr data-testid="report-row">
                                <th scope="row" data-label="Payer"><a href=format!("/app/people/{}/account", p.id.0)>{p.name}</a></th>
                                {AgingBucket::ALL.iter().map(|b| view! {
                                    <Figure label=b.label() value=p.aged.in_bucket(*b).to_string() />
                                }).collect_view()}
                                <Figure label="Balance" value=balance_said(p.aged.balance()) />
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"Total"</th>
                            {AgingBucket::ALL.iter().map(|b| view! {
                                <Figure label=b.label() value=t.in_bucket(*b).to_string() />
                            }).collect_view()}
                            <td data-label="Balance" class="money" data-testid="report-total">{balance_said(t.balance())}</td>
                        </tr>
                    </tfoot>
                </ReportTable>
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
        <ReportTable caption="Payments and refunds by method" texts={vec!["Method"]} figures={vec!["Payments", "Received", "Refunded", "Net"]}>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr data-testid="report-row">
                        <th scope="row" data-label="Method">{r.method.label()}</th>
                        <Figure label="Payments" value=r.payments.to_string() />
                        <Figure label="Received" value=r.received.to_string() />
                        <Figure label="Refunded" value=r.refunded.to_string() />
                        <Figure label="Net" value=r.net().to_string() />
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot>
                <tr>
                    <th scope="row" colspan="2">"Total"</th>
                    <Figure label="Received" value=received.to_string() />
                    <Figure label="Refunded" value=refunded.to_string() />
                    <td data-label="Net" class="money" data-testid="report-total">{(received - refunded).to_string()}</td>
                </tr>
            </tfoot>
        </ReportTable>
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
                <ReportTable caption=format!("Revenue by {}", by.label().to_lowercase()) texts={vec![by.label()]} figures={vec!["Sessions", "Charged", "Adjusted", "Paid", "Open"]}>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr data-testid="report-row">
                                <th scope="row" data-label=by.label()>{r.label.clone()}</th>
                                <Figure label="Sessions" value=r.sessions.to_string() />
                                <Figure label="Charged" value=r.charged.to_string() />
                                <Figure label="Adjusted" value=r.adjusted.to_string() />
                                <Figure label="Paid" value=r.paid.to_string() />
                                <Figure label="Open" value=r.open().to_string() />
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row" colspan="2">"Total"</th>
                            <td data-label="Charged" class="money" data-testid="report-total">{charged.to_string()}</td>
                            <Figure label="Adjusted" value=adjusted.to_string() />
                            <Figure label="Paid" value=paid.to_string() />
                            <Figure label="Open" value=(charged - adjusted - paid).to_string() />
                        </tr>
                    </tfoot>
                </ReportTable>
            }.into_any()
        }}
    }
}
