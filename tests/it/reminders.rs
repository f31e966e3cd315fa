//! Session reminders against a real database: planned for everyone on a session's roster,
//! re-planned when the session moves, dropped when a member leaves or declines; sent once,
//! one email per person and day with only what a reminder may say; and the link's answer
//! reaching the attendance screen.

use crate::accounts::Mailbox;
use crate::common::fixtures::{group, person_with_email, practice, schedule_at};
use crate::on_both_engines;
use chrono::{Duration, NaiveDate, TimeZone};
use gather::access::SignedIn;
use gather::attendance::live::Live;
use gather::calendar::server as calendar;
use gather::calendar::{AppointmentChange, Scheduled, Span};
use gather::cases::server as cases;
use gather::domain::attendance::Confirmation;
use gather::domain::cases::CaseKind;
use gather::domain::people::PersonInput;
use gather::domain::reminders::ReminderAnswer;
use gather::domain::{AppointmentId, CaseId, PersonId};
use gather::mail::repo::with_key_prefix;
use gather::people::server as people;
use gather::reminders::repo;
use gather::reminders::server::{self as reminders, plan_practice, send_due};
use gather::server::db::{now_ms, Db};

const URL: &str = "http://gather.test";
const HOUR: i64 = 3_600_000;
const TZ: chrono_tz::Tz = chrono_tz::America::Chicago;

/// A group named `name` whose members are the given people, joined a month ago.
async fn group_of(
    db: &Db,
    who: &SignedIn,
    name: &str,
    initials: &str,
    members: &[PersonId],
) -> CaseId {
    let mut draft = group(CaseKind::TherapyGroup, name, initials, who, None);
    draft.name = name.into();
    let case = cases::create_case(db, who, draft).await.expect("group");
    for &p in members {
        cases::add_member(db, who, case, p, who.today() - Duration::days(30))
            .await
            .expect("member");
    }
    case
}

fn at(day: NaiveDate, h: u32, m: u32) -> i64 {
    TZ.from_local_datetime(&day.and_hms_opt(h, m, 0).expect("time"))
        .single()
        .expect("local")
        .timestamp_millis()
}

async fn rows(db: &Db, id: AppointmentId) -> Vec<(i64, i64, String, i64)> {
    let mut c = db.acquire().await.expect("conn");
    repo::for_appointment(c.conn(), id).await.expect("rows")
}

fn planned(rows: &[(i64, i64, String, i64)]) -> Vec<(i64, i64, i64)> {
    rows.iter()
        .filter(|r| r.2 == "planned")
        .map(|r| (r.0, r.1, r.3))
        .collect()
}

