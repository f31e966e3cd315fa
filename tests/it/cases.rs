//! Cases, groups, membership over time, waitlists, billing responsibility and who sees
//! what, against a real database.

use crate::common::fixtures::{d, group, person, person_of_kind, practice, service};
use crate::on_both_engines;
use chrono::Duration;
use gather::access::answer;
use gather::audit::repo as audit;
use gather::cases::repo as cases_repo;
use gather::cases::server as cases;
use gather::cases::{
    Added, CaseSummary, ContactItems, ContactList, ContactSection, CONTACTS_PAGE, MAX_CONTACT_QUERY,
};
use gather::domain::billing::Payer;
use gather::domain::cases::CaseKind;
use gather::domain::people::{PersonInput, PersonKind};
use gather::domain::CaseId;
use gather::error::AppError;
use gather::people::server as people;
use gather::server::db::{now_ms, Db};
use gather::services::repo as services;

/// Every case of a contacts list's first page, groups and others.
fn all_cases(list: &ContactList) -> Vec<&CaseSummary> {
    list.groups.items.iter().chain(&list.cases.items).collect()
}

/// The contacts list pages through a practice larger than one page, on the server: every
/// person once, in name order, the last page saying so; a search narrows every section; a
/// provider pages through only whom they may see; an over-long search is refused.
async fn contacts_are_paged_and_searched_on_the_server(db: Db) {
    let p = practice(&db, "a").await;
    let owner = &p.owner;
    let total = CONTACTS_PAGE * 2 + 3;
    for i in 0..total {
        person(&db, owner, &format!("Paged Person {i:03}")).await;
    }
    let list = cases::contacts(&db, owner, "paged")
        .await
        .expect("contacts");
    assert_eq!(list.query, "paged");
    assert_eq!(list.people.items.len(), CONTACTS_PAGE);
    let mut names: Vec<String> = list
        .people
        .items
        .iter()
        .map(|x| x.display_name.clone())
        .collect();
    let mut after = list.people.next.clone();
    let mut pages = 1;
    while let Some(cursor) = after {
        let ContactItems::People(page) =
            cases::more_contacts(&db, owner, "paged", ContactSection::People, &cursor)
                .await
                .expect("more")
        else {
            panic!("a people section answers with people");
        };
        assert!(page.items.len() <= CONTACTS_PAGE);
        names.extend(page.items.iter().map(|x| x.display_name.clone()));
        after = page.next;
        pages += 1;
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..total).map(|i| format!("Paged Person {i:03}")).collect();
    assert_eq!(names, expected, "every person once, in name order");

    // The search narrows on the server; the other sections are searched too.
    let one = cases::contacts(&db, owner, "  person 007 ")
        .await
        .expect("search");
    assert_eq!(one.query, "person 007");
    let found: Vec<&str> = one
        .people
        .items
        .iter()
        .map(|x| x.display_name.as_str())
        .collect();
    assert_eq!(found, vec!["Paged Person 007"]);
    assert!(one.people.next.is_none() && all_cases(&one).is_empty());

    // A provider sees none of the owner's unaffiliated people.
    let theirs = cases::contacts(&db, &p.provider, "paged")
        .await
        .expect("provider");
    assert!(theirs.people.items.is_empty() && theirs.people.next.is_none());

    // Groups and other cases page separately.
    let g = cases::create_case(
        &db,
        owner,
        group(
            CaseKind::Workshop,
            "Paged workshop",
            "PW",
            &p.provider,
            None,
        ),
    )
    .await
    .expect("group");
    let both = cases::contacts(&db, owner, "paged")
        .await
        .expect("contacts");
    assert_eq!(
        both.groups.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![g]
    );
    assert!(both.cases.items.is_empty());

    // Each listing that named someone is a read in the audit log.
    let mut c = db.acquire().await.expect("conn");
    let listings = audit::recent_for_practice(c.conn(), p.id, 100)
        .await
        .expect("log")
        .into_iter()
        .filter(|e| e.action == "read" && e.detail.starts_with("contacts list"))
        .count();
    drop(c);
    assert_eq!(
        listings, 5,
        "three pages, one search, one listing with the group"
    );

    let long = "x".repeat(MAX_CONTACT_QUERY + 1);
    assert!(matches!(
        cases::contacts(&db, owner, &long).await,
        Err(AppError::InvalidInput { ref field, .. }) if field == "query"
    ));
}

