//! A note's text as stored: blocks (paragraph, heading 1–6, bulleted or numbered item, each
//! with an indent) of styled spans (bold, italic, underline, small). Nothing else can be
//! expressed, so nothing else can be stored: no tags, attributes, links, images or styles.

use serde::{Deserialize, Serialize};

/// Most levels a block may be indented.
pub const MAX_INDENT: u8 = 6;
/// Most blocks in one document (a long note is a few hundred).
pub const MAX_BLOCKS: usize = 5_000;
/// Most characters in one document.
pub const MAX_CHARS: usize = 200_000;

/// Inline formatting of a run of text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Marks {
    #[serde(default, skip_serializing_if = "is_false")]
    pub bold: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub italic: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub underline: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub small: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

/// A run of text with one formatting. `\n` is a line break within its block.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub text: String,
    #[serde(flatten)]
    pub marks: Marks,
}

impl Span {
    pub fn plain(text: &str) -> Span {
        Span {
            text: text.into(),
            marks: Marks::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    #[default]
    Paragraph,
    /// Level 1 to 6.
    Heading(u8),
    Bullet,
    Numbered,
}

impl BlockKind {
    pub fn is_list(self) -> bool {
        matches!(self, BlockKind::Bullet | BlockKind::Numbered)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub indent: u8,
    #[serde(default)]
    pub spans: Vec<Span>,
}

impl Block {
    pub fn new(kind: BlockKind, text: &str) -> Block {
        Block {
            kind,
            indent: 0,
            spans: if text.is_empty() {
                Vec::new()
            } else {
                vec![Span::plain(text)]
            },
        }
    }

    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A note's text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub blocks: Vec<Block>,
}

/// Why a document was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentError {
    HeadingLevel(u8),
    Indent(u8),
    TooManyBlocks(usize),
    TooLong(usize),
}

impl std::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocumentError::HeadingLevel(l) => {
                write!(f, "Headings go from level 1 to 6; this one is level {l}.")
            }
            DocumentError::Indent(i) => write!(
                f,
                "Text can be indented at most {MAX_INDENT} levels; this is indented {i}."
            ),
            DocumentError::TooManyBlocks(n) => write!(
                f,
                "This note has {n} paragraphs; a note can have at most {MAX_BLOCKS}. Split it up."
            ),
            DocumentError::TooLong(n) => write!(
                f,
                "This note is {n} characters long; a note can have at most {MAX_CHARS}."
            ),
        }
    }
}

impl Document {
    pub fn paragraph(text: &str) -> Document {
        Document {
            blocks: vec![Block::new(BlockKind::Paragraph, text)],
        }
    }

    /// The text without formatting, blocks on their own lines.
    pub fn plain_text(&self) -> String {
        self.blocks
            .iter()
            .map(Block::text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether there is no visible text at all.
    pub fn is_blank(&self) -> bool {
        self.blocks
            .iter()
            .all(|b| b.spans.iter().all(|s| s.text.trim().is_empty()))
    }

    pub fn chars(&self) -> usize {
        self.blocks
            .iter()
            .flat_map(|b| b.spans.iter())
            .map(|s| s.text.chars().count())
            .sum()
    }

    /// Checks what a document must be before it is stored.
    pub fn validate(&self) -> Result<(), DocumentError> {
        if self.blocks.len() > MAX_BLOCKS {
            return Err(DocumentError::TooManyBlocks(self.blocks.len()));
        }
        for b in &self.blocks {
            if let BlockKind::Heading(l) = b.kind {
                if !(1..=6).contains(&l) {
                    return Err(DocumentError::HeadingLevel(l));
                }
            }
            if b.indent > MAX_INDENT {
                return Err(DocumentError::Indent(b.indent));
            }
        }
        let chars = self.chars();
        if chars > MAX_CHARS {
            return Err(DocumentError::TooLong(chars));
        }
        Ok(())
    }

    /// The same document in its one canonical form: control characters gone (other than
    /// line breaks), neighbouring spans of the same formatting joined, empty spans dropped,
    /// blank blocks at either end dropped. Two documents that look the same compare equal.
    pub fn normalized(&self) -> Document {
        let mut blocks: Vec<Block> = self
            .blocks
            .iter()
            .map(|b| {
                let mut spans: Vec<Span> = Vec::new();
                for s in &b.spans {
                    let text: String = s
                        .text
                        .chars()
                        .map(|c| if c == '\t' || c == '\u{a0}' { ' ' } else { c })
                        .filter(|c| *c == '\n' || !c.is_control())
                        .collect();
                    if text.is_empty() {
                        continue;
                    }
                    match spans.last_mut() {
                        Some(last) if last.marks == s.marks => last.text.push_str(&text),
                        _ => spans.push(Span {
                            text,
                            marks: s.marks,
                        }),
                    }
                }
                Block {
                    kind: b.kind,
                    indent: b.indent,
                    spans,
                }
            })
            .collect();
        while blocks.last().is_some_and(|b| b.spans.is_empty()) {
            blocks.pop();
        }
        let leading = blocks.iter().take_while(|b| b.spans.is_empty()).count();
        blocks.drain(..leading);
        Document { blocks }
    }
}

/// A new note from a template: each section a second-level heading with room below it.
pub fn from_sections(sections: &[String]) -> Document {
    let mut blocks = Vec::new();
    for s in sections {
        blocks.push(Block::new(BlockKind::Heading(2), s));
        blocks.push(Block::new(BlockKind::Paragraph, ""));
    }
    Document { blocks }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bold(s: &str) -> Span {
        Span {
            text: s.into(),
            marks: Marks {
                bold: true,
                ..Marks::default()
            },
        }
    }

    #[test]
    fn validation_refuses_what_a_document_cannot_be() {
        let mut doc = Document::paragraph("x");
        doc.blocks[0].kind = BlockKind::Heading(7);
        assert_eq!(doc.validate(), Err(DocumentError::HeadingLevel(7)));
        doc.blocks[0].kind = BlockKind::Heading(0);
        assert_eq!(doc.validate(), Err(DocumentError::HeadingLevel(0)));
        doc.blocks[0].kind = BlockKind::Bullet;
        doc.blocks[0].indent = MAX_INDENT + 1;
        assert!(matches!(doc.validate(), Err(DocumentError::Indent(_))));
        let long = Document::paragraph(&"a".repeat(MAX_CHARS + 1));
        assert!(matches!(long.validate(), Err(DocumentError::TooLong(_))));
        let many = Document {
            blocks: vec![Block::new(BlockKind::Paragraph, "a"); MAX_BLOCKS + 1],
        };
        assert!(matches!(
            many.validate(),
            Err(DocumentError::TooManyBlocks(_))
        ));
        assert!(DocumentError::HeadingLevel(7)
            .to_string()
            .contains("1 to 6"));
    }

    #[test]
    fn normalizing_joins_spans_and_drops_blank_ends() {
        let doc = Document {
            blocks: vec![
                Block::new(BlockKind::Paragraph, ""),
                Block {
                    kind: BlockKind::Paragraph,
                    indent: 0,
                    spans: vec![bold("a"), bold("b"), Span::plain(""), Span::plain("c\u{7}")],
                },
                Block::new(BlockKind::Paragraph, ""),
            ],
        };
        let n = doc.normalized();
        assert_eq!(n.blocks.len(), 1);
        assert_eq!(n.blocks[0].spans, vec![bold("ab"), Span::plain("c")]);
        assert!(Document::default().is_blank());
        assert!(!n.is_blank());
    }
}
