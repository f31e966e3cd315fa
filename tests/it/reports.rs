//! Billing reports against a real database: unbilled sessions until they are invoiced;
//! balances aged oldest-first that end where each payer's statement ends; payments by
//! method; revenue by group, service and provider adding up to the same charges; only for
//! those who run billing, bad input named by field, every read audited; the CSV download
//! through the router, with names that stay text in a spreadsheet.

use crate::billing::{cash, charge_of, mark};
use crate::common::fixtures::{practice, session_with, Practice};
use crate::common::router::{app, body_text, get, seeded, send, sign_in};
use crate::documents::{billing_practice, log_of, statement};
use crate::on_both_engines;
use axum::http::{header, StatusCode};
use chrono::{Duration, NaiveDate};
use gather::access::SignedIn;
use gather::attendance::live::Live;
use gather::billing::invoices::server as invoices;
use gather::billing::reports::download::csv_of;
use gather::billing::reports::server::{report as make, Listing};
use gather::billing::reports::{AgingReport, Report, ReportAsk, ReportBody, UnbilledReport};
use gather::billing::server as billing;
use gather::billing::PaymentInput;
use gather::domain::attendance::Choice;
use gather::domain::billing::PaymentMethod;
use gather::domain::invoicing::DocumentKind;
use gather::domain::money::Money;
use gather::domain::reports::{AgingBucket, RevenueBy, RevenueRow};
use gather::domain::PersonId;
use gather::error::AppError;
use gather::on_conn;
use gather::server::db::{now_ms, Db};

on_both_engines!(
    reports_add_up_to_what_the_ledger_says,
    reports_are_for_those_who_run_billing_and_name_bad_input,
    the_csv_download_is_the_report_on_screen,
);

fn ask(report: &str, pairs: &[(&str, String)]) -> ReportAsk {
    let mut a = ReportAsk {
        report: Some(report.into()),
        ..ReportAsk::default()
    };
    for (k, v) in pairs {
        let v = Some(v.clone());
        match *k {
            "as_of" => a.as_of = v,
            "from" => a.from = v,
            "to" => a.to = v,
            "by" => a.by = v,
            _ => panic!("{k}"),
        }
    }
    a
}

async fn run(db: &Db, who: &SignedIn, a: ReportAsk) -> Report {
    make(db, who, &a, Listing::Page).await.expect("report")
}

async fn unbilled(db: &Db, who: &SignedIn) -> UnbilledReport {
    match run(db, who, ask("unbilled", &[])).await.body {
        ReportBody::Unbilled(u) => u,
        other => panic!("{other:?}"),
    }
}

async fn aging(db: &Db, who: &SignedIn, as_of: NaiveDate) -> AgingReport {
    match run(db, who, ask("aging", &[("as_of", as_of.to_string())]))
        .await
        .body
    {
        ReportBody::Aging(a) => a,
        other => panic!("{other:?}"),
    }
}

async fn revenue(db: &Db, who: &SignedIn, by: RevenueBy) -> Vec<RevenueRow> {
    let today = who.today().to_string();
    let a = ask(
        "revenue",
        &[
            ("from", today.clone()),
            ("to", today),
            ("by", by.as_str().into()),
        ],
    );
    match run(db, who, a).await.body {
        ReportBody::Revenue(rows) => rows,
        other => panic!("{other:?}"),
    }
}

fn aged_of(a: &AgingReport, payer: PersonId) -> Option<gather::domain::reports::Aged> {
    a.payers.iter().find(|p| p.id == payer).map(|p| p.aged)
}

/// An invoice issued `issued` and due `due`. The product dates each document the day it is
/// made, so to age one the test writes one as it would have been issued then.
async fn invoice_issued_on(
    db: &Db,
    p: &Practice,
    payer: PersonId,
    issued: NaiveDate,
    due: NaiveDate,
    cents: i64,
) {
    let mut c = db.acquire().await.expect("conn");
    on_conn!(c.conn(), |c| {
        sqlx::query(
            "INSERT INTO invoices (practice_id, kind, number, payer_id, practice_name, payer_name,
                reason, issued_on, due_on, total_cents, issued_by, issued_at)
             VALUES ($1, 'invoice', 9000, $2, 'Practice', 'Payer', '', $3, $4, $5, $6, $7)",
        )
        .bind(p.id.0)
        .bind(payer.0)
        .bind(issued.to_string())
        .bind(due.to_string())
        .bind(cents)
        .bind(p.admin.account_id.0)
        .bind(now_ms())
        .execute(&mut *c)
        .await
        .expect("old invoice")
        .rows_affected()
    });
}

