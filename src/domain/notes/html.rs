//! HTML, which exists only at the edges of a note: [`to_html`] writes a document with every
//! bit of text escaped, and [`from_markup`] reads pasted or edited HTML (parsed by the
//! browser) keeping only what a document can hold.

use super::document::{Block, BlockKind, Document, Marks, Span, MAX_INDENT};

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
}

fn spans_into(out: &mut String, block: &Block) {
    if block.spans.iter().all(|s| s.text.is_empty()) {
        // An empty line keeps its height, in the editor and on the page.
        out.push_str("<br>");
        return;
    }
    for s in &block.spans {
        let m = s.marks;
        let tags: [(bool, &str); 4] = [
            (m.bold, "strong"),
            (m.italic, "em"),
            (m.underline, "u"),
            (m.small, "small"),
        ];
        for (on, tag) in tags {
            if on {
                out.push('<');
                out.push_str(tag);
                out.push('>');
            }
        }
        escape_into(out, &s.text);
        if s.text.ends_with('\n') {
            // A trailing line break shows only when something follows it.
            out.push_str("<br>");
        }
        for (on, tag) in tags.iter().rev() {
            if *on {
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
        }
    }
}

/// The document as HTML: only `p`, `h1`–`h6`, `ul`, `ol`, `li`, `blockquote` (indent),
/// `strong`, `em`, `u`, `small` and `br`, with no attributes, and every character of text
/// escaped. Indented paragraphs sit in nested blockquotes and indented list items in nested
/// lists, which is also how the browser's editing commands indent, so a document read back
/// from the editor keeps its indents.
pub fn to_html(doc: &Document) -> String {
    let mut out = String::new();
    // Open lists, outermost first.
    let mut lists: Vec<BlockKind> = Vec::new();
    let close_list = |out: &mut String, kind: BlockKind| {
        out.push_str(if kind == BlockKind::Numbered {
            "</ol>"
        } else {
            "</ul>"
        });
    };
    for block in &doc.blocks {
        if block.kind.is_list() {
            let depth = usize::from(block.indent.min(MAX_INDENT)) + 1;
            while lists.len() > depth || (lists.len() == depth && lists.last() != Some(&block.kind))
            {
                if let Some(k) = lists.pop() {
                    close_list(&mut out, k);
                }
            }
            while lists.len() < depth {
                out.push_str(if block.kind == BlockKind::Numbered {
                    "<ol>"
                } else {
                    "<ul>"
                });
                lists.push(block.kind);
            }
            out.push_str("<li>");
            spans_into(&mut out, block);
            out.push_str("</li>");
            continue;
        }
        while let Some(k) = lists.pop() {
            close_list(&mut out, k);
        }
        let tag = match block.kind {
            BlockKind::Heading(l) => format!("h{}", l.clamp(1, 6)),
            _ => "p".to_string(),
        };
        let indent = block.indent.min(MAX_INDENT);
        for _ in 0..indent {
            out.push_str("<blockquote>");
        }
        out.push_str(&format!("<{tag}>"));
        spans_into(&mut out, block);
        out.push_str(&format!("</{tag}>"));
        for _ in 0..indent {
            out.push_str("</blockquote>");
        }
    }
    while let Some(k) = lists.pop() {
        close_list(&mut out, k);
    }
    out
}

/// An HTML node as a parser produced it: how the browser's editor content and pasted HTML
/// reach [`from_markup`] (and how tests feed it parsed payloads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Markup {
    Element {
        /// Lower case.
        name: String,
        attrs: Vec<(String, String)>,
        children: Vec<Markup>,
    },
    Text(String),
}

/// Elements dropped with everything inside them: scripts, styles, embedded documents and
/// media, vector graphics and maths, form controls, and document metadata.
const DROPPED: &[&str] = &[
    "script",
    "style",
    "template",
    "svg",
    "math",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "noscript",
    "noembed",
    "noframes",
    "head",
    "title",
    "meta",
    "link",
    "base",
    "img",
    "image",
    "picture",
    "source",
    "video",
    "audio",
    "track",
    "canvas",
    "map",
    "area",
    "input",
    "button",
    "select",
    "option",
    "textarea",
    "datalist",
    "output",
    "dialog",
    "portal",
    "xmp",
    "plaintext",
    "param",
];

