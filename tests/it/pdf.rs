//! Billing documents as PDF, read back by an independent PDF reader (poppler's `pdftotext`):
//! an invoice's PDF says what its page says (the practice, the payer, each line and the
//! total), a voided one says so, and text a person typed is printed as typed, never read as
//! layout markup. The download route answers only those who may read the document.

use crate::billing::{cash, charge_of, mark};
use crate::common::fixtures::{person_of_kind, practice, service, session_with};
use crate::common::router::{app, get, seeded, send, sign_in};
use crate::on_both_engines;
use axum::http::StatusCode;
use gather::attendance::live::Live;
use gather::billing::invoices::server as invoices;
use gather::billing::pdf::{invoice_pdf, receipt_pdf, statement_pdf};
use gather::billing::receipts::server as receipts;
use gather::billing::server as billing;
use gather::cases::server as cases;
use gather::domain::attendance::Choice;
use gather::domain::billing::Payer;
use gather::domain::people::PersonKind;
use gather::server::db::Db;
use std::process::Command;

on_both_engines!(
    an_invoice_pdf_says_what_the_invoice_says,
    a_receipt_pdf_says_what_the_receipt_says,
    a_statement_pdf_runs_the_balance_the_page_runs,
    the_pdf_download_answers_only_those_who_may_read_it,
);

/// The text of a PDF as poppler reads it, in its layout.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let path = std::env::temp_dir().join(format!(
        "gather-{}-{}.pdf",
        std::process::id(),
        gather::server::db::now_ms() ^ (pdf.len() as i64)
    ));
    std::fs::write(&path, pdf).expect("write the PDF");
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext (Debian's poppler-utils) is needed; scripts/setup --e2e installs it: {e}")
        });
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdftotext: {out:?}");
    String::from_utf8(out.stdout).expect("utf-8 text")
}

async fn an_invoice_pdf_says_what_the_invoice_says(db: Db) {
    let p = practice(&db, "pdf1").await;
    let (who, admin) = (&p.provider, &p.admin);
    let svc = service(&db, &p, "90853").await;
    let (case, id, people) = session_with(&db, who, "PD", 2, svc).await;
    // A name with layout markup in it is printed as typed.
    let sponsor = "Acme #strong[Sponsor] $x^2$ _y_ // z";
    let sponsor_id = person_of_kind(&db, who, sponsor, PersonKind::Organization).await;
    cases::set_case_payer(&db, who, case, Payer::Organization(sponsor_id.0))
        .await
        .expect("sponsor pays");
    let live = Live::start(&db);
    for person in &people {
        mark(&db, &live, who, id, *person, Some(Choice::Attended(svc))).await;
    }
    let run = invoices::invoice_unbilled(&db, admin, None, &admin.today().to_string())
        .await
        .expect("invoice run");
    assert_eq!(run.invoices.len(), 1);
    let doc = invoices::document(&db, admin, run.invoices[0].id)
        .await
        .expect("document");
    let text = pdf_text(&invoice_pdf(&doc).expect("pdf"));
    assert!(text.contains(&doc.title), "{text}");
    assert!(text.contains("Practice pdf1"), "{text}");
    assert!(text.contains(sponsor), "the payer as typed: {text}");
    for line in &doc.lines {
        assert!(text.contains(&line.participant), "{text}");
        assert!(text.contains(&line.amount.to_string()), "{text}");
        assert!(text.contains(&line.day), "{text}");
    }
    assert!(
        text.contains(&format!("Total {}", doc.total)),
        "the total: {text}"
    );
    assert!(!text.contains("Void."), "{text}");
    if let Some(due) = &doc.due_on {
        assert!(text.contains(&format!("Due {due}")), "{text}");
    }

    // Voided: the PDF says so, with the reason.
    let voided = invoices::void(&db, admin, doc.id, "Issued to the wrong sponsor")
        .await
        .expect("void");
    let text = pdf_text(&invoice_pdf(&voided).expect("pdf"));
    assert!(text.contains("Void. Issued to the wrong sponsor"), "{text}");
}

