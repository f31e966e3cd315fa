//! A practice to test in: its staff in every role, people, services, group drafts, and a
//! group with a session today. Built through the same service functions the app uses.

use chrono::{Duration, NaiveDate};
use gather::access::SignedIn;
use gather::auth::repo::{self as accounts, NewAccount};
use gather::calendar::server as calendar;
use gather::calendar::{NewAppointment, Scheduled};
use gather::cases::server as cases;
use gather::cases::NewCase;
use gather::domain::billing::Payer;
use gather::domain::cases::CaseKind;
use gather::domain::people::{PersonInput, PersonKind};
use gather::domain::schedule::{Ends, Repeat};
use gather::domain::{AccountId, AppointmentId, CaseId, PersonId, PracticeId, Role, ServiceId};
use gather::people::server as people;
use gather::server::db::{now_ms, Db};
use gather::services::repo as services;

pub(crate) struct Practice {
    pub id: PracticeId,
    pub owner: SignedIn,
    pub admin: SignedIn,
    pub provider: SignedIn,
    pub other_provider: SignedIn,
    pub supervisor: SignedIn,
    pub associate: SignedIn,
}

pub(crate) async fn staff(
    db: &Db,
    practice: PracticeId,
    name: &str,
    email: &str,
    role: Role,
    supervisor: Option<AccountId>,
) -> SignedIn {
    let mut c = db.acquire().await.expect("conn");
    let id = accounts::create_account(
        c.conn(),
        NewAccount {
            practice_id: practice,
            email,
            display_name: name,
            role,
            supervisor_id: supervisor,
            password_hash: "not used",
        },
        now_ms(),
    )
    .await
    .expect("account");
    SignedIn {
        token_hash: String::new(),
        account_id: id,
        practice_id: practice,
        role,
        display_name: name.into(),
        email: email.into(),
        practice_name: "Test practice".into(),
        time_zone: chrono_tz::America::Chicago,
        created_at: now_ms(),
        last_seen_at: now_ms(),
        refused: Default::default(),
    }
}

pub(crate) async fn practice(db: &Db, tag: &str) -> Practice {
    let mut c = db.acquire().await.expect("conn");
    let id = accounts::create_practice(
        c.conn(),
        &format!("Practice {tag}"),
        "America/Chicago",
        now_ms(),
    )
    .await
    .expect("practice");
    services::seed_standard(c.conn(), id, now_ms())
        .await
        .expect("services");
    gather::notes::repo::seed_templates(c.conn(), id, now_ms())
        .await
        .expect("templates");
    drop(c);
    let e = |who: &str| format!("{who}@{tag}.example");
    let supervisor = staff(
        db,
        id,
        "Sue Pervisor",
        &e("supervisor"),
        Role::Supervisor,
        None,
    )
    .await;
    Practice {
        id,
        owner: staff(db, id, "Olive Owner", &e("owner"), Role::Owner, None).await,
        admin: staff(db, id, "Adam Admin", &e("admin"), Role::Admin, None).await,
        provider: staff(
            db,
            id,
            "Paula Provider",
            &e("provider"),
            Role::Provider,
            None,
        )
        .await,
        other_provider: staff(db, id, "Otto Other", &e("other"), Role::Provider, None).await,
        associate: staff(
            db,
            id,
            "Asa Associate",
            &e("associate"),
            Role::Associate,
            Some(supervisor.account_id),
        )
        .await,
        supervisor,
    }
}

pub(crate) async fn person(db: &Db, who: &SignedIn, name: &str) -> PersonId {
    person_of_kind(db, who, name, PersonKind::Person).await
}

/// A person with an email address (reminders and messages go to it).
pub(crate) async fn person_with_email(
    db: &Db,
    who: &SignedIn,
    name: &str,
    email: &str,
) -> PersonId {
    people::create_person(
        db,
        who,
        &PersonInput {
            legal_name: name.into(),
            email: email.into(),
            ..Default::default()
        },
    )
    .await
    .expect("person")
}

pub(crate) async fn person_of_kind(
    db: &Db,
    who: &SignedIn,
    name: &str,
    kind: PersonKind,
) -> PersonId {
    people::create_person(
        db,
        who,
        &PersonInput {
            kind: Some(kind),
            legal_name: name.into(),
            ..Default::default()
        },
    )
    .await
    .expect("person")
}

pub(crate) async fn service(db: &Db, p: &Practice, code: &str) -> ServiceId {
    let mut c = db.acquire().await.expect("conn");
    services::by_code(c.conn(), p.id, code)
        .await
        .expect("q")
        .expect("service")
        .id
}

pub(crate) fn group(
    kind: CaseKind,
    name: &str,
    initials: &str,
    who: &SignedIn,
    service: Option<ServiceId>,
) -> NewCase {
    NewCase {
        kind,
        name: name.into(),
        initials: initials.into(),
        capacity: None,
        provider_ids: vec![who.account_id],
        default_service_id: service,
        participant_ids: vec![],
        payer: Payer::SelfPay,
    }
}

pub(crate) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// A therapy group with `n` members, default service 90853, and one session today.
pub(crate) async fn session_with(
    db: &Db,
    who: &SignedIn,
    initials: &str,
    n: usize,
    service: ServiceId,
) -> (CaseId, AppointmentId, Vec<PersonId>) {
    let mut draft = group(
        CaseKind::TherapyGroup,
        "Group",
        initials,
        who,
        Some(service),
    );
    draft.name = format!("Group {initials}");
    let case = cases::create_case(db, who, draft).await.expect("group");
    let mut people = Vec::new();
    for i in 0..n {
        let p = person(db, who, &format!("Member {initials} {i:03}")).await;
        cases::add_member(db, who, case, p, who.today() - Duration::days(30))
            .await
            .expect("member");
        people.push(p);
    }
    let id = schedule_on(db, who, case, who.today()).await;
    (case, id, people)
}

pub(crate) async fn schedule_on(
    db: &Db,
    who: &SignedIn,
    case: CaseId,
    day: chrono::NaiveDate,
) -> AppointmentId {
    schedule_at(db, who, case, day, "07:00").await
}

/// One 90-minute session of `case` on `day` at the practice-local `time`, run by `who`.
pub(crate) async fn schedule_at(
    db: &Db,
    who: &SignedIn,
    case: CaseId,
    day: chrono::NaiveDate,
    time: &str,
) -> AppointmentId {
    let draft = NewAppointment {
        case_id: case,
        day: day.to_string(),
        start_time: time.into(),
        minutes: 90,
        service_id: None,
        location: String::new(),
        video_link: String::new(),
        provider_ids: vec![who.account_id],
        repeat: Repeat::Never,
        ends: Ends::After(1),
        confirmed: true,
    };
    match calendar::schedule(db, who, draft).await.expect("schedule") {
        Scheduled::Done { first, .. } => first,
        Scheduled::NeedsConfirmation(w) => panic!("unexpected warnings: {w:?}"),
    }
}

/// A portal account for `person`, signed in (as a session of that account would be).
pub(crate) async fn portal_account(
    db: &Db,
    p: &Practice,
    person: PersonId,
    email: &str,
) -> SignedIn {
    let who = staff(db, p.id, "Portal person", email, Role::Participant, None).await;
    let mut c = db.acquire().await.expect("conn");
    accounts::link_person(c.conn(), email, person)
        .await
        .expect("link");
    who
}
