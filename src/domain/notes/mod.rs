//! Notes: the rich-text document clinicians write, how anything pasted or typed becomes one,
//! how it is shown, the templates notes start from, and the rules of a note's life (draft,
//! supervision, lock into charts). One module each; their names are re-exported here.

mod document;
mod html;
mod lifecycle;
mod templates;

pub use document::*;
pub use html::*;
pub use lifecycle::*;
pub use templates::*;