/// Elements that start and end a block of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "address",
    "pre",
    "dd",
    "dt",
    "dl",
    "figure",
    "figcaption",
    "tr",
    "caption",
    "hr",
    "details",
    "summary",
    "fieldset",
    "legend",
    "form",
    "center",
    "body",
    "html",
];

/// Formatting an element sets: `Some(true)` turns a mark on, `Some(false)` off (Google Docs
/// wraps everything in `<b style="font-weight:normal">`), `None` leaves it as it is.
#[derive(Clone, Copy, Default)]
struct MarkChange {
    bold: Option<bool>,
    italic: Option<bool>,
    underline: Option<bool>,
    small: Option<bool>,
    hidden: bool,
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Whether a CSS length names small text (Word and web pages write sizes many ways).
fn small_size(value: &str) -> Option<bool> {
    let v = value.trim().to_ascii_lowercase();
    if matches!(v.as_str(), "small" | "x-small" | "xx-small" | "smaller") {
        return Some(true);
    }
    let number = |suffix: &str| {
        v.strip_suffix(suffix)
            .and_then(|n| n.trim().parse::<f32>().ok())
    };
    if let Some(px) = number("px") {
        return Some(px < 13.0);
    }
    if let Some(pt) = number("pt") {
        return Some(pt < 10.0);
    }
    if let Some(em) = number("em").or_else(|| number("rem")) {
        return Some(em < 0.85);
    }
    if let Some(pc) = number("%") {
        return Some(pc < 85.0);
    }
    Some(false)
}

fn style_changes(style: &str, change: &mut MarkChange) {
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let prop = prop.trim().to_ascii_lowercase();
        let value = value.trim().to_ascii_lowercase();
        let value = value.trim_end_matches("!important").trim();
        match prop.as_str() {
            "font-weight" => {
                change.bold = match value {
                    "bold" | "bolder" => Some(true),
                    "normal" | "lighter" => Some(false),
                    n => n.parse::<u32>().ok().map(|w| w >= 600),
                }
            }
            "font-style" => change.italic = Some(value == "italic" || value == "oblique"),
            "text-decoration" | "text-decoration-line" => {
                change.underline = Some(value.contains("underline"))
            }
            "font-size" => change.small = small_size(value),
            "display" if value == "none" => change.hidden = true,
            "visibility" if value == "hidden" => change.hidden = true,
            "mso-hide" if value == "all" => change.hidden = true,
            _ => {}
        }
    }
}

fn changes_of(name: &str, attrs: &[(String, String)]) -> MarkChange {
    let mut c = MarkChange::default();
    match name {
        "b" | "strong" => c.bold = Some(true),
        "i" | "em" | "cite" | "dfn" | "var" => c.italic = Some(true),
        "u" | "ins" => c.underline = Some(true),
        "small" => c.small = Some(true),
        "font" => {
            if let Some(size) = attr(attrs, "size") {
                c.small = Some(matches!(size.trim(), "1" | "2" | "-1" | "-2"));
            }
        }
        _ => {}
    }
    if let Some(style) = attr(attrs, "style") {
        style_changes(style, &mut c);
    }
    if attr(attrs, "hidden").is_some() || attr(attrs, "aria-hidden") == Some("true") {
        c.hidden = true;
    }
    c
}

fn apply(m: Marks, c: MarkChange) -> Marks {
    Marks {
        bold: c.bold.unwrap_or(m.bold),
        italic: c.italic.unwrap_or(m.italic),
        underline: c.underline.unwrap_or(m.underline),
        small: c.small.unwrap_or(m.small),
    }
}

#[derive(Clone)]
struct Context {
    marks: Marks,
    /// Open lists, outermost first.
    lists: Vec<BlockKind>,
    quotes: u8,
}

impl Context {
    fn indent(&self) -> u8 {
        let lists = u8::try_from(self.lists.len().saturating_sub(1)).unwrap_or(MAX_INDENT);
        self.quotes.saturating_add(lists).min(MAX_INDENT)
    }
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    current: Option<Block>,
    /// Whitespace was seen since the last character: one space goes in before the next.
    space: bool,
}

