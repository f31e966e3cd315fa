//! Superbills: a therapy-group client's superbill lists their diagnoses lettered for the
//! lines' pointers and each attended session with its CPT code, modifiers, place of
//! service, units, fee and what was paid; a code that is not CPT is flagged, never dropped;
//! its PDF, read by poppler's `pdftotext`, says the same. Workshops and consultation have
//! none: the server refuses and the database cannot hold one. A superbill never changes.

use crate::billing::{cash, charge_of, mark};
use crate::common::fixtures::{group, person, practice, schedule_on, service, session_with};
use crate::on_both_engines;
use crate::pdf::pdf_text;
use chrono::Duration;
use gather::attendance::live::Live;
use gather::audit::{repo as audit, ObjectKind};
use gather::billing::pdf::superbill_pdf;
use gather::billing::server as billing;
use gather::billing::settings::server as settings;
use gather::billing::superbills::repo::{self as repo, LineRow, NewSuperbill};
use gather::billing::superbills::server as superbills;
use gather::billing::superbills::SuperbillDraft;
use gather::calendar::server as calendar;
use gather::calendar::{NewAppointment, Scheduled};
use gather::cases::server as cases;
use gather::domain::attendance::Choice;
use gather::domain::cases::CaseKind;
use gather::domain::money::Money;
use gather::domain::schedule::{Ends, Repeat};
use gather::domain::superbills::PlaceOfService;
use gather::domain::{CaseId, PersonId};
use gather::error::AppError;
use gather::on_conn;
use gather::server::db::{now_ms, Db};
use gather::services::ServiceInput;

on_both_engines!(
    a_group_clients_superbill_lists_diagnoses_codes_places_fees_and_payments,
    a_superbill_is_refused_with_a_reason_the_form_can_show,
    workshops_and_consultation_have_no_superbills_not_even_in_the_database,
    a_superbill_never_changes,
);

fn draft(case: CaseId, person: PersonId, from: &str, to: &str) -> SuperbillDraft {
    SuperbillDraft {
        case,
        person,
        from: from.into(),
        to: to.into(),
        telehealth: PlaceOfService::TelehealthHome,
    }
}

