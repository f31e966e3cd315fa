//! Money: whole cents in an `i64` behind a type, never a float, so a charge split three ways
//! or a payment spread over five charges adds up to the cent every time.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};

/// The most one amount typed by a person may be: a typo guard, not a business rule.
pub const MAX_TYPED_CENTS: i64 = 10_000_000;

/// An amount in cents. Negative amounts are balances owed back (a credit), never input.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn cents(self) -> i64 {
        self.0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// An amount typed as dollars ("150", "150.5", "$1,200.00"), zero or more.
    pub fn parse(text: &str) -> Result<Money, String> {
        parse_money(text).map(Money)
    }

    /// An amount typed as dollars that must be more than zero (a payment, a refund).
    pub fn parse_positive(text: &str) -> Result<Money, String> {
        match Money::parse(text)? {
            m if m.is_positive() => Ok(m),
            _ => Err("Enter an amount more than $0.00.".into()),
        }
    }

    /// The amount as typed back into a field: "150.00", no sign of currency or grouping.
    pub fn as_input(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let c = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", c / 100, c % 100)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_money(self.0))
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        self.0 += other.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, other: Money) {
        self.0 -= other.0;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

/// Parses an amount typed as dollars ("150", "150.5", "$1,200.00") into cents.
pub fn parse_money(text: &str) -> Result<i64, String> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let err = || "Enter an amount such as 150 or 150.00.".to_string();
    if cleaned.is_empty() {
        return Err(err());
    }
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() && frac.is_empty() {
        return Err(err());
    }
    if !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
    {
        return Err(err());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| err())?
    };
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| err())? * 10,
        _ => frac.parse().map_err(|_| err())?,
    };
    let cents = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(err)?;
    if cents > MAX_TYPED_CENTS {
        return Err("That amount is over $100,000; check it.".into());
    }
    Ok(cents)
}

/// Shows cents as dollars: 15000 -> "$150.00".
pub fn format_money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let dollars = (c / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", c % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_and_shown_as_dollars() {
        assert_eq!(Money::parse("$1,200.5"), Ok(Money(120_050)));
        assert_eq!(Money(120_050).to_string(), "$1,200.50");
        assert_eq!(Money(-250).to_string(), "-$2.50");
        assert_eq!(Money(120_050).as_input(), "1200.50");
        assert_eq!(Money(5).as_input(), "0.05");
    }

    #[test]
    fn a_payment_must_be_more_than_nothing() {
        assert!(Money::parse_positive("0").is_err());
        assert!(Money::parse_positive("-5").is_err());
        assert!(Money::parse_positive("12.345").is_err());
        assert_eq!(Money::parse_positive("0.01"), Ok(Money(1)));
    }

    #[test]
    fn sums_and_differences_stay_in_cents() {
        let parts = [Money(3_333), Money(3_333), Money(3_334)];
        assert_eq!(parts.iter().sum::<Money>(), Money(10_000));
        assert_eq!(Money(100) - Money(250), Money(-150));
    }
}
