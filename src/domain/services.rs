//! Services: what a practice delivers and charges for.

use super::cases::ServiceCategory;

/// A standard code from the CPT set a therapy practice uses most.
pub struct StandardService {
    pub code: &'static str,
    pub name: &'static str,
    pub category: ServiceCategory,
    pub minutes: i64,
    pub fee_cents: i64,
}

/// Seeded into every new practice's catalogue. Fees are placeholders the practice edits.
pub const STANDARD_SERVICES: &[StandardService] = &[
    StandardService {
        code: "90791",
        name: "Psychiatric diagnostic evaluation",
        category: ServiceCategory::Psychotherapy,
        minutes: 60,
        fee_cents: 20_000,
    },
    StandardService {
        code: "90832",
        name: "Psychotherapy, 30 minutes",
        category: ServiceCategory::Psychotherapy,
        minutes: 30,
        fee_cents: 9_000,
    },
    StandardService {
        code: "90834",
        name: "Psychotherapy, 45 minutes",
        category: ServiceCategory::Psychotherapy,
        minutes: 45,
        fee_cents: 13_000,
    },
    StandardService {
        code: "90837",
        name: "Psychotherapy, 60 minutes",
        category: ServiceCategory::Psychotherapy,
        minutes: 60,
        fee_cents: 17_000,
    },
    StandardService {
        code: "90846",
        name: "Family psychotherapy without the patient",
        category: ServiceCategory::Psychotherapy,
        minutes: 50,
        fee_cents: 14_000,
    },
    StandardService {
        code: "90847",
        name: "Family psychotherapy with the patient",
        category: ServiceCategory::Psychotherapy,
        minutes: 50,
        fee_cents: 15_000,
    },
    StandardService {
        code: "90853",
        name: "Group psychotherapy",
        category: ServiceCategory::Psychotherapy,
        minutes: 90,
        fee_cents: 6_000,
    },
    StandardService {
        code: "90839",
        name: "Psychotherapy for crisis, first 60 minutes",
        category: ServiceCategory::Psychotherapy,
        minutes: 60,
        fee_cents: 19_000,
    },
    StandardService {
        code: "90785",
        name: "Interactive complexity (add-on)",
        category: ServiceCategory::Psychotherapy,
        minutes: 0,
        fee_cents: 2_000,
    },
    StandardService {
        code: "99404",
        name: "Preventive counseling, 60 minutes",
        category: ServiceCategory::Other,
        minutes: 60,
        fee_cents: 12_000,
    },
    StandardService {
        code: "99368",
        name: "Interdisciplinary team conference",
        category: ServiceCategory::Consultation,
        minutes: 30,
        fee_cents: 8_000,
    },
];

/// Whether `code` has the shape of a CPT code: five digits, or four digits and a letter
/// (category II and III codes such as 0362T).
pub fn is_cpt_shaped(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b[4].is_ascii_digit() || b[4].is_ascii_uppercase())
}

/// Checks a service code: CPT-shaped, or a practice's own code of 2 to 12 letters, digits
/// or dashes (custom codes such as WS-PARENT).
pub fn normalize_code(raw: &str) -> Result<String, String> {
    let code = raw.trim().to_uppercase();
    if code.is_empty() {
        return Err("Give the service a code, such as 90853 or a code of your own.".into());
    }
    let ok = (2..=12).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(code)
    } else {
        Err("Codes are 2 to 12 letters, digits or dashes.".into())
    }
}

pub fn check_minutes(minutes: i64) -> Result<i64, String> {
    if (0..=600).contains(&minutes) {
        Ok(minutes)
    } else {
        Err("Duration must be between 0 and 600 minutes.".into())
    }
}

// Amounts are read and shown by `money`; services keep these names for their callers.
pub use super::money::{format_money, parse_money};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_required_standard_codes_are_seeded() {
        for code in [
            "90853", "90791", "90832", "90834", "90837", "90846", "90847",
        ] {
            assert!(STANDARD_SERVICES.iter().any(|s| s.code == code), "{code}");
        }
        assert!(STANDARD_SERVICES.iter().all(|s| is_cpt_shaped(s.code)));
        let g = STANDARD_SERVICES
            .iter()
            .find(|s| s.code == "90853")
            .expect("90853");
        assert_eq!(g.category, ServiceCategory::Psychotherapy);
    }

    #[test]
    fn codes() {
        assert!(is_cpt_shaped("90853"));
        assert!(is_cpt_shaped("0362T"));
        assert!(!is_cpt_shaped("9085"));
        assert_eq!(normalize_code(" ws-parent ").as_deref(), Ok("WS-PARENT"));
        assert!(normalize_code("").is_err());
        assert!(normalize_code("A").is_err());
        assert!(normalize_code("WITH SPACE").is_err());
    }

    #[test]
    fn money_in_and_out() {
        assert_eq!(parse_money("150"), Ok(15_000));
        assert_eq!(parse_money("$1,200.5"), Ok(120_050));
        assert_eq!(parse_money("0.99"), Ok(99));
        assert_eq!(parse_money(".5"), Ok(50));
        for bad in ["", "abc", "1.234", "-5", "1e3", ".", "99999999999999999999"] {
            assert!(parse_money(bad).is_err(), "{bad:?}");
        }
        assert_eq!(format_money(15_000), "$150.00");
        assert_eq!(format_money(120_050), "$1,200.50");
        assert_eq!(format_money(5), "$0.05");
        assert_eq!(format_money(-5), "-$0.05");
    }

    #[test]
    fn durations() {
        assert!(check_minutes(90).is_ok());
        assert!(check_minutes(-1).is_err());
        assert!(check_minutes(601).is_err());
    }
}
