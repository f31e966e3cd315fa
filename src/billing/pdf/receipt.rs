//! A payment's receipt as PDF: the same receipt the printable page shows, to the same reader
//! (so a staff member who does not run billing gets other cases' charges as one line).

use super::{dict, issuer, service_line, typeset};
use crate::billing::receipts::Receipt;
use typst::foundations::{Array, IntoValue};

const TEMPLATE: &str = include_str!("receipt.typ");

/// The receipt's PDF. An error here is the template's, never the caller's input.
pub fn receipt_pdf(r: &Receipt) -> Result<Vec<u8>, String> {
    let lines = Array::from_iter(
        r.lines
            .iter()
            .map(|l| service_line(&l.day, &l.participant, &l.description, l.amount)),
    );
    // What did not go to a listed charge: other cases' charges, refunds, credit kept.
    let mut other: Vec<(String, String)> = Vec::new();
    if r.elsewhere.is_positive() {
        other.push((
            "Other charges on the payer's account".into(),
            r.elsewhere.to_string(),
        ));
    }
    for (said, amount) in &r.refunds {
        other.push((said.clone(), amount.to_string()));
    }
    if r.on_account.is_positive() {
        other.push(("Kept on account as credit".into(), r.on_account.to_string()));
    }
    let other = Array::from_iter(other.into_iter().map(|(said, amount)| {
        dict([("said", said.into_value()), ("amount", amount.into_value())]).into_value()
    }));
    let inputs = dict([
        ("title", r.title.as_str().into_value()),
        ("issuer", issuer(&r.issuer).into_value()),
        ("payer", r.payer_name.as_str().into_value()),
        ("received_on", r.received_on.as_str().into_value()),
        ("method", r.method.as_str().into_value()),
        ("amount", r.amount.to_string().into_value()),
        ("recorded_by", r.recorded_by.as_str().into_value()),
        ("lines", lines.into_value()),
        ("other", other.into_value()),
    ]);
    typeset("receipt", TEMPLATE, inputs)
}
