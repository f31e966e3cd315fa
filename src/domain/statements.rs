//! A payer's statement for a period: the balance brought forward, every invoice, credit
//! note, void, adjustment, payment and refund in the period in date order with the running balance, and the
//! balance at the end. A balance above zero is owed; below zero is the payer's credit.

use super::money::Money;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest period one statement covers, in days (about three years): a statement is
/// read and printed whole.
pub const MAX_PERIOD_DAYS: i64 = 366 * 3;

super::stored_enum! {
    /// What moved a payer's balance, in the order entries of one day are listed.
    pub enum EntryKind as "statement entry kind" {
        Invoice => "invoice",
        CreditNote => "credit_note",
        Void => "void",
        Adjustment => "adjustment",
        Payment => "payment",
        Refund => "refund",
    }
}

impl EntryKind {
    fn rank(self) -> u8 {
        match self {
            EntryKind::Invoice => 0,
            EntryKind::CreditNote => 1,
            EntryKind::Void => 2,
            EntryKind::Adjustment => 3,
            EntryKind::Payment => 4,
            EntryKind::Refund => 5,
        }
    }
}

/// One movement of the balance: an invoice adds, a credit note, adjustment or payment takes
/// away, a refund adds back what it gave back, a void takes back what its document added
/// (or gives back what a voided credit note took).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub day: NaiveDate,
    pub kind: EntryKind,
    /// Orders entries of one day and kind (a document's or receipt's number).
    pub number: i64,
    /// "Invoice 12", "Payment, receipt 7 (Check 1042)".
    pub label: String,
    /// What it does to the balance.
    pub amount: Money,
}

/// An entry with the balance after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub entry: Entry,
    pub balance: Money,
}

/// The statement's arithmetic, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub opening: Money,
    pub lines: Vec<Line>,
    /// Added by invoices, taken by credit notes, taken or given back by voids, adjusted
    /// off, paid, refunded.
    pub invoiced: Money,
    pub credited: Money,
    pub voided: Money,
    pub adjusted: Money,
    pub paid: Money,
    pub refunded: Money,
    pub closing: Money,
}

/// The period a statement or superbill covers when none is chosen: from the first of last
/// month to today, so last month's is the one that opens.
pub fn default_period(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    use chrono::{Datelike, Days};
    let first_of_this = today.with_day(1).unwrap_or(today);
    let first_of_last = first_of_this
        .checked_sub_days(Days::new(1))
        .and_then(|d| d.with_day(1))
        .unwrap_or(first_of_this);
    (first_of_last, today)
}

impl Ledger {
    /// What the closing balance is called on the page and the PDF: owed, credit, or neither.
    pub fn closing_label(&self) -> &'static str {
        if self.closing.is_positive() {
            "Balance due"
        } else if self.closing.cents() < 0 {
            "Credit on account"
        } else {
            "Balance"
        }
    }

    /// The closing balance without its sign: the label says which way it runs.
    pub fn closing_shown(&self) -> Money {
        Money(self.closing.cents().abs())
    }
}

/// Puts a period's entries in order (day, then invoices, credit notes, voids, adjustments,
/// payments, refunds, then number) and runs the balance from `opening`.
pub fn ledger(opening: Money, mut entries: Vec<Entry>) -> Ledger {
    entries.sort_by_key(|e| (e.day, e.kind.rank(), e.number));
    let mut balance = opening;
    let (mut invoiced, mut credited, mut voided) = (Money::ZERO, Money::ZERO, Money::ZERO);
    let (mut adjusted, mut paid, mut refunded) = (Money::ZERO, Money::ZERO, Money::ZERO);
    let lines = entries
        .into_iter()
        .map(|entry| {
            balance += entry.amount;
            match entry.kind {
                EntryKind::Invoice => invoiced += entry.amount,
                EntryKind::CreditNote => credited += entry.amount,
                EntryKind::Void => voided += entry.amount,
                EntryKind::Adjustment => adjusted += entry.amount,
                EntryKind::Payment => paid += entry.amount,
                EntryKind::Refund => refunded += entry.amount,
            }
            Line { entry, balance }
        })
        .collect();
    Ledger {
        opening,
        lines,
        invoiced,
        credited,
        voided,
        adjusted,
        paid,
        refunded,
        closing: balance,
    }
}

/// A statement's period as typed (`YYYY-MM-DD` from date fields): real days, the start no
/// later than the end, the end no later than today, at most MAX_PERIOD_DAYS long.
pub fn check_period(
    from: &str,
    to: &str,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), (&'static str, String)> {
    check_period_of("statement", from, to, today)
}

