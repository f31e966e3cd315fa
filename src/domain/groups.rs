//! Group rules: initials and capacity.

/// Normalises and checks a group's initials: the short label on the calendar and in
/// anything that leaves the practice (calendar feeds), so it must carry no health
/// information and stay short. 2 to 6 letters or digits, stored upper-case.
pub fn normalize_initials(raw: &str) -> Result<String, String> {
    let initials: String = raw.trim().to_uppercase();
    if initials.is_empty() {
        return Err("Give the group initials, such as DBT or PG2.".into());
    }
    if !initials.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err("Initials may only contain letters and digits.".into());
    }
    let n = initials.chars().count();
    if !(2..=6).contains(&n) {
        return Err("Initials must be 2 to 6 letters or digits long.".into());
    }
    Ok(initials)
}

/// Suggests initials from a group's name: the first letters of its words.
pub fn suggest_initials(name: &str) -> String {
    let letters: String = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter_map(|w| w.chars().next())
        .filter(char::is_ascii_alphanumeric)
        .take(6)
        .collect::<String>()
        .to_uppercase();
    if letters.len() >= 2 {
        letters
    } else {
        name.chars()
            .filter(char::is_ascii_alphanumeric)
            .take(3)
            .collect::<String>()
            .to_uppercase()
    }
}

/// Checks an optional capacity: at least one seat, at most a generous hall.
pub fn check_capacity(capacity: Option<i64>) -> Result<Option<i64>, String> {
    match capacity {
        None => Ok(None),
        Some(c) if (1..=500).contains(&c) => Ok(Some(c)),
        Some(_) => Err("Capacity must be between 1 and 500, or left empty for no limit.".into()),
    }
}

/// Whether a new member can take a seat now or must wait.
pub fn has_seat(capacity: Option<i64>, active_members: i64) -> bool {
    capacity.is_none_or(|c| active_members < c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_are_trimmed_and_upper_cased() {
        assert_eq!(normalize_initials(" dbt ").as_deref(), Ok("DBT"));
        assert_eq!(normalize_initials("pg2").as_deref(), Ok("PG2"));
    }

    #[test]
    fn initials_must_be_short_letters_or_digits() {
        for bad in ["", " ", "A", "ABCDEFG", "D-B", "D B", "DBT!", "ÄB"] {
            assert!(normalize_initials(bad).is_err(), "{bad:?}");
        }
        assert!(normalize_initials("AB").is_ok());
        assert!(normalize_initials("ABCDEF").is_ok());
    }

    #[test]
    fn suggested_initials_come_from_the_words() {
        assert_eq!(
            suggest_initials("Dialectical Behavior Therapy Skills"),
            "DBTS"
        );
        assert_eq!(suggest_initials("Parenting"), "PAR");
        assert!(normalize_initials(&suggest_initials("Grief & Loss Group")).is_ok());
    }

    #[test]
    fn capacity_and_seats() {
        assert_eq!(check_capacity(None), Ok(None));
        assert_eq!(check_capacity(Some(8)), Ok(Some(8)));
        assert!(check_capacity(Some(0)).is_err());
        assert!(check_capacity(Some(-3)).is_err());
        assert!(has_seat(None, 1000));
        assert!(has_seat(Some(8), 7));
        assert!(!has_seat(Some(8), 8));
    }
}
