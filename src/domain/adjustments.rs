//! Refunds and adjustments: money given back out of a payer's credit, and parts of a charge
//! the practice will not collect (sliding scale, courtesy, pro bono, bad debt). Both are
//! written once; a charge that later shrinks below what was adjusted off it gets the excess
//! back as a separate "charge changed" movement.

use super::money::Money;

/// The longest reason or note kept with a refund or adjustment.
pub const MAX_REASON: usize = 200;

super::stored_enum! {
    /// Why part of a charge is not collected.
    pub enum AdjustmentReason as "adjustment reason" {
        SlidingScale => "sliding_scale",
        Courtesy => "courtesy",
        ProBono => "pro_bono",
        BadDebt => "bad_debt",
        Other => "other",
        /// The charge itself shrank below what had been adjusted off it: the excess comes
        /// back. Recorded by billing, never chosen by a person.
        ChargeChanged => "charge_changed",
    }
}

impl AdjustmentReason {
    /// The reasons a person chooses from, in the order the form lists them.
    pub const CHOSEN: [AdjustmentReason; 5] = [
        AdjustmentReason::SlidingScale,
        AdjustmentReason::Courtesy,
        AdjustmentReason::ProBono,
        AdjustmentReason::BadDebt,
        AdjustmentReason::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AdjustmentReason::SlidingScale => "Sliding scale",
            AdjustmentReason::Courtesy => "Courtesy",
            AdjustmentReason::ProBono => "Pro bono",
            AdjustmentReason::BadDebt => "Bad debt (write-off)",
            AdjustmentReason::Other => "Other",
            AdjustmentReason::ChargeChanged => "Charge changed",
        }
    }

    /// The note kept with an adjustment: trimmed, required when the reason is "Other", at
    /// most `MAX_REASON` characters.
    pub fn check_note(self, note: &str) -> Result<String, String> {
        let note = note.trim();
        if self == AdjustmentReason::ChargeChanged {
            return Err("Choose why this part of the charge is not collected.".into());
        }
        if self == AdjustmentReason::Other && note.is_empty() {
            return Err("Say what the adjustment is for.".into());
        }
        if note.chars().count() > MAX_REASON {
            return Err(format!("Keep the note to {MAX_REASON} characters."));
        }
        Ok(note.to_string())
    }
}

/// What is still owed on a charge: its amount less what payments and adjustments took.
pub fn owed(amount: Money, paid: Money, adjusted: Money) -> Money {
    (amount - paid - adjusted).max(Money::ZERO)
}

/// An adjustment of `amount` against a charge that still owes `owed`: more than nothing and
/// no more than is owed (what was paid is refunded, not adjusted).
pub fn check_adjustment(amount: Money, owed: Money) -> Result<(), String> {
    if !amount.is_positive() {
        return Err("Enter an amount more than $0.00.".into());
    }
    if !owed.is_positive() {
        return Err("Nothing is owed on this charge.".into());
    }
    if amount > owed {
        return Err(format!("At most {owed} is still owed on this charge."));
    }
    Ok(())
}

/// When a charge comes to `amount` after holding `adjusted` of adjustments, what must come
/// back so the adjustments never exceed the charge (nothing when they fit).
pub fn adjustment_excess(amount: Money, adjusted: Money) -> Money {
    (adjusted - amount.max(Money::ZERO)).max(Money::ZERO)
}

/// A refund's reason: required, trimmed, at most `MAX_REASON` characters.
pub fn check_refund_reason(reason: &str) -> Result<String, String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err("Say why the money is given back.".into());
    }
    if reason.chars().count() > MAX_REASON {
        return Err(format!("Keep the reason to {MAX_REASON} characters."));
    }
    Ok(reason.to_string())
}

/// A refund of `amount` from a payment of which `refundable` is neither applied to charges
/// nor refunded already.
pub fn check_refund(amount: Money, refundable: Money) -> Result<(), String> {
    if !amount.is_positive() {
        return Err("Enter an amount more than $0.00.".into());
    }
    if !refundable.is_positive() {
        return Err("Nothing of this payment can be refunded: all of it pays for sessions.".into());
    }
    if amount > refundable {
        return Err(format!(
            "At most {refundable} of this payment can be refunded; the rest pays for sessions."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owed_is_what_payments_and_adjustments_leave() {
        assert_eq!(
            owed(Money(10_000), Money(2_500), Money(2_500)),
            Money(5_000)
        );
        assert_eq!(owed(Money(10_000), Money(10_000), Money(0)), Money::ZERO);
        assert_eq!(owed(Money(0), Money(500), Money(0)), Money::ZERO);
    }

    #[test]
    fn adjustments_take_only_what_is_owed() {
        assert!(check_adjustment(Money(5_000), Money(5_000)).is_ok());
        assert_eq!(
            check_adjustment(Money(5_001), Money(5_000)),
            Err("At most $50.00 is still owed on this charge.".into())
        );
        assert!(check_adjustment(Money::ZERO, Money(5_000)).is_err());
        assert_eq!(
            check_adjustment(Money(100), Money::ZERO),
            Err("Nothing is owed on this charge.".into())
        );
    }

    #[test]
    fn a_shrunken_charge_gives_back_the_adjustment_beyond_it() {
        assert_eq!(adjustment_excess(Money(2_000), Money(3_000)), Money(1_000));
        assert_eq!(adjustment_excess(Money(5_000), Money(3_000)), Money::ZERO);
        assert_eq!(adjustment_excess(Money::ZERO, Money(3_000)), Money(3_000));
    }

    #[test]
    fn refunds_come_only_from_what_no_session_took() {
        assert!(check_refund(Money(2_000), Money(2_000)).is_ok());
        assert_eq!(
            check_refund(Money(2_001), Money(2_000)),
            Err(
                "At most $20.00 of this payment can be refunded; the rest pays for sessions."
                    .into()
            )
        );
        assert!(check_refund(Money(1), Money::ZERO).is_err());
        assert!(check_refund(Money(-1), Money(100)).is_err());
        assert_eq!(
            check_refund_reason("  "),
            Err("Say why the money is given back.".into())
        );
        assert_eq!(check_refund_reason(" moved away "), Ok("moved away".into()));
    }

    #[test]
    fn notes_say_what_other_adjustments_are() {
        assert_eq!(
            AdjustmentReason::Courtesy.check_note("  "),
            Ok(String::new())
        );
        assert!(AdjustmentReason::Other.check_note(" ").is_err());
        assert_eq!(
            AdjustmentReason::Other.check_note(" hardship fund "),
            Ok("hardship fund".into())
        );
        assert!(AdjustmentReason::ChargeChanged.check_note("x").is_err());
        assert!(AdjustmentReason::BadDebt
            .check_note(&"x".repeat(MAX_REASON + 1))
            .is_err());
        assert!(!AdjustmentReason::CHOSEN.contains(&AdjustmentReason::ChargeChanged));
        for r in AdjustmentReason::ALL {
            assert_eq!(AdjustmentReason::parse(r.as_str()), Some(*r));
        }
    }
}