async fn roster(db: &Db, case: CaseId, day: &str) -> Vec<String> {
    let mut c = db.acquire().await.expect("conn");
    cases_repo::members_on(c.conn(), case, d(day))
        .await
        .expect("roster")
        .into_iter()
        .map(|m| m.legal_name)
        .collect()
}

async fn memberships_over_time(db: Db) {
    let p = practice(&db, "a").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let g = cases::create_case(
        &db,
        who,
        group(CaseKind::TherapyGroup, "Grief Group", "gg", who, Some(svc)),
    )
    .await
    .expect("group");
    let ana = person(&db, who, "Ana Alvarez").await;
    let ben = person(&db, who, "Ben Brown").await;
    let Added::Member(ana_first) = cases::add_member(&db, who, g, ana, d("2026-01-05"))
        .await
        .expect("add")
    else {
        panic!("no capacity, so no waitlist");
    };
    cases::add_member(&db, who, g, ben, d("2026-02-01"))
        .await
        .expect("add");
    cases::end_membership(&db, who, ana_first, d("2026-03-01"))
        .await
        .expect("end");

    assert_eq!(roster(&db, g, "2026-01-04").await, Vec::<String>::new());
    assert_eq!(roster(&db, g, "2026-01-05").await, vec!["Ana Alvarez"]);
    assert_eq!(
        roster(&db, g, "2026-02-15").await,
        vec!["Ana Alvarez", "Ben Brown"]
    );
    assert_eq!(
        roster(&db, g, "2026-03-01").await,
        vec!["Ben Brown"],
        "gone from the day she left"
    );

    let overlap = cases::add_member(&db, who, g, ana, d("2026-02-20")).await;
    assert!(
        matches!(overlap, Err(AppError::InvalidInput { .. })),
        "{overlap:?}"
    );
    cases::add_member(&db, who, g, ana, d("2026-04-01"))
        .await
        .expect("rejoins");
    assert_eq!(roster(&db, g, "2026-03-15").await, vec!["Ben Brown"]);
    assert_eq!(
        roster(&db, g, "2026-04-01").await,
        vec!["Ana Alvarez", "Ben Brown"]
    );
    let again = cases::add_member(&db, who, g, ana, d("2026-05-01")).await;
    assert!(
        matches!(again, Err(AppError::InvalidInput { .. })),
        "already current: {again:?}"
    );

    let details = cases::case_details(&db, who, g).await.expect("details");
    assert_eq!(details.current().count(), 2);
    assert_eq!(
        details.past().count(),
        1,
        "the first period is kept as history"
    );
    assert_eq!(
        details.default_service.map(|s| s.code).as_deref(),
        Some("90853")
    );
}

async fn a_full_group_waitlists_and_promotes(db: Db) {
    let p = practice(&db, "a").await;
    let who = &p.provider;
    let mut draft = group(CaseKind::Workshop, "Budgeting Basics", "BB", who, None);
    draft.capacity = Some(2);
    let g = cases::create_case(&db, who, draft).await.expect("group");
    let today = who.today();
    let mut ids = Vec::new();
    for name in ["One", "Two", "Three"] {
        let id = person(&db, who, name).await;
        ids.push(
            cases::add_member(&db, who, g, id, today)
                .await
                .expect("add"),
        );
    }
    assert!(matches!(ids[0], Added::Member(_)));
    assert!(matches!(ids[1], Added::Member(_)));
    let Added::Waitlisted(waiting) = ids[2] else {
        panic!("the third waits: {:?}", ids[2])
    };
    let full = cases::promote(&db, who, waiting, today).await;
    assert!(
        matches!(full, Err(AppError::Conflict(ref m)) if m.contains("full")),
        "{full:?}"
    );
    let Added::Member(first) = ids[0] else {
        unreachable!()
    };
    cases::end_membership(&db, who, first, today + Duration::days(1))
        .await
        .expect("end");
    cases::promote(&db, who, waiting, today + Duration::days(1))
        .await
        .expect("a seat is free");
    let details = cases::case_details(&db, who, g).await.expect("details");
    assert_eq!(details.waitlist().count(), 0);
    assert_eq!(
        details.current().count(),
        3,
        "today the leaver still has their seat"
    );
    assert_eq!(
        details.current().filter(|m| m.left_on.is_none()).count(),
        2,
        "from tomorrow, two"
    );
}

