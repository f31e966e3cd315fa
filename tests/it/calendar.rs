//! The calendar against a real database: week queries, series edits and the exceptions
//! that survive them, sharing by scheduling, double bookings, rosters that follow dated
//! membership only for sessions to come, and calendar feeds read by an independent parser.

use crate::common::fixtures::{group, person, practice, service};
use crate::on_both_engines;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use gather::access::SignedIn;
use gather::audit::repo as audit;
use gather::calendar::feed::feed_for_token;
use gather::calendar::server as calendar;
use gather::calendar::{
    AppointmentChange, CalendarEvent, NewAppointment, Scheduled, Showing, Span, Warning,
};
use gather::cases::server as cases;
use gather::cases::NewCase;
use gather::domain::billing::Payer;
use gather::domain::cases::CaseKind;
use gather::domain::schedule::{CalendarView, Ends, Repeat};
use gather::domain::{AppointmentId, CaseId};
use gather::error::AppError;
use gather::server::db::Db;

/// The first `weekday` at least a week after the practice's today, so every session is in
/// the future whatever day the tests run.
fn upcoming(who: &SignedIn, weekday: Weekday) -> NaiveDate {
    let mut day = who.today() + Duration::days(7);
    while day.weekday() != weekday {
        day += Duration::days(1);
    }
    day
}

fn draft(
    case: CaseId,
    who: &SignedIn,
    day: NaiveDate,
    time: &str,
    repeat: Repeat,
    ends: Ends,
) -> NewAppointment {
    NewAppointment {
        case_id: case,
        day: day.to_string(),
        start_time: time.into(),
        minutes: 90,
        service_id: None,
        location: "Room 2".into(),
        video_link: String::new(),
        provider_ids: vec![who.account_id],
        repeat,
        ends,
        confirmed: false,
    }
}

async fn scheduled(db: &Db, who: &SignedIn, draft: NewAppointment) -> AppointmentId {
    match calendar::schedule(db, who, draft).await.expect("schedule") {
        Scheduled::Done { first, .. } => first,
        Scheduled::NeedsConfirmation(w) => panic!("unexpected warnings: {w:?}"),
    }
}

async fn events(
    db: &Db,
    who: &SignedIn,
    view: CalendarView,
    day: NaiveDate,
    showing: Showing,
) -> Vec<CalendarEvent> {
    calendar::calendar_page(db, who, view, day, &showing)
        .await
        .expect("calendar")
        .events
}

/// (day, local start) of every scheduled (not cancelled) session of a case, in order.
async fn sessions_of(
    db: &Db,
    who: &SignedIn,
    from: NaiveDate,
    weeks: i64,
) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for w in 0..weeks {
        for e in events(
            db,
            who,
            CalendarView::Week,
            from + Duration::days(7 * w),
            Showing::Me,
        )
        .await
        {
            out.push((e.day.clone(), e.time_label.clone(), e.cancelled));
        }
    }
    out
}

async fn a_group(db: &Db, who: &SignedIn, name: &str, initials: &str) -> CaseId {
    cases::create_case(
        db,
        who,
        group(CaseKind::TherapyGroup, name, initials, who, None),
    )
    .await
    .expect("group")
}

