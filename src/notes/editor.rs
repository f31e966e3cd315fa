//! The rich-text editor: a content-editable area with a toolbar that fits a 390 px phone.
//!
//! The browser does the typing, selection, input methods and undo history; the toolbar and
//! shortcuts run the browser's own editing commands, so undo and redo cover them too. After
//! every change the area's content is read into a [`Document`] (keeping only what a document
//! can hold) and handed to the owner. Pasted HTML never reaches the page as it came: it is
//! parsed into an inert document, read into a `Document` the same way, and what goes in is
//! that document's own escaped rendering.

use crate::domain::notes::{to_html, Document};
use leptos::html::Div;
use leptos::prelude::*;

/// Lets the owner of an editor replace its content (a draft restored, "use their version").
#[derive(Clone, Copy)]
pub struct EditorHandle {
    area: NodeRef<Div>,
}

impl Default for EditorHandle {
    fn default() -> Self {
        EditorHandle::new()
    }
}

impl EditorHandle {
    pub fn new() -> EditorHandle {
        EditorHandle {
            area: NodeRef::new(),
        }
    }

    /// Shows `doc` in the editor in place of what is there.
    pub fn set(&self, doc: &Document) {
        #[cfg(feature = "hydrate")]
        if let Some(area) = self.area.get_untracked() {
            area.set_inner_html(&to_html(doc));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = doc;
    }

    /// The editor's content as a document.
    pub fn read(&self) -> Option<Document> {
        #[cfg(feature = "hydrate")]
        {
            self.area.get_untracked().map(|a| client::document_of(&a))
        }
        #[cfg(not(feature = "hydrate"))]
        {
            None
        }
    }
}

/// The block styles the toolbar offers: (command value, label).
const BLOCK_STYLES: [(&str, &str); 7] = [
    ("p", "Normal text"),
    ("h1", "Heading 1"),
    ("h2", "Heading 2"),
    ("h3", "Heading 3"),
    ("h4", "Heading 4"),
    ("h5", "Heading 5"),
    ("h6", "Heading 6"),
];

/// One toolbar button: (command, label, symbol, shortcut).
const BUTTONS: [(&str, &str, &str, &str); 10] = [
    ("bold", "Bold", "B", "Ctrl+B"),
    ("italic", "Italic", "I", "Ctrl+I"),
    ("underline", "Underline", "U", "Ctrl+U"),
    ("small", "Small text", "small", "Ctrl+Shift+,"),
    ("insertUnorderedList", "Bulleted list", "•", "Ctrl+Shift+8"),
    ("insertOrderedList", "Numbered list", "1.", "Ctrl+Shift+7"),
    ("outdent", "Outdent", "⇤", "Ctrl+["),
    ("indent", "Indent", "⇥", "Ctrl+]"),
    ("undo", "Undo", "↶", "Ctrl+Z"),
    ("redo", "Redo", "↷", "Ctrl+Shift+Z"),
];

/// A rich-text editor opening with `initial`; `on_change` gets the document after each edit.
#[component]
pub fn RichTextEditor(
    initial: Document,
    on_change: Callback<Document>,
    /// What the area is, for screen readers and tests ("Group note", "Note for Alex").
    label: String,
    handle: EditorHandle,
    /// Identifies the area for end-to-end tests.
    #[prop(into)]
    testid: String,
) -> impl IntoView {
    let html = to_html(&initial);
    let block = RwSignal::new("p".to_string());
    let run = move |command: &'static str, value: Option<String>| {
        #[cfg(feature = "hydrate")]
        {
            client::run(handle.area, command, value.as_deref());
            if let Some(a) = handle.area.get_untracked() {
                on_change.run(client::document_of(&a));
            }
            block.set(client::current_block());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (command, value, on_change);
    };
    let on_input = move |_: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(a) = handle.area.get_untracked() {
            on_change.run(client::document_of(&a));
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        #[cfg(feature = "hydrate")]
        if let Some((command, value)) = client::shortcut(&ev) {
            ev.prevent_default();
            run(command, value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            client::paste(&ev);
            if let Some(a) = handle.area.get_untracked() {
                on_change.run(client::document_of(&a));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let remember = move || {
        #[cfg(feature = "hydrate")]
        {
            client::remember_selection(handle.area);
            block.set(client::current_block());
        }
    };
    let area_label = label.clone();
    view! {
        <div class="rte">
            <div class="rte-toolbar" role="toolbar" aria-label=format!("Formatting: {label}")>
                <select
                    aria-label="Text style"
                    prop:value=move || block.get()
                    on:change=move |ev| run("formatBlock", Some(event_target_value(&ev)))
                >
                    {BLOCK_STYLES
                        .iter()
                        .map(|(value, name)| view! { <option value=*value>{*name}</option> })
                        .collect_view()}
                </select>
                {BUTTONS
                    .iter()
                    .map(|(command, name, symbol, keys)| {
                        let command = *command;
                        view! {
                            <button
                                type="button"
                                class=format!("rte-button rte-{}", command.to_lowercase())
                                aria-label=*name
                                title=format!("{name} ({keys})")
                                // Keeps the selection in the text while the button is pressed.
                                on:mousedown=|ev| ev.prevent_default()
                                on:click=move |_| run(command, None)
                            >
                                {*symbol}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div
                class="rte-area note-body"
                contenteditable="true"
                role="textbox"
                aria-multiline="true"
                aria-label=area_label
                spellcheck="true"
                data-testid=testid
                node_ref=handle.area
                // The document's own rendering: every character of text escaped.
                inner_html=html
                on:input=on_input
                on:keydown=on_keydown
                on:paste=on_paste
                on:drop=|ev: leptos::ev::DragEvent| ev.prevent_default()
                on:keyup=move |_| remember()
                on:mouseup=move |_| remember()
                on:blur=move |_| remember()
                on:focus=move |_| {
                    #[cfg(feature = "hydrate")]
                    client::prepare();
                }
            ></div>
        </div>
    }
}

/// A document shown read-only, through its escaped rendering.
#[component]
pub fn DocumentView(doc: Document, #[prop(optional, into)] testid: String) -> impl IntoView {
    let html = to_html(&doc);
    view! { <div class="note-body" data-testid=testid inner_html=html></div> }
}

#[cfg(feature = "hydrate")]
mod client {
    use crate::domain::notes::{from_markup, to_html, Document, Markup};
    use leptos::html::Div;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    fn html_document() -> Option<web_sys::HtmlDocument> {
        web_sys::window()?.document()?.dyn_into().ok()
    }

    fn exec(command: &str, value: &str) {
        if let Some(d) = html_document() {
            let _ = d.exec_command_with_show_ui_and_value(command, false, value);
        }
    }

    /// Asks the browser for tags (`<b>`) rather than inline styles, and paragraphs for new
    /// lines, so what it writes reads back cleanly.
    pub fn prepare() {
        exec("styleWithCSS", "false");
        exec("defaultParagraphSeparator", "p");
    }

    thread_local! {
        static SAVED: std::cell::RefCell<Option<web_sys::Range>> = const { std::cell::RefCell::new(None) };
    }

    /// Keeps where the selection was in the text, so the style menu (which takes focus)
    /// applies to it.
    pub fn remember_selection(area: NodeRef<Div>) {
        let Some(area) = area.get_untracked() else {
            return;
        };
        let Some(sel) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) else {
            return;
        };
        if sel.range_count() == 0 {
            return;
        }
        if let Ok(range) = sel.get_range_at(0) {
            let inside = range
                .common_ancestor_container()
                .is_ok_and(|n| area.contains(Some(&n)));
            if inside {
                SAVED.with(|s| *s.borrow_mut() = Some(range.clone_range()));
            }
        }
    }

    fn restore_selection(area: &web_sys::HtmlElement) {
        let _ = area.focus();
        let Some(sel) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) else {
            return;
        };
        let inside = sel.range_count() > 0
            && sel
                .get_range_at(0)
                .ok()
                .and_then(|r| r.common_ancestor_container().ok())
                .is_some_and(|n| area.contains(Some(&n)));
        if inside {
            return;
        }
        SAVED.with(|s| {
            if let Some(r) = s.borrow().as_ref() {
                let _ = sel.remove_all_ranges();
                let _ = sel.add_range(r);
            }
        });
    }

    /// The style of the block the selection is in, as the style menu names it.
    pub fn current_block() -> String {
        let value = html_document()
            .and_then(|d| d.query_command_value("formatBlock").ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if matches!(value.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
            value
        } else {
            "p".into()
        }
    }

    fn state(command: &str) -> bool {
        html_document()
            .and_then(|d| d.query_command_state(command).ok())
            .unwrap_or(false)
    }

    /// Runs a toolbar command on the editor's selection.
    pub fn run(area: NodeRef<Div>, command: &str, value: Option<&str>) {
        let Some(area) = area.get_untracked() else {
            return;
        };
        restore_selection(&area);
        prepare();
        match command {
            "formatBlock" => exec("formatBlock", value.unwrap_or("p")),
            "small" => {
                let size = html_document()
                    .and_then(|d| d.query_command_value("fontSize").ok())
                    .unwrap_or_default();
                // Small text is the browser's size 2; the normal size is 3.
                exec(
                    "fontSize",
                    if size == "1" || size == "2" { "3" } else { "2" },
                );
            }
            other => exec(other, ""),
        }
    }

    /// The command a key press stands for, if it is one of the editor's shortcuts.
    pub fn shortcut(ev: &web_sys::KeyboardEvent) -> Option<(&'static str, Option<String>)> {
        let ctrl = ev.ctrl_key() || ev.meta_key();
        let key = ev.key();
        let code = ev.code();
        if key == "Tab" && !ctrl && !ev.alt_key() {
            // Tab indents inside a list; elsewhere it moves on, so keyboard users can leave.
            if state("insertUnorderedList") || state("insertOrderedList") {
                return Some((if ev.shift_key() { "outdent" } else { "indent" }, None));
            }
            return None;
        }
        if !ctrl {
            return None;
        }
        if ev.alt_key() {
            let digit = code.strip_prefix("Digit")?;
            return match digit {
                "0" => Some(("formatBlock", Some("p".into()))),
                d @ ("1" | "2" | "3" | "4" | "5" | "6") => {
                    Some(("formatBlock", Some(format!("h{d}"))))
                }
                _ => None,
            };
        }
        if ev.shift_key() {
            return match code.as_str() {
                "Digit8" => Some(("insertUnorderedList", None)),
                "Digit7" => Some(("insertOrderedList", None)),
                "Comma" => Some(("small", None)),
                "KeyZ" => Some(("redo", None)),
                _ => None,
            };
        }
        match code.as_str() {
            "BracketLeft" => Some(("outdent", None)),
            "BracketRight" => Some(("indent", None)),
            "KeyY" => Some(("redo", None)),
            // Bold, italic, underline and undo are the browser's own shortcuts already.
            _ => None,
        }
    }

    /// Reads a DOM subtree into markup: element names, the few attributes that carry
    /// formatting, and text. Nothing here is ever put back into a page.
    fn markup_of(node: &web_sys::Node) -> Vec<Markup> {
        let children = node.child_nodes();
        let mut out = Vec::with_capacity(children.length() as usize);
        for i in 0..children.length() {
            let Some(child) = children.item(i) else {
                continue;
            };
            match child.node_type() {
                web_sys::Node::TEXT_NODE => {
                    out.push(Markup::Text(child.text_content().unwrap_or_default()))
                }
                web_sys::Node::ELEMENT_NODE => {
                    let Some(el) = child.dyn_ref::<web_sys::Element>() else {
                        continue;
                    };
                    let attrs = ["style", "size", "hidden", "aria-hidden"]
                        .iter()
                        .filter_map(|a| el.get_attribute(a).map(|v| (a.to_string(), v)))
                        .collect();
                    out.push(Markup::Element {
                        name: el.tag_name().to_ascii_lowercase(),
                        attrs,
                        children: markup_of(&child),
                    });
                }
                _ => {}
            }
        }
        out
    }

    pub fn document_of(area: &web_sys::HtmlDivElement) -> Document {
        from_markup(&markup_of(area))
    }

    /// Pastes only what a document can hold. HTML is parsed into a separate, inert document
    /// (its scripts never run, its images never load), read into a `Document`, and inserted
    /// as that document's escaped rendering; plain text goes in as text.
    pub fn paste(ev: &web_sys::ClipboardEvent) {
        let Some(data) = ev.clipboard_data() else {
            return;
        };
        let html = data.get_data("text/html").unwrap_or_default();
        if !html.trim().is_empty() {
            let parsed = web_sys::DomParser::new()
                .ok()
                .and_then(|p| {
                    p.parse_from_string(&html, web_sys::SupportedType::TextHtml)
                        .ok()
                })
                .and_then(|d| d.body());
            if let Some(body) = parsed {
                let doc = from_markup(&markup_of(&body));
                if !doc.blocks.is_empty() {
                    let html = to_html(&doc);
                    // A single plain paragraph goes into the line being typed, not below it.
                    let inline = doc.blocks.len() == 1
                        && doc.blocks[0].kind == crate::domain::notes::BlockKind::Paragraph
                        && doc.blocks[0].indent == 0;
                    let html = if inline {
                        html.trim_start_matches("<p>")
                            .trim_end_matches("</p>")
                            .to_string()
                    } else {
                        html
                    };
                    exec("insertHTML", &html);
                }
                return;
            }
        }
        let text = data.get_data("text/plain").unwrap_or_default();
        if !text.is_empty() {
            exec("insertText", &text);
        }
    }
}