fn field_of(e: AppError) -> String {
    match e {
        AppError::InvalidInput { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn a_group_clients_superbill_lists_diagnoses_codes_places_fees_and_payments(db: Db) {
    let p = practice(&db, "sb1").await;
    let (who, admin) = (&p.provider, &p.admin);
    let svc = service(&db, &p, "90853").await;
    settings::save_npi(&db, admin, who.account_id, "1234567893")
        .await
        .expect("provider's NPI");
    let (case, today_session, people) = session_with(&db, who, "SB", 2, svc).await;
    let (ana, ben) = (people[0], people[1]);
    let today = who.today();
    // Two diagnoses: the one noted first is the primary, pointer A.
    cases::add_diagnosis(
        &db,
        who,
        case,
        ana,
        "f41.1",
        "Generalized anxiety disorder",
        today - Duration::days(20),
    )
    .await
    .expect("diagnosis");
    cases::add_diagnosis(
        &db,
        who,
        case,
        ana,
        "F33.1",
        "Major depressive disorder, recurrent, moderate",
        today - Duration::days(10),
    )
    .await
    .expect("diagnosis");
    // A session by video a week ago, and one in the office today; Ben attends only today.
    let video = match calendar::schedule(
        &db,
        who,
        NewAppointment {
            case_id: case,
            day: (today - Duration::days(7)).to_string(),
            start_time: "07:00".into(),
            minutes: 90,
            service_id: None,
            location: String::new(),
            video_link: "https://video.example/group".into(),
            provider_ids: vec![who.account_id],
            repeat: Repeat::Never,
            ends: Ends::After(1),
            confirmed: true,
        },
    )
    .await
    .expect("schedule")
    {
        Scheduled::Done { first, .. } => first,
        Scheduled::NeedsConfirmation(w) => panic!("{w:?}"),
    };
    let live = Live::start(&db);
    mark(&db, &live, who, video, ana, Some(Choice::Attended(svc))).await;
    mark(
        &db,
        &live,
        who,
        today_session,
        ana,
        Some(Choice::Attended(svc)),
    )
    .await;
    mark(
        &db,
        &live,
        who,
        today_session,
        ben,
        Some(Choice::Attended(svc)),
    )
    .await;
    let fee = charge_of(&db, who, today_session).await[&ana].0;
    // Ana paid ten dollars at today's session.
    billing::take_payment(&db, who, today_session, ana, None, &cash("10"))
        .await
        .expect("payment");

    let from = (today - Duration::days(14)).to_string();
    let id = superbills::create(&db, who, &draft(case, ana, &from, &today.to_string()))
        .await
        .expect("superbill");
    let s = superbills::superbill(&db, who, id).await.expect("read");
    assert!(s.title.starts_with("Superbill "), "{}", s.title);
    assert_eq!(s.client_name, "Member SB 000");
    assert_eq!(s.practice_npi, "");
    assert_eq!(s.providers.len(), 1);
    assert_eq!(s.providers[0].name, "Paula Provider");
    assert_eq!(s.providers[0].npi, "1234567893");
    let dx: Vec<(&str, &str)> = s
        .diagnoses
        .iter()
        .map(|x| (x.pointer.as_str(), x.code.as_str()))
        .collect();
    assert_eq!(dx, vec![("A", "F41.1"), ("B", "F33.1")]);
    assert_eq!(s.lines.len(), 2, "Ana's two sessions, not Ben's");
    let (by_video, in_office) = (&s.lines[0], &s.lines[1]);
    for l in &s.lines {
        assert_eq!(l.code, "90853");
        assert_eq!(l.flag, None);
        assert_eq!(l.units, 1);
        assert_eq!(l.pointers, "AB");
        assert_eq!(l.fee, Money(fee));
    }
    assert_eq!(
        (by_video.place.as_str(), by_video.modifiers.as_str()),
        ("10", "95")
    );
    assert_eq!(
        (in_office.place.as_str(), in_office.modifiers.as_str()),
        ("11", "")
    );
    assert_eq!(by_video.paid, Money::ZERO);
    assert_eq!(in_office.paid, Money(1_000));
    assert_eq!(s.total_fee(), Money(2 * fee));
    assert_eq!(s.total_paid(), Money(1_000));
    assert_eq!(s.balance(), Money(2 * fee - 1_000));

    // Made and read are both in the audit log.
    let mut c = db.acquire().await.expect("conn");
    let entries: Vec<_> = audit::recent_for_practice(c.conn(), p.id, 100_000)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.object_kind == ObjectKind::Superbill.as_str() && e.object_id == Some(id.0))
        .collect();
    drop(c);
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"create") && actions.contains(&"read"),
        "{actions:?}"
    );

    // The PDF, read by an independent reader, says the same.
    let text = pdf_text(&superbill_pdf(&s).expect("pdf"));
    for said in [
        s.title.as_str(),
        "Practice sb1",
        "Member SB 000",
        "Paula Provider, NPI 1234567893",
        "F41.1",
        "Generalized anxiety disorder",
        "F33.1",
        "90853",
        "Group psychotherapy",
        "95",
    ] {
        assert!(text.contains(said), "{said:?} in {text}");
    }
    for (label, amount) in [
        ("Total fees", s.total_fee()),
        ("Total paid", s.total_paid()),
        ("Balance", s.balance()),
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("{label} in {text}"));
        assert!(line.contains(&amount.to_string()), "{line}");
    }

    // A session with the practice's own code is listed and flagged, never dropped.
    let custom = gather::services::server::save(
        &db,
        &p.owner,
        None,
        &ServiceInput {
            code: "GRP-SKILLS".into(),
            name: "Skills group".into(),
            category: "psychotherapy".into(),
            minutes: "60".into(),
            fee: "40".into(),
        },
    )
    .await
    .expect("custom service");
    let third = schedule_on(&db, who, case, today - Duration::days(1)).await;
    mark(
        &db,
        &live,
        who,
        third,
        ana,
        Some(Choice::Attended(custom.id)),
    )
    .await;
    let id = superbills::create(&db, who, &draft(case, ana, &from, &today.to_string()))
        .await
        .expect("superbill");
    let s = superbills::superbill(&db, who, id).await.expect("read");
    assert_eq!(s.lines.len(), 3);
    assert_eq!(s.flagged(), 1);
    let flagged = s
        .lines
        .iter()
        .find(|l| l.code == "GRP-SKILLS")
        .expect("kept");
    assert!(flagged
        .flag
        .as_deref()
        .unwrap_or("")
        .contains("not a CPT code"));
    let text = pdf_text(&superbill_pdf(&s).expect("pdf"));
    // The flag wraps in its column: compare words, not spacing.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("GRP-SKILLS"), "{text}");
    assert!(words.contains("not a CPT code"), "{text}");

    // The case lists both, newest first.
    let listed = superbills::of_case(&db, who, case).await.expect("list");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, id);
}