async fn week_views_show_a_providers_sessions(db: Db) {
    let p = practice(&db, "week").await;
    let who = &p.provider;
    let g = a_group(&db, who, "Tuesday Anxiety Group", "TAG").await;
    let ana = person(&db, who, "Ana Alvarez").await;
    let first = upcoming(who, Weekday::Tue);
    cases::add_member(&db, who, g, ana, first - Duration::days(30))
        .await
        .expect("member");
    scheduled(
        &db,
        who,
        draft(g, who, first, "18:00", Repeat::Weekly, Ends::After(6)),
    )
    .await;

    let week = events(&db, who, CalendarView::Week, first, Showing::Me).await;
    assert_eq!(week.len(), 1, "{week:?}");
    let e = &week[0];
    assert_eq!(e.day, first.to_string());
    assert_eq!(e.time_label, "18:00–19:30");
    assert_eq!(e.title, "TAG · Tuesday Anxiety Group");
    assert_eq!(e.expected, Some(1));
    assert!(e.in_series);

    let month = events(&db, who, CalendarView::Month, first, Showing::Me).await;
    // Of the six weekly sessions, those inside the month's grid of whole weeks (how many
    // depends on where in its month the first one falls).
    let (grid_start, grid_end) = CalendarView::Month.range(first);
    let in_grid = (0..6)
        .map(|w| first + Duration::weeks(w))
        .filter(|d| (grid_start..=grid_end).contains(d))
        .count();
    assert_eq!(month.len(), in_grid, "{month:?}");
    let day = events(
        &db,
        who,
        CalendarView::Day,
        first + Duration::days(1),
        Showing::Me,
    )
    .await;
    assert!(day.is_empty());

    // Another provider's own calendar is empty; everyone's shows the session as "Busy",
    // because they may not see the group.
    let other = &p.other_provider;
    assert!(events(&db, other, CalendarView::Week, first, Showing::Me)
        .await
        .is_empty());
    let all = events(&db, other, CalendarView::Week, first, Showing::Everyone).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].title, "Busy");
    assert_eq!(all[0].case_id, None);
    assert_eq!(all[0].expected, None);
    let named = events(
        &db,
        other,
        CalendarView::Week,
        first,
        Showing::Providers(vec![who.account_id]),
    )
    .await;
    assert_eq!(named.len(), 1);
    assert_eq!(named[0].title, "Busy");
    // The owner sees it named.
    let owner = events(&db, &p.owner, CalendarView::Week, first, Showing::Everyone).await;
    assert_eq!(owner[0].title, "TAG · Tuesday Anxiety Group");
    // And the details of a session they may not see are refused, and audited.
    let refused = gather::access::answer(
        &db,
        other,
        calendar::appointment_details(&db, other, all[0].id),
    )
    .await;
    assert_eq!(refused, Err(AppError::NotFound));
    let mut c = db.acquire().await.expect("conn");
    let log = audit::recent_for_practice(c.conn(), p.id, 50)
        .await
        .expect("audit");
    assert!(log
        .iter()
        .any(|e| e.outcome == "denied" && e.object_kind == "appointment"));
}

