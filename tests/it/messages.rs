//! Secure messages against a real database: "Message the group" is one thread per member
//! with one notice each that names nobody; a participant reaches only their own threads and
//! staff only threads of people they may see; unread counts follow replies; reads are
//! audited.

use crate::accounts::Mailbox;
use crate::common::fixtures::{group, person_with_email, portal_account, practice};
use crate::on_both_engines;
use chrono::Duration;
use gather::cases::server as cases;
use gather::domain::cases::CaseKind;
use gather::domain::PersonId;
use gather::error::AppError;
use gather::mail::repo::with_key_prefix;
use gather::messages::server as messages;
use gather::messages::{InboxFilter, NewThread};
use gather::server::db::Db;

const URL: &str = "http://gather.test";

async fn group_message_is_one_thread_per_member(db: Db) {
    let p = practice(&db, "msggroup").await;
    let who = &p.provider;
    let mut members = Vec::new();
    for i in 0..12 {
        members.push(
            person_with_email(
                &db,
                who,
                &format!("Member{i:02} Surname{i:02}"),
                &format!("m{i:02}@msggroup.example"),
            )
            .await,
        );
    }
    let mut draft = group(CaseKind::TherapyGroup, "Grief group", "MG1", who, None);
    draft.name = "Grief group".into();
    let case = cases::create_case(&db, who, draft).await.expect("group");
    for &m in &members {
        cases::add_member(&db, who, case, m, who.today() - Duration::days(10))
            .await
            .expect("member");
    }
    // Bad input is refused with the field, and nothing is written.
    assert!(matches!(
        messages::message_group(&db, URL, who, case, " ", "Hello").await,
        Err(AppError::InvalidInput { field, .. }) if field == "subject"
    ));
    let sent = messages::message_group(
        &db,
        URL,
        who,
        case,
        "Next week",
        "We meet in room 4 next week.",
    )
    .await
    .expect("send");
    assert_eq!(sent, 12);
    let inbox = messages::inbox(
        &db,
        who,
        InboxFilter {
            case: Some(case),
            ..Default::default()
        },
    )
    .await
    .expect("inbox");
    assert_eq!(inbox.threads.len(), 12);
    let mut with: Vec<PersonId> = inbox.threads.iter().map(|t| t.person_id).collect();
    with.sort();
    with.dedup();
    assert_eq!(with.len(), 12, "one thread per member");
    for t in &inbox.threads {
        let view = messages::thread(&db, who, t.id, 0).await.expect("thread");
        assert_eq!(view.messages.len(), 1);
    }

    let mail = Mailbox::new();
    let emails = mail.deliver(&db).await;
    assert_eq!(emails.len(), 12);
    for e in &emails {
        assert_eq!(
            e.matches("@msggroup.example").count(),
            1,
            "one address per email: {e}"
        );
        assert!(
            !e.contains("Member") && !e.contains("Surname"),
            "no names: {e}"
        );
        assert!(
            !e.contains("Grief") && !e.contains("room 4"),
            "no group, no message: {e}"
        );
        assert!(
            e.contains(&format!("New message from {}", who.practice_name)),
            "{e}"
        );
        assert!(e.contains(&format!("{URL}/login")));
    }
    let mut c = db.acquire().await.expect("conn");
    assert_eq!(
        with_key_prefix(c.conn(), "message:")
            .await
            .expect("outbox")
            .len(),
        12
    );
    drop(c);

    // An individual case is not messaged as a group.
    let mut solo = group(CaseKind::Individual, "Solo", "MG2", who, None);
    solo.name = "Solo".into();
    solo.participant_ids = vec![members[0]];
    let solo = cases::create_case(&db, who, solo).await.expect("case");
    assert!(matches!(
        messages::message_group(&db, URL, who, solo, "Hi", "Hello").await,
        Err(AppError::InvalidInput { field, .. }) if field == "case"
    ));
}

