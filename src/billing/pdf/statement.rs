//! A payer's statement as PDF: the same period, figures and running balance the printable
//! page shows.

use super::{dict, issuer, typeset};
use crate::billing::statements::Statement;
use crate::domain::when;
use typst::foundations::{Array, IntoValue, Value};

const TEMPLATE: &str = include_str!("statement.typ");

/// The statement's PDF. An error here is the template's, never the caller's input.
pub fn statement_pdf(s: &Statement) -> Result<Vec<u8>, String> {
    let l = &s.ledger;
    let mut figures = vec![
        ("Balance brought forward", l.opening),
        ("Invoiced", l.invoiced),
        ("Credited", l.credited),
    ];
    if l.voided.cents() != 0 {
        figures.push(("Voided", l.voided));
    }
    if l.adjusted.cents() != 0 {
        figures.push(("Adjusted", l.adjusted));
    }
    figures.push(("Paid", l.paid));
    if l.refunded.cents() != 0 {
        figures.push(("Refunded", l.refunded));
    }
    let figures = Array::from_iter(figures.into_iter().map(|(label, amount)| {
        dict([
            ("label", label.into_value()),
            ("amount", amount.to_string().into_value()),
        ])
        .into_value()
    }));
    let lines = Array::from_iter(l.lines.iter().map(|x| {
        dict([
            ("day", when::date(x.entry.day).into_value()),
            ("label", x.entry.label.as_str().into_value()),
            ("amount", x.entry.amount.to_string().into_value()),
            ("balance", x.balance.to_string().into_value()),
        ])
        .into_value()
    }));
    let period = when::days_range(&s.from, &s.to);
    let inputs = dict([
        (
            "title",
            format!("Statement for {}, {period}", s.payer_name).into_value(),
        ),
        ("issuer", issuer(&s.issuer).into_value()),
        ("payer", s.payer_name.as_str().into_value()),
        ("period", period.as_str().into_value()),
        ("made_on", s.made_on.as_str().into_value()),
        ("figures", figures.into_value()),
        ("opening", l.opening.to_string().into_value()),
        ("lines", lines.into_value()),
        ("closing_label", l.closing_label().into_value()),
        ("closing", l.closing_shown().to_string().into_value()),
        (
            "unbilled",
            if s.unbilled.is_positive() {
                s.unbilled.to_string().into_value()
            } else {
                Value::None
            },
        ),
    ]);
    typeset("statement", TEMPLATE, inputs)
}
