//! Typesetting an invoice as PDF: the time to make one invoice's PDF (typst as a library,
//! the server's own code behind `GET /documents/invoices/<id>.pdf`), for a month of a weekly
//! group (5 lines) and for a sponsor's workshop of 200 participants (200 lines, several
//! pages). The first document also loads the embedded fonts; the median is of the rest.
//!
//! A benchmark, not a test: it prints figures. Run with `scripts/bench` or
//! `cargo bench --features ssr --bench billing_pdf`.

use gather::billing::invoices::{InvoiceDocument, InvoiceLine};
use gather::billing::pdf::invoice_pdf;
use gather::billing::Issuer;
use gather::domain::invoicing::DocumentKind;
use gather::domain::money::Money;
use gather::domain::{InvoiceId, PersonId};
use std::time::{Duration, Instant};

const RUNS: usize = 21;

fn invoice(lines: usize) -> InvoiceDocument {
    let lines: Vec<InvoiceLine> = (0..lines)
        .map(|i| InvoiceLine {
            day: format!("Tuesday {} November 2026", 1 + i % 28),
            participant: format!("Participant Number {i}"),
            description: "90853 Group psychotherapy — 80% share of $60.00".into(),
            amount: Money(4_800),
        })
        .collect();
    let total = lines.iter().map(|l| l.amount).sum();
    InvoiceDocument {
        id: InvoiceId(1),
        kind: DocumentKind::Invoice,
        title: "Invoice 1042".into(),
        issuer: Issuer {
            name: "Riverside Counseling Collective, PLLC".into(),
            address: "120 River Street, Suite 4\nSpringfield, IL 62701".into(),
            tax_id: "12-3456789".into(),
        },
        payer_id: PersonId(7),
        payer_name: "Harbor Schools Employee Assistance".into(),
        issued_on: "Monday 30 November 2026".into(),
        due_on: Some("Wednesday 30 December 2026".into()),
        lines,
        total,
        credits: None,
        reason: String::new(),
        credit_notes: Vec::new(),
        voided: None,
    }
}

fn measure(label: &str, doc: &InvoiceDocument) {
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut size = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let pdf = invoice_pdf(doc).expect("pdf");
        times.push(start.elapsed());
        size = pdf.len();
    }
    let first = times[0];
    let mut rest = times[1..].to_vec();
    rest.sort();
    println!(
        "  {label}: median {:.2} ms, worst {:.2} ms over {} runs (first, with font loading: {:.2} ms); {} bytes",
        rest[rest.len() / 2].as_secs_f64() * 1e3,
        rest[rest.len() - 1].as_secs_f64() * 1e3,
        rest.len(),
        first.as_secs_f64() * 1e3,
        size
    );
}

fn main() {
    measure("invoice, 5 lines", &invoice(5));
    measure("invoice, 200 lines", &invoice(200));
}