async fn exceptions_survive_series_edits(db: Db) {
    let p = practice(&db, "series").await;
    let who = &p.provider;
    let g = a_group(&db, who, "Skills Group", "SG").await;
    let first = upcoming(who, Weekday::Tue);
    let id = scheduled(
        &db,
        who,
        draft(g, who, first, "18:00", Repeat::Weekly, Ends::After(6)),
    )
    .await;
    let all = sessions_of(&db, who, first, 6).await;
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|(_, t, _)| t == "18:00–19:30"));

    let week = |n: i64| first + Duration::days(7 * n);
    let id_on = |day: NaiveDate| {
        let db = db.clone();
        async move {
            events(&db, who, CalendarView::Day, day, Showing::Me)
                .await
                .first()
                .map(|e| e.id)
                .expect("a session that day")
        }
    };
    // Move the second session to Wednesday 17:00.
    let second = id_on(week(1)).await;
    let change = |day: NaiveDate, time: &str| AppointmentChange {
        day: day.to_string(),
        start_time: time.into(),
        minutes: 90,
        location: "Room 2".into(),
        video_link: String::new(),
        confirmed: false,
    };
    let moved = calendar::change_appointment(
        &db,
        who,
        second,
        Span::ThisSession,
        change(week(1) + Duration::days(1), "17:00"),
    )
    .await
    .expect("move");
    assert!(matches!(moved, Scheduled::Done { .. }));
    // Cancel the third with a reason.
    let third = id_on(week(2)).await;
    let no_reason = calendar::cancel_appointment(&db, who, third, Span::ThisSession, "  ").await;
    assert!(
        matches!(no_reason, Err(AppError::InvalidInput { .. })),
        "{no_reason:?}"
    );
    calendar::cancel_appointment(&db, who, third, Span::ThisSession, "Provider ill")
        .await
        .expect("cancel");

    // The whole series moves to 19:00: the moved and the cancelled sessions stay as they were.
    calendar::change_appointment(&db, who, id, Span::WholeSeries, change(first, "19:00"))
        .await
        .expect("whole series");
    let all = sessions_of(&db, who, first, 6).await;
    assert_eq!(
        all,
        vec![
            (week(0).to_string(), "19:00–20:30".into(), false),
            (
                (week(1) + Duration::days(1)).to_string(),
                "17:00–18:30".into(),
                false
            ),
            (week(2).to_string(), "18:00–19:30".into(), true),
            (week(3).to_string(), "19:00–20:30".into(), false),
            (week(4).to_string(), "19:00–20:30".into(), false),
            (week(5).to_string(), "19:00–20:30".into(), false),
        ]
    );
    let details = calendar::appointment_details(&db, who, third)
        .await
        .expect("details");
    assert_eq!(details.cancel_reason.as_deref(), Some("Provider ill"));

    // This and following, from the fifth: Thursdays at 20:00, keeping six sessions in all.
    let fifth = id_on(week(4)).await;
    calendar::change_appointment(
        &db,
        who,
        fifth,
        Span::ThisAndFollowing,
        change(week(4) + Duration::days(2), "20:00"),
    )
    .await
    .expect("this and following");
    let all = sessions_of(&db, who, first, 6).await;
    assert_eq!(all.len(), 6, "{all:?}");
    assert_eq!(all[3], (week(3).to_string(), "19:00–20:30".into(), false));
    assert_eq!(
        all[4],
        (
            (week(4) + Duration::days(2)).to_string(),
            "20:00–21:30".into(),
            false
        )
    );
    assert_eq!(
        all[5],
        (
            (week(5) + Duration::days(2)).to_string(),
            "20:00–21:30".into(),
            false
        )
    );
    let old = calendar::appointment_details(&db, who, id)
        .await
        .expect("old half");
    // The fifth was replaced by the new series' first session, on the Thursday.
    assert_eq!(
        calendar::appointment_details(&db, who, fifth).await,
        Err(AppError::NotFound)
    );
    let new_first = id_on(week(4) + Duration::days(2)).await;
    let new = calendar::appointment_details(&db, who, new_first)
        .await
        .expect("new half");
    let (old_series, new_series) = (old.series.expect("series"), new.series.expect("series"));
    assert_ne!(old_series.id, new_series.id);
    assert!(
        old_series.description.ends_with("4 sessions"),
        "{}",
        old_series.description
    );
    assert!(
        new_series.description.ends_with("2 sessions"),
        "{}",
        new_series.description
    );

    // End the new series after its first session: the last one goes.
    let removed = calendar::end_series(
        &db,
        who,
        new_first,
        &(week(4) + Duration::days(2)).to_string(),
    )
    .await
    .expect("end");
    assert_eq!(removed, 1);
    assert_eq!(sessions_of(&db, who, first, 6).await.len(), 5);
    let too_late = calendar::end_series(&db, who, new_first, &week(8).to_string()).await;
    assert!(
        matches!(too_late, Err(AppError::InvalidInput { .. })),
        "{too_late:?}"
    );
    let before_start = calendar::end_series(&db, who, new_first, &first.to_string()).await;
    assert!(
        matches!(before_start, Err(AppError::InvalidInput { .. })),
        "{before_start:?}"
    );
}

