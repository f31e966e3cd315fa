//! What the benchmarks set up alike: a practice with the standard services, one signed-in
//! provider, and a therapy group of members. Each benchmark is its own crate and includes
//! this module.

use gather::access::SignedIn;
use gather::auth::repo::{self as accounts, NewAccount};
use gather::auth::server::{hash_token, new_session_token};
use gather::calendar::{NewAppointment, Scheduled};
use gather::cases::NewCase;
use gather::domain::billing::Payer;
use gather::domain::cases::CaseKind;
use gather::domain::schedule::{Ends, Repeat};
use gather::domain::{AppointmentId, CaseId, PersonId, Role, ServiceId};
use gather::server::db::{now_ms, Db};
use sqlx::Connection;
use std::future::Future;
use std::pin::Pin;

/// A practice's provider, signed in.
pub struct Provider {
    pub who: SignedIn,
    /// The session token of the provider's cookie.
    #[allow(
        dead_code,
        reason = "only the benchmarks that go through HTTP send a cookie"
    )]
    pub token: String,
    /// The practice's 90853 group psychotherapy.
    pub group_service: ServiceId,
}

pub async fn provider(db: &Db) -> Provider {
    let now = now_ms();
    let mut c = db.acquire().await.expect("conn");
    let practice = accounts::create_practice(c.conn(), "Bench practice", "America/Chicago", now)
        .await
        .expect("practice");
    gather::services::repo::seed_standard(c.conn(), practice, now)
        .await
        .expect("services");
    let email = "provider@bench.example";
    let account = accounts::create_account(
        c.conn(),
        NewAccount {
            practice_id: practice,
            email,
            display_name: "Bench Provider",
            role: Role::Provider,
            supervisor_id: None,
            password_hash: "unused",
        },
        now,
    )
    .await
    .expect("account");
    let token = new_session_token();
    accounts::insert_session(c.conn(), &hash_token(&token), account, practice, now)
        .await
        .expect("session");
    let group_service = gather::services::repo::by_code(c.conn(), practice, "90853")
        .await
        .expect("q")
        .expect("90853")
        .id;
    Provider {
        who: SignedIn {
            token_hash: hash_token(&token),
            account_id: account,
            practice_id: practice,
            role: Role::Provider,
            display_name: "Bench Provider".into(),
            email: email.into(),
            practice_name: "Bench practice".into(),
            time_zone: chrono_tz::America::Chicago,
            created_at: now,
            last_seen_at: now,
            refused: Default::default(),
        },
        token,
        group_service,
    }
}

/// A therapy group run by `p` with `n` members who joined a week ago.
#[allow(dead_code, reason = "not every benchmark runs a therapy group")]
pub async fn group(db: &Db, p: &Provider, n: usize) -> (CaseId, Vec<PersonId>) {
    let joined = p.who.today() - chrono::Duration::days(7);
    let new = NewCase {
        kind: CaseKind::TherapyGroup,
        name: "Bench group".into(),
        initials: "BG".into(),
        capacity: None,
        provider_ids: vec![p.who.account_id],
        default_service_id: Some(p.group_service),
        participant_ids: vec![],
        payer: Payer::SelfPay,
    };
    case_of(db, p, new, n, joined).await
}

/// The case `new`, run by `p`, with `n` new members who joined on `joined`.
pub async fn case_of(
    db: &Db,
    p: &Provider,
    new: NewCase,
    n: usize,
    joined: chrono::NaiveDate,
) -> (CaseId, Vec<PersonId>) {
    let who = &p.who;
    let prefix = new.initials.clone();
    let case = gather::cases::server::create_case(db, who, new)
        .await
        .expect("case");
    let mut members = Vec::with_capacity(n);
    for i in 0..n {
        let input = gather::domain::people::PersonInput {
            kind: Some(gather::domain::people::PersonKind::Person),
            legal_name: format!("Member {prefix} {i:03}"),
            ..Default::default()
        };
        let person = gather::people::server::create_person(db, who, &input)
            .await
            .expect("person");
        gather::cases::server::add_member(db, who, case, person, joined)
            .await
            .expect("member");
        members.push(person);
    }
    (case, members)
}