async fn a_superbill_is_refused_with_a_reason_the_form_can_show(db: Db) {
    let p = practice(&db, "sb2").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (case, session, people) = session_with(&db, who, "SR", 1, svc).await;
    let ana = people[0];
    let today = who.today();
    let t = today.to_string();
    let month_ago = (today - Duration::days(30)).to_string();
    let live = Live::start(&db);
    mark(&db, &live, who, session, ana, Some(Choice::Attended(svc))).await;

    // No diagnosis yet.
    let e = superbills::create(&db, who, &draft(case, ana, &month_ago, &t))
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("no diagnosis"), "{e}");
    assert_eq!(field_of(e), "person");
    cases::add_diagnosis(
        &db,
        who,
        case,
        ana,
        "F41.1",
        "Generalized anxiety disorder",
        today - Duration::days(90),
    )
    .await
    .expect("diagnosis");
    // Periods: backwards, too long, in the future, not a date.
    for (from, to, field) in [
        (t.as_str(), month_ago.as_str(), "to"),
        ("2020-01-01", t.as_str(), "to"),
        (t.as_str(), &(today + Duration::days(1)).to_string(), "to"),
        ("yesterday", t.as_str(), "from"),
    ] {
        let e = superbills::create(&db, who, &draft(case, ana, from, to))
            .await
            .expect_err("refused");
        assert_eq!(field_of(e), field, "{from} to {to}");
    }
    // Nothing attended in the period.
    let (long_ago, less_long_ago) = (
        (today - Duration::days(60)).to_string(),
        (today - Duration::days(45)).to_string(),
    );
    let e = superbills::create(&db, who, &draft(case, ana, &long_ago, &less_long_ago))
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("attended no session"), "{e}");
    assert_eq!(field_of(e), "from");
    // Someone who is not a client of the case.
    let stranger = person(&db, who, "Stranger").await;
    let e = superbills::create(&db, who, &draft(case, stranger, &month_ago, &t))
        .await
        .expect_err("refused");
    assert_eq!(field_of(e), "person");
    // Office is not a telehealth place.
    let mut office = draft(case, ana, &month_ago, &t);
    office.telehealth = PlaceOfService::Office;
    assert_eq!(
        field_of(
            superbills::create(&db, who, &office)
                .await
                .expect_err("refused")
        ),
        "telehealth"
    );
    // A provider who may not see the case gets nothing, as if it did not exist.
    let e = superbills::create(&db, &p.other_provider, &draft(case, ana, &month_ago, &t))
        .await
        .expect_err("refused");
    assert!(matches!(e, AppError::NotFound), "{e:?}");
    // Nothing was half-written: the numbering starts at 1 with the first that succeeds.
    let id = superbills::create(&db, who, &draft(case, ana, &month_ago, &t))
        .await
        .expect("superbill");
    let s = superbills::superbill(&db, who, id).await.expect("read");
    assert_eq!(s.title, "Superbill 1");
    assert!(matches!(
        superbills::superbill(&db, &p.other_provider, id).await,
        Err(AppError::NotFound)
    ));
}

