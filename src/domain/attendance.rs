//! Attendance rules: what a clinician may record for each participant of a session, what
//! each choice charges, and how a change made offline is reconciled with one made since.

use super::cases::{CaseKind, Language, ServiceCategory};
use super::ServiceId;
use serde::{Deserialize, Serialize};

super::stored_enum! {
    /// What became of one recorded attendance change: applied, or superseded by a later
    /// change made elsewhere (kept in the history, never silently lost).
    pub enum HistoryOutcome as "attendance history outcome" {
        Applied => "applied",
        Superseded => "superseded",
    }
}

/// Whether a participant said they would come, shown before attendance is taken.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    #[default]
    NotConfirmed,
    Confirmed,
    Declined,
}

impl Confirmation {
    pub const ALL: [Confirmation; 3] = [
        Confirmation::NotConfirmed,
        Confirmation::Confirmed,
        Confirmation::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Confirmation::NotConfirmed => "not_confirmed",
            Confirmation::Confirmed => "confirmed",
            Confirmation::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<Confirmation> {
        Confirmation::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Confirmation::NotConfirmed => "Not confirmed",
            Confirmation::Confirmed => "Confirmed",
            Confirmation::Declined => "Declined",
        }
    }
}

/// What was recorded for one participant. Every choice can later become any other, or be
/// cleared: a "No fee" set by mistake is corrected like anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "service")]
pub enum Choice {
    /// Came, and is charged for this service (the group's default or any other).
    Attended(ServiceId),
    /// Came, no charge.
    AttendedNoFee,
    /// Did not come and did not cancel: the practice's no-show fee.
    NoShow,
    /// Cancelled too late: the practice's late-cancel fee.
    LateCancel,
    /// Did not come, no charge (excused, the practice waived it).
    AbsentNoFee,
}

impl Choice {
    pub fn attended(self) -> bool {
        matches!(self, Choice::Attended(_) | Choice::AttendedNoFee)
    }

    pub fn service(self) -> Option<ServiceId> {
        match self {
            Choice::Attended(s) => Some(s),
            _ => None,
        }
    }

    /// The stored code; the service is kept beside it.
    pub fn code(self) -> &'static str {
        match self {
            Choice::Attended(_) => "attended",
            Choice::AttendedNoFee => "attended_no_fee",
            Choice::NoShow => "no_show",
            Choice::LateCancel => "late_cancel",
            Choice::AbsentNoFee => "absent_no_fee",
        }
    }

    /// Rebuilds a choice from its stored code and service.
    pub fn from_parts(code: &str, service: Option<i64>) -> Option<Choice> {
        match (code, service) {
            ("attended", Some(s)) => Some(Choice::Attended(ServiceId(s))),
            ("attended_no_fee", None) => Some(Choice::AttendedNoFee),
            ("no_show", None) => Some(Choice::NoShow),
            ("late_cancel", None) => Some(Choice::LateCancel),
            ("absent_no_fee", None) => Some(Choice::AbsentNoFee),
            _ => None,
        }
    }

    /// One token per choice, for a `<select>` value: `attended:12`, `no_show`, ...
    pub fn key(self) -> String {
        match self {
            Choice::Attended(s) => format!("attended:{}", s.0),
            other => other.code().to_string(),
        }
    }

    pub fn parse_key(key: &str) -> Option<Choice> {
        match key.split_once(':') {
            Some(("attended", id)) => id.parse().ok().map(|id| Choice::Attended(ServiceId(id))),
            Some(_) => None,
            None => Choice::from_parts(key, None),
        }
    }
}

/// The practice's fees for missed sessions, in cents (either may be zero).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissedSessionFees {
    pub no_show_cents: i64,
    pub late_cancel_cents: i64,
}

/// The most a missed-session fee may be: $1,000 (a typo guard, not a policy).
pub const MAX_MISSED_FEE_CENTS: i64 = 100_000;

pub fn check_missed_fee(cents: i64) -> Result<i64, String> {
    if (0..=MAX_MISSED_FEE_CENTS).contains(&cents) {
        Ok(cents)
    } else {
        Err("Enter a fee between $0 and $1,000.".into())
    }
}

