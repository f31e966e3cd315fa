//! The demo practice seeded into an empty database, so a new user can sign in as every
//! role at once.

use super::db::{now_ms, Db, Tx};
use crate::auth::repo::{self, NewAccount};
use crate::auth::server::hash_password;
use crate::cases::repo::{self as cases, CaseFields};
use crate::domain::billing::Payer;
use crate::domain::cases::{CaseKind, ServiceCategory};
use crate::domain::people::{PersonInput, PersonKind};
use crate::domain::{AccountId, CaseId, PersonId, Role, Scope, ServiceId};
use crate::error::AppError;
use crate::people::repo as people;
use crate::services::repo::{self as services, ServiceFields};
use chrono::{Duration, NaiveDate};

pub const DEMO_PRACTICE: &str = "Riverside Counseling Collective";
/// Every demo account's password. Printed at start-up and listed in the README.
pub const DEMO_PASSWORD: &str = "gather-demo-2026";

/// (email, name, role); the associate is supervised by the supervisor.
pub const DEMO_ACCOUNTS: &[(&str, &str, Role)] = &[
    ("owner@riverside.example", "Maya Ortiz", Role::Owner),
    ("admin@riverside.example", "Sam Patel", Role::Admin),
    (
        "provider@riverside.example",
        "Dr. Jordan Lee",
        Role::Provider,
    ),
    (
        "provider2@riverside.example",
        "Dr. Priya Raman",
        Role::Provider,
    ),
    (
        "supervisor@riverside.example",
        "Dr. Elena Brooks",
        Role::Supervisor,
    ),
    (
        "associate@riverside.example",
        "Chris Nguyen",
        Role::Associate,
    ),
    (
        "participant@riverside.example",
        "Alex Rivera",
        Role::Participant,
    ),
    (
        "participant2@riverside.example",
        "Taylor Morgan",
        Role::Participant,
    ),
    (
        "participant3@riverside.example",
        "Jamie Chen",
        Role::Participant,
    ),
];