async fn scheduling_for_another_provider_shares_the_group(db: Db) {
    let p = practice(&db, "share").await;
    let who = &p.provider;
    let other = &p.other_provider;
    let g = a_group(&db, who, "Evening Group", "EG").await;
    let first = upcoming(who, Weekday::Wed);
    let mut d1 = draft(g, who, first, "18:00", Repeat::Never, Ends::After(1));
    d1.provider_ids = vec![other.account_id];
    let warned = calendar::schedule(&db, who, d1.clone())
        .await
        .expect("schedule");
    let Scheduled::NeedsConfirmation(warnings) = warned else {
        panic!("expected a warning, got {warned:?}")
    };
    assert_eq!(
        warnings,
        vec![Warning::NotUsualProvider {
            provider: "Otto Other".into()
        }]
    );
    assert!(warnings[0]
        .message()
        .starts_with("This group doesn't usually see this provider"));
    assert!(
        events(&db, other, CalendarView::Week, first, Showing::Me)
            .await
            .is_empty(),
        "nothing saved yet"
    );
    assert!(
        cases::case_details(&db, other, g).await.is_err(),
        "not shared yet"
    );

    d1.confirmed = true;
    scheduled(&db, who, d1).await;
    let theirs = events(&db, other, CalendarView::Week, first, Showing::Me).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].title, "EG · Evening Group", "shared, so named");
    let details = cases::case_details(&db, other, g).await.expect("shared");
    assert!(details.shared_with.iter().any(|s| s.id == other.account_id));
    let mut c = db.acquire().await.expect("conn");
    let log = audit::recent_for_practice(c.conn(), p.id, 50)
        .await
        .expect("audit");
    assert!(log
        .iter()
        .any(|e| e.detail.contains("shared with account") && e.object_id == Some(g.0)));
}

async fn double_bookings_warn(db: Db) {
    let p = practice(&db, "double").await;
    let who = &p.provider;
    let g = a_group(&db, who, "Morning Group", "MG").await;
    let h = a_group(&db, who, "Noon Group", "NG").await;
    let first = upcoming(who, Weekday::Thu);
    scheduled(
        &db,
        who,
        draft(g, who, first, "10:00", Repeat::Weekly, Ends::After(4)),
    )
    .await;
    let clash = calendar::schedule(
        &db,
        who,
        draft(
            h,
            who,
            first + Duration::days(7),
            "11:00",
            Repeat::Never,
            Ends::After(1),
        ),
    )
    .await
    .expect("schedule");
    let Scheduled::NeedsConfirmation(w) = clash else {
        panic!("expected a warning, got {clash:?}")
    };
    assert!(
        matches!(&w[..], [Warning::DoubleBooked { with, .. }] if with == "MG"),
        "{w:?}"
    );
    // Back to back is not a clash.
    scheduled(
        &db,
        who,
        draft(h, who, first, "11:30", Repeat::Never, Ends::After(1)),
    )
    .await;
    // Cancelled sessions free the time.
    let taken = events(
        &db,
        who,
        CalendarView::Day,
        first + Duration::days(14),
        Showing::Me,
    )
    .await;
    calendar::cancel_appointment(&db, who, taken[0].id, Span::ThisSession, "Holiday")
        .await
        .expect("cancel");
    scheduled(
        &db,
        who,
        draft(
            h,
            who,
            first + Duration::days(14),
            "10:30",
            Repeat::Never,
            Ends::After(1),
        ),
    )
    .await;
}