async fn a_receipt_pdf_says_what_the_receipt_says(db: Db) {
    let p = practice(&db, "pdf2").await;
    let who = &p.provider;
    let svc = service(&db, &p, "90853").await;
    let (_, id, people) = session_with(&db, who, "PR", 1, svc).await;
    let live = Live::start(&db);
    mark(&db, &live, who, id, people[0], Some(Choice::Attended(svc))).await;
    let fee = charge_of(&db, who, id).await[&people[0]].0;
    // Ten dollars more than the charge: the rest is kept as credit, and the receipt says so.
    let over = gather::domain::money::Money(fee + 1_000);
    let taken = billing::take_payment(&db, who, id, people[0], None, &cash(&over.as_input()))
        .await
        .expect("payment");
    let receipt = receipts::receipt(&db, who, taken.payment)
        .await
        .expect("receipt");
    let text = pdf_text(&receipt_pdf(&receipt).expect("pdf"));
    for said in [
        receipt.title.as_str(),
        receipt.payer_name.as_str(),
        receipt.method.as_str(),
        "Practice pdf2",
        "Kept on account as credit",
    ] {
        assert!(text.contains(said), "{said:?} in {text}");
    }
    assert!(text.contains(&receipt.lines[0].participant), "{text}");
    assert!(
        text.contains(&format!("Total received {over}")),
        "the total: {text}"
    );
}

async fn a_statement_pdf_runs_the_balance_the_page_runs(db: Db) {
    let p = practice(&db, "pdf3").await;
    let (who, admin) = (&p.provider, &p.admin);
    let svc = service(&db, &p, "90853").await;
    let (_, id, people) = session_with(&db, who, "PS", 1, svc).await;
    let payer = people[0];
    let live = Live::start(&db);
    mark(&db, &live, who, id, payer, Some(Choice::Attended(svc))).await;
    let fee = gather::domain::money::Money(charge_of(&db, who, id).await[&payer].0);
    let today = admin.today();
    invoices::invoice_unbilled(&db, admin, Some(payer), &today.to_string())
        .await
        .expect("invoiced");
    billing::take_account_payment(&db, admin, payer, &cash("10"), &[])
        .await
        .expect("paid");
    let s = crate::documents::statement(&db, admin, payer, today, today).await;
    let text = pdf_text(&statement_pdf(&s).expect("pdf"));
    let owed = fee - gather::domain::money::Money(1_000);
    // Columns are spaced out in the layout; compare words, not spacing.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut said = vec![
        s.payer_name.clone(),
        "Practice pdf3".to_string(),
        "Balance brought forward".to_string(),
        format!("Invoiced {fee}"),
        format!("Balance due {owed}"),
    ];
    said.extend(s.ledger.lines.iter().map(|x| x.entry.label.clone()));
    assert_eq!(s.ledger.lines.len(), 2, "an invoice and a payment");
    for said in said {
        assert!(words.contains(&said), "{said:?} in {text}");
    }
}

async fn the_pdf_download_answers_only_those_who_may_read_it(db: Db) {
    seeded(&db).await;
    let app = app(&db);
    for path in [
        "/documents/invoices/1.pdf",
        "/documents/receipts/1.pdf",
        "/documents/statements/1.pdf",
        "/documents/superbills/1.pdf",
    ] {
        let res = send(&app, get(path, None)).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let provider = sign_in(&app, "provider@riverside.example").await;
    let res = send(&app, get("/documents/invoices/1.pdf", Some(&provider))).await;
    assert!(
        matches!(res.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        res.status()
    );
    let participant = sign_in(&app, "participant@riverside.example").await;
    let res = send(&app, get("/documents/invoices/1.pdf", Some(&participant))).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let admin = sign_in(&app, "admin@riverside.example").await;
    for missing in [
        "/documents/invoices/999999.pdf",
        "/documents/invoices/one.pdf",
        "/documents/invoices/1",
    ] {
        let res = send(&app, get(missing, Some(&admin))).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{missing}");
    }
}