async fn providers_see_only_their_cases(db: Db) {
    let p = practice(&db, "a").await;
    let mine = cases::create_case(
        &db,
        &p.provider,
        group(CaseKind::TherapyGroup, "Mine", "MINE", &p.provider, None),
    )
    .await
    .expect("case");
    let client = person(&db, &p.provider, "Private Client").await;
    cases::add_member(&db, &p.provider, mine, client, p.provider.today())
        .await
        .expect("add");

    let other = &p.other_provider;
    let list = cases::contacts(&db, other, "").await.expect("contacts");
    let (listed, people_listed) = (all_cases(&list), &list.people.items);
    assert!(listed.iter().all(|c| c.id != mine), "never listed");
    assert!(
        people_listed.iter().all(|x| x.id != client),
        "nor its client"
    );
    assert_eq!(
        answer(&db, other, cases::case_details(&db, other, mine))
            .await
            .err(),
        Some(AppError::NotFound)
    );
    assert_eq!(
        answer(&db, other, people::profile(&db, other, client))
            .await
            .err(),
        Some(AppError::NotFound)
    );
    let mut c = db.acquire().await.expect("conn");
    let denied = audit::recent_for_practice(c.conn(), p.id, 50)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.outcome == "denied" && e.actor_account_id == Some(other.account_id.0))
        .count();
    assert_eq!(denied, 2, "both refusals are in the audit log");
    drop(c);

    // Owners and admins see everything.
    for boss in [&p.owner, &p.admin] {
        assert!(cases::case_details(&db, boss, mine).await.is_ok());
    }
    // Sharing opens it to the other provider.
    cases::share_case(&db, &p.provider, mine, other.account_id)
        .await
        .expect("share");
    assert!(cases::case_details(&db, other, mine).await.is_ok());
    assert!(people::profile(&db, other, client).await.is_ok());
}

async fn supervisors_see_their_associates_cases(db: Db) {
    let p = practice(&db, "a").await;
    let a = &p.associate;
    let case = cases::create_case(
        &db,
        a,
        group(CaseKind::TherapyGroup, "Associate's group", "AG", a, None),
    )
    .await
    .expect("associate creates");
    assert!(cases::case_details(&db, &p.supervisor, case).await.is_ok());
    assert_eq!(
        cases::case_details(&db, &p.provider, case).await.err(),
        Some(AppError::NotFound)
    );
}

async fn nothing_crosses_practices(db: Db) {
    let a = practice(&db, "a").await;
    let b = practice(&db, "b").await;
    let case = cases::create_case(
        &db,
        &a.owner,
        group(CaseKind::Workshop, "A's workshop", "AW", &a.provider, None),
    )
    .await
    .expect("case");
    let someone = person(&db, &a.owner, "A's client").await;
    assert_eq!(
        cases::case_details(&db, &b.owner, case).await.err(),
        Some(AppError::NotFound)
    );
    assert_eq!(
        people::profile(&db, &b.owner, someone).await.err(),
        Some(AppError::NotFound)
    );
    let list = cases::contacts(&db, &b.owner, "").await.expect("contacts");
    assert!(all_cases(&list).is_empty() && list.people.items.is_empty());
    // Initials are unique per practice, not across practices.
    cases::create_case(
        &db,
        &b.owner,
        group(CaseKind::Workshop, "B's workshop", "AW", &b.provider, None),
    )
    .await
    .expect("same initials in another practice");
    // And B cannot add A's person to its case.
    let b_case = cases::create_case(
        &db,
        &b.owner,
        group(CaseKind::Workshop, "B two", "BT", &b.provider, None),
    )
    .await
    .expect("case");
    let r = cases::add_member(&db, &b.owner, b_case, someone, b.owner.today()).await;
    assert!(matches!(r, Err(AppError::InvalidInput { .. })), "{r:?}");
}

