//! Sharing a charge between payers: a couple 50/50, a sponsor 80% and each participant 20%,
//! a parent paying a fixed $40 of each session; one participant's employer paying 80% of
//! their charges and the participant the rest. The payer responsible (a participant's own
//! payer, else the case's) pays what the shares leave,
//! so every cent of every charge has exactly one payer whatever the charge turns out to be,
//! and the parts always add up to the charge to the cent.

use super::billing::Payer;
use super::money::{Money, MAX_TYPED_CENTS};
use serde::{Deserialize, Serialize};

/// How much of each charge one share takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum Part {
    /// Basis points of what the fixed shares leave: 2000 is 20%.
    Percent(i64),
    /// A fixed amount of each charge, never more than the charge.
    Fixed(Money),
}

impl Part {
    /// As people read it: "20%", "$40.00".
    pub fn label(self) -> String {
        match self {
            Part::Percent(bp) => percent_label(bp),
            Part::Fixed(m) => m.to_string(),
        }
    }

    /// Rebuilds a part from its stored columns (exactly one is set).
    pub fn from_stored(percent_bp: Option<i64>, fixed_cents: Option<i64>) -> Option<Part> {
        match (percent_bp, fixed_cents) {
            (Some(bp), None) => Some(Part::Percent(bp)),
            (None, Some(c)) => Some(Part::Fixed(Money(c))),
            _ => None,
        }
    }

    /// The stored columns: (percent_bp, fixed_cents).
    pub fn stored(self) -> (Option<i64>, Option<i64>) {
        match self {
            Part::Percent(bp) => (Some(bp), None),
            Part::Fixed(m) => (None, Some(m.cents())),
        }
    }
}

/// One payer's share of a case's charges, beside the case's own payer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Share {
    pub payer: Payer,
    pub part: Part,
}

/// The most shares a case can have besides its own payer.
pub const MAX_SHARES: usize = 5;