/// The participant's charge for a choice: the service's fee, the practice's no-show or
/// late-cancel fee, or nothing. `service_fee` is the fee of the attended service.
pub fn charge(choice: Option<Choice>, service_fee: Option<i64>, fees: MissedSessionFees) -> i64 {
    match choice {
        None => 0,
        Some(Choice::Attended(_)) => service_fee.unwrap_or(0).max(0),
        Some(Choice::AttendedNoFee | Choice::AbsentNoFee) => 0,
        Some(Choice::NoShow) => fees.no_show_cents.max(0),
        Some(Choice::LateCancel) => fees.late_cancel_cents.max(0),
    }
}

/// Whether a service may be recorded as attended for a case of `kind`. Workshops and
/// consultation never record a psychotherapy code (that would bill them as therapy); a
/// therapy case may record any service.
pub fn offers_service(kind: CaseKind, category: ServiceCategory) -> bool {
    match kind.workflows().language {
        Language::Therapy => true,
        Language::Workshop | Language::Consultation => category != ServiceCategory::Psychotherapy,
    }
}

/// A service as the choice list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceOption {
    pub id: ServiceId,
    pub label: String,
    pub fee_cents: i64,
}

/// One entry of the choice list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub choice: Choice,
    pub label: String,
}

/// The choice list: the "attended" options (the default service first, then every other
/// offered service, then No fee), then the "did not attend" options (No-show, Late cancel,
/// then No fee).
pub fn choice_menu(
    default_service: Option<ServiceId>,
    services: &[ServiceOption],
    fees: MissedSessionFees,
) -> (Vec<ChoiceOption>, Vec<ChoiceOption>) {
    use super::services::format_money;
    let mut attended: Vec<ChoiceOption> = Vec::with_capacity(services.len() + 1);
    let option = |s: &ServiceOption| ChoiceOption {
        choice: Choice::Attended(s.id),
        label: format!("{} ({})", s.label, format_money(s.fee_cents)),
    };
    if let Some(d) = default_service.and_then(|d| services.iter().find(|s| s.id == d)) {
        attended.push(option(d));
    }
    attended.extend(
        services
            .iter()
            .filter(|s| Some(s.id) != default_service)
            .map(option),
    );
    attended.push(ChoiceOption {
        choice: Choice::AttendedNoFee,
        label: "Attended, no fee".into(),
    });
    let absent = vec![
        ChoiceOption {
            choice: Choice::NoShow,
            label: format!("No-show ({})", format_money(fees.no_show_cents)),
        },
        ChoiceOption {
            choice: Choice::LateCancel,
            label: format!("Late cancel ({})", format_money(fees.late_cancel_cents)),
        },
        ChoiceOption {
            choice: Choice::AbsentNoFee,
            label: "Did not attend, no fee".into(),
        },
    ];
    (attended, absent)
}

/// A short name for a recorded choice, as the roster and the history show it.
pub fn describe(choice: Option<Choice>, service_code: Option<&str>) -> String {
    match choice {
        None => "Not set".into(),
        Some(Choice::Attended(_)) => match service_code {
            Some(code) => format!("Attended ({code})"),
            None => "Attended".into(),
        },
        Some(Choice::AttendedNoFee) => "Attended, no fee".into(),
        Some(Choice::NoShow) => "No-show".into(),
        Some(Choice::LateCancel) => "Late cancel".into(),
        Some(Choice::AbsentNoFee) => "Did not attend, no fee".into(),
    }
}

/// A participant's attendance as the server last stored it. Version 0: nothing recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored {
    pub choice: Option<Choice>,
    pub version: i64,
    /// When the stored choice was made (server time), 0 if never.
    pub changed_at: i64,
}

/// A change as a device sends it: what the participant should become, the version of the
/// row the clinician was looking at, and when they tapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proposed {
    pub choice: Option<Choice>,
    pub base_version: i64,
    pub made_at: i64,
    /// "Mark all attended": only fills a participant who has no choice yet.
    pub fill_only: bool,
}

/// What becomes of a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Stored; the row's version goes up by one.
    Apply,
    /// Someone else changed the row after this change was made: theirs stands and this one
    /// is kept in the history as superseded, and the sender is told.
    Superseded,
    /// A fill-only change for a participant who already has a choice, or a change to what
    /// is already stored: nothing to do.
    Unchanged,
}