/// Each payer's aged balance is where their statement for the same day ends.
async fn ends_like_statements(db: &Db, admin: &SignedIn, a: &AgingReport, payers: &[PersonId]) {
    let today = admin.today();
    for payer in payers {
        let closing = statement(db, admin, *payer, today, today)
            .await
            .ledger
            .closing;
        let balance = aged_of(a, *payer).map_or(Money::ZERO, |x| x.balance());
        assert_eq!(balance, closing, "payer {payer:?}");
    }
}

async fn reports_add_up_to_what_the_ledger_says(db: Db) {
    let (p, svc) = billing_practice(&db, "r1").await;
    let (who, admin) = (&p.provider, &p.admin);
    let (_, id, people) = session_with(&db, who, "RA", 2, svc).await;
    let (a, b) = (people[0], people[1]);
    let live = Live::start(&db);
    for x in [a, b] {
        mark(&db, &live, who, id, x, Some(Choice::Attended(svc))).await;
    }
    let fee = charge_of(&db, who, id).await[&a].0;
    assert!(fee > 0);
    let today = admin.today();

    // Attended and not invoiced: the session is unbilled, both participants' charges.
    let u = unbilled(&db, admin).await;
    assert_eq!(u.session_count, 1);
    assert_eq!(u.sessions.len(), 1);
    let s = &u.sessions[0];
    assert_eq!((s.id, s.items, s.payers), (id, 2, 2));
    assert_eq!(s.amount, Money(2 * fee));
    assert_eq!(u.total, Money(2 * fee));
    assert_eq!(s.case_name, "Group RA");
    assert!(s.providers.contains(&who.display_name), "{}", s.providers);

    // A pays $10 at the session; everything is invoiced (due in 30 days: current).
    billing::take_payment(&db, who, id, a, None, &cash("10"))
        .await
        .expect("paid");
    invoices::invoice_unbilled(&db, admin, None, &today.to_string())
        .await
        .expect("invoiced");
    let u = unbilled(&db, admin).await;
    assert_eq!((u.session_count, u.total), (0, Money::ZERO));
    assert!(u.sessions.is_empty());

    let aged = aging(&db, admin, today).await;
    let of_a = aged_of(&aged, a).expect("a");
    assert_eq!(of_a.in_bucket(AgingBucket::Current), Money(fee - 1_000));
    assert_eq!(of_a.owed(), Money(fee - 1_000));
    assert_eq!(aged_of(&aged, b).expect("b").owed(), Money(fee));
    assert_eq!(aged.total.owed(), Money(2 * fee - 1_000));
    ends_like_statements(&db, admin, &aged, &[a, b]).await;

    // An invoice to B from 100 days ago, due 70 days ago: 61–90 days past due.
    invoice_issued_on(
        &db,
        &p,
        b,
        today - Duration::days(100),
        today - Duration::days(70),
        5_000,
    )
    .await;
    let aged = aging(&db, admin, today).await;
    let of_b = aged_of(&aged, b).expect("b");
    assert_eq!(of_b.in_bucket(AgingBucket::Days61To90), Money(5_000));
    assert_eq!(of_b.in_bucket(AgingBucket::Current), Money(fee));
    assert_eq!(aged.payers[0].id, b, "the most owed first");
    ends_like_statements(&db, admin, &aged, &[a, b]).await;
    // As of yesterday: neither today's invoices nor today's payment yet.
    let yesterday = aging(&db, admin, today - Duration::days(1)).await;
    assert!(aged_of(&yesterday, a).is_none());
    assert_eq!(
        aged_of(&yesterday, b)
            .expect("b")
            .in_bucket(AgingBucket::Days61To90),
        Money(5_000)
    );
    assert_eq!(yesterday.total.owed(), Money(5_000));

    // B pays $50 by check: the oldest invoice first, so nothing is past due any more.
    let check = PaymentInput {
        amount: "50".into(),
        method: PaymentMethod::Check,
        reference: "1234".into(),
    };
    billing::take_account_payment(&db, admin, b, &check, &[])
        .await
        .expect("paid");
    let aged = aging(&db, admin, today).await;
    let of_b = aged_of(&aged, b).expect("b");
    assert_eq!(of_b.in_bucket(AgingBucket::Days61To90), Money::ZERO);
    assert_eq!(of_b.owed(), Money(fee));
    ends_like_statements(&db, admin, &aged, &[a, b]).await;

    // Payments by method today: $10 cash, $50 by check.
    let t = today.to_string();
    let r = run(
        &db,
        admin,
        ask("payments", &[("from", t.clone()), ("to", t)]),
    )
    .await;
    let ReportBody::Payments(rows) = r.body else {
        panic!("payments")
    };
    assert_eq!(
        rows.len(),
        PaymentMethod::ALL.len(),
        "every method has a row"
    );
    let of = |m| rows.iter().find(|r| r.method == m).expect("method");
    assert_eq!(
        (
            of(PaymentMethod::Cash).payments,
            of(PaymentMethod::Cash).received
        ),
        (1, Money(1_000))
    );
    assert_eq!(of(PaymentMethod::Check).received, Money(5_000));
    assert_eq!(of(PaymentMethod::Card).received, Money::ZERO);
    assert_eq!(rows.iter().map(|r| r.net()).sum::<Money>(), Money(6_000));

    // Revenue: the same charges by group, service and provider; paid is what went to them.
    let paid = Money(1_000 + 5_000.min(fee));
    for by in RevenueBy::ALL {
        let rows = revenue(&db, admin, *by).await;
        assert_eq!(rows.len(), 1, "{by:?}");
        let r = &rows[0];
        assert_eq!(
            (r.sessions, r.charged, r.paid),
            (1, Money(2 * fee), paid),
            "{by:?}"
        );
        assert_eq!(r.open(), Money(2 * fee) - paid);
    }
    assert_eq!(
        revenue(&db, admin, RevenueBy::Group).await[0].label,
        "Group RA"
    );
    assert!(revenue(&db, admin, RevenueBy::Service).await[0]
        .label
        .starts_with("90853"));
    assert_eq!(
        revenue(&db, admin, RevenueBy::Provider).await[0].label,
        who.display_name
    );

    // Voiding A's invoice takes it out of the balance: A's $10 is now credit, and the
    // charge is unbilled again.
    let a_invoice = invoices::documents(&db, admin, gather::domain::InvoiceId(i64::MAX))
        .await
        .expect("documents")
        .items
        .into_iter()
        .find(|d| d.payer_id == a && d.kind == DocumentKind::Invoice)
        .expect("A's invoice")
        .id;
    invoices::void(&db, admin, a_invoice, "Issued in error")
        .await
        .expect("void");
    let aged = aging(&db, admin, today).await;
    let of_a = aged_of(&aged, a).expect("a");
    assert_eq!((of_a.owed(), of_a.credit), (Money::ZERO, Money(1_000)));
    ends_like_statements(&db, admin, &aged, &[a, b]).await;
    assert_eq!(unbilled(&db, admin).await.total, Money(fee));

    // Every report read is audited, with what was asked.
    let log = log_of(&db, &p).await;
    for kind in ["unbilled", "aging", "payments", "revenue"] {
        assert!(
            log.iter().any(|e| e.object_kind == "billing_report"
                && e.action == "read"
                && e.detail.starts_with(&format!("report={kind}"))),
            "{kind}"
        );
    }
}