/// A period as typed for a `what` made of it ("statement", "report"), by the rules of
/// `check_period`.
pub fn check_period_of(
    what: &str,
    from: &str,
    to: &str,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), (&'static str, String)> {
    let day = |text: &str, field: &'static str, which: &str| {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            (
                field,
                format!("Enter the {which} day of the {what} as a date."),
            )
        })
    };
    let from = day(from, "from", "first")?;
    let to = day(to, "to", "last")?;
    if to > today {
        return Err(("to", format!("A {what} ends today or earlier.")));
    }
    if from > to {
        return Err(("from", "The first day comes before the last day.".into()));
    }
    if (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err((
            "from",
            format!("A {what} covers at most three years; choose a shorter period."),
        ));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("day")
    }

    fn entry(d: u32, kind: EntryKind, number: i64, cents: i64) -> Entry {
        Entry {
            day: day(d),
            kind,
            number,
            label: format!("{} {number}", kind.as_str()),
            amount: Money(cents),
        }
    }

    #[test]
    fn the_balance_runs_in_date_order_from_the_opening() {
        let l = ledger(
            Money(2_000),
            vec![
                entry(9, EntryKind::Payment, 4, -6_000),
                entry(3, EntryKind::Invoice, 7, 4_500),
                entry(9, EntryKind::Invoice, 8, 4_500),
                entry(5, EntryKind::CreditNote, 2, -1_500),
                entry(12, EntryKind::Void, 8, -4_500),
                entry(12, EntryKind::Refund, 1, 1_000),
                entry(12, EntryKind::Adjustment, 3, -500),
            ],
        );
        let order: Vec<(u32, EntryKind)> = l
            .lines
            .iter()
            .map(|x| (chrono::Datelike::day(&x.entry.day), x.entry.kind))
            .collect();
        assert_eq!(
            order,
            vec![
                (3, EntryKind::Invoice),
                (5, EntryKind::CreditNote),
                (9, EntryKind::Invoice),
                (9, EntryKind::Payment),
                (12, EntryKind::Void),
                (12, EntryKind::Adjustment),
                (12, EntryKind::Refund),
            ]
        );
        let balances: Vec<i64> = l.lines.iter().map(|x| x.balance.cents()).collect();
        assert_eq!(
            balances,
            vec![6_500, 5_000, 9_500, 3_500, -1_000, -1_500, -500]
        );
        assert_eq!(l.closing, Money(-500));
        assert_eq!(
            l.opening + l.invoiced + l.credited + l.voided + l.adjusted + l.paid + l.refunded,
            l.closing
        );
        assert_eq!((l.adjusted, l.refunded), (Money(-500), Money(1_000)));
        assert_eq!(
            (l.invoiced, l.credited, l.voided, l.paid),
            (Money(9_000), Money(-1_500), Money(-4_500), Money(-6_000))
        );
    }

    #[test]
    fn the_default_period_starts_on_the_first_of_last_month() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("day");
        assert_eq!(
            default_period(d(2026, 12, 5)),
            (d(2026, 11, 1), d(2026, 12, 5))
        );
        assert_eq!(
            default_period(d(2026, 1, 31)),
            (d(2025, 12, 1), d(2026, 1, 31))
        );
    }

    #[test]
    fn the_closing_balance_says_which_way_it_runs() {
        let owed = ledger(Money(1_234), Vec::new());
        assert_eq!(
            (owed.closing_label(), owed.closing_shown()),
            ("Balance due", Money(1_234))
        );
        let credit = ledger(Money(-500), Vec::new());
        assert_eq!(
            (credit.closing_label(), credit.closing_shown()),
            ("Credit on account", Money(500))
        );
        let even = ledger(Money::ZERO, Vec::new());
        assert_eq!(
            (even.closing_label(), even.closing_shown()),
            ("Balance", Money::ZERO)
        );
    }

    #[test]
    fn an_empty_period_carries_the_balance_through() {
        let l = ledger(Money(1_234), Vec::new());
        assert!(l.lines.is_empty());
        assert_eq!(l.closing, Money(1_234));
    }

    #[test]
    fn periods() {
        let today = day(30);
        assert_eq!(
            check_period("2026-11-01", "2026-11-30", today),
            Ok((day(1), day(30)))
        );
        assert_eq!(
            check_period("2026-11-01", "2026-12-01", today).map_err(|e| e.0),
            Err("to")
        );
        assert_eq!(
            check_period("2026-11-20", "2026-11-10", today).map_err(|e| e.0),
            Err("from")
        );
        assert_eq!(
            check_period("", "2026-11-10", today).map_err(|e| e.0),
            Err("from")
        );
        assert_eq!(
            check_period("2026-11-01", "soon", today).map_err(|e| e.0),
            Err("to")
        );
        assert_eq!(
            check_period("2023-11-01", "2026-11-30", today).map_err(|e| e.0),
            Err("from")
        );
        assert!(check_period("2023-12-01", "2026-11-30", today).is_ok());
    }
}
