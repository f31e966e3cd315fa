//! What a practice's billing documents say about it: its legal name, address, tax id (EIN)
//! and NPI, its payment terms, and each clinician's NPI. Each is checked here as typed, with
//! a message that says what to fix; an empty field means "not set".

use super::invoicing::MAX_TERMS_DAYS;
use serde::{Deserialize, Serialize};

pub const MAX_LEGAL_NAME: usize = 200;
pub const MAX_ADDRESS: usize = 500;
pub const MAX_ADDRESS_LINES: usize = 6;

/// The practice's billing settings as the form sends them (terms as typed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingSettingsInput {
    pub legal_name: String,
    pub address: String,
    pub tax_id: String,
    pub npi: String,
    pub payment_terms_days: String,
}

/// The same, checked and in stored form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedSettings {
    pub legal_name: String,
    pub address: String,
    pub tax_id: String,
    pub npi: String,
    pub payment_terms_days: i64,
}

/// A field that failed its check: which one, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        field,
        message: message.into(),
    }
}

/// Checks every field, reporting the first that is wrong.
pub fn check_settings(input: &BillingSettingsInput) -> Result<CheckedSettings, Problem> {
    let legal_name = input.legal_name.trim().to_string();
    if legal_name.chars().count() > MAX_LEGAL_NAME {
        return Err(problem(
            "legal_name",
            format!("Keep the legal name to {MAX_LEGAL_NAME} characters or fewer."),
        ));
    }
    let address = check_address(&input.address).map_err(|m| problem("address", m))?;
    let tax_id = check_tax_id(&input.tax_id).map_err(|m| problem("tax_id", m))?;
    let npi = check_npi(&input.npi).map_err(|m| problem("npi", m))?;
    let payment_terms_days =
        check_terms(&input.payment_terms_days).map_err(|m| problem("payment_terms_days", m))?;
    Ok(CheckedSettings {
        legal_name,
        address,
        tax_id,
        npi,
        payment_terms_days,
    })
}

/// An address as lines: each trimmed, blank lines dropped, at most MAX_ADDRESS_LINES lines
/// and MAX_ADDRESS characters.
pub fn check_address(text: &str) -> Result<String, String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > MAX_ADDRESS_LINES {
        return Err(format!(
            "An address fits on {MAX_ADDRESS_LINES} lines or fewer."
        ));
    }
    let address = lines.join("\n");
    if address.chars().count() > MAX_ADDRESS {
        return Err(format!(
            "Keep the address to {MAX_ADDRESS} characters or fewer."
        ));
    }
    Ok(address)
}

/// A US employer identification number: nine digits, stored as `NN-NNNNNNN` however typed
/// (spaces and one hyphen allowed).
pub fn check_tax_id(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let digits: String = text.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if digits.len() != 9
        || !digits.chars().all(|c| c.is_ascii_digit())
        || text.chars().filter(|c| *c == '-').count() > 1
    {
        return Err("Enter the tax id (EIN) as nine digits, like 12-3456789.".into());
    }
    Ok(format!("{}-{}", &digits[..2], &digits[2..]))
}

/// A National Provider Identifier: ten digits whose last is the Luhn check digit of the
/// first nine prefixed by 80840 (the card issuer prefix the NPI standard uses). A typo in
/// one digit, or two neighbours swapped, fails the check.
pub fn check_npi(text: &str) -> Result<String, String> {
    let npi: String = text.trim().chars().filter(|c| *c != ' ').collect();
    if npi.is_empty() {
        return Ok(npi);
    }
    if npi.len() != 10 || !npi.chars().all(|c| c.is_ascii_digit()) {
        return Err("An NPI is ten digits.".into());
    }
    if !npi_check_digit_matches(&npi) {
        return Err("That NPI's last digit does not match the rest: check it for a typo.".into());
    }
    Ok(npi)
}