async fn reports_are_for_those_who_run_billing_and_name_bad_input(db: Db) {
    let (p, svc) = billing_practice(&db, "r2").await;
    let (who, admin) = (&p.provider, &p.admin);
    let (_, id, people) = session_with(&db, who, "RB", 1, svc).await;
    let live = Live::start(&db);
    mark(&db, &live, who, id, people[0], Some(Choice::Attended(svc))).await;

    // Providers, supervisors and associates do not see practice-wide billing.
    for x in [who, &p.supervisor, &p.associate] {
        assert!(matches!(
            make(&db, x, &ask("unbilled", &[]), Listing::Page).await,
            Err(AppError::Forbidden(_))
        ));
    }
    // Another practice's administrator sees only their own practice.
    let other = practice(&db, "r2x").await;
    assert_eq!(unbilled(&db, &other.admin).await.session_count, 0);
    assert_eq!(unbilled(&db, admin).await.session_count, 1);
    assert_eq!(unbilled(&db, &p.owner).await.session_count, 1);

    // Without a choice: balances as of today.
    let r = make(&db, admin, &ReportAsk::default(), Listing::Page)
        .await
        .expect("default");
    assert!(matches!(r.body, ReportBody::Aging(_)));
    assert_eq!(r.as_of, admin.today().to_string());
    assert_eq!(r.query(), format!("report=aging&as_of={}", r.as_of));

    let today = admin.today();
    let tomorrow = (today + Duration::days(1)).to_string();
    for (a, field) in [
        (ask("nope", &[]), "report"),
        (ask("aging", &[("as_of", "yesterday".into())]), "as_of"),
        (ask("unbilled", &[("as_of", tomorrow.clone())]), "as_of"),
        (
            ask("payments", &[("from", today.to_string()), ("to", tomorrow)]),
            "to",
        ),
        (
            ask(
                "revenue",
                &[
                    ("from", today.to_string()),
                    ("to", (today - Duration::days(1)).to_string()),
                ],
            ),
            "from",
        ),
        (
            ask(
                "revenue",
                &[("from", "2019-01-01".into()), ("to", today.to_string())],
            ),
            "from",
        ),
        (ask("revenue", &[("by", "colour".into())]), "by"),
    ] {
        match make(&db, admin, &a, Listing::Page).await {
            Err(AppError::InvalidInput { field: f, .. }) => assert_eq!(f, field, "{a:?}"),
            other => panic!("{a:?}: {other:?}"),
        }
    }
}

