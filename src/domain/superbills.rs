//! Superbills: the itemized statement a client of a clinical case hands to their insurer for
//! out-of-network reimbursement. The rules here decide, from plain values, what each line
//! says: the place of service and its modifier, which diagnoses a line points to, and
//! whether its code is one an insurer will read as CPT.

use super::cases::CaseKind;
use super::services::is_cpt_shaped;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest period one superbill covers: a year and a day, so "calendar year 2026" fits.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// CMS-1500 box 21 holds twelve diagnoses, lettered A to L.
pub const MAX_DIAGNOSES: usize = 12;

/// Box 24E points each line to at most four of them.
pub const MAX_POINTERS: usize = 4;

/// The modifier for a session held by real-time audio and video.
pub const TELEHEALTH_MODIFIER: &str = "95";

/// Only individual, couple, family and therapy-group cases produce superbills: workshops and
/// consultation are not health care an insurer reimburses. The database refuses the others
/// too (a trigger); this is the rule screens and the server ask.
pub fn allowed_for(kind: CaseKind) -> bool {
    kind.workflows().superbills
}

/// Where a service was given, as the two-digit place-of-service code insurers read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceOfService {
    /// 11: in the practice's office.
    Office,
    /// 10: telehealth, the client in their home.
    TelehealthHome,
    /// 02: telehealth, the client somewhere other than their home.
    TelehealthElsewhere,
}

impl PlaceOfService {
    pub const ALL: [PlaceOfService; 3] = [
        PlaceOfService::Office,
        PlaceOfService::TelehealthHome,
        PlaceOfService::TelehealthElsewhere,
    ];

    /// The code, as printed and stored.
    pub fn code(self) -> &'static str {
        match self {
            PlaceOfService::Office => "11",
            PlaceOfService::TelehealthHome => "10",
            PlaceOfService::TelehealthElsewhere => "02",
        }
    }

    pub fn parse(code: &str) -> Option<PlaceOfService> {
        PlaceOfService::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            PlaceOfService::Office => "Office",
            PlaceOfService::TelehealthHome => "Telehealth, client at home",
            PlaceOfService::TelehealthElsewhere => "Telehealth, client elsewhere",
        }
    }

    pub fn is_telehealth(self) -> bool {
        self != PlaceOfService::Office
    }

    /// Modifiers a line at this place carries: 95 for telehealth.
    pub fn modifiers(self) -> Vec<String> {
        if self.is_telehealth() {
            vec![TELEHEALTH_MODIFIER.to_string()]
        } else {
            Vec::new()
        }
    }
}

/// A session's place of service: by video when it has a video link and no room, in the
/// office otherwise (a session with both was held in the room, the link a fallback). Where
/// a telehealth client was is not recorded per session: the superbill's author says it.
pub fn place_of(location: &str, video_link: &str, telehealth: PlaceOfService) -> PlaceOfService {
    if location.trim().is_empty() && !video_link.trim().is_empty() && telehealth.is_telehealth() {
        telehealth
    } else {
        PlaceOfService::Office
    }
}

/// The letter of the `i`th diagnosis (0-based): A, B, ... L.
pub fn pointer_letter(i: usize) -> Option<char> {
    (i < MAX_DIAGNOSES).then(|| (b'A' + i as u8) as char)
}

/// The diagnosis pointers of every line: the first four diagnoses in the order listed (the
/// primary first), as "A", "AB", ... "ABCD".
pub fn line_pointers(diagnoses: usize) -> String {
    (0..diagnoses.min(MAX_POINTERS))
        .filter_map(pointer_letter)
        .collect()
}

/// Whether a service's code goes on a superbill as a CPT code; any other code is printed
/// as it is and flagged, never dropped.
pub fn is_cpt(code: &str) -> bool {
    is_cpt_shaped(code)
}

/// What a flagged line says about its code.
pub fn custom_code_flag(code: &str) -> String {
    format!("{code} is the practice's own code, not a CPT code: an insurer may not accept it.")
}

/// Why a superbill's period is refused, as the form says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeriodProblem {
    EndsBeforeStart,
    TooLong,
    InTheFuture,
}