/// A percentage as typed ("20", "20%", "33.33"), in basis points: more than 0% and less
/// than 100%, at most two decimals.
pub fn parse_percent(text: &str) -> Result<i64, String> {
    let t = text.trim().trim_end_matches('%').trim();
    let bad = || format!("\"{}\" is not a percentage like 20 or 33.33.", text.trim());
    if t.is_empty() {
        return Err("Enter the percentage.".into());
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) {
        return Err(bad());
    }
    if frac.len() > 2 {
        return Err("Give the percentage to at most two decimals.".into());
    }
    if whole.len() > 3 {
        return Err("A share must be less than 100%.".into());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let bp = whole * 100 + frac;
    if bp <= 0 {
        return Err("A share must be more than 0%.".into());
    }
    if bp >= 10_000 {
        return Err(
            "A share must be less than 100%; to have someone pay it all, make them the payer."
                .into(),
        );
    }
    Ok(bp)
}

/// Basis points as a percentage for people: 5000 -> "50%", 3333 -> "33.33%".
pub fn percent_label(bp: i64) -> String {
    let (whole, frac) = (bp / 100, (bp % 100).abs());
    if frac == 0 {
        format!("{whole}%")
    } else {
        format!("{whole}.{}%", format!("{frac:02}").trim_end_matches('0'))
    }
}

/// Checks a case's (or one participant's) shares before they are kept, with `primary` the
/// payer who pays the rest: each share more than nothing, percentages leaving `primary`
/// something of what fixed shares leave, no payer twice and none `primary` itself.
pub fn check_shares(primary: Payer, shares: &[Share]) -> Result<(), String> {
    if shares.len() > MAX_SHARES {
        return Err(format!(
            "A charge can be shared with at most {MAX_SHARES} other payers."
        ));
    }
    let mut percent = 0;
    for (i, s) in shares.iter().enumerate() {
        if s.payer == primary {
            return Err(
                "That payer already pays what the shares leave; a share must name another payer."
                    .into(),
            );
        }
        if shares[..i].iter().any(|t| t.payer == s.payer) {
            return Err("That payer already has a share; change or remove it instead.".into());
        }
        match s.part {
            Part::Percent(bp) if !(1..10_000).contains(&bp) => {
                return Err("A share must be more than 0% and less than 100%.".into())
            }
            Part::Percent(bp) => percent += bp,
            Part::Fixed(m) if !m.is_positive() || m.cents() > MAX_TYPED_CENTS => {
                return Err("A fixed share must be more than $0.00 and at most $100,000.".into())
            }
            Part::Fixed(_) => {}
        }
    }
    if percent >= 10_000 {
        return Err(format!(
            "The shares come to {}; they must leave the payer of the rest part of each charge.",
            percent_label(percent)
        ));
    }
    Ok(())
}

/// Splits a charge between parts in order. Fixed parts take their amount (or what is left);
/// percentages divide the rest by largest remainder, so the parts always add up to the
/// charge to the cent and a left-over cent goes to the part that lost most to rounding (the
/// earlier one on a tie). With no percentage, the first part keeps what is left.
pub fn split(total: Money, parts: &[Part]) -> Vec<Money> {
    let total = total.cents().max(0);
    let mut out = vec![Money::ZERO; parts.len()];
    let mut left = total;
    for (i, part) in parts.iter().enumerate() {
        if let Part::Fixed(m) = part {
            let take = m.cents().clamp(0, left);
            out[i] = Money(take);
            left -= take;
        }
    }
    let percent: Vec<(usize, i64)> = parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            Part::Percent(bp) => Some((i, (*bp).max(0))),
            Part::Fixed(_) => None,
        })
        .collect();
    let whole: i128 = percent.iter().map(|(_, bp)| i128::from(*bp)).sum();
    if whole <= 0 {
        if let Some(first) = out.first_mut() {
            *first += Money(left);
        }
        return out;
    }
    let mut given = 0_i64;
    let mut remainders = Vec::with_capacity(percent.len());
    for (i, bp) in &percent {
        let exact = i128::from(left) * i128::from(*bp);
        // At most `left`, so it fits.
        let floor = i64::try_from(exact / whole).unwrap_or(left);
        out[*i] += Money(floor);
        given += floor;
        remainders.push((exact % whole, *i));
    }
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let short = usize::try_from(left - given).unwrap_or(0);
    for (_, i) in remainders.iter().take(short) {
        out[*i] += Money(1);
    }
    out
}

/// The shares that split a participant's charge: their own shares when they have their own
/// payer (none: that payer pays it all); the case's shares when they follow the case's
/// payer.
pub fn shares_applying<'a>(
    own_payer: bool,
    case_shares: &'a [Share],
    own_shares: &'a [Share],
) -> &'a [Share] {
    if own_payer {
        own_shares
    } else {
        case_shares
    }
}

/// One payer's part of one participant's charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayerPart {
    pub payer: Payer,
    /// Whose account it goes on: the contact or organization, or the participant for self-pay.
    pub account: i64,
    pub amount: Money,
    /// What the invoice line adds when the charge is shared ("80% share of $100.00"); empty
    /// when one payer pays it all.
    pub note: String,
}

