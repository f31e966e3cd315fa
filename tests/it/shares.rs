//! Shared charges against a real database: a case's shares split each participant's charge
//! between payers to the cent, each part is paid on its own, a participant with their own
//! payer pays in full, removing a share gives its part back to the case's payer (and what
//! was paid on it to the payer's credit), and shares that do not add up, name a payer twice
//! or come from a caller who may not see the case change nothing. One participant's own
//! shares split their charges with their own payer, whatever the case's shares are.

use crate::billing::{cash, charge_of, credit, mark, membership_of};
use crate::common::fixtures::{person_of_kind, practice, service, session_with};
use crate::on_both_engines;
use gather::access::SignedIn;
use gather::attendance::live::Live;
use gather::billing::repo as billing_repo;
use gather::billing::server as billing;
use gather::billing::shares::server as shares;
use gather::billing::shares::ShareInput;
use gather::cases::server as cases;
use gather::domain::attendance::Choice;
use gather::domain::billing::Payer;
use gather::domain::money::Money;
use gather::domain::people::PersonKind;
use gather::domain::{AppointmentId, ChargeId, PersonId};
use gather::error::AppError;
use gather::server::db::Db;

on_both_engines!(
    a_sponsor_and_each_participant_share_every_charge,
    shares_that_do_not_add_up_or_repeat_a_payer_change_nothing,
    one_participant_shares_their_charges_with_their_own_payer,
);

fn percent(payer: Payer, amount: &str) -> ShareInput {
    ShareInput {
        payer,
        fixed: false,
        amount: amount.into(),
    }
}

/// One participant's charges at a session as stored: (payer, amount, line, paid).
async fn parts(
    db: &Db,
    who: &SignedIn,
    id: AppointmentId,
    person: PersonId,
) -> Vec<(i64, i64, String, i64)> {
    let mut tx = db.begin().await.expect("tx");
    billing::bring_up_to_date(&mut tx, who, id, Some(person))
        .await
        .expect("up to date");
    let rows = billing_repo::charges_of(tx.conn(), who.practice_id, id, Some(person))
        .await
        .expect("charges");
    tx.commit().await.expect("commit");
    rows.into_iter()
        .filter(|r| r.amount_cents > 0)
        .map(|r| (r.payer_id, r.amount_cents, r.description, r.allocated_cents))
        .collect()
}