async fn each_side_reaches_only_its_own(db: Db) {
    let p = practice(&db, "msgreach").await;
    let who = &p.provider;
    let ana = person_with_email(&db, who, "Ana Diaz", "ana@msgreach.example").await;
    let ben = person_with_email(&db, who, "Ben Okafor", "ben@msgreach.example").await;
    let mut draft = group(CaseKind::TherapyGroup, "Group", "MR1", who, None);
    draft.name = "Reach group".into();
    let case = cases::create_case(&db, who, draft).await.expect("group");
    for m in [ana, ben] {
        cases::add_member(&db, who, case, m, who.today() - Duration::days(10))
            .await
            .expect("member");
    }
    let to_ana = messages::start(
        &db,
        URL,
        who,
        NewThread {
            person: Some(ana),
            case: Some(case),
            subject: "Your forms".into(),
            body: "Please bring the forms.".into(),
        },
    )
    .await
    .expect("start");
    let to_ben = messages::start(
        &db,
        URL,
        who,
        NewThread {
            person: Some(ben),
            case: None,
            subject: "Hello Ben".into(),
            body: "A note for Ben.".into(),
        },
    )
    .await
    .expect("start");

    // A thread about a case is only with one of its members.
    let stranger = person_with_email(&db, who, "Cy Park", "cy@msgreach.example").await;
    assert!(matches!(
        messages::start(
            &db,
            URL,
            who,
            NewThread { person: Some(stranger), case: Some(case), subject: "x".into(), body: "y".into() },
        )
        .await,
        Err(AppError::InvalidInput { field, .. }) if field == "case"
    ));

    // Staff who do not see the group or its people, and another practice, are refused.
    for outsider in [&p.other_provider, &practice(&db, "msgreach2").await.owner] {
        assert!(matches!(
            messages::thread(&db, outsider, to_ana, 0).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            messages::reply(&db, URL, outsider, to_ana, "hi").await,
            Err(AppError::NotFound)
        ));
        let inbox = messages::inbox(&db, outsider, InboxFilter::default())
            .await
            .expect("inbox");
        assert!(inbox.threads.is_empty());
    }
    assert!(matches!(
        messages::start(
            &db,
            URL,
            &p.other_provider,
            NewThread {
                person: Some(ana),
                case: None,
                subject: "x".into(),
                body: "y".into()
            },
        )
        .await,
        Err(AppError::NotFound)
    ));

    // Ana in the portal: her thread only, never Ben's.
    let ana_portal = portal_account(&db, &p, ana, "ana@msgreach.example").await;
    let mine = messages::my_threads(&db, &ana_portal)
        .await
        .expect("threads");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id, to_ana);
    assert_eq!(mine[0].unread, 1);
    assert_eq!(mine[0].case_name, None, "the portal list names no case");
    assert!(matches!(
        messages::my_thread(&db, &ana_portal, to_ben, 0).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        messages::my_reply(&db, &ana_portal, to_ben, "hi").await,
        Err(AppError::NotFound)
    ));
    let view = messages::my_thread(&db, &ana_portal, to_ana, 0)
        .await
        .expect("read");
    assert_eq!(view.messages.len(), 1);
    assert!(!view.messages[0].mine);
    assert_eq!(
        messages::my_threads(&db, &ana_portal)
            .await
            .expect("threads")[0]
            .unread,
        0
    );

    // Her reply is unread for the practice until someone opens the thread.
    messages::my_reply(&db, &ana_portal, to_ana, "I will bring them.")
        .await
        .expect("reply");
    let inbox = messages::inbox(
        &db,
        who,
        InboxFilter {
            unread_only: true,
            ..Default::default()
        },
    )
    .await
    .expect("inbox");
    assert_eq!(inbox.unread_threads, 1);
    assert_eq!(inbox.threads.len(), 1);
    assert_eq!(inbox.threads[0].id, to_ana);
    let last = messages::thread(&db, who, to_ana, 0).await.expect("thread");
    assert_eq!(last.messages.len(), 2);
    assert_eq!(last.messages[1].body, "I will bring them.");
    // Polling for what is new returns nothing more.
    let newer = messages::thread(&db, who, to_ana, last.messages[1].id)
        .await
        .expect("poll");
    assert!(newer.messages.is_empty());
    let inbox = messages::inbox(&db, who, InboxFilter::default())
        .await
        .expect("inbox");
    assert_eq!(inbox.unread_threads, 0);

    // A message written from the portal starts a thread the practice sees.
    let from_ana =
        messages::my_new_thread(&db, &ana_portal, "Running late", "Ten minutes late today.")
            .await
            .expect("new");
    let inbox = messages::inbox(
        &db,
        who,
        InboxFilter {
            person: Some(ana),
            ..Default::default()
        },
    )
    .await
    .expect("inbox");
    assert!(inbox
        .threads
        .iter()
        .any(|t| t.id == from_ana && t.unread == 1));

    // Reads are audited, by staff and by the person.
    let mut c = db.acquire().await.expect("conn");
    let audit = gather::audit::repo::recent_for_practice(c.conn(), p.id, 200)
        .await
        .expect("audit");
    let reads = |actor: i64| {
        audit
            .iter()
            .filter(|e| e.object_kind == "message_thread" && e.action == "read")
            .filter(|e| e.actor_account_id == Some(actor))
            .count()
    };
    assert!(reads(who.account_id.0) >= 3, "{audit:?}");
    assert!(reads(ana_portal.account_id.0) >= 2);
}

on_both_engines!(
    group_message_is_one_thread_per_member,
    each_side_reaches_only_its_own
);