async fn case_rules_are_enforced(db: Db) {
    let p = practice(&db, "a").await;
    let who = &p.provider;
    let therapy_code = service(&db, &p, "90853").await;
    let r = cases::create_case(
        &db,
        who,
        group(CaseKind::Workshop, "W", "W1", who, Some(therapy_code)),
    )
    .await;
    assert!(
        matches!(r, Err(AppError::InvalidInput { ref field, .. }) if field == "default_service"),
        "{r:?}"
    );
    cases::create_case(
        &db,
        who,
        group(CaseKind::TherapyGroup, "T", "T1", who, Some(therapy_code)),
    )
    .await
    .expect("therapy group with 90853");
    let dup = cases::create_case(
        &db,
        who,
        group(CaseKind::Workshop, "Other", "t1", who, None),
    )
    .await;
    assert!(
        matches!(dup, Err(AppError::InvalidInput { ref field, .. }) if field == "initials"),
        "{dup:?}"
    );
    let mut not_mine = group(CaseKind::Workshop, "Not mine", "NM", who, None);
    not_mine.provider_ids = vec![p.other_provider.account_id];
    let r = cases::create_case(&db, who, not_mine).await;
    assert!(
        matches!(r, Err(AppError::InvalidInput { ref field, .. }) if field == "providers"),
        "{r:?}"
    );
    let mut couple = group(CaseKind::Couple, "Pair", "", who, None);
    couple.participant_ids = vec![person(&db, who, "Only One").await];
    let r = cases::create_case(&db, who, couple).await;
    assert!(
        matches!(r, Err(AppError::InvalidInput { ref field, .. }) if field == "participants"),
        "{r:?}"
    );
    // Nothing half-written: the failed cases left no rows behind.
    let list = cases::contacts(&db, who, "").await.expect("contacts");
    assert_eq!(all_cases(&list).len(), 1);
}

async fn workshops_have_no_diagnoses(db: Db) {
    let p = practice(&db, "a").await;
    let who = &p.provider;
    let client = person(&db, who, "Client").await;
    let mut w = group(CaseKind::Workshop, "W", "WW", who, None);
    w.participant_ids = vec![client];
    let w = cases::create_case(&db, who, w).await.expect("workshop");
    let r = cases::add_diagnosis(
        &db,
        who,
        w,
        client,
        "F41.1",
        "Generalized anxiety disorder",
        who.today(),
    )
    .await;
    assert_eq!(r.err(), Some(AppError::NotFound));
    assert!(cases::case_details(&db, who, w)
        .await
        .expect("details")
        .diagnoses
        .is_none());

    let mut t = group(CaseKind::Individual, "", "", who, None);
    t.participant_ids = vec![client];
    let t = cases::create_case(&db, who, t).await.expect("individual");
    cases::add_diagnosis(
        &db,
        who,
        t,
        client,
        "f41.1",
        "Generalized anxiety disorder",
        who.today(),
    )
    .await
    .expect("clinical cases record diagnoses");
    let details = cases::case_details(&db, who, t).await.expect("details");
    assert_eq!(
        details.name, "Client",
        "an individual case is named after its client"
    );
    assert_eq!(details.diagnoses.expect("present")[0].code, "F41.1");
}

async fn billing_responsibility_is_separate_from_participation(db: Db) {
    let p = practice(&db, "a").await;
    let who = &p.provider;
    let sponsor = person_of_kind(&db, who, "Acme EAP", PersonKind::Organization).await;
    let parent = person_of_kind(&db, who, "Pat Parent", PersonKind::BillingContact).await;
    let kid = person(&db, who, "Kid").await;
    let mut w = group(CaseKind::Workshop, "W", "WS", who, None);
    w.payer = Payer::Organization(sponsor.0);
    w.participant_ids = vec![kid];
    let w = cases::create_case(&db, who, w).await.expect("workshop");
    let details = cases::case_details(&db, who, w).await.expect("details");
    assert_eq!(details.payer.label, "Sponsor: Acme EAP");

    let wrong = cases::set_case_payer(&db, who, w, Payer::Organization(parent.0)).await;
    assert!(
        matches!(wrong, Err(AppError::InvalidInput { .. })),
        "{wrong:?}"
    );
    let member = details.current().next().expect("member").membership_id;
    cases::set_member_payer(&db, who, member, Some(Payer::Contact(parent.0)))
        .await
        .expect("override");
    let details = cases::case_details(&db, who, w).await.expect("details");
    let m = details.current().next().expect("member");
    assert_eq!(
        m.payer_override.as_ref().map(|p| p.label.as_str()),
        Some("Billing contact: Pat Parent")
    );
    assert_eq!(
        details.payer.label, "Sponsor: Acme EAP",
        "the case default is unchanged"
    );
    // A billing contact does not take part.
    let r = cases::add_member(&db, who, w, parent, who.today()).await;
    assert!(matches!(r, Err(AppError::InvalidInput { .. })), "{r:?}");
}