async fn bad_input_is_refused_with_the_field(db: Db) {
    let p = practice(&db, "bad").await;
    let who = &p.provider;
    let g = a_group(&db, who, "Careful Group", "CG").await;
    let first = upcoming(who, Weekday::Mon);
    let field_of = |r: Result<Scheduled, AppError>| match r {
        Err(AppError::InvalidInput { field, .. }) => field,
        other => panic!("expected invalid input, got {other:?}"),
    };
    let mut bad = draft(g, who, first, "18:00", Repeat::Never, Ends::After(1));
    bad.video_link = "javascript:alert(1)".into();
    assert_eq!(
        field_of(calendar::schedule(&db, who, bad).await),
        "video_link"
    );
    let mut bad = draft(g, who, first, "18:00", Repeat::Never, Ends::After(1));
    bad.minutes = 0;
    assert_eq!(field_of(calendar::schedule(&db, who, bad).await), "minutes");
    let bad = draft(g, who, first, "6pm", Repeat::Never, Ends::After(1));
    assert_eq!(
        field_of(calendar::schedule(&db, who, bad).await),
        "start_time"
    );
    let bad = draft(
        g,
        who,
        first,
        "18:00",
        Repeat::Custom("FREQ=HOURLY".into()),
        Ends::After(3),
    );
    assert_eq!(field_of(calendar::schedule(&db, who, bad).await), "repeat");
    let bad = draft(g, who, first, "18:00", Repeat::Weekly, Ends::After(500));
    assert_eq!(field_of(calendar::schedule(&db, who, bad).await), "ends");
    let mut bad = draft(g, who, first, "18:00", Repeat::Never, Ends::After(1));
    bad.provider_ids = vec![];
    assert_eq!(
        field_of(calendar::schedule(&db, who, bad).await),
        "providers"
    );
    // A case the caller may not see is not found (and nothing is written).
    let refused = calendar::schedule(
        &db,
        &p.other_provider,
        draft(
            g,
            &p.other_provider,
            first,
            "18:00",
            Repeat::Never,
            Ends::After(1),
        ),
    )
    .await;
    assert_eq!(refused, Err(AppError::NotFound));
    assert!(
        events(&db, who, CalendarView::Week, first, Showing::Everyone)
            .await
            .is_empty()
    );
}

async fn rosters_follow_membership_only_for_sessions_to_come(db: Db) {
    let p = practice(&db, "roster").await;
    let who = &p.provider;
    let g = a_group(&db, who, "Roster Group", "RG").await;
    let ana = person(&db, who, "Ana Alvarez").await;
    let ben = person(&db, who, "Ben Brown").await;
    let today = who.today();
    let ana_m = match cases::add_member(&db, who, g, ana, today - Duration::days(60))
        .await
        .expect("ana")
    {
        gather::cases::Added::Member(m) => m,
        other => panic!("{other:?}"),
    };
    // A session that already happened and one still to come.
    let past = scheduled(
        &db,
        who,
        draft(
            g,
            who,
            today - Duration::days(3),
            "10:00",
            Repeat::Never,
            Ends::After(1),
        ),
    )
    .await;
    let future = scheduled(
        &db,
        who,
        draft(
            g,
            who,
            today + Duration::days(7),
            "10:00",
            Repeat::Never,
            Ends::After(1),
        ),
    )
    .await;
    let names = |id: AppointmentId| {
        let db = db.clone();
        async move {
            calendar::appointment_details(&db, who, id)
                .await
                .expect("details")
                .roster
                .into_iter()
                .map(|r| r.display_name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names(past).await, vec!["Ana Alvarez"]);
    // Ben is added as if he had joined a week ago: only the session to come gets him.
    cases::add_member(&db, who, g, ben, today - Duration::days(7))
        .await
        .expect("ben");
    assert_eq!(
        names(past).await,
        vec!["Ana Alvarez"],
        "the past session keeps its roster"
    );
    assert_eq!(names(future).await, vec!["Ana Alvarez", "Ben Brown"]);
    // Ana leaves as of five days ago: the past session still had her.
    cases::end_membership(&db, who, ana_m, today - Duration::days(5))
        .await
        .expect("end");
    assert_eq!(names(past).await, vec!["Ana Alvarez"]);
    assert_eq!(names(future).await, vec!["Ben Brown"]);
    let details = calendar::appointment_details(&db, who, past)
        .await
        .expect("details");
    assert!(details.roster_frozen);
    let week = events(
        &db,
        who,
        CalendarView::Day,
        today + Duration::days(7),
        Showing::Me,
    )
    .await;
    assert_eq!(week[0].expected, Some(1));
}

async fn capacity_shows_seats_left(db: Db) {
    let p = practice(&db, "seats").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let g = cases::create_case(
        &db,
        who,
        NewCase {
            capacity: Some(3),
            ..group(CaseKind::TherapyGroup, "Small Group", "SM", who, Some(svc))
        },
    )
    .await
    .expect("group");
    let ana = person(&db, who, "Ana Alvarez").await;
    cases::add_member(&db, who, g, ana, who.today())
        .await
        .expect("member");
    let first = upcoming(who, Weekday::Fri);
    scheduled(
        &db,
        who,
        draft(g, who, first, "09:00", Repeat::Never, Ends::After(1)),
    )
    .await;
    let e = events(&db, who, CalendarView::Day, first, Showing::Me).await;
    assert_eq!((e[0].expected, e[0].seats_left), (Some(1), Some(2)));
    // The slot picker finds the group by initials and by a member's name, with its service.
    let found = calendar::schedulable_cases(&db, who, "sm")
        .await
        .expect("search");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].default_minutes, Some(90));
    let by_member = calendar::schedulable_cases(&db, who, "alvarez")
        .await
        .expect("search");
    assert!(by_member.iter().any(|c| c.id == g));
}

