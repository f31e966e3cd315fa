//! The audit log against a real database: appended, read back, never changed.

use crate::common::fixtures::{person, practice};
use crate::on_both_engines;
use gather::audit::repo::{self as audit, NewEntry};
use gather::audit::{Action, Outcome};
use gather::auth::repo;
use gather::people::server::profile;
use gather::server::db::{now_ms, Db};

async fn entries_are_kept_per_practice_and_cannot_be_changed(db: Db) {
    let mut c = db.acquire().await.expect("conn");
    let a = repo::create_practice(c.conn(), "A", "UTC", now_ms())
        .await
        .expect("p");
    let b = repo::create_practice(c.conn(), "B", "UTC", now_ms())
        .await
        .expect("p");
    for (practice, detail) in [(a, "first"), (a, "second"), (b, "other practice")] {
        audit::append(
            c.conn(),
            &NewEntry {
                practice_id: Some(practice),
                actor: None,
                actor_label: "tester@a.example",
                action: Action::Read,
                object_kind: gather::audit::ObjectKind::Case,
                object_id: Some(7),
                outcome: Outcome::Success,
                detail,
            },
            now_ms(),
        )
        .await
        .expect("append");
    }
    let log = audit::recent_for_practice(c.conn(), a, 10)
        .await
        .expect("read");
    assert_eq!(log.len(), 2, "practice B's entry is not listed for A");
    assert_eq!(log[0].detail, "second", "newest first");
    assert_eq!(log[0].object_kind, "case");
    assert_eq!(log[0].object_id, Some(7));

    let id = log[0].id;
    assert!(
        audit::try_rewrite_for_test(c.conn(), id).await.is_err(),
        "update refused"
    );
    assert!(
        audit::try_delete_for_test(c.conn(), id).await.is_err(),
        "delete refused"
    );
    let again = audit::recent_for_practice(c.conn(), a, 10)
        .await
        .expect("read");
    assert_eq!(again, log, "nothing changed");
}

async fn an_entry_rolls_back_with_its_transaction(db: Db) {
    let mut c = db.acquire().await.expect("conn");
    let a = repo::create_practice(c.conn(), "A", "UTC", now_ms())
        .await
        .expect("p");
    drop(c);
    let mut tx = db.begin().await.expect("begin");
    audit::append(
        tx.conn(),
        &NewEntry {
            practice_id: Some(a),
            actor: None,
            actor_label: "tester@a.example",
            action: Action::Update,
            object_kind: gather::audit::ObjectKind::Person,
            object_id: Some(1),
            outcome: Outcome::Success,
            detail: "",
        },
        now_ms(),
    )
    .await
    .expect("append");
    drop(tx); // rolled back: the change it described never happened
    for _ in 0..3 {
        // A pool connection whose transaction was dropped must serve the next one.
        db.begin()
            .await
            .expect("begin after a dropped transaction")
            .commit()
            .await
            .expect("commit");
    }
    let mut c = db.acquire().await.expect("conn");
    assert!(audit::recent_for_practice(c.conn(), a, 10)
        .await
        .expect("read")
        .is_empty());
}

/// Reads of health information made by many page views at once are each in the log once
/// their answer is back: the audit writer batches them into shared transactions, and loses
/// none. Each entry keeps who read what.
async fn concurrent_reads_are_all_audited(db: Db) {
    let p = practice(&db, "batch").await;
    let who = &p.owner;
    let mut people = Vec::new();
    for i in 0..8 {
        people.push(person(&db, who, &format!("Read Person {i}")).await);
    }
    const VIEWS: usize = 120;
    let views = (0..VIEWS).map(|i| {
        let db = db.clone();
        let who = who.clone();
        let id = people[i % people.len()];
        tokio::spawn(async move { profile(&db, &who, id).await.map(|_| id) })
    });
    let mut read = Vec::new();
    for view in futures::future::join_all(views).await {
        read.push(view.expect("task").expect("profile"));
    }
    // Every answer came back after its entry was committed: all are there, at once.
    let mut c = db.acquire().await.expect("conn");
    let log = audit::recent_for_practice(c.conn(), p.id, 1_000)
        .await
        .expect("log");
    let reads: Vec<&gather::audit::AuditEntry> = log
        .iter()
        .filter(|e| e.action == "read" && e.object_kind == "person")
        .collect();
    assert_eq!(reads.len(), VIEWS, "one entry per page view, none lost");
    for id in &people {
        let expected = read.iter().filter(|r| *r == id).count();
        let logged = reads.iter().filter(|e| e.object_id == Some(id.0)).count();
        assert_eq!(logged, expected, "person {id:?}");
    }
    assert!(reads
        .iter()
        .all(|e| e.actor_account_id == Some(who.account_id.0) && e.actor_label == who.email));
}

on_both_engines!(
    entries_are_kept_per_practice_and_cannot_be_changed,
    an_entry_rolls_back_with_its_transaction,
    concurrent_reads_are_all_audited,
);