impl PeriodProblem {
    pub fn message(&self) -> String {
        match self {
            PeriodProblem::EndsBeforeStart => {
                "The period must end on or after the day it starts.".into()
            }
            PeriodProblem::TooLong => {
                format!("A superbill covers at most {MAX_PERIOD_DAYS} days; make one per year.")
            }
            PeriodProblem::InTheFuture => {
                "A superbill lists sessions already held: end the period today or earlier.".into()
            }
        }
    }
}

/// Checks a superbill's period against the practice's today.
pub fn check_period(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Result<(), PeriodProblem> {
    if to < from {
        Err(PeriodProblem::EndsBeforeStart)
    } else if (to - from).num_days() >= MAX_PERIOD_DAYS {
        Err(PeriodProblem::TooLong)
    } else if to > today {
        Err(PeriodProblem::InTheFuture)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("a test day")
    }

    #[test]
    fn only_clinical_kinds_have_superbills() {
        use CaseKind::*;
        for kind in [Individual, Couple, Family, TherapyGroup] {
            assert!(allowed_for(kind), "{kind:?}");
        }
        for kind in [Workshop, IndividualConsultation, ConsultationGroup] {
            assert!(!allowed_for(kind), "{kind:?}");
        }
    }

    #[test]
    fn place_of_service_codes_round_trip() {
        for p in PlaceOfService::ALL {
            assert_eq!(PlaceOfService::parse(p.code()), Some(p));
        }
        assert_eq!(PlaceOfService::parse("12"), None);
        assert_eq!(PlaceOfService::Office.code(), "11");
        assert_eq!(PlaceOfService::TelehealthHome.code(), "10");
        assert_eq!(PlaceOfService::TelehealthElsewhere.code(), "02");
    }

    #[test]
    fn video_sessions_without_a_room_are_telehealth_with_modifier_95() {
        let home = PlaceOfService::TelehealthHome;
        let elsewhere = PlaceOfService::TelehealthElsewhere;
        assert_eq!(place_of("", "https://meet.example/x", home), home);
        assert_eq!(place_of("", "https://meet.example/x", elsewhere), elsewhere);
        assert_eq!(
            place_of("Room 2", "https://meet.example/x", home),
            PlaceOfService::Office
        );
        assert_eq!(place_of("Room 2", "", home), PlaceOfService::Office);
        // Nothing recorded: the practice's office, the usual place.
        assert_eq!(place_of(" ", " ", home), PlaceOfService::Office);
        assert_eq!(home.modifiers(), vec!["95".to_string()]);
        assert!(PlaceOfService::Office.modifiers().is_empty());
    }

    #[test]
    fn lines_point_to_at_most_four_diagnoses() {
        assert_eq!(line_pointers(0), "");
        assert_eq!(line_pointers(1), "A");
        assert_eq!(line_pointers(3), "ABC");
        assert_eq!(line_pointers(9), "ABCD");
        assert_eq!(pointer_letter(11), Some('L'));
        assert_eq!(pointer_letter(12), None);
    }

    #[test]
    fn custom_codes_are_flagged_not_dropped() {
        assert!(is_cpt("90853"));
        assert!(is_cpt("0362T"));
        assert!(!is_cpt("WS-PARENT"));
        assert!(custom_code_flag("WS-PARENT").starts_with("WS-PARENT is the practice's own code"));
    }

    #[test]
    fn periods_run_forwards_within_a_year_and_not_past_today() {
        let today = day("2026-12-06");
        assert_eq!(
            check_period(day("2026-01-01"), day("2026-12-06"), today),
            Ok(())
        );
        assert_eq!(
            check_period(day("2026-12-06"), day("2026-12-06"), today),
            Ok(())
        );
        assert_eq!(
            check_period(day("2026-12-02"), day("2026-12-01"), today),
            Err(PeriodProblem::EndsBeforeStart)
        );
        assert_eq!(
            check_period(day("2025-01-01"), day("2026-01-02"), today),
            Err(PeriodProblem::TooLong)
        );
        assert_eq!(
            check_period(day("2024-01-01"), day("2024-12-31"), today),
            Ok(())
        );
        assert_eq!(
            check_period(day("2026-12-01"), day("2026-12-07"), today),
            Err(PeriodProblem::InTheFuture)
        );
    }
}