/// Seeds the demo practice if the database has no practice yet. Returns whether it did.
pub async fn seed_demo_if_empty(db: &Db, time_zone: &str) -> Result<bool, AppError> {
    let mut pooled = db.acquire().await?;
    if repo::count_practices(pooled.conn()).await? > 0 {
        return Ok(false);
    }
    drop(pooled);
    // One hash for all: they share a password, and argon2 is deliberately slow.
    let hash = hash_password(DEMO_PASSWORD.to_string()).await?;
    let now = now_ms();
    let today = chrono::Utc::now()
        .with_timezone(&time_zone.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC))
        .date_naive();
    let mut tx = db.begin().await?;
    let practice = repo::create_practice(tx.conn(), DEMO_PRACTICE, time_zone, now).await?;
    let mut supervisor: Option<AccountId> = None;
    let mut ids: Vec<AccountId> = Vec::new();
    for (email, name, role) in DEMO_ACCOUNTS {
        let id = repo::create_account(
            tx.conn(),
            NewAccount {
                practice_id: practice,
                email,
                display_name: name,
                role: *role,
                supervisor_id: if role.needs_supervisor() {
                    supervisor
                } else {
                    None
                },
                password_hash: &hash,
            },
            now,
        )
        .await?;
        if *role == Role::Supervisor {
            supervisor = Some(id);
        }
        ids.push(id);
    }
    let owner = Scope {
        practice_id: practice,
        account_id: ids[0],
        sees_every_case: true,
    };
    seed_cases(&mut tx, &owner, &ids, today, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Every kind of case, groups with current and past members, a sponsor and a billing
/// contact, so each screen has something real to show.
async fn seed_cases(
    tx: &mut Tx,
    owner: &Scope,
    staff: &[AccountId],
    today: NaiveDate,
    now: i64,
) -> Result<(), AppError> {
    let [_owner, _admin, provider, provider2, supervisor, associate, ..] = staff else {
        return Err(AppError::Internal);
    };
    services::seed_standard(tx.conn(), owner.practice_id, now).await?;
    let custom = [
        (
            "WS-PARENT",
            "Parenting skills workshop session",
            ServiceCategory::Other,
            120,
            4_500,
        ),
        (
            "CONSULT-GRP",
            "Clinical consultation group",
            ServiceCategory::Consultation,
            60,
            8_000,
        ),
        (
            "CONSULT-IND",
            "Individual professional consultation",
            ServiceCategory::Consultation,
            50,
            15_000,
        ),
    ];
    let mut custom_ids = Vec::new();
    for (code, name, category, minutes, fee_cents) in custom {
        let f = ServiceFields {
            code,
            name,
            category,
            minutes,
            fee_cents,
        };
        custom_ids.push(services::insert(tx.conn(), owner.practice_id, &f, false, now).await?);
    }
    let standard = services::list(tx.conn(), owner.practice_id, false).await?;
    let by_code = |c: &str| standard.iter().find(|s| s.code == c).map(|s| s.id);

    let person = async |tx: &mut Tx,
                        name: &str,
                        kind: PersonKind,
                        email: &str|
           -> Result<PersonId, AppError> {
        let input = PersonInput {
            kind: Some(kind),
            legal_name: name.into(),
            email: email.into(),
            ..Default::default()
        };
        let fields = input.clean(today).map_err(|_| AppError::Internal)?;
        Ok(people::insert(tx.conn(), owner, &fields, now).await?)
    };
    let p = PersonKind::Person;
    let alex = person(tx, "Alex Rivera", p, "participant@riverside.example").await?;
    let taylor = person(tx, "Taylor Morgan", p, "participant2@riverside.example").await?;
    let jamie = person(tx, "Jamie Chen", p, "participant3@riverside.example").await?;
    let morgan = person(tx, "Morgan Lee", p, "").await?;
    let sam = person(tx, "Sam Okafor", p, "").await?;
    let riley = person(tx, "Riley Park", p, "").await?;
    let jordan = person(tx, "Jordan Park", p, "").await?;
    let casey = person(tx, "Casey Nguyen", p, "").await?;
    let drew = person(tx, "Drew Patel", p, "").await?;
    let avery = person(tx, "Avery Brooks", p, "").await?;
    let quinn = person(tx, "Quinn Harper", p, "").await?;
    let lena = person(tx, "Dr. Lena Fox", p, "lena.fox@clinic.example").await?;
    let marco = person(tx, "Marco Diaz, LMFT", p, "").await?;
    let noor = person(tx, "Noor Haddad, LCSW", p, "").await?;
    let parent = person(
        tx,
        "Pat Rivera",
        PersonKind::BillingContact,
        "pat.rivera@example.org",
    )
    .await?;
    let school = person(
        tx,
        "Lakeside School District",
        PersonKind::Organization,
        "wellness@lakeside.example",
    )
    .await?;
    for (email, who) in [
        ("participant@riverside.example", alex),
        ("participant2@riverside.example", taylor),
        ("participant3@riverside.example", jamie),
    ] {
        repo::link_person(tx.conn(), email, who).await?;
    }

    let day = |days_ago: i64| today - Duration::days(days_ago);
    struct Seed<'a> {
        kind: CaseKind,
        name: &'a str,
        initials: Option<&'a str>,
        capacity: Option<i64>,
        service: Option<ServiceId>,
        payer: Payer,
        providers: Vec<AccountId>,
        current: Vec<PersonId>,
        past: Vec<PersonId>,
    }
    let seeds = [
        Seed {
            kind: CaseKind::Individual,
            name: "Alex Rivera",
            initials: None,
            capacity: None,
            service: by_code("90834"),
            payer: Payer::Contact(parent.0),
            providers: vec![*provider],
            current: vec![alex],
            past: vec![],
        },
        Seed {
            kind: CaseKind::Couple,
            name: "Morgan Lee & Sam Okafor",
            initials: None,
            capacity: None,
            service: by_code("90847"),
            payer: Payer::SelfPay,
            providers: vec![*provider2],
            current: vec![morgan, sam],
            past: vec![],
        },
        Seed {
            kind: CaseKind::Family,
            name: "Park family",
            initials: None,
            capacity: None,
            service: by_code("90847"),
            payer: Payer::SelfPay,
            providers: vec![*provider],
            current: vec![riley, jordan],
            past: vec![],
        },
        Seed {
            kind: CaseKind::TherapyGroup,
            name: "Tuesday Anxiety Group",
            initials: Some("TAG"),
            capacity: Some(8),
            service: by_code("90853"),
            payer: Payer::SelfPay,
            providers: vec![*provider, *associate],
            current: vec![alex, taylor, jamie, drew],
            past: vec![casey],
        },
        Seed {
            kind: CaseKind::Workshop,
            name: "Parenting Through Adolescence",
            initials: Some("PTA"),
            capacity: Some(12),
            service: Some(custom_ids[0]),
            payer: Payer::Organization(school.0),
            providers: vec![*provider2],
            current: vec![avery, quinn, taylor],
            past: vec![riley],
        },
        Seed {
            kind: CaseKind::IndividualConsultation,
            name: "Dr. Lena Fox (consultation)",
            initials: None,
            capacity: None,
            service: Some(custom_ids[2]),
            payer: Payer::SelfPay,
            providers: vec![*supervisor],
            current: vec![lena],
            past: vec![],
        },
        Seed {
            kind: CaseKind::ConsultationGroup,
            name: "Clinical Consultation Circle",
            initials: Some("CCC"),
            capacity: None,
            service: Some(custom_ids[1]),
            payer: Payer::SelfPay,
            providers: vec![*supervisor],
            current: vec![lena, marco],
            past: vec![noor],
        },
    ];
    for s in seeds {
        let id: CaseId = cases::insert(
            tx.conn(),
            owner,
            &CaseFields {
                kind: s.kind,
                name: s.name,
                initials: s.initials,
                capacity: s.capacity,
                default_service_id: s.service,
                payer: s.payer,
            },
            now,
        )
        .await?;
        cases::set_providers(tx.conn(), id, &s.providers).await?;
        for m in s.past {
            let mid =
                cases::insert_membership(tx.conn(), owner, id, m, false, day(200), now).await?;
            cases::end_membership(tx.conn(), mid, day(90), now).await?;
        }
        for m in s.current {
            cases::insert_membership(tx.conn(), owner, id, m, false, day(60), now).await?;
        }
    }
    Ok(())
}

/// What to print so someone can sign in.
pub fn demo_accounts_text(url: &str) -> String {
    let mut text =
        format!("\nGather is running at {url}\n\nDemo accounts (password: {DEMO_PASSWORD}):\n");
    for (email, name, role) in DEMO_ACCOUNTS {
        text.push_str(&format!("  {:<14} {:<32} {}\n", role.label(), email, name));
    }
    text
}
