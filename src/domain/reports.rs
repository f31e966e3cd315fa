//! Billing reports, as rules: how an outstanding balance is aged, how a period's sessions
//! add up by group, service or provider, and what a spreadsheet cell may start with. The
//! server reads the figures; these rules decide what they say.

use super::billing::PaymentMethod;
use super::money::Money;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

super::stored_enum! {
    /// The reports the billing area offers.
    pub enum ReportKind as "report" {
        /// Sessions with charges not yet on an invoice.
        Unbilled => "unbilled",
        /// Each payer's outstanding balance by how long it has been due.
        Aging => "aging",
        /// Money received and given back in a period, by how it was paid.
        Payments => "payments",
        /// What a period's sessions charged, by group, service or provider.
        Revenue => "revenue",
    }
}

impl ReportKind {
    pub fn title(self) -> &'static str {
        match self {
            ReportKind::Unbilled => "Unbilled sessions",
            ReportKind::Aging => "Outstanding balances",
            ReportKind::Payments => "Payments by method",
            ReportKind::Revenue => "Revenue",
        }
    }

    /// Whether the report is of a balance on one day (as of), rather than of a period.
    pub fn as_of_a_day(self) -> bool {
        matches!(self, ReportKind::Unbilled | ReportKind::Aging)
    }
}

super::stored_enum! {
    /// What the revenue report adds up by.
    pub enum RevenueBy as "revenue grouping" {
        /// The case: a group, a workshop, or one client's case.
        Group => "group",
        Service => "service",
        Provider => "provider",
    }
}

impl RevenueBy {
    pub fn label(self) -> &'static str {
        match self {
            RevenueBy::Group => "Group or case",
            RevenueBy::Service => "Service",
            RevenueBy::Provider => "Provider",
        }
    }
}

/// How long an open amount has been due on the report's day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgingBucket {
    /// Not yet due (or due that very day).
    Current,
    Days1To30,
    Days31To60,
    Days61To90,
    Over90,
}

impl AgingBucket {
    pub const ALL: [AgingBucket; 5] = [
        AgingBucket::Current,
        AgingBucket::Days1To30,
        AgingBucket::Days31To60,
        AgingBucket::Days61To90,
        AgingBucket::Over90,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AgingBucket::Current => "Current",
            AgingBucket::Days1To30 => "1–30 days",
            AgingBucket::Days31To60 => "31–60 days",
            AgingBucket::Days61To90 => "61–90 days",
            AgingBucket::Over90 => "Over 90 days",
        }
    }

    /// The bucket of an amount `days` past its due day (zero or less: current).
    pub fn of(days: i64) -> AgingBucket {
        match days {
            ..=0 => AgingBucket::Current,
            1..=30 => AgingBucket::Days1To30,
            31..=60 => AgingBucket::Days31To60,
            61..=90 => AgingBucket::Days61To90,
            _ => AgingBucket::Over90,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// An invoice's total as it stands on the report's day, and the day it falls due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    pub due: NaiveDate,
    pub amount: Money,
}

/// One payer's balance aged: what is open in each bucket, and any credit left over.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aged {
    /// In the order of `AgingBucket::ALL`.
    pub buckets: [Money; 5],
    /// Paid or credited beyond everything invoiced: the payer's credit (zero or more).
    pub credit: Money,
}

impl Aged {
    pub fn in_bucket(&self, b: AgingBucket) -> Money {
        self.buckets[b.index()]
    }

    /// What is owed across the buckets.
    pub fn owed(&self) -> Money {
        self.buckets.iter().copied().sum()
    }

    /// The balance, as the payer's statement for the same day ends: owed less credit.
    pub fn balance(&self) -> Money {
        self.owed() - self.credit
    }

    pub fn add(&mut self, other: &Aged) {
        for (a, b) in self.buckets.iter_mut().zip(other.buckets) {
            *a += b;
        }
        self.credit += other.credit;
    }
}