async fn planned_moved_and_dropped(db: Db) {
    let p = practice(&db, "remplan").await;
    let who = &p.provider;
    let ana = person_with_email(&db, who, "Ana Diaz", "ana@remplan.example").await;
    let ben = person_with_email(&db, who, "Ben Okafor", "ben@remplan.example").await;
    let cy = person_with_email(&db, who, "Cy Park", "cy@remplan.example").await;
    let no_email = people::create_person(
        &db,
        who,
        &PersonInput {
            legal_name: "Dee Noemail".into(),
            ..Default::default()
        },
    )
    .await
    .expect("person");
    let case = group_of(&db, who, "Tuesday group", "RP1", &[ana, ben, cy, no_email]).await;
    let day = who.today() + Duration::days(5);
    let id = schedule_at(&db, who, case, day, "18:00").await;
    let start = at(day, 18, 0);
    let now = now_ms();

    let pass = plan_practice(&db, p.id, TZ, now).await.expect("plan");
    assert_eq!(
        pass.added, 6,
        "three people with an address, two reminders each"
    );
    let mut want: Vec<(i64, i64, i64)> = [ana, ben, cy]
        .iter()
        .flat_map(|p| [(p.0, 2880, start - 48 * HOUR), (p.0, 120, start - 2 * HOUR)])
        .collect();
    want.sort();
    let mut got = planned(&rows(&db, id).await);
    got.sort();
    assert_eq!(got, want);
    let again = plan_practice(&db, p.id, TZ, now).await.expect("plan");
    assert_eq!(again, Default::default(), "planning twice changes nothing");

    // Moved to 19:30 the next day: the old reminders go, new ones follow the new time.
    let moved = calendar::change_appointment(
        &db,
        who,
        id,
        Span::ThisSession,
        AppointmentChange {
            day: (day + Duration::days(1)).to_string(),
            start_time: "19:30".into(),
            minutes: 60,
            location: String::new(),
            video_link: String::new(),
            confirmed: true,
        },
    )
    .await
    .expect("move");
    assert!(matches!(moved, Scheduled::Done { .. }), "{moved:?}");
    let pass = plan_practice(&db, p.id, TZ, now).await.expect("plan");
    assert_eq!((pass.added, pass.dropped), (6, 6), "{pass:?}");
    let new_start = at(day + Duration::days(1), 19, 30);
    let got = planned(&rows(&db, id).await);
    assert_eq!(got.len(), 6);
    assert!(
        got.iter().all(|r| r.2 == new_start - r.1 * 60_000),
        "{got:?}"
    );

    // Ben leaves the group before the session: his reminders are dropped.
    let ben_membership = {
        let mut c = db.acquire().await.expect("conn");
        gather::cases::repo::members(c.conn(), case)
            .await
            .expect("members")
            .into_iter()
            .find(|m| m.person_id == ben.0)
            .expect("ben")
            .id
    };
    cases::end_membership(
        &db,
        who,
        gather::domain::MembershipId(ben_membership),
        day - Duration::days(1),
    )
    .await
    .expect("leave");
    // Cy declines on the attendance screen: no reminder for a session they said they'd miss.
    let live = Live::start(&db);
    gather::attendance::server::set_confirmation(&db, &live, who, id, cy, Confirmation::Declined)
        .await
        .expect("decline");
    let pass = plan_practice(&db, p.id, TZ, now).await.expect("plan");
    assert_eq!(pass.dropped, 4, "{pass:?}");
    let got = planned(&rows(&db, id).await);
    assert!(got.iter().all(|r| r.0 == ana.0), "{got:?}");
    assert_eq!(got.len(), 2);

    // Turned off for the practice: nothing stays planned.
    reminders::save_settings(
        &db,
        &p.owner,
        gather::reminders::ReminderSettingsInput {
            enabled: false,
            first_lead_hours: "48".into(),
            second_lead_hours: "2".into(),
            window_start: "08:00".into(),
            window_end: "21:00".into(),
        },
    )
    .await
    .expect("settings");
    plan_practice(&db, p.id, TZ, now).await.expect("plan");
    assert!(planned(&rows(&db, id).await).is_empty());
}