/// Decides a change against what is stored. A change made on the version it saw applies.
/// A change made on an older version (it waited offline while someone else changed the
/// row) applies only if it was made after the change it would replace: the newer change
/// wins, whichever device it came from.
pub fn resolve(stored: Stored, change: Proposed) -> Resolution {
    if change.fill_only && stored.choice.is_some() {
        return Resolution::Unchanged;
    }
    if change.choice == stored.choice {
        return Resolution::Unchanged;
    }
    if change.base_version == stored.version || change.made_at > stored.changed_at {
        Resolution::Apply
    } else {
        Resolution::Superseded
    }
}

/// When a change queued on a device was made, in server time: the device's clock is
/// corrected by how far it is from the server's at sending, and nothing is allowed in the
/// future or before the queue could have started.
pub fn made_at_on_server(made_at: i64, sent_at: i64, now: i64) -> i64 {
    let skew = now.saturating_sub(sent_at);
    made_at.saturating_add(skew).min(now)
}

/// Why a participant's attendance at a session is on record, so that changing it is a
/// correction that needs a reason: their charge is on an issued invoice, or the session's
/// note is signed and locked into the charts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnRecord {
    pub invoiced: bool,
    pub note_locked: bool,
}

impl OnRecord {
    pub fn needs_reason(self) -> bool {
        self.invoiced || self.note_locked
    }

    /// What the session screen says above the correction form, or `None` when a change is
    /// an ordinary change.
    pub fn explain(self) -> Option<String> {
        let what = match (self.invoiced, self.note_locked) {
            (false, false) => return None,
            (true, false) => "This charge is on an issued invoice, so a change is a correction: billing takes the difference (a credit note or the next invoice).",
            (false, true) => "The session's note is signed and locked, so a change is a correction: the chart gets a dated addendum.",
            (true, true) => "This charge is on an issued invoice and the session's note is signed and locked, so a change is a correction: billing takes the difference and the chart gets a dated addendum.",
        };
        Some(format!("{what} Say why it is corrected."))
    }
}

/// The longest reason a correction may carry.
pub const MAX_CORRECTION_REASON_CHARS: usize = 500;

/// A correction's reason, trimmed: required, and short enough to read in a history line.
pub fn check_correction_reason(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Say why this attendance is corrected; the reason is kept with it.".into());
    }
    if text.chars().count() > MAX_CORRECTION_REASON_CHARS {
        return Err(format!(
            "Keep the reason to {MAX_CORRECTION_REASON_CHARS} characters or fewer."
        ));
    }
    Ok(text.to_string())
}

