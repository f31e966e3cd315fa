//! The demo practice seeded into an empty database, so a new user can sign in as every
//! role at once.

use super::db::{now_ms, Db, Tx};
use crate::auth::repo::{self, NewAccount};
use crate::auth::server::hash_password;
use crate::calendar::recurrence::expand;
use crate::calendar::repo::{self as calendar, AppointmentFields, SeriesFields};
use crate::cases::repo::{self as cases, CaseFields};
use crate::domain::billing::Payer;
use crate::domain::cases::{CaseKind, ServiceCategory};
use crate::domain::people::{PersonInput, PersonKind};
use crate::domain::schedule::{parse_time, rule_for, Ends, Repeat};
use crate::domain::{AccountId, CaseId, PersonId, Role, Scope, ServiceId};
use crate::error::AppError;
use crate::people::repo as people;
use crate::services::repo::{self as services, ServiceFields};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

pub const DEMO_PRACTICE: &str = "Riverside Counseling Collective";
/// The NPIs of the demo's clinicians (after the owner and admin, in `DEMO_ACCOUNTS` order).
const DEMO_NPIS: [&str; 4] = ["1348293055", "1562049381", "1928374655", "1456782394"];
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
    crate::attendance::repo::set_missed_fees(
        tx.conn(),
        practice,
        crate::domain::attendance::MissedSessionFees {
            no_show_cents: 4_000,
            late_cancel_cents: 2_500,
        },
    )
    .await?;
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
    // What the practice's billing documents print, and its clinicians' NPIs (valid check
    // digits, made up; no real provider's).
    crate::billing::settings::repo::save(
        tx.conn(),
        practice,
        &crate::domain::billing_settings::CheckedSettings {
            legal_name: "Riverside Counseling Collective, PLLC".into(),
            address: "200 River Road, Suite 4\nSpringfield, IL 62701".into(),
            tax_id: "36-4829105".into(),
            npi: "1748392010".into(),
            payment_terms_days: 30,
        },
    )
    .await?;
    for (account, npi) in ids.iter().skip(2).zip(DEMO_NPIS) {
        crate::billing::settings::repo::set_npi(tx.conn(), practice, *account, npi).await?;
    }
    let owner = Scope {
        practice_id: practice,
        account_id: ids[0],
        sees_every_case: true,
    };
    seed_cases(&mut tx, &owner, &ids, today, time_zone, now).await?;
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
    time_zone: &str,
    now: i64,
) -> Result<(), AppError> {
    let [_owner, _admin, provider, provider2, supervisor, associate, ..] = staff else {
        return Err(AppError::internal(
            "the demo needs at least six staff accounts",
        ));
    };
    services::seed_standard(tx.conn(), owner.practice_id, now).await?;
    crate::notes::repo::seed_templates(tx.conn(), owner.practice_id, now).await?;
    crate::forms::server::seed_templates(tx, owner.practice_id, owner.account_id, now).await?;
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
        let fields = input
            .clean(today)
            .map_err(|e| AppError::internal(format!("demo person {e:?}")))?;
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
        /// (RRULE body, weekday of the first session, local start, minutes, sessions)
        calendar: (&'a str, Weekday, &'a str, i64, i64),
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
            calendar: ("FREQ=WEEKLY", Weekday::Mon, "10:00", 50, 16),
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
            calendar: ("FREQ=WEEKLY;INTERVAL=2", Weekday::Wed, "17:00", 60, 8),
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
            calendar: ("FREQ=WEEKLY", Weekday::Thu, "15:00", 60, 12),
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
            calendar: ("FREQ=WEEKLY", Weekday::Tue, "18:00", 90, 16),
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
            calendar: ("FREQ=MONTHLY;BYDAY=1SA", Weekday::Sat, "10:00", 120, 6),
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
            calendar: ("FREQ=WEEKLY;INTERVAL=2", Weekday::Fri, "12:00", 50, 8),
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
            calendar: ("FREQ=MONTHLY;BYDAY=2TH", Weekday::Thu, "12:00", 60, 6),
        },
    ];
    // A large psychoeducation workshop, so a 200-person session is there to try.
    const FIRST: [&str; 20] = [
        "Aisha", "Ben", "Carmen", "Dev", "Elif", "Farah", "Gus", "Hana", "Ivan", "Jo", "Kofi",
        "Lia", "Mateo", "Nia", "Omar", "Pia", "Ravi", "Sofia", "Theo", "Uma",
    ];
    const LAST: [&str; 10] = [
        "Abbott", "Baker", "Castillo", "Dubois", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
        "Jensen",
    ];
    let mut crowd = Vec::with_capacity(FIRST.len() * LAST.len());
    for last in LAST {
        for first in FIRST {
            crowd.push(person(tx, &format!("{first} {last}"), p, "").await?);
        }
    }
    let mut seeds = seeds.into_iter().collect::<Vec<_>>();
    seeds.push(Seed {
        kind: CaseKind::Workshop,
        name: "Community Resilience Workshop",
        initials: Some("CRW"),
        capacity: None,
        service: Some(custom_ids[0]),
        payer: Payer::SelfPay,
        providers: vec![*provider],
        current: crowd,
        past: vec![],
        calendar: ("FREQ=WEEKLY", Weekday::Thu, "19:00", 120, 8),
    });
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
        let plan = DemoSeries {
            providers: &s.providers,
            service: s.service,
            plan: s.calendar,
        };
        seed_series(tx, owner, id, &plan, today, time_zone, now).await?;
    }
    Ok(())
}

/// A series for a demo case that began three weeks ago, so the calendar has past and
/// coming sessions in every view.
struct DemoSeries<'a> {
    providers: &'a [AccountId],
    service: Option<ServiceId>,
    /// (RRULE body, weekday of the first session, local start, minutes, sessions)
    plan: (&'a str, Weekday, &'a str, i64, i64),
}

async fn seed_series(
    tx: &mut Tx,
    owner: &Scope,
    case: CaseId,
    demo: &DemoSeries<'_>,
    today: NaiveDate,
    time_zone: &str,
    now: i64,
) -> Result<(), AppError> {
    let (rule, weekday, start, minutes, sessions) = demo.plan;
    let (providers, service) = (demo.providers, demo.service);
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::UTC);
    let mut first = today - Duration::days(21);
    while first.weekday() != weekday {
        first += Duration::days(1);
    }
    let time = parse_time(start).map_err(AppError::internal)?;
    let rule = if rule.starts_with("FREQ=MONTHLY") {
        // Keep "the nth weekday" true of the first day.
        rule_for(&Repeat::MonthlyByWeekday, first)
            .map_err(AppError::internal)?
            .unwrap_or_else(|| rule.to_string())
    } else {
        rule.to_string()
    };
    let ends = Ends::After(sessions);
    let occurrences = expand(&rule, first, time, tz, &ends).map_err(AppError::internal)?;
    let series = calendar::insert_series(
        tx.conn(),
        owner,
        &SeriesFields {
            case_id: case,
            rule: &rule,
            first_day: first,
            start_time: start,
            time_zone,
            minutes,
            ends: &ends,
        },
        now,
    )
    .await?;
    for o in occurrences {
        let starts_at = o.starts_at.timestamp_millis();
        calendar::insert_appointment(
            tx.conn(),
            owner,
            &AppointmentFields {
                case_id: case,
                series: Some((series, o.on)),
                starts_at,
                ends_at: starts_at + minutes * 60_000,
                local_day: o.on,
                service_id: service,
                location: Some("Riverside office, room 2"),
                video_link: None,
            },
            providers,
            now,
        )
        .await?;
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