/// Ages a payer's balance on `as_of`: `invoices` are their invoices as they stand that day,
/// `credits` everything that day that took the balance down (payments less refunds, credit
/// notes, adjustments). Payments are not tied to invoices, so what came in pays the oldest
/// due first (first in, first out); what is left of each invoice is aged by how many days
/// it is past due. What is left of the credits is the payer's credit. A negative credit
/// (more given back than came in) is owed today.
pub fn age(as_of: NaiveDate, invoices: Vec<Due>, credits: Money) -> Aged {
    // A total of zero or less is not owed; it only adds to what came in.
    let (mut owed, not_owed): (Vec<Due>, Vec<Due>) =
        invoices.into_iter().partition(|d| d.amount.is_positive());
    let mut left = credits - not_owed.iter().map(|d| d.amount).sum::<Money>();
    if left.cents() < 0 {
        owed.push(Due {
            due: as_of,
            amount: Money(-left.cents()),
        });
        left = Money::ZERO;
    }
    owed.sort_by_key(|d| d.due);
    let mut aged = Aged::default();
    for d in owed {
        let applied = left.min(d.amount);
        left -= applied;
        let open = d.amount - applied;
        if open.is_positive() {
            let b = AgingBucket::of((as_of - d.due).num_days());
            aged.buckets[b.index()] += open;
        }
    }
    aged.credit = left;
    aged
}

/// A session's figures in a period for one thing charged for (a service attended, a missed
/// session's fee), with what it is grouped by. A session can have several.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFigures {
    pub session: i64,
    pub case_id: i64,
    pub case_name: String,
    /// What was charged for: "90853 Group psychotherapy", "No-show fee".
    pub service: Option<String>,
    /// (account id, name) of each provider who led it.
    pub providers: Vec<(i64, String)>,
    pub charged: Money,
    pub adjusted: Money,
    pub paid: Money,
}

/// One row of the revenue report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevenueRow {
    pub label: String,
    pub sessions: i64,
    pub charged: Money,
    /// Reduced without payment: sliding scale, courtesy, pro bono, write-offs.
    pub adjusted: Money,
    /// Paid on those charges so far.
    pub paid: Money,
}

impl RevenueRow {
    /// Neither paid nor adjusted off yet.
    pub fn open(&self) -> Money {
        self.charged - self.adjusted - self.paid
    }
}

/// `amount` in `n` parts that add up to it to the cent, the odd cents to the first parts.
pub fn split_evenly(amount: Money, n: usize) -> Vec<Money> {
    let Ok(count) = i64::try_from(n) else {
        return Vec::new();
    };
    if count == 0 {
        return Vec::new();
    }
    let (each, odd) = (amount.cents() / count, amount.cents() % count);
    (0..count)
        .map(|i| Money(each + if i < odd.abs() { odd.signum() } else { 0 }))
        .collect()
}

/// Adds a period's sessions up by `by`, largest charged first. A session led by two
/// providers counts as a session for each, and its money is split evenly between them
/// (to the cent), so the rows still add up to the practice's total. A session counts once
/// in a row however many things it charged for. Charges without a service or provider
/// have a row of their own.
pub fn revenue_by(by: RevenueBy, sessions: &[SessionFigures]) -> Vec<RevenueRow> {
    let mut rows: Vec<RevenueRow> = Vec::new();
    let mut index: HashMap<(u8, i64, String), usize> = HashMap::new();
    let mut counted: HashSet<(usize, i64)> = HashSet::new();
    let mut add = |key: (u8, i64, String), s: &SessionFigures, figures: (Money, Money, Money)| {
        let label = key.2.clone();
        let i = *index.entry(key).or_insert_with(|| {
            rows.push(RevenueRow {
                label,
                sessions: 0,
                charged: Money::ZERO,
                adjusted: Money::ZERO,
                paid: Money::ZERO,
            });
            rows.len() - 1
        });
        let r = &mut rows[i];
        if counted.insert((i, s.session)) {
            r.sessions += 1;
        }
        r.charged += figures.0;
        r.adjusted += figures.1;
        r.paid += figures.2;
    };
    for s in sessions {
        let all = (s.charged, s.adjusted, s.paid);
        match by {
            RevenueBy::Group => add((0, s.case_id, s.case_name.clone()), s, all),
            RevenueBy::Service => match &s.service {
                Some(name) => add((0, 0, name.clone()), s, all),
                None => add((1, 0, "No service".into()), s, all),
            },
            RevenueBy::Provider if s.providers.is_empty() => {
                add((1, 0, "No provider".into()), s, all)
            }
            RevenueBy::Provider => {
                let n = s.providers.len();
                let parts = split_evenly(s.charged, n)
                    .into_iter()
                    .zip(split_evenly(s.adjusted, n))
                    .zip(split_evenly(s.paid, n));
                for ((id, name), ((c, a), p)) in s.providers.iter().zip(parts) {
                    add((0, *id, name.clone()), s, (c, a, p));
                }
            }
        }
    }
    rows.sort_by(|a, b| {
        b.charged
            .cmp(&a.charged)
            .then_with(|| a.label.cmp(&b.label))
    });
    rows
}