async fn feeds_carry_initials_only_and_can_be_revoked(db: Db) {
    let p = practice(&db, "feed").await;
    let who = &p.provider;
    let g = a_group(&db, who, "Grief Support Circle", "GSC").await;
    let client = person(&db, who, "Zelda Quintero").await;
    let individual = cases::create_case(
        &db,
        who,
        NewCase {
            kind: CaseKind::Individual,
            name: "Zelda Quintero".into(),
            initials: String::new(),
            capacity: None,
            provider_ids: vec![who.account_id],
            default_service_id: None,
            participant_ids: vec![client],
            payer: Payer::SelfPay,
        },
    )
    .await
    .expect("individual");
    cases::add_member(&db, who, g, client, who.today())
        .await
        .expect("member");
    let first = upcoming(who, Weekday::Tue);
    scheduled(
        &db,
        who,
        draft(g, who, first, "18:00", Repeat::Weekly, Ends::After(3)),
    )
    .await;
    scheduled(
        &db,
        who,
        draft(
            individual,
            who,
            first + Duration::days(1),
            "09:00",
            Repeat::Never,
            Ends::After(1),
        ),
    )
    .await;
    let cancelled = events(
        &db,
        who,
        CalendarView::Day,
        first + Duration::days(14),
        Showing::Me,
    )
    .await;
    calendar::cancel_appointment(&db, who, cancelled[0].id, Span::ThisSession, "Holiday")
        .await
        .expect("cancel");

    let (status, token) = calendar::enable_feed(&db, who).await.expect("on");
    assert!(status.enabled);
    assert!(token.len() >= 40, "a long random token");
    assert_eq!(
        status.url.as_deref(),
        Some(format!("/calendar/{token}.ics").as_str())
    );
    let text = feed_for_token(&db, &token)
        .await
        .expect("feed")
        .expect("known token");
    for secret in ["Zelda", "Quintero", "Grief", "Support", "Circle", "Room 2"] {
        assert!(
            !text.contains(secret),
            "the feed must not contain {secret:?}:\n{text}"
        );
    }
    // An independent parser reads it.
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = parser.next().expect("one calendar").expect("parses");
    assert!(parser.next().is_none());
    let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
    };
    let mut summaries: Vec<String> = calendar
        .events
        .iter()
        .filter_map(|e| prop(e, "SUMMARY"))
        .collect();
    summaries.sort();
    assert_eq!(summaries, vec!["Appointment", "GSC", "GSC", "GSC"]);
    assert!(calendar
        .events
        .iter()
        .all(|e| prop(e, "DTSTART").is_some_and(|v| v.ends_with('Z'))));
    assert!(calendar.events.iter().all(|e| prop(e, "UID").is_some()));
    let statuses: Vec<String> = calendar
        .events
        .iter()
        .filter_map(|e| prop(e, "STATUS"))
        .collect();
    assert_eq!(statuses.iter().filter(|s| *s == "CANCELLED").count(), 1);
    // The first group session at 18:00 Chicago time, in UTC.
    let first_start = chrono::NaiveDateTime::parse_from_str(
        &prop(&calendar.events[0], "DTSTART").expect("start"),
        "%Y%m%dT%H%M%SZ",
    )
    .expect("UTC time");
    let chicago = first_start
        .and_utc()
        .with_timezone(&chrono_tz::America::Chicago);
    assert_eq!(
        chicago.format("%Y-%m-%d %H:%M").to_string(),
        format!("{first} 18:00")
    );

    // A new address replaces the old; turning off ends it.
    let (_, second) = calendar::enable_feed(&db, who).await.expect("again");
    assert!(feed_for_token(&db, &token).await.expect("feed").is_none());
    assert!(feed_for_token(&db, &second).await.expect("feed").is_some());
    let off = calendar::revoke_feed(&db, who).await.expect("off");
    assert!(!off.enabled);
    assert!(feed_for_token(&db, &second).await.expect("feed").is_none());
    assert!(
        !calendar::feed_status(&db, who)
            .await
            .expect("status")
            .enabled
    );
    // Another provider's feed does not include these sessions.
    let (_, theirs) = calendar::enable_feed(&db, &p.other_provider)
        .await
        .expect("on");
    let text = feed_for_token(&db, &theirs)
        .await
        .expect("feed")
        .expect("known");
    assert!(!text.contains("BEGIN:VEVENT"));
}