/// The text of the addendum a correction adds to a locked note for the participant:
/// what it was, what it is now, and why, by whom and when (the addendum is also signed and
/// dated by the database row).
pub fn correction_addendum(from: &str, to: &str, reason: &str, by: &str, when: &str) -> String {
    format!("Attendance corrected on {when} by {by}: {from} \u{2192} {to}. Reason: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEES: MissedSessionFees = MissedSessionFees {
        no_show_cents: 5_000,
        late_cancel_cents: 2_500,
    };
    const ALL: [Choice; 5] = [
        Choice::Attended(ServiceId(7)),
        Choice::AttendedNoFee,
        Choice::NoShow,
        Choice::LateCancel,
        Choice::AbsentNoFee,
    ];

    #[test]
    fn every_choice_charges_what_the_practice_expects() {
        assert_eq!(
            charge(Some(Choice::Attended(ServiceId(7))), Some(6_000), FEES),
            6_000
        );
        assert_eq!(charge(Some(Choice::AttendedNoFee), Some(6_000), FEES), 0);
        assert_eq!(charge(Some(Choice::NoShow), Some(6_000), FEES), 5_000);
        assert_eq!(charge(Some(Choice::LateCancel), Some(6_000), FEES), 2_500);
        assert_eq!(charge(Some(Choice::AbsentNoFee), Some(6_000), FEES), 0);
        assert_eq!(charge(None, Some(6_000), FEES), 0);
        // A practice without missed-session fees charges nothing for them.
        let free = MissedSessionFees::default();
        assert_eq!(charge(Some(Choice::NoShow), None, free), 0);
        assert_eq!(charge(Some(Choice::LateCancel), None, free), 0);
        // A service without a fee (or a missing one) charges nothing, never a negative.
        assert_eq!(charge(Some(Choice::Attended(ServiceId(7))), None, FEES), 0);
        assert_eq!(
            charge(Some(Choice::Attended(ServiceId(7))), Some(-5), FEES),
            0
        );
    }

    #[test]
    fn choices_round_trip_through_storage_and_select_keys() {
        for c in ALL {
            assert_eq!(
                Choice::from_parts(c.code(), c.service().map(|s| s.0)),
                Some(c)
            );
            assert_eq!(Choice::parse_key(&c.key()), Some(c));
        }
        assert_eq!(Choice::from_parts("attended", None), None);
        assert_eq!(Choice::from_parts("no_show", Some(3)), None);
        assert_eq!(Choice::from_parts("maybe", None), None);
        assert_eq!(Choice::parse_key("attended:x"), None);
        assert_eq!(Choice::parse_key("no_show:3"), None);
        assert_eq!(Choice::parse_key(""), None);
        let attended: Vec<bool> = ALL.iter().map(|c| c.attended()).collect();
        assert_eq!(attended, [true, true, false, false, false]);
        for c in Confirmation::ALL {
            assert_eq!(Confirmation::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn the_menu_lists_yes_options_then_no_options_each_ending_with_no_fee() {
        let services = [
            ServiceOption {
                id: ServiceId(1),
                label: "90834 Psychotherapy, 45 minutes".into(),
                fee_cents: 13_000,
            },
            ServiceOption {
                id: ServiceId(2),
                label: "90853 Group psychotherapy".into(),
                fee_cents: 6_000,
            },
        ];
        let (yes, no) = choice_menu(Some(ServiceId(2)), &services, FEES);
        let yes: Vec<Choice> = yes.iter().map(|o| o.choice).collect();
        assert_eq!(
            yes,
            [
                Choice::Attended(ServiceId(2)),
                Choice::Attended(ServiceId(1)),
                Choice::AttendedNoFee
            ]
        );
        let labels: Vec<String> = no.iter().map(|o| o.label.clone()).collect();
        assert_eq!(
            labels,
            [
                "No-show ($50.00)",
                "Late cancel ($25.00)",
                "Did not attend, no fee"
            ]
        );
        // Without a default service the services keep their order.
        let (yes, _) = choice_menu(None, &services, FEES);
        assert_eq!(yes[0].choice, Choice::Attended(ServiceId(1)));
        assert_eq!(yes[0].label, "90834 Psychotherapy, 45 minutes ($130.00)");
    }

    #[test]
    fn workshops_and_consultation_never_record_psychotherapy() {
        use ServiceCategory::*;
        assert!(offers_service(CaseKind::TherapyGroup, Psychotherapy));
        assert!(offers_service(CaseKind::TherapyGroup, Other));
        assert!(!offers_service(CaseKind::Workshop, Psychotherapy));
        assert!(offers_service(CaseKind::Workshop, Other));
        assert!(!offers_service(CaseKind::ConsultationGroup, Psychotherapy));
        assert!(offers_service(CaseKind::ConsultationGroup, Consultation));
    }

    fn stored(choice: Option<Choice>, version: i64, changed_at: i64) -> Stored {
        Stored {
            choice,
            version,
            changed_at,
        }
    }

    fn proposed(choice: Option<Choice>, base_version: i64, made_at: i64) -> Proposed {
        Proposed {
            choice,
            base_version,
            made_at,
            fill_only: false,
        }
    }

    #[test]
    fn any_choice_can_become_any_other_or_be_cleared() {
        let options: Vec<Option<Choice>> = std::iter::once(None)
            .chain(ALL.into_iter().map(Some))
            .collect();
        for from in &options {
            for to in &options {
                let r = resolve(stored(*from, 3, 100), proposed(*to, 3, 200));
                let expected = if from == to {
                    Resolution::Unchanged
                } else {
                    Resolution::Apply
                };
                assert_eq!(r, expected, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn the_newer_change_wins_a_conflict() {
        let theirs = stored(Some(Choice::NoShow), 2, 1_000);
        // Made offline before their change, on the version before it: theirs stands.
        assert_eq!(
            resolve(theirs, proposed(Some(Choice::AttendedNoFee), 1, 900)),
            Resolution::Superseded
        );
        // Made after their change, though on an older version: this one is newer.
        assert_eq!(
            resolve(theirs, proposed(Some(Choice::AttendedNoFee), 1, 1_100)),
            Resolution::Apply
        );
        // Clearing follows the same rule.
        assert_eq!(
            resolve(theirs, proposed(None, 1, 900)),
            Resolution::Superseded
        );
    }

    #[test]
    fn mark_all_fills_only_participants_without_a_choice() {
        let fill = |base| Proposed {
            choice: Some(Choice::Attended(ServiceId(7))),
            base_version: base,
            made_at: 5_000,
            fill_only: true,
        };
        assert_eq!(resolve(stored(None, 0, 0), fill(0)), Resolution::Apply);
        // Cleared since: still fills.
        assert_eq!(resolve(stored(None, 4, 4_000), fill(0)), Resolution::Apply);
        assert_eq!(
            resolve(stored(Some(Choice::LateCancel), 1, 4_000), fill(0)),
            Resolution::Unchanged
        );
    }

    #[test]
    fn device_clocks_are_corrected_and_never_run_ahead() {
        // The phone's clock is 10 s slow: a tap 60 s before sending happened 60 s before now.
        assert_eq!(made_at_on_server(40_000, 100_000, 110_000), 50_000);
        // A clock running ahead cannot put a change in the future.
        assert_eq!(made_at_on_server(200_000, 100_000, 150_000), 150_000);
        assert_eq!(made_at_on_server(i64::MAX, i64::MIN, 1), 1);
    }

    #[test]
    fn missed_fees_are_bounded() {
        assert_eq!(check_missed_fee(0), Ok(0));
        assert_eq!(check_missed_fee(100_000), Ok(100_000));
        assert!(check_missed_fee(-1).is_err());
        assert!(check_missed_fee(100_001).is_err());
    }

    #[test]
    fn descriptions() {
        assert_eq!(describe(None, None), "Not set");
        assert_eq!(
            describe(Some(Choice::Attended(ServiceId(1))), Some("90853")),
            "Attended (90853)"
        );
        assert_eq!(describe(Some(Choice::LateCancel), None), "Late cancel");
    }

    #[test]
    fn a_change_needs_a_reason_once_invoiced_or_charted() {
        assert!(!OnRecord::default().needs_reason());
        assert_eq!(OnRecord::default().explain(), None);
        for on_record in [
            OnRecord {
                invoiced: true,
                note_locked: false,
            },
            OnRecord {
                invoiced: false,
                note_locked: true,
            },
            OnRecord {
                invoiced: true,
                note_locked: true,
            },
        ] {
            assert!(on_record.needs_reason());
            let said = on_record.explain().expect("explained");
            assert!(said.ends_with("Say why it is corrected."));
            assert_eq!(said.contains("invoice"), on_record.invoiced);
            assert_eq!(said.contains("addendum"), on_record.note_locked);
        }
    }

    #[test]
    fn a_correction_reason_is_required_and_bounded() {
        assert!(check_correction_reason("").is_err());
        assert!(check_correction_reason("   \n ").is_err());
        assert_eq!(
            check_correction_reason("  Marked the wrong person ").as_deref(),
            Ok("Marked the wrong person")
        );
        let longest = "é".repeat(MAX_CORRECTION_REASON_CHARS);
        assert_eq!(check_correction_reason(&longest), Ok(longest.clone()));
        assert!(check_correction_reason(&format!("{longest}x")).is_err());
    }

    #[test]
    fn the_addendum_says_what_changed_and_why() {
        assert_eq!(
            correction_addendum("No-show", "Attended (90853)", "Arrived late; marked in error", "Dr Rivera", "7 Dec 2026 10:05"),
            "Attendance corrected on 7 Dec 2026 10:05 by Dr Rivera: No-show \u{2192} Attended (90853). Reason: Arrived late; marked in error"
        );
    }
}