async fn a_sponsor_and_each_participant_share_every_charge(db: Db) {
    let p = practice(&db, "s1").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (case, id, people) = session_with(&db, who, "SA", 2, svc).await;
    let (shared, own) = (people[0], people[1]);
    let sponsor = person_of_kind(&db, who, "Lakeside Employer", PersonKind::Organization).await;
    cases::set_case_payer(&db, who, case, Payer::Organization(sponsor.0))
        .await
        .expect("sponsor pays");
    shares::add_share(&db, who, case, &percent(Payer::SelfPay, "20%"))
        .await
        .expect("each participant pays 20%");
    // One member pays for themself in full: shares are for those who follow the case.
    let m = membership_of(&db, who, case, own).await;
    cases::set_member_payer(&db, who, m, Some(Payer::SelfPay))
        .await
        .expect("own payer");

    let live = Live::start(&db);
    mark(&db, &live, who, id, shared, Some(Choice::Attended(svc))).await;
    mark(&db, &live, who, id, own, Some(Choice::Attended(svc))).await;
    let fee = charge_of(&db, who, id).await[&shared].0;
    assert!(fee > 0, "the service has a fee");
    let five = (fee + 2) / 5; // 20%, rounded as the split rounds a fee of this size
    let split = parts(&db, who, id, shared).await;
    assert_eq!(split.len(), 2, "{split:?}");
    assert_eq!(
        split.iter().map(|s| s.1).sum::<i64>(),
        fee,
        "the parts add up to the charge"
    );
    let mine = split.iter().find(|s| s.0 == shared.0).expect("own part");
    let theirs = split
        .iter()
        .find(|s| s.0 == sponsor.0)
        .expect("sponsor part");
    assert!((mine.1 - five).abs() <= 1, "{mine:?} of {fee}");
    assert!(mine.2.contains("20% share of"), "{}", mine.2);
    assert!(theirs.2.contains("80% share of"), "{}", theirs.2);
    let in_full = parts(&db, who, id, own).await;
    assert_eq!(in_full.len(), 1, "{in_full:?}");
    assert_eq!(
        (in_full[0].0, in_full[0].1),
        (own.0, fee),
        "an own payer pays in full"
    );

    // The session screen offers both parts; a payment must say whose part it pays.
    let offered = shares::charge_parts(&db, who, id, shared)
        .await
        .expect("parts");
    assert_eq!(offered.len(), 2);
    assert!(offered.iter().any(|o| o.self_pay));
    assert!(matches!(
        billing::take_payment(&db, who, id, shared, None, &cash("5")).await,
        Err(AppError::InvalidInput { ref field, .. }) if field == "part"
    ));
    let own_part = offered.iter().find(|o| o.self_pay).expect("own part").id;
    let taken = billing::take_payment(
        &db,
        who,
        id,
        shared,
        Some(own_part),
        &cash(&Money(mine.1).as_input()),
    )
    .await
    .expect("pays their part");
    assert_eq!(taken.applied, Money(mine.1));
    assert_eq!(taken.paid, Money(mine.1));
    assert_eq!(
        taken.owed,
        Money(theirs.1),
        "the sponsor's part is still owed"
    );
    assert!(matches!(
        billing::take_payment(&db, who, id, shared, Some(own_part), &cash("1")).await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        billing::take_payment(&db, who, id, shared, Some(ChargeId(i64::MAX)), &cash("1")).await,
        Err(AppError::InvalidInput { ref field, .. }) if field == "part"
    ));
    // With one part left owing, no choice is needed.
    let sponsor_paid = billing::take_payment(&db, who, id, shared, None, &cash("1"))
        .await
        .expect("the sponsor's part");
    assert_eq!(sponsor_paid.payer_name, "Lakeside Employer");
    assert_eq!(sponsor_paid.paid, Money(mine.1 + 100));

    // The share removed: the sponsor pays it all again, and what the participant paid goes
    // back to their credit rather than vanishing.
    let share_id = shares::all_of_case(db.acquire().await.expect("conn").conn(), case)
        .await
        .expect("shares")
        .case
        .ids[0];
    shares::remove_share(&db, who, case, share_id)
        .await
        .expect("removed");
    let whole = parts(&db, who, id, shared).await;
    assert_eq!(whole.len(), 1, "{whole:?}");
    assert_eq!((whole[0].0, whole[0].1), (sponsor.0, fee));
    assert!(!whole[0].2.contains("share"), "{}", whole[0].2);
    assert_eq!(credit(&db, who, shared).await, mine.1);
    assert!(matches!(
        shares::remove_share(&db, who, case, share_id).await,
        Err(AppError::NotFound)
    ));

    // A fixed share comes off first; the case's payer keeps the rest.
    let parent = person_of_kind(&db, who, "Parent Payer", PersonKind::BillingContact).await;
    shares::add_share(
        &db,
        who,
        case,
        &ShareInput {
            payer: Payer::Contact(parent.0),
            fixed: true,
            amount: "30".into(),
        },
    )
    .await
    .expect("fixed share");
    let fixed = parts(&db, who, id, shared).await;
    let parent_part = fixed.iter().find(|s| s.0 == parent.0).expect("parent");
    assert_eq!(parent_part.1, 3_000.min(fee));
    assert_eq!(fixed.iter().map(|s| s.1).sum::<i64>(), fee);
    let details = cases::case_details(&db, who, case).await.expect("case");
    assert_eq!(details.shares.len(), 1);
    assert!(
        details.shares[0].said.contains("$30.00"),
        "{}",
        details.shares[0].said
    );
}