impl Builder {
    fn has_text(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|b| b.spans.iter().any(|s| !s.text.is_empty()))
    }

    fn finish(&mut self) {
        if let Some(mut b) = self.current.take() {
            // The browser ends an empty line with `<br>`; that break is not text.
            if let Some(last) = b.spans.last_mut() {
                if last.text.ends_with('\n') {
                    last.text.pop();
                }
            }
            for s in &mut b.spans {
                let trimmed = s.text.trim_end_matches(' ').len();
                s.text.truncate(trimmed);
            }
            self.blocks.push(b);
        }
        self.space = false;
    }

    /// Starts a block, unless the current one has no text yet: then that one becomes it
    /// (so `<li><p>…</p></li>` is one item, and `<div><h2>…</h2></div>` one heading).
    fn start(&mut self, kind: BlockKind, indent: u8) {
        if let Some(b) = self.current.as_mut() {
            if b.spans.iter().all(|s| s.text.is_empty()) {
                if !(kind == BlockKind::Paragraph && b.kind.is_list()) {
                    b.kind = kind;
                    b.indent = indent;
                }
                return;
            }
        }
        self.finish();
        self.current = Some(Block {
            kind,
            indent,
            spans: Vec::new(),
        });
    }

    fn push_char(&mut self, c: char, marks: Marks, ctx: &Context) {
        if self.current.is_none() {
            self.current = Some(Block {
                kind: BlockKind::Paragraph,
                indent: ctx.indent(),
                spans: Vec::new(),
            });
        }
        let started = self.has_text();
        let space = std::mem::take(&mut self.space) && started;
        if let Some(b) = self.current.as_mut() {
            let at_line_start = b.spans.last().is_none_or(|s| s.text.ends_with('\n'));
            if space && !at_line_start {
                push_to(b, ' ', marks);
            }
            push_to(b, c, marks);
        }
    }

    fn text(&mut self, text: &str, ctx: &Context) {
        for c in text.chars() {
            if c.is_whitespace() && c != '\u{a0}' {
                self.space = true;
            } else if c == '\u{a0}' {
                // A typed or pasted hard space stays, as a plain one.
                self.push_char(' ', ctx.marks, ctx);
            } else if !c.is_control() {
                self.push_char(c, ctx.marks, ctx);
            }
        }
    }

    fn line_break(&mut self, ctx: &Context) {
        self.space = false;
        match self.current.as_mut() {
            Some(b) => push_to(b, '\n', ctx.marks),
            None => {
                self.current = Some(Block {
                    kind: BlockKind::Paragraph,
                    indent: ctx.indent(),
                    spans: vec![Span {
                        text: "\n".into(),
                        marks: ctx.marks,
                    }],
                })
            }
        }
    }
}

fn push_to(b: &mut Block, c: char, marks: Marks) {
    match b.spans.last_mut() {
        Some(s) if s.marks == marks => s.text.push(c),
        _ => b.spans.push(Span {
            text: c.to_string(),
            marks,
        }),
    }
}

fn walk(nodes: &[Markup], ctx: &Context, out: &mut Builder) {
    for node in nodes {
        match node {
            Markup::Text(t) => out.text(t, ctx),
            Markup::Element {
                name,
                attrs,
                children,
            } => {
                let name = name.to_ascii_lowercase();
                // `o:p`, `w:sdt` and other namespaced Word tags hold only text.
                if DROPPED.contains(&name.as_str()) {
                    continue;
                }
                let change = changes_of(&name, attrs);
                if change.hidden {
                    continue;
                }
                let mut inner = ctx.clone();
                inner.marks = apply(ctx.marks, change);
                match name.as_str() {
                    "br" => out.line_break(ctx),
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                        let level = name[1..].parse().unwrap_or(1);
                        out.start(BlockKind::Heading(level), ctx.indent());
                        walk(children, &inner, out);
                        out.finish();
                    }
                    "ul" | "ol" | "menu" => {
                        out.finish();
                        inner.lists.push(if name == "ol" {
                            BlockKind::Numbered
                        } else {
                            BlockKind::Bullet
                        });
                        walk(children, &inner, out);
                        out.finish();
                    }
                    "li" => {
                        let kind = ctx.lists.last().copied().unwrap_or(BlockKind::Bullet);
                        out.finish();
                        out.start(kind, ctx.indent());
                        walk(children, &inner, out);
                        out.finish();
                    }
                    "blockquote" => {
                        out.finish();
                        inner.quotes = ctx.quotes.saturating_add(1).min(MAX_INDENT);
                        walk(children, &inner, out);
                        out.finish();
                    }
                    "td" | "th" => {
                        out.space = true;
                        walk(children, &inner, out);
                        out.space = true;
                    }
                    n if BLOCKS.contains(&n) => {
                        out.start(BlockKind::Paragraph, ctx.indent());
                        walk(children, &inner, out);
                        out.finish();
                    }
                    _ => walk(children, &inner, out),
                }
            }
        }
    }
}