/// Money received and given back by one method in a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodRow {
    pub method: PaymentMethod,
    pub payments: i64,
    pub received: Money,
    pub refunds: i64,
    pub refunded: Money,
}

impl MethodRow {
    pub fn net(&self) -> Money {
        self.received - self.refunded
    }
}

/// A text cell for a spreadsheet: one a spreadsheet would read as a formula (starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, so a name typed as
/// `=HYPERLINK(…)` stays text when the report is opened (CSV injection).
pub fn spreadsheet_text(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a day")
    }

    fn due(s: &str, cents: i64) -> Due {
        Due {
            due: day(s),
            amount: Money(cents),
        }
    }

    #[test]
    fn buckets_start_the_day_after_the_due_day() {
        assert_eq!(AgingBucket::of(-5), AgingBucket::Current);
        assert_eq!(AgingBucket::of(0), AgingBucket::Current);
        assert_eq!(AgingBucket::of(1), AgingBucket::Days1To30);
        assert_eq!(AgingBucket::of(30), AgingBucket::Days1To30);
        assert_eq!(AgingBucket::of(31), AgingBucket::Days31To60);
        assert_eq!(AgingBucket::of(60), AgingBucket::Days31To60);
        assert_eq!(AgingBucket::of(61), AgingBucket::Days61To90);
        assert_eq!(AgingBucket::of(90), AgingBucket::Days61To90);
        assert_eq!(AgingBucket::of(91), AgingBucket::Over90);
    }

    #[test]
    fn payments_go_to_the_oldest_invoice_first() {
        let as_of = day("2026-12-01");
        let aged = age(
            as_of,
            vec![
                due("2026-11-20", 10_000), // 11 days late
                due("2026-08-01", 5_000),  // 122 days late
                due("2026-12-15", 8_000),  // not yet due
            ],
            Money(7_000),
        );
        assert_eq!(aged.in_bucket(AgingBucket::Over90), Money::ZERO);
        assert_eq!(aged.in_bucket(AgingBucket::Days1To30), Money(8_000));
        assert_eq!(aged.in_bucket(AgingBucket::Current), Money(8_000));
        assert_eq!(aged.credit, Money::ZERO);
        assert_eq!(aged.balance(), Money(16_000));
    }

    #[test]
    fn what_is_paid_beyond_every_invoice_is_credit() {
        let aged = age(
            day("2026-12-01"),
            vec![due("2026-11-01", 3_000)],
            Money(5_000),
        );
        assert_eq!(aged.owed(), Money::ZERO);
        assert_eq!(aged.credit, Money(2_000));
        assert_eq!(aged.balance(), Money(-2_000));
    }

    #[test]
    fn more_given_back_than_came_in_is_owed_today() {
        let aged = age(day("2026-12-01"), vec![], Money(-1_500));
        assert_eq!(aged.in_bucket(AgingBucket::Current), Money(1_500));
        assert_eq!(aged.balance(), Money(1_500));
    }

    #[test]
    fn the_balance_is_invoices_less_credits_whatever_the_order() {
        let invoices = vec![
            due("2026-01-10", 12_345),
            due("2026-06-30", 999),
            due("2026-10-02", 40_000),
            due("2026-11-29", 1),
        ];
        for credits in [0, 1, 999, 13_344, 13_345, 53_345, 60_000] {
            let aged = age(day("2026-12-01"), invoices.clone(), Money(credits));
            assert_eq!(aged.balance(), Money(53_345 - credits), "credits {credits}");
            assert!(aged.buckets.iter().all(|b| b.cents() >= 0));
        }
    }

    #[test]
    fn even_splits_add_up_to_the_cent() {
        assert_eq!(
            split_evenly(Money(1_000), 3),
            vec![Money(334), Money(333), Money(333)]
        );
        assert_eq!(split_evenly(Money(-5), 2), vec![Money(-3), Money(-2)]);
        assert_eq!(split_evenly(Money(7), 0), Vec::<Money>::new());
        for total in [0, 1, 2, 99, 10_001] {
            for n in 1..6 {
                let parts = split_evenly(Money(total), n);
                assert_eq!(parts.iter().copied().sum::<Money>(), Money(total));
            }
        }
    }

    fn session(
        id: i64,
        case: i64,
        service: Option<i64>,
        providers: &[i64],
        charged: i64,
    ) -> SessionFigures {
        SessionFigures {
            session: id,
            case_id: case,
            case_name: format!("Case {case}"),
            service: service.map(|s| format!("Service {s}")),
            providers: providers
                .iter()
                .map(|p| (*p, format!("Provider {p}")))
                .collect(),
            charged: Money(charged),
            adjusted: Money(charged / 10),
            paid: Money(charged / 2),
        }
    }

    #[test]
    fn revenue_adds_up_by_group_service_and_provider() {
        let sessions = vec![
            session(1, 1, Some(10), &[100], 12_000),
            session(2, 1, Some(10), &[100, 200], 12_001),
            session(3, 2, None, &[], 5_000),
            session(4, 3, Some(11), &[200], 30_000),
            // Session 4 also charged someone's no-show fee: still one session of case 3.
            session(4, 3, Some(12), &[200], 4_000),
        ];
        let total = Money(63_001);
        for by in RevenueBy::ALL {
            let rows = revenue_by(*by, &sessions);
            let charged: Money = rows.iter().map(|r| r.charged).sum();
            assert_eq!(charged, total, "{by:?}");
            assert!(rows.windows(2).all(|w| w[0].charged >= w[1].charged));
        }
        let groups = revenue_by(RevenueBy::Group, &sessions);
        assert_eq!(groups[0].label, "Case 3");
        assert_eq!(groups[0].sessions, 1);
        assert_eq!(groups[1].label, "Case 1");
        assert_eq!(groups[1].sessions, 2);
        let services = revenue_by(RevenueBy::Service, &sessions);
        assert!(services
            .iter()
            .any(|r| r.label == "No service" && r.charged == Money(5_000)));
        let providers = revenue_by(RevenueBy::Provider, &sessions);
        let p100 = providers
            .iter()
            .find(|r| r.label == "Provider 100")
            .expect("provider 100");
        // Their own session, and half (the odd cent first) of the one led with provider 200.
        assert_eq!(p100.sessions, 2);
        assert_eq!(p100.charged, Money(12_000 + 6_001));
        let p200 = providers
            .iter()
            .find(|r| r.label == "Provider 200")
            .expect("provider 200");
        assert_eq!(p200.charged, Money(30_000 + 4_000 + 6_000));
        assert_eq!(p200.sessions, 2);
        assert!(providers.iter().any(|r| r.label == "No provider"));
    }

    #[test]
    fn spreadsheet_formulas_stay_text() {
        assert_eq!(spreadsheet_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_text("+1"), "'+1");
        assert_eq!(spreadsheet_text("-2"), "'-2");
        assert_eq!(spreadsheet_text("@SUM"), "'@SUM");
        assert_eq!(spreadsheet_text("Tuesday group"), "Tuesday group");
        assert_eq!(spreadsheet_text(""), "");
    }
}