async fn workshops_and_consultation_have_no_superbills_not_even_in_the_database(db: Db) {
    let p = practice(&db, "sb3").await;
    let who = &p.provider;
    // Each with a service of its own kind: psychotherapy codes are refused on them anyway.
    for (kind, initials, code) in [
        (CaseKind::Workshop, "WK", "99404"),
        (CaseKind::IndividualConsultation, "IC", "99368"),
        (CaseKind::ConsultationGroup, "CG", "99368"),
    ] {
        let svc = service(&db, &p, code).await;
        let ana = person(&db, who, &format!("Member {initials}")).await;
        let mut new = group(kind, "Not clinical", initials, who, Some(svc));
        // An individual case is made with its one participant; groups gain members.
        let individual = kind == CaseKind::IndividualConsultation;
        if individual {
            new.participant_ids = vec![ana];
        }
        let case = cases::create_case(&db, who, new).await.expect("case");
        if !individual {
            cases::add_member(&db, who, case, ana, who.today() - Duration::days(30))
                .await
                .expect("member");
        }
        let session = schedule_on(&db, who, case, who.today()).await;
        let live = Live::start(&db);
        mark(&db, &live, who, session, ana, Some(Choice::Attended(svc))).await;
        let t = who.today().to_string();

        // The server answers as if superbills did not exist for the case.
        assert!(matches!(
            superbills::create(&db, who, &draft(case, ana, &t, &t)).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            superbills::of_case(&db, who, case).await,
            Err(AppError::NotFound)
        ));

        // And the database refuses one written past the server.
        let mut tx = db.begin().await.expect("tx");
        let refused = repo::insert(
            tx.conn(),
            &NewSuperbill {
                practice: p.id,
                case,
                person: ana,
                number: 900,
                from: &t,
                to: &t,
                telehealth_place: "10",
                practice_name: "Practice sb3",
                practice_address: "",
                practice_tax_id: "",
                practice_npi: "",
                client_name: "Member",
                client_birth_date: "",
                created_by: who.account_id.0,
                created_at: now_ms(),
                diagnoses: &[],
                lines: &[] as &[LineRow],
            },
        )
        .await;
        assert!(refused.is_err(), "{kind:?}");
    }
}

async fn a_superbill_never_changes(db: Db) {
    let p = practice(&db, "sb4").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (case, session, people) = session_with(&db, who, "SN", 1, svc).await;
    let ana = people[0];
    let today = who.today();
    cases::add_diagnosis(
        &db,
        who,
        case,
        ana,
        "F41.1",
        "Generalized anxiety disorder",
        today,
    )
    .await
    .expect("diagnosis");
    let live = Live::start(&db);
    mark(&db, &live, who, session, ana, Some(Choice::Attended(svc))).await;
    let t = today.to_string();
    let id = superbills::create(&db, who, &draft(case, ana, &t, &t))
        .await
        .expect("superbill");
    let before = superbills::superbill(&db, who, id).await.expect("read");

    // A later change of attendance does not reach a superbill already made.
    mark(&db, &live, who, session, ana, Some(Choice::NoShow)).await;
    let mut c = db.acquire().await.expect("conn");
    for sql in [
        "UPDATE superbill_lines SET fee_cents = 1",
        "DELETE FROM superbill_lines",
        "UPDATE superbill_diagnoses SET code = 'Z00.0'",
        "DELETE FROM superbill_diagnoses",
        "UPDATE superbills SET client_name = 'Someone else'",
        "DELETE FROM superbills",
    ] {
        let refused = on_conn!(c.conn(), |c| sqlx::query(sql)
            .execute(&mut *c)
            .await
            .is_err());
        assert!(refused, "{sql}");
    }
    drop(c);
    let after = superbills::superbill(&db, who, id).await.expect("read");
    assert_eq!(after.lines, before.lines);
    assert_eq!(after.diagnoses, before.diagnoses);
    // A new one for the same period has nothing left to list.
    let e = superbills::create(&db, who, &draft(case, ana, &t, &t))
        .await
        .expect_err("refused");
    assert_eq!(field_of(e), "from");
}