on_both_engines!(
    week_views_show_a_providers_sessions,
    exceptions_survive_series_edits,
    scheduling_for_another_provider_shares_the_group,
    double_bookings_warn,
    bad_input_is_refused_with_the_field,
    rosters_follow_membership_only_for_sessions_to_come,
    capacity_shows_seats_left,
    feeds_carry_initials_only_and_can_be_revoked,
    a_documented_session_is_corrected_not_cancelled,
);

/// Attendance and notes are what happened, and billing and charts rest on them: a session
/// with either is refused cancellation (and nothing about it changes); once its attendance
/// is cleared and it has no note, it can be cancelled like any other.
async fn a_documented_session_is_corrected_not_cancelled(db: Db) {
    use crate::billing::mark;
    use gather::attendance::live::Live;
    use gather::domain::attendance::Choice;
    let p = practice(&db, "cal-doc").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (_, held, people) = crate::common::fixtures::session_with(&db, who, "DC", 2, svc).await;
    let live = Live::start(&db);
    mark(
        &db,
        &live,
        who,
        held,
        people[0],
        Some(Choice::Attended(svc)),
    )
    .await;
    let refused = calendar::cancel_appointment(&db, who, held, Span::ThisSession, "Snow day")
        .await
        .expect_err("documented");
    assert!(
        matches!(&refused, AppError::Conflict(m) if m.contains("documented")),
        "{refused:?}"
    );
    // A second session whose group note is started, with no attendance yet.
    let (_, noted, _) = crate::common::fixtures::session_with(&db, who, "DN", 1, svc).await;
    gather::notes::server::start(&db, who, noted, None)
        .await
        .expect("note");
    assert!(matches!(
        calendar::cancel_appointment(&db, who, noted, Span::ThisSession, "Snow day").await,
        Err(AppError::Conflict(_))
    ));
    // Attendance cleared, the first is no longer documented and can be cancelled.
    mark(&db, &live, who, held, people[0], None).await;
    let n = calendar::cancel_appointment(&db, who, held, Span::ThisSession, "Snow day")
        .await
        .expect("cancel");
    assert_eq!(n, 1);
}