/// An administrator of `p`'s practice, signed in: who runs billing.
#[allow(dead_code, reason = "only the billing benchmark runs billing")]
pub async fn admin(db: &Db, p: &Provider) -> SignedIn {
    let now = now_ms();
    let mut c = db.acquire().await.expect("conn");
    let email = "admin@bench.example";
    let account = accounts::create_account(
        c.conn(),
        NewAccount {
            practice_id: p.who.practice_id,
            email,
            display_name: "Bench Admin",
            role: Role::Admin,
            supervisor_id: None,
            password_hash: "unused",
        },
        now,
    )
    .await
    .expect("account");
    SignedIn {
        token_hash: String::new(),
        account_id: account,
        role: Role::Admin,
        display_name: "Bench Admin".into(),
        email: email.into(),
        ..p.who.clone()
    }
}

/// One 90-minute session of the group at 07:00 on `day`, run by `p`.
pub async fn session(db: &Db, p: &Provider, case: CaseId, day: chrono::NaiveDate) -> AppointmentId {
    session_of(db, p, case, day, None).await
}

/// One 90-minute session of a case at 07:00 on `day`, run by `p`, with `service` (else the
/// case's default).
pub async fn session_of(
    db: &Db,
    p: &Provider,
    case: CaseId,
    day: chrono::NaiveDate,
    service: Option<ServiceId>,
) -> AppointmentId {
    let scheduled = gather::calendar::server::schedule(
        db,
        &p.who,
        NewAppointment {
            case_id: case,
            day: day.to_string(),
            start_time: "07:00".into(),
            minutes: 90,
            service_id: service.or(Some(p.group_service)),
            location: String::new(),
            video_link: String::new(),
            provider_ids: vec![p.who.account_id],
            repeat: Repeat::Never,
            ends: Ends::After(1),
            confirmed: true,
        },
    )
    .await
    .expect("schedule");
    match scheduled {
        Scheduled::Done { first, .. } => first,
        Scheduled::NeedsConfirmation(w) => panic!("{w:?}"),
    }
}

/// Runs `measure` on a fresh SQLite database, then on a fresh Postgres database when the
/// server is reachable (GATHER_TEST_POSTGRES_URL, else the local one), removing each after.
#[allow(
    dead_code,
    reason = "the attendance benchmark manages its own databases"
)]
pub fn on_each_engine<F>(bench: &str, measure: F)
where
    F: for<'a> Fn(&'static str, &'a Db) -> Pin<Box<dyn Future<Output = ()> + 'a>>,
{
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(each_engine(bench, measure));
}

/// The median and the worst of `times`, in milliseconds.
#[allow(dead_code, reason = "the attendance benchmark reports its own figures")]
pub fn median_and_worst(times: &mut [std::time::Duration]) -> (f64, f64) {
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    (ms(times[times.len() / 2]), ms(times[times.len() - 1]))
}

#[allow(
    dead_code,
    reason = "the attendance benchmark manages its own databases"
)]
async fn each_engine<F>(bench: &str, measure: F)
where
    F: for<'a> Fn(&'static str, &'a Db) -> Pin<Box<dyn Future<Output = ()> + 'a>>,
{
    let dir = std::env::temp_dir().join(format!("gather-{bench}-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = Db::connect(&format!("sqlite://{}/bench.db", dir.display()))
        .await
        .expect("sqlite");
    measure("SQLite", &db).await;
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);

    let admin_url = std::env::var("GATHER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    match sqlx::PgConnection::connect(&admin_url).await {
        Ok(mut admin) => {
            let name = format!("gather_{bench}_bench_{}", std::process::id());
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .expect("create");
            let url = match admin_url.rsplit_once('/') {
                Some((base, _)) => format!("{base}/{name}"),
                None => panic!("GATHER_TEST_POSTGRES_URL must name a database"),
            };
            let db = Db::connect(&url).await.expect("postgres");
            measure("Postgres", &db).await;
            db.close().await;
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await;
        }
        Err(e) => println!("  Postgres  skipped: {admin_url} unreachable ({e})"),
    }
}

/// Everyone in `people` attended session `id` with `service`, in one change of attendance.
#[allow(dead_code, reason = "the attendance benchmark records its own changes")]
pub async fn attended(
    live: &gather::attendance::live::Live,
    who: &SignedIn,
    id: AppointmentId,
    people: &[PersonId],
    service: ServiceId,
) {
    let changes: Vec<gather::attendance::ChangeRequest> = people
        .iter()
        .map(|p| gather::attendance::ChangeRequest {
            person_id: *p,
            choice: Some(gather::domain::attendance::Choice::Attended(service)),
            base_version: 0,
            made_at: now_ms(),
            fill_only: false,
        })
        .collect();
    gather::attendance::server::record_changes(live, who, id, &changes, now_ms())
        .await
        .expect("attendance");
}