async fn group_memberships_from_the_profile(db: Db) {
    let p = practice(&db, "a").await;
    let who = &p.provider;
    let g1 = cases::create_case(
        &db,
        who,
        group(CaseKind::TherapyGroup, "G one", "GA", who, None),
    )
    .await
    .expect("g");
    let g2 = cases::create_case(
        &db,
        who,
        group(CaseKind::Workshop, "G two", "GB", who, None),
    )
    .await
    .expect("g");
    let x = person(&db, who, "Xavier").await;
    gather::people::server::set_groups(&db, who, x, vec![g1, g2])
        .await
        .expect("tick both");
    let prof = people::profile(&db, who, x).await.expect("profile");
    assert_eq!(
        prof.memberships
            .iter()
            .filter(|m| m.is_current(&prof.today))
            .count(),
        2
    );
    // Unticked the day they joined: the period never began, so it is withdrawn.
    gather::people::server::set_groups(&db, who, x, vec![g2])
        .await
        .expect("untick one");
    let prof = people::profile(&db, who, x).await.expect("profile");
    let current: Vec<CaseId> = prof
        .memberships
        .iter()
        .filter(|m| m.is_current(&prof.today))
        .map(|m| m.case_id)
        .collect();
    assert_eq!(current, vec![g2]);
    // A membership that had begun closes and stays as history.
    let y = person(&db, who, "Yara").await;
    let Added::Member(m) = cases::add_member(&db, who, g1, y, who.today() - Duration::days(30))
        .await
        .expect("add")
    else {
        panic!("no capacity");
    };
    let _ = m;
    gather::people::server::set_groups(&db, who, y, vec![])
        .await
        .expect("untick");
    let prof = people::profile(&db, who, y).await.expect("profile");
    assert_eq!(prof.memberships.len(), 1);
    assert_eq!(prof.memberships[0].left_on, Some(who.today().to_string()));
    // Ticking a group the caller cannot see is refused, and nothing changes.
    let hidden = cases::create_case(
        &db,
        &p.other_provider,
        group(CaseKind::Workshop, "Hidden", "HID", &p.other_provider, None),
    )
    .await
    .expect("g");
    let r = gather::people::server::set_groups(&db, who, y, vec![g1, hidden]).await;
    assert_eq!(r.err(), Some(AppError::NotFound));
    let prof = people::profile(&db, who, y).await.expect("profile");
    assert!(
        prof.memberships.iter().all(|m| !m.is_current(&prof.today)),
        "the whole change rolled back"
    );
}