async fn shares_that_do_not_add_up_or_repeat_a_payer_change_nothing(db: Db) {
    let p = practice(&db, "s2").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (case, _, _) = session_with(&db, who, "SB", 1, svc).await;
    let sponsor = person_of_kind(&db, who, "Hillside Employer", PersonKind::Organization).await;
    let partner = person_of_kind(&db, who, "Partner Payer", PersonKind::BillingContact).await;
    cases::set_case_payer(&db, who, case, Payer::Organization(sponsor.0))
        .await
        .expect("sponsor pays");
    shares::add_share(&db, who, case, &percent(Payer::SelfPay, "60"))
        .await
        .expect("60%");
    let field_of = |r: Result<(), AppError>| match r {
        Err(AppError::InvalidInput { field, message }) => (field, message),
        other => panic!("expected a field error, got {other:?}"),
    };
    let (field, message) = field_of(
        shares::add_share(&db, who, case, &percent(Payer::Contact(partner.0), "40")).await,
    );
    assert_eq!(field, "share");
    assert!(message.contains("100%"), "{message}");
    let fixed_nothing = ShareInput {
        payer: Payer::Contact(partner.0),
        fixed: true,
        amount: "0".into(),
    };
    let refused = [
        (percent(Payer::SelfPay, "5"), "share", "a payer twice"),
        (
            percent(Payer::Organization(sponsor.0), "5"),
            "share",
            "the case's own payer",
        ),
        (
            percent(Payer::Organization(partner.0), "5"),
            "payer",
            "a billing contact is not a sponsor",
        ),
        (fixed_nothing, "amount", "a fixed share of nothing"),
        (
            percent(Payer::Contact(partner.0), ""),
            "amount",
            "no percentage",
        ),
        (
            percent(Payer::Contact(partner.0), "abc"),
            "amount",
            "not a number",
        ),
        (percent(Payer::Contact(partner.0), "0"), "amount", "nothing"),
        (
            percent(Payer::Contact(partner.0), "100"),
            "amount",
            "everything",
        ),
        (
            percent(Payer::Contact(partner.0), "12.345"),
            "amount",
            "three decimals",
        ),
    ];
    for (input, field, why) in refused {
        assert_eq!(
            field_of(shares::add_share(&db, who, case, &input).await).0,
            field,
            "{why}"
        );
    }
    // The case's payer cannot become someone who already holds a share.
    let (field, _) = field_of(cases::set_case_payer(&db, who, case, Payer::SelfPay).await);
    assert_eq!(field, "payer");
    let details = cases::case_details(&db, who, case).await.expect("case");
    assert_eq!(details.payer.payer, Payer::Organization(sponsor.0));
    // Callers who may not see the case are refused as if it did not exist.
    let other = practice(&db, "s2x").await;
    assert!(matches!(
        shares::add_share(
            &db,
            &other.provider,
            case,
            &percent(Payer::Contact(partner.0), "5")
        )
        .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        shares::add_share(
            &db,
            &p.other_provider,
            case,
            &percent(Payer::Contact(partner.0), "5")
        )
        .await,
        Err(AppError::NotFound)
    ));
    let kept = shares::shares_of(db.acquire().await.expect("conn").conn(), case)
        .await
        .expect("shares");
    assert_eq!(kept.len(), 1, "nothing was added");
    assert_eq!(details.shares.len(), 1);
    assert_eq!(
        details.shares[0].said,
        "Each participant pays 60% of each charge"
    );
}