/// The NPI's Luhn check over "80840" followed by its ten digits.
fn npi_check_digit_matches(npi: &str) -> bool {
    let digits = "80840".chars().chain(npi.chars());
    let values: Vec<u32> = digits.filter_map(|c| c.to_digit(10)).collect();
    // Luhn from the right: every second digit, starting with the one left of the check
    // digit, is doubled.
    let sum: u32 = values
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let twice = d * 2;
                if twice > 9 {
                    twice - 9
                } else {
                    twice
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Payment terms as typed: whole days from issue to due, 0 (due on receipt) to MAX_TERMS_DAYS.
pub fn check_terms(text: &str) -> Result<i64, String> {
    let days: i64 = text
        .trim()
        .parse()
        .map_err(|_| "Enter the payment terms as a whole number of days, like 30.".to_string())?;
    if !(0..=MAX_TERMS_DAYS).contains(&days) {
        return Err(format!(
            "Payment terms are 0 (due on receipt) to {MAX_TERMS_DAYS} days."
        ));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> BillingSettingsInput {
        BillingSettingsInput {
            legal_name: " Riverside Counseling Collective, PLLC ".into(),
            address: "  200 River Road \n\n Suite 4 \r\nSpringfield, IL 62701 ".into(),
            tax_id: "123456789".into(),
            npi: "1234567893".into(),
            payment_terms_days: " 15 ".into(),
        }
    }

    #[test]
    fn settings_are_trimmed_and_stored_in_one_form() {
        let s = check_settings(&input()).expect("valid");
        assert_eq!(s.legal_name, "Riverside Counseling Collective, PLLC");
        assert_eq!(s.address, "200 River Road\nSuite 4\nSpringfield, IL 62701");
        assert_eq!(s.tax_id, "12-3456789");
        assert_eq!(s.npi, "1234567893");
        assert_eq!(s.payment_terms_days, 15);
    }

    #[test]
    fn empty_fields_are_not_set() {
        let s = check_settings(&BillingSettingsInput {
            legal_name: " ".into(),
            address: "\n".into(),
            tax_id: "".into(),
            npi: " ".into(),
            payment_terms_days: "30".into(),
        })
        .expect("valid");
        assert_eq!(
            (
                s.legal_name.as_str(),
                s.address.as_str(),
                s.tax_id.as_str(),
                s.npi.as_str()
            ),
            ("", "", "", "")
        );
    }

    #[test]
    fn npi_check_digit() {
        // Valid NPIs: the standard's own example, and others with their Luhn digit.
        for ok in ["1234567893", "1245319599", "1003000126", " 1234 567893 "] {
            assert!(check_npi(ok).is_ok(), "{ok}");
        }
        // One digit changed, two neighbours swapped, the wrong length, letters.
        for (bad, says) in [
            ("1234567894", "does not match"),
            ("1234567839", "does not match"),
            ("2134567893", "does not match"),
            ("123456789", "ten digits"),
            ("12345678930", "ten digits"),
            ("12345G7893", "ten digits"),
        ] {
            let err = check_npi(bad).expect_err(bad);
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn tax_id_is_nine_digits() {
        assert_eq!(check_tax_id("12-3456789").as_deref(), Ok("12-3456789"));
        assert_eq!(check_tax_id(" 12 3456789 ").as_deref(), Ok("12-3456789"));
        for bad in ["12-345678", "12--3456789", "1234567890", "AB-CDEFGHI"] {
            assert!(check_tax_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn terms_and_limits() {
        assert_eq!(check_terms("0"), Ok(0));
        assert_eq!(check_terms("365"), Ok(365));
        for bad in ["-1", "366", "thirty", "1.5", ""] {
            assert!(check_terms(bad).is_err(), "{bad}");
        }
        let mut long = input();
        long.legal_name = "x".repeat(MAX_LEGAL_NAME + 1);
        assert_eq!(
            check_settings(&long).map_err(|p| p.field),
            Err("legal_name")
        );
        let mut lines = input();
        lines.address = "a\nb\nc\nd\ne\nf\ng".into();
        assert_eq!(check_settings(&lines).map_err(|p| p.field), Err("address"));
        let mut npi = input();
        npi.npi = "1234567890".into();
        assert_eq!(check_settings(&npi).map_err(|p| p.field), Err("npi"));
    }
}