/// Who pays what of a participant's charge of `amount`: the shares (when the participant
/// follows the case's payer) and the payer responsible for the rest. Parts of one account
/// (a self-pay share of a participant who is also the named contact) are merged, so each
/// account has one part; parts are never negative and always add up to `amount`.
pub fn payer_parts(amount: Money, person: i64, payer: Payer, shares: &[Share]) -> Vec<PayerPart> {
    let account = |p: Payer| p.contact_id().unwrap_or(person);
    if shares.is_empty() {
        return vec![PayerPart {
            payer,
            account: account(payer),
            amount: amount.max(Money::ZERO),
            note: String::new(),
        }];
    }
    let taken: i64 = shares
        .iter()
        .map(|s| match s.part {
            Part::Percent(bp) => bp,
            Part::Fixed(_) => 0,
        })
        .sum();
    let any_fixed = shares.iter().any(|s| matches!(s.part, Part::Fixed(_)));
    let rest = Part::Percent((10_000 - taken).max(1));
    let mut parts: Vec<Part> = shares.iter().map(|s| s.part).collect();
    parts.push(rest);
    let amounts = split(amount, &parts);
    let of = amount.max(Money::ZERO);
    let mut out: Vec<PayerPart> = Vec::with_capacity(parts.len());
    let payers = shares.iter().map(|s| s.payer).chain(std::iter::once(payer));
    for ((p, part), cents) in payers.zip(parts).zip(amounts) {
        let note = match part {
            Part::Percent(_) if any_fixed && p == payer => format!("remaining share of {of}"),
            Part::Percent(bp) => format!("{} share of {of}", percent_label(bp)),
            Part::Fixed(m) => format!("fixed share ({m}) of {of}"),
        };
        if let Some(same) = out.iter_mut().find(|o| o.account == account(p)) {
            same.amount += cents;
            same.note = format!("combined share of {of}");
            continue;
        }
        out.push(PayerPart {
            payer: p,
            account: account(p),
            amount: cents,
            note,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(payer: Payer, bp: i64) -> Share {
        Share {
            payer,
            part: Part::Percent(bp),
        }
    }

    #[test]
    fn shares_always_add_up_to_the_cent() {
        let couple = [Part::Percent(5_000), Part::Percent(5_000)];
        assert_eq!(
            split(Money(13_001), &couple),
            vec![Money(6_501), Money(6_500)]
        );
        let sponsor = [Part::Percent(8_000), Part::Percent(2_000)];
        assert_eq!(
            split(Money(9_999), &sponsor),
            vec![Money(7_999), Money(2_000)]
        );
        let thirds = [
            Part::Percent(3_334),
            Part::Percent(3_333),
            Part::Percent(3_333),
        ];
        for total in [0, 1, 2, 100, 9_999, 10_000, 13_001, 1_234_567] {
            let parts = split(Money(total), &thirds);
            assert_eq!(parts.iter().sum::<Money>(), Money(total), "{total}");
            assert!(parts.iter().all(|p| p.cents() >= 0));
        }
        // Fixed first, capped at the charge; the percentages share what is left.
        let fixed = [Part::Fixed(Money(10_000)), Part::Percent(10_000)];
        assert_eq!(
            split(Money(13_000), &fixed),
            vec![Money(10_000), Money(3_000)]
        );
        assert_eq!(split(Money(4_000), &fixed), vec![Money(4_000), Money::ZERO]);
    }

    #[test]
    fn a_sponsor_pays_the_rest_of_what_each_participant_shares() {
        let sponsor = Payer::Organization(9);
        let parts = payer_parts(Money(12_501), 4, sponsor, &[pct(Payer::SelfPay, 2_000)]);
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].account, parts[0].amount), (4, Money(2_500)));
        assert_eq!((parts[1].account, parts[1].amount), (9, Money(10_001)));
        assert_eq!(parts[0].note, "20% share of $125.01");
        assert_eq!(parts[1].note, "80% share of $125.01");
        // One payer, no note and the whole charge.
        let whole = payer_parts(Money(5_000), 4, sponsor, &[]);
        assert_eq!(whole.len(), 1);
        assert_eq!((whole[0].account, whole[0].amount), (9, Money(5_000)));
        assert!(whole[0].note.is_empty());
    }

    #[test]
    fn fixed_shares_come_first_and_the_payer_keeps_the_rest() {
        let parent = Share {
            payer: Payer::Contact(7),
            part: Part::Fixed(Money(4_000)),
        };
        let parts = payer_parts(Money(15_000), 4, Payer::SelfPay, &[parent]);
        assert_eq!(parts[0].amount, Money(4_000));
        assert_eq!(parts[0].note, "fixed share ($40.00) of $150.00");
        assert_eq!(parts[1].amount, Money(11_000));
        assert_eq!(parts[1].note, "remaining share of $150.00");
        // A smaller charge: the fixed share takes it all, the rest is nothing.
        let small = payer_parts(Money(2_500), 4, Payer::SelfPay, &[parent]);
        assert_eq!(small[0].amount, Money(2_500));
        assert_eq!(small[1].amount, Money::ZERO);
    }

    #[test]
    fn a_participant_named_as_contact_and_sharing_as_self_has_one_part() {
        let parts = payer_parts(
            Money(10_001),
            4,
            Payer::Contact(4),
            &[pct(Payer::SelfPay, 5_000)],
        );
        assert_eq!(parts.len(), 1);
        assert_eq!((parts[0].account, parts[0].amount), (4, Money(10_001)));
    }

    #[test]
    fn parts_always_add_up_whatever_the_charge() {
        let shares = [
            pct(Payer::Contact(1), 3_333),
            Share {
                payer: Payer::Organization(2),
                part: Part::Fixed(Money(999)),
            },
            pct(Payer::SelfPay, 1_250),
        ];
        for total in [0, 1, 7, 998, 999, 1_000, 10_000, 123_457] {
            let parts = payer_parts(Money(total), 5, Payer::Contact(3), &shares);
            assert_eq!(parts.iter().map(|p| p.amount).sum::<Money>(), Money(total));
            assert!(parts.iter().all(|p| p.amount >= Money::ZERO));
        }
    }

    #[test]
    fn shares_must_leave_the_payer_something_and_name_each_payer_once() {
        let sponsor = Payer::Organization(9);
        assert!(check_shares(sponsor, &[]).is_ok());
        assert!(check_shares(sponsor, &[pct(Payer::SelfPay, 2_000)]).is_ok());
        let all = check_shares(
            sponsor,
            &[pct(Payer::SelfPay, 6_000), pct(Payer::Contact(3), 4_000)],
        )
        .expect_err("100%");
        assert!(all.contains("100%"), "{all}");
        assert!(check_shares(sponsor, &[pct(sponsor, 2_000)]).is_err());
        assert!(check_shares(
            sponsor,
            &[pct(Payer::SelfPay, 1_000), pct(Payer::SelfPay, 1_000)]
        )
        .is_err());
        assert!(check_shares(sponsor, &[pct(Payer::SelfPay, 0)]).is_err());
        let zero = Share {
            payer: Payer::SelfPay,
            part: Part::Fixed(Money::ZERO),
        };
        assert!(check_shares(sponsor, &[zero]).is_err());
        let many: Vec<Share> = (0..6).map(|i| pct(Payer::Contact(i), 100)).collect();
        assert!(check_shares(sponsor, &many).is_err());
    }

    #[test]
    fn percentages_read_as_people_type_them() {
        assert_eq!(parse_percent("20"), Ok(2_000));
        assert_eq!(parse_percent(" 20 % "), Ok(2_000));
        assert_eq!(parse_percent("33.33"), Ok(3_333));
        assert_eq!(parse_percent("12.5%"), Ok(1_250));
        assert_eq!(parse_percent(".5"), Ok(50));
        assert!(parse_percent("").is_err());
        assert!(parse_percent("0").is_err());
        assert!(parse_percent("100").is_err());
        assert!(parse_percent("1000").is_err());
        assert!(parse_percent("12.345").is_err());
        assert!(parse_percent("-5").is_err());
        assert!(parse_percent("abc").is_err());
        assert!(parse_percent(".").is_err());
        assert_eq!(percent_label(3_333), "33.33%");
        assert_eq!(percent_label(1_250), "12.5%");
        assert_eq!(percent_label(5_000), "50%");
    }

    #[test]
    fn a_participant_with_their_own_payer_splits_only_by_their_own_shares() {
        let case = [pct(Payer::SelfPay, 2_000)];
        let own = [pct(Payer::SelfPay, 2_500)];
        assert_eq!(shares_applying(false, &case, &[]), &case);
        assert_eq!(shares_applying(true, &case, &[]), &[] as &[Share]);
        assert_eq!(shares_applying(true, &case, &own), &own);
        // The employer pays 75% of $100.00 and the participant 25%, to the cent.
        let employer = Payer::Organization(9);
        let parts = payer_parts(
            Money(10_000),
            4,
            employer,
            shares_applying(true, &case, &own),
        );
        let amounts: Vec<(i64, i64)> = parts
            .iter()
            .map(|p| (p.account, p.amount.cents()))
            .collect();
        assert_eq!(amounts, vec![(4, 2_500), (9, 7_500)]);
    }
}
