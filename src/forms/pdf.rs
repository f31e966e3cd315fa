//! A completed form as PDF: its questions and answers, information blocks as shown, and a
//! signature page with each signature's evidence. Typeset like the billing documents (a
//! template compiled into the binary, the data as `sys.inputs`). Server only.

use super::server::FormDocument;
use crate::billing::pdf::{dict, typeset};
use crate::domain::forms::FieldKind;
use typst::foundations::{Array, IntoValue};

const TEMPLATE: &str = include_str!("form.typ");

/// An answer as the PDF prints it.
fn answer(kind: FieldKind, value: Option<&String>) -> String {
    match (kind, value.map(String::as_str)) {
        (FieldKind::Checkbox, Some("yes")) => "Yes".into(),
        (FieldKind::Checkbox, _) => "No".into(),
        (_, Some(v)) if !v.is_empty() => v.to_string(),
        _ => "(no answer)".into(),
    }
}

/// The form's PDF. An error here is the template's, never the person's input.
pub fn form_pdf(f: &FormDocument) -> Result<Vec<u8>, String> {
    let fields = Array::from_iter(f.fields.iter().map(|field| {
        dict([
            ("kind", field.kind.as_str().into_value()),
            ("label", field.label.as_str().into_value()),
            ("required", field.required.into_value()),
            ("text", field.text.as_str().into_value()),
            (
                "answer",
                answer(field.kind, f.answers.get(&field.key)).into_value(),
            ),
        ])
        .into_value()
    }));
    let signatures = Array::from_iter(f.signatures.iter().map(|s| {
        dict([
            ("signer", s.signer.as_str().into_value()),
            ("capacity", s.capacity.as_str().into_value()),
            ("typed_name", s.typed_name.as_str().into_value()),
            ("intent", s.intent.as_str().into_value()),
            ("signed_at", s.signed_at.as_str().into_value()),
            ("account", s.account.as_str().into_value()),
            ("method", s.method.as_str().into_value()),
            ("address", s.address.as_str().into_value()),
            ("browser", s.browser.as_str().into_value()),
            ("version", s.version.to_string().into_value()),
            ("sha256", s.sha256.as_str().into_value()),
        ])
        .into_value()
    }));
    let inputs = dict([
        ("id", f.id.0.to_string().into_value()),
        ("title", f.title.as_str().into_value()),
        ("practice", f.practice.as_str().into_value()),
        ("person", f.person.as_str().into_value()),
        ("version", f.version.to_string().into_value()),
        ("completed", f.completed.as_str().into_value()),
        ("sha256", f.sha256.as_str().into_value()),
        ("fields", fields.into_value()),
        ("signatures", signatures.into_value()),
    ]);
    typeset("form", TEMPLATE, inputs)
}