async fn one_participant_shares_their_charges_with_their_own_payer(db: Db) {
    let p = practice(&db, "s3").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (case, id, people) = session_with(&db, who, "SC", 3, svc).await;
    let (employed, follows, parented) = (people[0], people[1], people[2]);
    let sponsor = person_of_kind(&db, who, "Riverside Sponsor", PersonKind::Organization).await;
    let employer = person_of_kind(&db, who, "Harbor Works", PersonKind::Organization).await;
    let parent = person_of_kind(&db, who, "Pat Parent", PersonKind::BillingContact).await;
    cases::set_case_payer(&db, who, case, Payer::Organization(sponsor.0))
        .await
        .expect("sponsor pays");
    shares::add_share(&db, who, case, &percent(Payer::SelfPay, "20"))
        .await
        .expect("each participant pays 20%");
    let m_employed = membership_of(&db, who, case, employed).await;
    let m_follows = membership_of(&db, who, case, follows).await;
    let m_parented = membership_of(&db, who, case, parented).await;

    // A participant who follows the case's payer has no shares of their own.
    let field_of = |r: Result<(), AppError>| match r {
        Err(AppError::InvalidInput { field, message }) => (field, message),
        other => panic!("expected a field error, got {other:?}"),
    };
    let (field, message) = field_of(
        shares::add_member_share(&db, who, m_follows, &percent(Payer::SelfPay, "25")).await,
    );
    assert_eq!(field, "share");
    assert!(message.contains("own payer first"), "{message}");

    cases::set_member_payer(&db, who, m_employed, Some(Payer::Organization(employer.0)))
        .await
        .expect("employer pays");
    cases::set_member_payer(&db, who, m_parented, Some(Payer::Contact(parent.0)))
        .await
        .expect("parent pays");
    // Checked like a case's share, against the participant's own payer.
    for (bad, field) in [
        (percent(Payer::Organization(employer.0), "25"), "share"),
        (percent(Payer::SelfPay, "100"), "amount"),
        (percent(Payer::SelfPay, "none"), "amount"),
    ] {
        assert_eq!(
            field_of(shares::add_member_share(&db, who, m_employed, &bad).await).0,
            field
        );
    }
    // Someone who may not see the case, or another practice, is told nothing.
    assert!(matches!(
        shares::add_member_share(
            &db,
            &p.other_provider,
            m_employed,
            &percent(Payer::SelfPay, "25")
        )
        .await,
        Err(AppError::NotFound)
    ));
    let other = practice(&db, "s3-other").await;
    assert!(matches!(
        shares::add_member_share(
            &db,
            &other.owner,
            m_employed,
            &percent(Payer::SelfPay, "25")
        )
        .await,
        Err(AppError::NotFound)
    ));
    shares::add_member_share(&db, who, m_employed, &percent(Payer::SelfPay, "25"))
        .await
        .expect("the participant pays 25% beside their employer");

    let live = Live::start(&db);
    for person in &people {
        mark(&db, &live, who, id, *person, Some(Choice::Attended(svc))).await;
    }
    let fee = charge_of(&db, who, id).await[&employed].0;
    let quarter = fee / 4;
    let of = |split: &[(i64, i64, String, i64)], payer: PersonId| {
        split
            .iter()
            .find(|s| s.0 == payer.0)
            .map(|s| (s.1, s.2.clone()))
    };
    // Their own shares, not the case's: the employer 75%, themself 25%.
    let split = parts(&db, who, id, employed).await;
    assert_eq!(split.len(), 2, "{split:?}");
    assert_eq!(split.iter().map(|s| s.1).sum::<i64>(), fee);
    let (mine, line) = of(&split, employed).expect("own part");
    assert!((mine - quarter).abs() <= 1, "{mine} of {fee}");
    assert!(line.contains("25% share of"), "{line}");
    assert!(of(&split, employer)
        .expect("employer's part")
        .1
        .contains("75% share of"));
    assert_eq!(
        of(&split, sponsor),
        None,
        "the case's sponsor pays nothing of it"
    );
    // The next member follows the case's shares; the one with a parent pays in full by them.
    let split = parts(&db, who, id, follows).await;
    assert!(of(&split, sponsor)
        .expect("sponsor")
        .1
        .contains("80% share of"));
    assert!(of(&split, follows).expect("own").1.contains("20% share of"));
    assert_eq!(parts(&db, who, id, parented).await.len(), 1);
    assert_eq!(
        of(&parts(&db, who, id, parented).await, parent).map(|p| p.0),
        Some(fee)
    );

    // The case page shows the participant's shares on their row.
    let details = cases::case_details(&db, who, case).await.expect("case");
    let row = details
        .members
        .iter()
        .find(|m| m.person_id == employed)
        .expect("member");
    assert_eq!(row.shares.len(), 1);
    assert!(
        row.shares[0]
            .said
            .ends_with("pays 25% of each of their charges"),
        "{}",
        row.shares[0].said
    );
    assert!(details
        .members
        .iter()
        .filter(|m| m.person_id != employed)
        .all(|m| m.shares.is_empty()));

    // While shared, the participant keeps a payer of their own, and not one holding a share.
    assert_eq!(
        field_of(cases::set_member_payer(&db, who, m_employed, None).await).0,
        "payer"
    );
    assert_eq!(
        field_of(cases::set_member_payer(&db, who, m_employed, Some(Payer::SelfPay)).await).0,
        "payer"
    );
    // A share is removed only through its own participant.
    let share = row.shares[0].id;
    assert!(matches!(
        shares::remove_member_share(&db, who, m_parented, share).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        shares::remove_share(&db, who, case, share).await,
        Err(AppError::NotFound)
    ));
    shares::remove_member_share(&db, who, m_employed, share)
        .await
        .expect("removed");
    assert_eq!(
        of(&parts(&db, who, id, employed).await, employer).map(|p| p.0),
        Some(fee)
    );
    cases::set_member_payer(&db, who, m_employed, None)
        .await
        .expect("follows the case again");
    assert!(of(&parts(&db, who, id, employed).await, sponsor).is_some());

    // Each change is audited on the case.
    let mut c = db.acquire().await.expect("conn");
    let log = gather::audit::repo::recent_for_practice(c.conn(), p.id, 500)
        .await
        .expect("log");
    assert!(log.iter().any(|e| e.object_id == Some(case.0)
        && e.detail.contains(&format!(
            "payer share {share} of person {} added: the participant pays 25%",
            employed.0
        ))));
    assert!(log.iter().any(|e| e.object_id == Some(case.0)
        && e.detail.contains(&format!(
            "payer share {share} of person {} removed",
            employed.0
        ))));
}