/// Reads HTML (the editor's content, or what was pasted) into a document, keeping only what
/// a document can hold: headings, paragraphs, lists, indents, line breaks, bold, italic,
/// underline and small text. Everything else goes: scripts, styles, event handlers, links
/// (their text stays), images, svg and maths (with their content), hidden text.
pub fn from_markup(nodes: &[Markup]) -> Document {
    let ctx = Context {
        marks: Marks::default(),
        lists: Vec::new(),
        quotes: 0,
    };
    let mut b = Builder::default();
    walk(nodes, &ctx, &mut b);
    b.finish();
    Document { blocks: b.blocks }.normalized()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::notes::{Block, BlockKind, Document, Marks, Span};

    fn element(name: &str, attrs: &[(&str, &str)], children: Vec<Markup>) -> Markup {
        Markup::Element {
            name: name.to_ascii_lowercase(),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                .collect(),
            children,
        }
    }

    fn text(t: &str) -> Markup {
        Markup::Text(t.into())
    }

    /// Checks that HTML, read back by a browser-grade parser, holds only the renderer's own
    /// elements, none with an attribute: nothing in it can run or load.
    fn assert_inert(what: &str, html: &str) {
        const ALLOWED: &[&str] = &[
            "p",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "ul",
            "ol",
            "li",
            "blockquote",
            "strong",
            "em",
            "u",
            "small",
            "br",
        ];
        for (name, attrs) in elements_of(html) {
            assert!(
                ALLOWED.contains(&name.as_str()),
                "{what} -> <{name}> in {html}"
            );
            assert_eq!(attrs, 0, "{what} -> attributes on <{name}> in {html}");
        }
    }

    fn el(name: &str, children: Vec<Markup>) -> Markup {
        element(name, &[], children)
    }

    fn t(s: &str) -> Markup {
        text(s)
    }

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
    fn a_document_renders_to_the_few_tags_it_allows_with_text_escaped() {
        let doc = Document {
            blocks: vec![
                Block::new(BlockKind::Heading(2), "Session focus"),
                Block {
                    kind: BlockKind::Paragraph,
                    indent: 0,
                    spans: vec![
                        Span::plain("We ran "),
                        bold("grounding"),
                        Span::plain(" <ok>"),
                    ],
                },
                Block::new(BlockKind::Numbered, "one"),
                Block::new(BlockKind::Numbered, "two"),
                Block {
                    indent: 1,
                    ..Block::new(BlockKind::Bullet, "nested")
                },
                Block {
                    indent: 1,
                    ..Block::new(BlockKind::Paragraph, "aside")
                },
            ],
        };
        assert_eq!(
            to_html(&doc),
            "<h2>Session focus</h2><p>We ran <strong>grounding</strong> &lt;ok&gt;</p>\
             <ol><li>one</li><li>two</li><ul><li>nested</li></ul></ol>\
             <blockquote><p>aside</p></blockquote>"
        );
    }

    #[test]
    fn what_is_rendered_reads_back_as_the_same_document() {
        let doc = Document {
            blocks: vec![
                Block::new(BlockKind::Heading(1), "Title"),
                Block {
                    kind: BlockKind::Paragraph,
                    indent: 0,
                    spans: vec![
                        bold("Bold"),
                        Span {
                            text: " small\nline".into(),
                            marks: Marks {
                                small: true,
                                italic: true,
                                ..Marks::default()
                            },
                        },
                    ],
                },
                Block::new(BlockKind::Paragraph, ""),
                Block::new(BlockKind::Bullet, "a"),
                Block {
                    indent: 2,
                    ..Block::new(BlockKind::Numbered, "b")
                },
                Block {
                    indent: 1,
                    ..Block::new(BlockKind::Paragraph, "quoted")
                },
                Block::new(BlockKind::Heading(6), "end"),
            ],
        };
        let html = to_html(&doc);
        let parsed = parse_simple(&html);
        assert_eq!(from_markup(&parsed), doc, "{html}");
    }

    #[test]
    fn pasted_formatting_keeps_only_what_the_editor_supports() {
        // What Google Docs puts on the clipboard: a bold wrapper that is not bold, spans
        // with styles, a list with paragraphs inside items.
        let pasted = vec![el(
            "b",
            vec![
                element("span", &[("style", "font-weight:normal")], vec![]),
                element(
                    "p",
                    &[("style", "font-weight:normal;color:red")],
                    vec![
                        element("span", &[("style", "font-weight:700")], vec![t("Key")]),
                        t(" point"),
                    ],
                ),
                el("ul", vec![el("li", vec![el("p", vec![t("item")])])]),
                element(
                    "a",
                    &[
                        ("href", "https://example.com"),
                        ("style", "text-decoration:underline"),
                    ],
                    vec![t("link text")],
                ),
            ],
        )];
        let doc = from_markup(&pasted);
        // The outer `<b>` makes everything bold unless a style says otherwise.
        assert_eq!(
            doc.blocks[0].spans,
            vec![bold("Key"), Span::plain(" point")]
        );
        assert_eq!(doc.blocks[1].kind, BlockKind::Bullet);
        assert_eq!(doc.blocks[1].text(), "item");
        assert_eq!(doc.blocks[2].text(), "link text");
        assert!(doc.blocks[2].spans[0].marks.underline);
    }

    #[test]
    fn word_sizes_and_hidden_text() {
        let pasted = vec![el(
            "p",
            vec![
                element(
                    "span",
                    &[("style", "font-size:8.0pt")],
                    vec![t("fine print")],
                ),
                element("span", &[("style", "font-size:11pt")], vec![t(" normal")]),
                element("span", &[("style", "display:none")], vec![t("secret")]),
                element("font", &[("size", "2")], vec![t(" small")]),
            ],
        )];
        let doc = from_markup(&pasted);
        let spans = &doc.blocks[0].spans;
        assert_eq!(doc.blocks[0].text(), "fine print normal small");
        assert!(spans[0].marks.small);
        assert!(!spans[1].marks.small);
        assert!(spans[2].marks.small);
    }

    #[test]
    fn whitespace_collapses_like_html_and_line_breaks_stay() {
        let doc = from_markup(&[
            t("\n   "),
            el("p", vec![t("  two   words\n here ")]),
            t("\n"),
            el("p", vec![t("line"), el("br", vec![]), t("next")]),
            el("p", vec![el("br", vec![])]),
            el("div", vec![t("after blank")]),
        ]);
        assert_eq!(
            doc.blocks.iter().map(Block::text).collect::<Vec<_>>(),
            vec!["two words here", "line\nnext", "", "after blank"]
        );
    }

    #[test]
    fn chromium_editing_output_reads_as_lists_and_indents() {
        // Chromium's indent on a list item nests a list inside the list, and on a paragraph
        // wraps it in a blockquote.
        let doc = from_markup(&[
            t("first line typed"),
            el(
                "ul",
                vec![
                    el("li", vec![t("a")]),
                    el("ul", vec![el("li", vec![t("b")])]),
                ],
            ),
            element(
                "blockquote",
                &[("style", "margin: 0 0 0 40px; border: none; padding: 0px;")],
                vec![el("div", vec![t("indented")])],
            ),
        ]);
        let kinds: Vec<(BlockKind, u8, String)> = doc
            .blocks
            .iter()
            .map(|b| (b.kind, b.indent, b.text()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (BlockKind::Paragraph, 0, "first line typed".into()),
                (BlockKind::Bullet, 0, "a".into()),
                (BlockKind::Bullet, 1, "b".into()),
                (BlockKind::Paragraph, 1, "indented".into()),
            ]
        );
    }

    #[test]
    fn a_document_sent_directly_is_still_rendered_inert() {
        // A client can send any JSON: text with markup, quotes, and odd characters.
        let doc: Document = serde_json::from_str(
            r#"{"blocks":[{"kind":{"heading":3},"spans":[{"text":"\"><script>alert(1)</script>","bold":true}]},
               {"kind":"bullet","indent":2,"spans":[{"text":"<svg onload=alert(1)>\u0000"}]}]}"#,
        )
        .expect("parses");
        let doc = doc.normalized();
        assert!(doc.validate().is_ok());
        let html = to_html(&doc);
        assert_inert("a document sent directly", &html);
        assert!(!html.contains('\u{0}'));
    }

    /// HTML parsed by html5ever (the HTML5 parsing algorithm browsers use) into markup, as
    /// the browser's parser hands pasted HTML to the editor.
    fn parse_html(html: &str) -> Vec<Markup> {
        fn convert(el: scraper::ElementRef<'_>) -> Vec<Markup> {
            el.children()
                .filter_map(|child| {
                    if let Some(e) = scraper::ElementRef::wrap(child) {
                        Some(Markup::Element {
                            name: e.value().name().to_ascii_lowercase(),
                            attrs: e
                                .value()
                                .attrs()
                                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                                .collect(),
                            children: convert(e),
                        })
                    } else {
                        child.value().as_text().map(|t| Markup::Text(t.to_string()))
                    }
                })
                .collect()
        }
        convert(scraper::Html::parse_fragment(html).root_element())
    }

    /// Every element of parsed HTML: (name, attribute count).
    fn elements_of(html: &str) -> Vec<(String, usize)> {
        let doc = scraper::Html::parse_fragment(html);
        doc.root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
            .skip(1)
            .map(|e| (e.value().name().to_string(), e.value().attrs().count()))
            .collect()
    }

    #[test]
    fn xss_payloads_parsed_like_a_browser_come_out_inert() {
        let payloads = [
            "<script>alert(1)</script>hi",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">click</a>",
            "<a href=\"  JaVaScRiPt:alert(1)\">click</a>",
            "<svg><script>alert(1)</script><foreignObject><p onclick=alert(1)>x</p></foreignObject></svg>",
            "<svg/onload=alert(1)>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<p>a<b>b<i>c</p>d</i>e</b>",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
            "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
            "<div style=\"background:url(javascript:alert(1))\">bg</div>",
            "<b>bold<script>alert(1)</script></b>",
            "<<script>script>alert(1)<</script>/script>",
            "<form><button formaction=javascript:alert(1)>x</button></form>",
            "<template><script>alert(1)</script></template>",
            "<select><style></select><img src=x onerror=alert(1)></style>",
            "<details open ontoggle=alert(1)>",
            "<object data=\"javascript:alert(1)\"></object><embed src=x>",
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
            "<table><tr><td>cell<img src=x onerror=alert(1)></td></tr></table>",
        ];
        for payload in payloads {
            let doc = from_markup(&parse_html(payload));
            assert!(doc.validate().is_ok(), "{payload}");
            let html = to_html(&doc);
            assert_inert(payload, &html);
            // And it reads back as the same document: nothing changes meaning on the way.
            assert_eq!(from_markup(&parse_html(&html)), doc, "{payload} -> {html}");
        }
        // Scripts, svg and maths go with their text; a link's text stays, as text.
        let kept = |html: &str| from_markup(&parse_html(html)).plain_text();
        assert_eq!(kept(payloads[0]), "hi");
        assert_eq!(kept(payloads[2]), "click");
        assert_eq!(kept(payloads[5]), "");
        assert_eq!(kept(payloads[9]), "");
        assert_eq!(kept(payloads[11]), "bold");
        // Misnested formatting keeps its text and its formatting, as the browser resolved it.
        let doc = from_markup(&parse_html("<p>a<b>b<i>c</p>d</i>e</b>"));
        assert_eq!(doc.plain_text(), "abc\nde");
        assert!(doc.blocks[0]
            .spans
            .iter()
            .any(|s| s.text == "c" && s.marks.bold && s.marks.italic));
        // Escaped markup stays text.
        let doc = from_markup(&parse_html("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"));
        assert_eq!(doc.plain_text(), "<script>alert(1)</script>");
    }

    /// A tiny parser for the renderer's own output (tags without attributes and escaped
    /// text), so a round trip can be checked without a browser.
    fn parse_simple(html: &str) -> Vec<Markup> {
        fn unescape(s: &str) -> String {
            s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        }
        let mut stack: Vec<(String, Vec<Markup>)> = vec![(String::new(), Vec::new())];
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('<') {
                let end = after.find('>').expect("closed tag");
                let tag = &after[..end];
                rest = &after[end + 1..];
                if let Some(name) = tag.strip_prefix('/') {
                    let (n, children) = stack.pop().expect("open");
                    assert_eq!(n, name);
                    stack
                        .last_mut()
                        .expect("parent")
                        .1
                        .push(element(&n, &[], children));
                } else if tag == "br" {
                    stack.last_mut().expect("parent").1.push(el("br", vec![]));
                } else {
                    stack.push((tag.to_string(), Vec::new()));
                }
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                stack
                    .last_mut()
                    .expect("parent")
                    .1
                    .push(text(&unescape(&rest[..end])));
                rest = &rest[end..];
            }
        }
        stack.pop().expect("root").1
    }
}