async fn sent_once_with_only_what_they_may_say(db: Db) {
    let p = practice(&db, "remsend").await;
    let who = &p.provider;
    let ana = person_with_email(&db, who, "Anastasia Diaz", "ana@remsend.example").await;
    let ben = person_with_email(&db, who, "Benedict Okafor", "ben@remsend.example").await;
    let grief = group_of(&db, who, "Grief group", "RS1", &[ana, ben]).await;
    let skills = group_of(&db, who, "Skills workshop", "RS2", &[ana]).await;
    reminders::set_group_named(&db, &p.owner, skills, true)
        .await
        .expect("name the workshop");
    let day = who.today() + Duration::days(4);
    let morning = schedule_at(&db, who, grief, day, "10:00").await;
    let evening = schedule_at(&db, who, skills, day, "18:00").await;
    let now = now_ms();
    plan_practice(&db, p.id, TZ, now).await.expect("plan");

    // At the morning session's 48-hour reminder: one email each, Ana's with both sessions.
    let first_due = at(day, 10, 0) - 48 * HOUR;
    let pass = send_due(&db, URL, first_due).await.expect("send");
    assert_eq!((pass.emails, pass.reminded), (2, 3), "{pass:?}");
    let again = send_due(&db, URL, first_due + 60_000).await.expect("send");
    assert_eq!(again.emails, 0, "a reminder goes once");

    let mail = Mailbox::new();
    let emails = mail.deliver(&db).await;
    assert_eq!(emails.len(), 2);
    let to_ana = emails
        .iter()
        .find(|e| e.contains("To: ana@remsend.example"))
        .expect("Ana's");
    let to_ben = emails
        .iter()
        .find(|e| e.contains("To: ben@remsend.example"))
        .expect("Ben's");
    for e in &emails {
        assert_eq!(e.matches("@remsend.example").count(), 1, "one address: {e}");
        assert!(!e.contains("Grief"), "the grief group is never named: {e}");
        assert!(
            !e.contains("Diaz") && !e.contains("Okafor"),
            "no surnames: {e}"
        );
        assert!(e.contains("Practice remsend"), "{e}");
    }
    assert!(to_ana.contains("Hello Anastasia,"));
    assert!(!to_ana.contains("Benedict"));
    assert!(
        to_ana.contains("at 10:00") && to_ana.contains("at 18:00 (Skills workshop)"),
        "{to_ana}"
    );
    assert!(to_ben.contains("Hello Benedict,") && !to_ben.contains("Anastasia"));
    assert!(
        !to_ben.contains("18:00"),
        "Ben is not in the workshop: {to_ben}"
    );
    {
        let mut c = db.acquire().await.expect("conn");
        let outbox = with_key_prefix(c.conn(), "reminder:")
            .await
            .expect("outbox");
        assert_eq!(outbox.len(), 2, "one email per person and day");
    }

    // The evening session is cancelled: at the 2-hour reminders Ana hears of the morning only.
    calendar::cancel_appointment(&db, who, evening, Span::ThisSession, "Room flooded")
        .await
        .expect("cancel");
    let second_due = at(day, 10, 0) - 2 * HOUR;
    let pass = send_due(&db, URL, second_due).await.expect("send");
    assert_eq!(
        (pass.emails, pass.reminded, pass.skipped),
        (2, 2, 1),
        "{pass:?}"
    );
    let emails = mail.deliver(&db).await;
    let to_ana = emails
        .iter()
        .find(|e| e.contains("To: ana@remsend.example"))
        .expect("Ana's");
    assert!(!to_ana.contains("18:00"), "{to_ana}");

    // Ana confirms through her link: the attendance row says so, under her own name.
    let token = mail.token("ana@remsend.example", "reminder");
    let view = reminders::link_view(&db, &token).await.expect("link");
    assert_eq!(view.greeting, "Anastasia");
    assert_eq!(view.group, None);
    assert_eq!(view.confirmation, Confirmation::NotConfirmed);
    let live = Live::start(&db);
    let mut events = live.subscribe(morning);
    let answered = reminders::answer(&db, &live, &token, ReminderAnswer::Confirm)
        .await
        .expect("confirm");
    assert_eq!(answered.confirmation, Confirmation::Confirmed);
    let sheet = gather::attendance::server::sheet(&db, who, morning)
        .await
        .expect("sheet");
    let row = sheet
        .rows
        .iter()
        .find(|r| r.state.person_id == ana)
        .expect("Ana's row");
    assert_eq!(row.state.confirmation, Confirmation::Confirmed);
    if matches!(db.pool(), gather::server::db::Pool::Sqlite(_)) {
        // On SQLite this process's hub hears it at once; on Postgres the notification does.
        let heard = tokio::time::timeout(std::time::Duration::from_secs(5), events.recv())
            .await
            .expect("in time")
            .expect("event");
        assert!(format!("{heard:?}").contains("confirmed"), "{heard:?}");
    }
    {
        let mut c = db.acquire().await.expect("conn");
        let audit = gather::audit::repo::recent_by_actor_label(
            c.conn(),
            &format!("person {} by reminder link", ana.0),
            10,
        )
        .await
        .expect("audit");
        assert!(!audit.is_empty(), "the answer is audited");
    }
    assert!(reminders::link_view(&db, "not-a-token").await.is_err());

    // Stop: no more reminders for Ana, and her staff card says so.
    let stopped = reminders::answer(&db, &live, &token, ReminderAnswer::Stop)
        .await
        .expect("stop");
    assert!(stopped.reminders_off);
    let card = reminders::person_reminders(&db, who, ana)
        .await
        .expect("card");
    assert!(card.reminders_off);
    let day2 = who.today() + Duration::days(6);
    schedule_at(&db, who, grief, day2, "10:00").await;
    plan_practice(&db, p.id, TZ, now).await.expect("plan");
    // Sent late (the server was down): Ben's 48-hour and 2-hour reminders are both due;
    // only the nearer one goes.
    let pass = send_due(&db, URL, at(day2, 10, 0) - 2 * HOUR)
        .await
        .expect("send");
    assert_eq!(
        (pass.emails, pass.skipped),
        (1, 1),
        "Ben only, once: {pass:?}"
    );
}