async fn used_services_are_deactivated_not_deleted(db: Db) {
    let p = practice(&db, "a").await;
    let who = &p.provider;
    let mut c = db.acquire().await.expect("conn");
    let fields = |code| services::ServiceFields {
        code,
        name: "Custom",
        category: gather::domain::cases::ServiceCategory::Other,
        minutes: 60,
        fee_cents: 1_000,
    };
    let unused = services::insert(c.conn(), p.id, &fields("UNUSED"), false, now_ms())
        .await
        .expect("insert");
    let used = services::insert(c.conn(), p.id, &fields("USED"), false, now_ms())
        .await
        .expect("insert");
    drop(c);
    cases::create_case(
        &db,
        who,
        group(CaseKind::Workshop, "W", "WS", who, Some(used)),
    )
    .await
    .expect("case");
    let mut c = db.acquire().await.expect("conn");
    assert_eq!(
        services::retire(c.conn(), p.id, unused)
            .await
            .expect("retire"),
        Some(true)
    );
    assert_eq!(
        services::retire(c.conn(), p.id, used)
            .await
            .expect("retire"),
        Some(false)
    );
    let active = services::list(c.conn(), p.id, false).await.expect("list");
    assert!(active
        .iter()
        .all(|s| s.code != "USED" && s.code != "UNUSED"));
    let all = services::list(c.conn(), p.id, true).await.expect("list");
    assert!(
        all.iter().any(|s| s.code == "USED" && !s.active),
        "kept, inactive"
    );
    assert!(all.iter().all(|s| s.code != "UNUSED"), "deleted");
    let other = practice(&db, "b").await;
    assert_eq!(
        services::retire(c.conn(), other.id, used)
            .await
            .expect("retire"),
        None,
        "not across practices"
    );
}

async fn review_fixes_hold(db: Db) {
    let p = practice(&db, "a").await;
    let who = &p.provider;
    // A person's type is fixed once created.
    let client = person(&db, who, "Kept Private").await;
    people::update_person(
        &db,
        who,
        client,
        &PersonInput {
            kind: Some(PersonKind::Organization),
            legal_name: "Kept Private".into(),
            ..Default::default()
        },
    )
    .await
    .expect("update");
    assert_eq!(
        people::profile(&db, &p.other_provider, client).await.err(),
        Some(AppError::NotFound),
        "not turned into a practice-wide organization"
    );

    // Someone a case was shared with may not replace its providers.
    let mut draft = group(CaseKind::TherapyGroup, "Shared", "SH", who, None);
    draft.capacity = Some(1);
    let g = cases::create_case(&db, who, draft).await.expect("case");
    cases::share_case(&db, who, g, p.other_provider.account_id)
        .await
        .expect("share");
    let takeover = gather::cases::CaseEdit {
        name: "Shared".into(),
        initials: "SH".into(),
        capacity: Some(1),
        provider_ids: vec![p.other_provider.account_id],
        default_service_id: None,
    };
    let r = cases::update_case(&db, &p.other_provider, g, takeover.clone()).await;
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    let rename = gather::cases::CaseEdit {
        name: "Shared, renamed".into(),
        provider_ids: vec![who.account_id],
        ..takeover
    };
    cases::update_case(&db, &p.other_provider, g, rename)
        .await
        .expect("other details may change");

    // A running membership is never erased by a mistyped end date.
    let today = who.today();
    let Added::Member(m) = cases::add_member(&db, who, g, client, today - Duration::days(10))
        .await
        .expect("add")
    else {
        panic!("a seat was free");
    };
    let r = cases::end_membership(&db, who, m, today - Duration::days(20)).await;
    assert!(matches!(r, Err(AppError::InvalidInput { .. })), "{r:?}");
    assert_eq!(
        cases::case_details(&db, who, g)
            .await
            .expect("d")
            .current()
            .count(),
        1
    );

    // Leaving next week still holds the seat until then.
    cases::end_membership(&db, who, m, today + Duration::days(7))
        .await
        .expect("end later");
    let d = cases::case_details(&db, who, g).await.expect("d");
    assert_eq!(d.current().count(), 1, "still current until the end date");
    assert_eq!(d.past().count(), 0);
    let next = person(&db, who, "Next In Line").await;
    let added = cases::add_member(&db, who, g, next, today)
        .await
        .expect("add");
    assert!(
        matches!(added, Added::Waitlisted(_)),
        "the seat is still taken: {added:?}"
    );
}

on_both_engines!(
    review_fixes_hold,
    used_services_are_deactivated_not_deleted,
    memberships_over_time,
    a_full_group_waitlists_and_promotes,
    providers_see_only_their_cases,
    supervisors_see_their_associates_cases,
    nothing_crosses_practices,
    case_rules_are_enforced,
    workshops_have_no_diagnoses,
    billing_responsibility_is_separate_from_participation,
    group_memberships_from_the_profile,
    contacts_are_paged_and_searched_on_the_server,
);
