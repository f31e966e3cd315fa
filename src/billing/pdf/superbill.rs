//! A superbill as PDF: the same superbill the printable page shows, for the client to send
//! their insurer. Codes that are not CPT codes print with their flag, never dropped.

use super::{dict, issuer, text_or_none, typeset};
use crate::billing::superbills::Superbill;
use typst::foundations::{Array, IntoValue, Value};

const TEMPLATE: &str = include_str!("superbill.typ");

/// The superbill's PDF. An error here is the template's, never the caller's input.
pub fn superbill_pdf(s: &Superbill) -> Result<Vec<u8>, String> {
    let several = s.providers.len() > 1;
    let lines = Array::from_iter(s.lines.iter().map(|l| {
        // With several providers each line says whose it was.
        let provider = if several {
            if l.provider_npi.is_empty() {
                l.provider.as_str().into_value()
            } else {
                format!("{}, NPI {}", l.provider, l.provider_npi).into_value()
            }
        } else {
            Value::None
        };
        dict([
            ("date", l.date.as_str().into_value()),
            ("code", l.code.as_str().into_value()),
            ("description", l.description.as_str().into_value()),
            ("modifiers", l.modifiers.as_str().into_value()),
            ("place", l.place.as_str().into_value()),
            ("pointers", l.pointers.as_str().into_value()),
            ("units", l.units.to_string().into_value()),
            ("fee", l.fee.to_string().into_value()),
            ("paid", l.paid.to_string().into_value()),
            ("provider", provider),
            (
                "flag",
                l.flag.as_deref().map_or(Value::None, |f| f.into_value()),
            ),
        ])
        .into_value()
    }));
    let providers = Array::from_iter(s.providers.iter().map(|p| {
        dict([
            ("name", p.name.as_str().into_value()),
            ("npi", text_or_none(&p.npi)),
        ])
        .into_value()
    }));
    let diagnoses = Array::from_iter(s.diagnoses.iter().map(|x| {
        dict([
            ("pointer", x.pointer.as_str().into_value()),
            ("code", x.code.as_str().into_value()),
            ("description", x.description.as_str().into_value()),
        ])
        .into_value()
    }));
    let inputs = dict([
        ("title", s.title.as_str().into_value()),
        ("issuer", issuer(&s.issuer).into_value()),
        ("npi", text_or_none(&s.practice_npi)),
        ("period", s.period.as_str().into_value()),
        ("made_on", s.made_on.as_str().into_value()),
        (
            "client",
            dict([
                ("name", s.client_name.as_str().into_value()),
                ("birth_date", text_or_none(&s.client_birth_date)),
            ])
            .into_value(),
        ),
        ("providers", providers.into_value()),
        ("diagnoses", diagnoses.into_value()),
        ("lines", lines.into_value()),
        ("total_fee", s.total_fee().to_string().into_value()),
        ("total_paid", s.total_paid().to_string().into_value()),
        ("balance", s.balance().to_string().into_value()),
        ("flagged", (s.flagged() as i64).into_value()),
    ]);
    typeset("superbill", TEMPLATE, inputs)
}