async fn two_senders_send_each_reminder_once(db: Db) {
    let p = practice(&db, "remrace").await;
    let who = &p.provider;
    let mut members = Vec::new();
    for i in 0..20 {
        members.push(
            person_with_email(
                &db,
                who,
                &format!("Member {i:02}"),
                &format!("m{i}@remrace.example"),
            )
            .await,
        );
    }
    let case = group_of(&db, who, "Race group", "RR1", &members).await;
    let day = who.today() + Duration::days(3);
    schedule_at(&db, who, case, day, "12:00").await;
    plan_practice(&db, p.id, TZ, now_ms()).await.expect("plan");
    let due = at(day, 12, 0) - 48 * HOUR;
    let (a, b) = tokio::join!(send_due(&db, URL, due), send_due(&db, URL, due));
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_eq!(a.emails + b.emails, 20, "{a:?} {b:?}");
    let mut c = db.acquire().await.expect("conn");
    let outbox = with_key_prefix(c.conn(), "reminder:")
        .await
        .expect("outbox");
    let mut to: Vec<&str> = outbox.iter().map(|e| e.recipient.as_str()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 20);
}

fn field<T: std::fmt::Debug>(r: Result<T, gather::error::AppError>) -> String {
    match r {
        Err(gather::error::AppError::InvalidInput { field, .. }) => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn settings_are_checked_and_only_managers_change_them(db: Db) {
    let p = practice(&db, "remset").await;
    let input = |first: &str, second: &str, from: &str, until: &str| {
        gather::reminders::ReminderSettingsInput {
            enabled: true,
            first_lead_hours: first.into(),
            second_lead_hours: second.into(),
            window_start: from.into(),
            window_end: until.into(),
        }
    };
    assert_eq!(
        field(reminders::save_settings(&db, &p.owner, input("soon", "", "08:00", "21:00")).await),
        "first_lead"
    );
    assert_eq!(
        field(reminders::save_settings(&db, &p.owner, input("2", "48", "08:00", "21:00")).await),
        "second_lead"
    );
    assert_eq!(
        field(reminders::save_settings(&db, &p.owner, input("48", "2", "20:00", "21:00")).await),
        "window"
    );
    assert!(matches!(
        reminders::save_settings(&db, &p.provider, input("24", "", "00:00", "24:00")).await,
        Err(gather::error::AppError::Forbidden(_))
    ));
    let saved = reminders::save_settings(&db, &p.admin, input("24", "", "00:00", "24:00"))
        .await
        .expect("save");
    assert_eq!(saved.leads(), vec![24 * 60]);
    let view = reminders::settings_view(&db, &p.owner).await.expect("view");
    assert_eq!(
        (
            view.settings.window_start_minute,
            view.settings.window_end_minute
        ),
        (0, 1440)
    );
    // Another practice's person is out of reach.
    let other = practice(&db, "remset2").await;
    let theirs = person_with_email(&db, &other.provider, "Zed", "zed@remset2.example").await;
    assert!(matches!(
        reminders::person_reminders(&db, &p.provider, theirs).await,
        Err(gather::error::AppError::NotFound)
    ));
    assert!(matches!(
        reminders::set_person_reminders(&db, &p.provider, theirs, true, String::new()).await,
        Err(gather::error::AppError::NotFound)
    ));
    let mine = person_with_email(&db, &p.provider, "Yan", "yan@remset.example").await;
    assert_eq!(
        field(
            reminders::set_person_reminders(&db, &p.provider, mine, false, "Mars/Olympus".into())
                .await
        ),
        "time_zone"
    );
    reminders::set_person_reminders(&db, &p.provider, mine, false, "Europe/London".into())
        .await
        .expect("time zone");
    let card = reminders::person_reminders(&db, &p.provider, mine)
        .await
        .expect("card");
    assert_eq!(card.time_zone.as_deref(), Some("Europe/London"));
}

on_both_engines!(
    planned_moved_and_dropped,
    sent_once_with_only_what_they_may_say,
    two_senders_send_each_reminder_once,
    settings_are_checked_and_only_managers_change_them,
);
