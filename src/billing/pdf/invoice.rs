//! An invoice or credit note as PDF: the same document the printable page shows.

use super::{dict, issuer, service_line, text_or_none, typeset};
use crate::billing::invoices::InvoiceDocument;
use typst::foundations::{Array, IntoValue, Value};

const TEMPLATE: &str = include_str!("invoice.typ");

/// The document's PDF. An error here is the template's, never the caller's input.
pub fn invoice_pdf(doc: &InvoiceDocument) -> Result<Vec<u8>, String> {
    let lines = Array::from_iter(
        doc.lines
            .iter()
            .map(|l| service_line(&l.day, &l.participant, &l.description, l.amount)),
    );
    let voided = doc.voided.as_ref().map_or(Value::None, |v| {
        if v.by.is_empty() {
            v.reason.as_str().into_value()
        } else {
            format!("{} (voided by {})", v.reason, v.by).into_value()
        }
    });
    let inputs = dict([
        ("title", doc.title.as_str().into_value()),
        ("issuer", issuer(&doc.issuer).into_value()),
        ("payer", doc.payer_name.as_str().into_value()),
        ("issued_on", doc.issued_on.as_str().into_value()),
        (
            "due_on",
            doc.due_on
                .as_deref()
                .map_or(Value::None, |d| d.into_value()),
        ),
        (
            "credits",
            doc.credits
                .as_ref()
                .map_or(Value::None, |(_, title)| title.as_str().into_value()),
        ),
        ("reason", text_or_none(&doc.reason)),
        ("voided", voided),
        ("lines", lines.into_value()),
        ("total", doc.total.to_string().into_value()),
        (
            "credit_notes",
            Array::from_iter(
                doc.credit_notes
                    .iter()
                    .map(|c| c.title.as_str().into_value()),
            )
            .into_value(),
        ),
    ]);
    typeset("invoice", TEMPLATE, inputs)
}