async fn the_csv_download_is_the_report_on_screen(db: Db) {
    // The report's rows as a spreadsheet reads them, with a name typed as a formula.
    let report = Report {
        kind: gather::domain::reports::ReportKind::Revenue,
        as_of: "2026-12-01".into(),
        from: "2026-11-01".into(),
        to: "2026-11-30".into(),
        by: RevenueBy::Group,
        made_on: "December 1, 2026".into(),
        body: ReportBody::Revenue(vec![RevenueRow {
            label: "=HYPERLINK(\"http://x\",\"Grief group\")".into(),
            sessions: 4,
            charged: Money(123_456),
            adjusted: Money(1_000),
            paid: Money(100_000),
        }]),
    };
    let bytes = csv_of(&report).expect("csv");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let head: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        head,
        [
            "Group or case",
            "Sessions",
            "Charged",
            "Adjusted",
            "Paid",
            "Open"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "'=HYPERLINK(\"http://x\",\"Grief group\")",
            "4",
            "1234.56",
            "10.00",
            "1000.00",
            "224.56"
        ]
    );
    assert_eq!(rows[1][0], "Total");
    assert_eq!(
        report.file_name(),
        "revenue-by-group-2026-11-01-to-2026-11-30"
    );

    // Through the router: signed-in owners and administrators only, the same checks.
    seeded(&db).await;
    let app = app(&db);
    let path = "/documents/reports/aging.csv";
    assert_eq!(
        send(&app, get(path, None)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let provider = sign_in(&app, "provider@riverside.example").await;
    assert_eq!(
        send(&app, get(path, Some(&provider))).await.status(),
        StatusCode::FORBIDDEN
    );
    let participant = sign_in(&app, "participant@riverside.example").await;
    assert_eq!(
        send(&app, get(path, Some(&participant))).await.status(),
        StatusCode::FORBIDDEN
    );
    let admin = sign_in(&app, "admin@riverside.example").await;
    let res = send(&app, get(path, Some(&admin))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    let disposition = res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"aging-"),
        "{disposition}"
    );
    let text = body_text(res).await;
    assert!(
        text.starts_with(
            "Payer,Current,1–30 days,31–60 days,61–90 days,Over 90 days,Credit,Balance"
        ),
        "{text}"
    );
    assert!(
        text.lines().last().is_some_and(|l| l.starts_with("Total,")),
        "{text}"
    );
    let res = send(
        &app,
        get(
            "/documents/reports/revenue.csv?from=2026-02-30&to=2026-03-01",
            Some(&admin),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(res).await.contains("first day of the report"));
    assert_eq!(
        send(&app, get("/documents/reports/everything.csv", Some(&admin)))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let res = send(
        &app,
        get("/documents/reports/revenue.csv?by=service", Some(&admin)),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body_text(res).await.starts_with("Service,Sessions,Charged"));
}
