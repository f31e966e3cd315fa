//! Invoices and credit notes: numbered documents that, once issued, never change. A charge
//! that grows after it was invoiced goes on the payer's next invoice for the difference; one
//! that shrinks (or moves to another payer) is credited by a credit note against the lines
//! that billed it, newest first. Voiding keeps the number and needs a reason.

use super::money::Money;
use chrono::{Days, NaiveDate};

super::stored_enum! {
    /// What a billing document is. Each kind is its own gapless numbering series.
    pub enum DocumentKind as "document kind" {
        Invoice => "invoice",
        CreditNote => "credit_note",
    }
}

impl DocumentKind {
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "Invoice",
            DocumentKind::CreditNote => "Credit note",
        }
    }

    /// How people name one document: "Invoice 12", "Credit note 3".
    pub fn title(self, number: i64) -> String {
        format!("{} {number}", self.label())
    }
}

/// The longest payment terms a practice may set (days from issue to due).
pub const MAX_TERMS_DAYS: i64 = 365;
/// The payment terms of a practice that has not set its own.
pub const DEFAULT_TERMS_DAYS: i64 = 30;
/// The longest reason kept for voiding a document.
pub const MAX_REASON: usize = 200;

/// When an invoice issued on `issued` is due under terms of `terms_days` days (kept within
/// 0..=MAX_TERMS_DAYS, so a stored value out of range cannot push a date out of the calendar).
pub fn due_on(issued: NaiveDate, terms_days: i64) -> NaiveDate {
    let days = terms_days.clamp(0, MAX_TERMS_DAYS) as u64;
    issued.checked_add_days(Days::new(days)).unwrap_or(issued)
}

/// The last day of service an invoice run covers, as typed (`YYYY-MM-DD` from a date field):
/// a real day no later than today, since only sessions that have happened are billed.
pub fn check_through(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| "Enter the last day of service to invoice, as a date.".to_string())?;
    if day > today {
        return Err("Invoices cover sessions that have happened: choose today or earlier.".into());
    }
    Ok(day)
}

/// Why a document is voided, as typed: something said, within MAX_REASON characters.
pub fn check_void_reason(text: &str) -> Result<String, String> {
    let reason = text.trim();
    if reason.is_empty() {
        return Err("Say why this invoice is voided; the reason is kept with it.".into());
    }
    if reason.chars().count() > MAX_REASON {
        return Err(format!(
            "Keep the reason to {MAX_REASON} characters or fewer."
        ));
    }
    Ok(reason.to_string())
}

/// An issued line that billed part of a charge, with what of it is not yet credited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Billed {
    pub line: i64,
    pub invoice: i64,
    pub left: Money,
}

/// Part of a reduction credited against one issued line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credit {
    pub line: i64,
    pub invoice: i64,
    pub amount: Money,
}

/// Credits `reduction` (what a charge was invoiced beyond what it comes to now) against the
/// lines that billed it, in the order given (newest first, so the latest billing is undone
/// first), never more than a line has left. What no line can take is returned: nothing, when
/// the lines are the charge's whole billing.
pub fn credit_against(billed: &[Billed], reduction: Money) -> (Vec<Credit>, Money) {
    let mut left = reduction;
    let mut out = Vec::new();
    for b in billed {
        if !left.is_positive() {
            break;
        }
        if !b.left.is_positive() {
            continue;
        }
        let amount = b.left.min(left);
        out.push(Credit {
            line: b.line,
            invoice: b.invoice,
            amount,
        });
        left -= amount;
    }
    (out, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a test day")
    }

    #[test]
    fn documents_are_named_by_kind_and_number() {
        assert_eq!(DocumentKind::Invoice.title(12), "Invoice 12");
        assert_eq!(DocumentKind::CreditNote.title(3), "Credit note 3");
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.as_str()), Some(*k));
        }
    }

    #[test]
    fn due_dates_follow_the_terms_within_bounds() {
        assert_eq!(due_on(day("2026-11-30"), 30), day("2026-12-30"));
        assert_eq!(due_on(day("2026-11-30"), 0), day("2026-11-30"));
        assert_eq!(due_on(day("2026-11-30"), -5), day("2026-11-30"));
        assert_eq!(due_on(day("2026-01-01"), 10_000), day("2027-01-01"));
    }

    #[test]
    fn an_invoice_run_covers_a_real_day_that_has_happened() {
        let today = day("2026-12-04");
        assert_eq!(check_through("2026-11-30", today), Ok(day("2026-11-30")));
        assert_eq!(check_through(" 2026-12-04 ", today), Ok(today));
        assert!(check_through("2026-12-05", today)
            .expect_err("refused")
            .contains("today or earlier"));
        assert!(check_through("30/11/2026", today)
            .expect_err("refused")
            .contains("as a date"));
        assert!(check_through("2026-02-30", today).is_err());
        assert!(check_through("", today).is_err());
    }

    #[test]
    fn a_void_needs_a_short_reason() {
        assert_eq!(
            check_void_reason("  Sent to the wrong payer "),
            Ok("Sent to the wrong payer".into())
        );
        assert!(check_void_reason("   ")
            .expect_err("refused")
            .contains("Say why"));
        assert!(check_void_reason(&"x".repeat(MAX_REASON + 1))
            .expect_err("refused")
            .contains("200"));
        assert!(check_void_reason(&"é".repeat(MAX_REASON)).is_ok());
    }

    #[test]
    fn reductions_credit_the_newest_billing_first_and_never_more_than_a_line() {
        let billed = [
            Billed {
                line: 7,
                invoice: 2,
                left: Money(2_000),
            },
            Billed {
                line: 3,
                invoice: 1,
                left: Money(6_000),
            },
        ];
        let (credits, rest) = credit_against(&billed, Money(4_000));
        assert_eq!(
            credits,
            vec![
                Credit {
                    line: 7,
                    invoice: 2,
                    amount: Money(2_000)
                },
                Credit {
                    line: 3,
                    invoice: 1,
                    amount: Money(2_000)
                },
            ]
        );
        assert_eq!(rest, Money::ZERO);
        let (credits, _) = credit_against(&billed, Money(1_500));
        assert_eq!(credits.len(), 1);
        assert_eq!(credits[0].amount, Money(1_500));
        // A line already credited in full is passed over; more than was billed is returned.
        let spent = [
            Billed {
                line: 9,
                invoice: 4,
                left: Money::ZERO,
            },
            Billed {
                line: 3,
                invoice: 1,
                left: Money(1_000),
            },
        ];
        let (credits, rest) = credit_against(&spent, Money(2_500));
        assert_eq!(credits.len(), 1);
        assert_eq!(credits[0].line, 3);
        assert_eq!(rest, Money(1_500));
        assert_eq!(credit_against(&billed, Money::ZERO).0, vec![]);
    }
}
