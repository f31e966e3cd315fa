//! Billing documents as PDF, typeset on the server with typst used as a library. Each
//! document is a template compiled into the binary; its data goes in as `sys.inputs`
//! (plain values, so nothing a person typed is ever read as markup); the fonts are
//! typst-assets' own, compiled into the binary and loaded once. Nothing is read from disk or
//! fetched while a document is made. Server only.

mod invoice;
mod receipt;
mod respond;
mod statement;
mod superbill;

pub use invoice::invoice_pdf;
pub use receipt::receipt_pdf;
pub use respond::{caller, pdf_download};
pub(in crate::billing) use respond::{refused, staff_caller};
pub use statement::statement_pdf;
pub use superbill::superbill_pdf;

use crate::billing::Issuer;
use crate::domain::money::Money;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Array, Bytes, Datetime, Dict, IntoValue, Value};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The embedded fonts and their book, read once for the life of the server.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

/// One document being typeset: its template and data, and nothing else to read.
struct Sheet {
    library: LazyHash<Library>,
    fonts: &'static Fonts,
    source: Source,
}

impl World for Sheet {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.source.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() {
            Ok(self.source.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        // Documents print the days they carry; "today" in a template would make the same
        // document print differently tomorrow.
        None
    }
}

/// Typesets `template` (named `name` in messages) with `inputs` as `sys.inputs`.
pub(crate) fn typeset(name: &str, template: &str, inputs: Dict) -> Result<Vec<u8>, String> {
    let sheet = Sheet {
        library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
        fonts: fonts(),
        source: Source::new(
            FileId::new(None, VirtualPath::new(format!("{name}.typ"))),
            template.to_string(),
        ),
    };
    let compiled = typst::compile::<PagedDocument>(&sheet).output;
    let pdf = compiled.and_then(|doc| typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()));
    // Each document's data is new, so little of the memo cache is reused: keep it small.
    comemo::evict(2);
    pdf.map_err(|errors| {
        let said: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        format!("the {name} template failed: {}", said.join("; "))
    })
}

/// Builds a dictionary of template inputs from (key, value) pairs.
pub(crate) fn dict<const N: usize>(pairs: [(&str, Value); N]) -> Dict {
    let mut d = Dict::new();
    for (k, v) in pairs {
        d.insert(k.into(), v);
    }
    d
}

/// A text input, or `none` when empty, so templates can leave out what a document lacks.
fn text_or_none(s: &str) -> Value {
    if s.trim().is_empty() {
        Value::None
    } else {
        s.into_value()
    }
}

/// Who issued a document, as templates take it: name, address lines, tax id or `none`.
fn issuer(issuer: &Issuer) -> Dict {
    dict([
        ("name", issuer.name.as_str().into_value()),
        (
            "address",
            Array::from_iter(
                issuer
                    .address
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| l.into_value()),
            )
            .into_value(),
        ),
        ("tax_id", text_or_none(&issuer.tax_id)),
    ])
}

/// One line of a document, as templates take it: the date of service, the participant,
/// the service or fee, and the amount.
fn service_line(day: &str, participant: &str, description: &str, amount: Money) -> Value {
    dict([
        ("day", day.into_value()),
        ("participant", participant.into_value()),
        ("description", description.into_value()),
        ("amount", amount.to_string().into_value()),
    ])
    .into_value()
}
