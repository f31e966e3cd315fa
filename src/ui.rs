//! Small pieces of UI every capability uses.

use crate::error::AppError;
use leptos::prelude::*;
use std::future::Future;

/// A full-page error: says what went wrong and where to go next, and gives the response
/// the matching HTTP status when rendered on the server.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(error.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    let title = match error {
        AppError::NotFound => "Not found or not allowed",
        AppError::WrongArea => "Not allowed",
        AppError::NotSignedIn => "Please sign in",
        AppError::Unavailable => "Temporarily unavailable",
        _ => "Something went wrong",
    };
    view! {
        <div class="error-page">
            <section class="card error-panel" role="alert" data-testid="error-panel">
                <h1>{title}</h1>
                <p>{error.to_string()}</p>
                <a class="button" href="/">"Go to your home page"</a>
            </section>
        </div>
    }
}

/// The message for a failed server call, if the last one failed.
pub fn error_text<T, S>(value: S) -> impl Fn() -> Option<String> + Copy
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    move || value.get().and_then(|r| r.err()).map(|e| e.to_string())
}

/// The `:id` of the current route as its typed id, or `None` when it is not a number.
pub fn route_id<I>(typed: fn(i64) -> I) -> impl Fn() -> Option<I> + Copy + Send + Sync + 'static
where
    I: 'static,
{
    let params = leptos_router::hooks::use_params_map();
    move || param_id(&params.read(), "id").map(typed)
}

/// Fetches the object a route names, or answers `NotFound` for a route whose id is not a
/// number: the same page as for a record the caller may not see.
pub async fn or_not_found<I, T, Fut>(id: Option<I>, fetch: fn(I) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    match id {
        Some(id) => fetch(id).await,
        None => Err(AppError::NotFound),
    }
}

/// Shows a screen's data: "Loading…" the first time, the error panel when loading failed,
/// and the content shown so far while it reloads (after a save), so a page never blanks.
/// Every screen loads through this.
pub fn loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    show: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    Resource<Result<T, AppError>>: std::future::IntoFuture<Output = Result<T, AppError>> + Copy,
    <Resource<Result<T, AppError>> as std::future::IntoFuture>::IntoFuture: Send,
{
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let show = show.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => show(value).into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// Form state that outlives a screen's reloads. `loaded` rebuilds a screen's content from
/// the fresh data after a save; an edit form someone has open elsewhere on the page, and what
/// they typed in it, must not go with it. A screen provides one `Kept` above `loaded`, and
/// its forms take their signals from it by a key naming the object and the field.
#[derive(Clone, Copy)]
pub struct Kept {
    owner: StoredValue<Owner>,
    signals: StoredValue<std::collections::HashMap<String, Box<dyn std::any::Any + Send + Sync>>>,
}

impl Kept {
    /// Makes the store for this screen, owned here, and gives it to the screen below.
    pub fn provide() -> Self {
        let kept = Kept {
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            signals: StoredValue::new(Default::default()),
        };
        provide_context(kept);
        kept
    }
}

/// The signal kept under `key` for this screen, made from `init` the first time it is asked
/// for. Outside a screen that keeps state it is a plain new signal.
pub fn kept<T>(key: impl Into<String>, init: impl FnOnce() -> T) -> RwSignal<T>
where
    T: Send + Sync + 'static,
{
    let Some(store) = use_context::<Kept>() else {
        return RwSignal::new(init());
    };
    let key = key.into();
    if let Some(found) = store.signals.with_value(|m| {
        m.get(&key)
            .and_then(|b| b.downcast_ref::<RwSignal<T>>().copied())
    }) {
        return found;
    }
    // Owned by the screen, not by the content being rebuilt, so a reload does not drop it.
    let made = store.owner.with_value(|o| o.with(|| RwSignal::new(init())));
    store
        .signals
        .update_value(|m| _ = m.insert(key, Box::new(made)));
    made
}

/// How long typing must pause before a search as you type asks the server.
pub const SEARCH_PAUSE_MS: u64 = 250;

/// `text` as it stands once typing has paused for `ms`: a search as you type asks the
/// server once per pause, not once per key. Follows immediately when cleared.
pub fn debounced(text: RwSignal<String>, ms: u64) -> Signal<String> {
    let settled = RwSignal::new(text.get_untracked());
    // Only the newest keystroke's timer may settle the text.
    let generation = StoredValue::new(0u64);
    Effect::new(move |first_run_done: Option<()>| {
        let value = text.get();
        // The first run only subscribes: writing then would refetch a search while the page
        // is still hydrating, and a page that hydrates against changed content breaks.
        if first_run_done.is_none() {
            return;
        }
        // A newer keystroke cancels the timers of the older ones.
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        if settled.get_untracked() == value {
            return;
        }
        if value.trim().is_empty() {
            settled.set(value);
            return;
        }
        set_timeout(
            move || {
                if generation.try_get_value() == Some(mine) {
                    settled.set(value);
                }
            },
            std::time::Duration::from_millis(ms),
        );
    });
    settled.into()
}

/// The numeric id in a route parameter, if it is one.
pub fn param_id(params: &leptos_router::params::ParamsMap, key: &str) -> Option<i64> {
    params.get(key).and_then(|v| v.parse().ok())
}

/// The message beside one form field, when the last save failed on that field.
/// A required date field of a plain GET form (sent as `name`), with its label and the
/// error the server gave for it.
#[component]
pub fn DateField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    value: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=name type="date" required value=value />
            <FieldErrorText error field=name />
        </div>
    }
}

#[component]
pub fn FieldErrorText(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        error.get().and_then(|e| match e {
            AppError::InvalidInput { field: f, message } if f == field => Some(view! {
                <p class="field-error" role="alert" data-field=field>
                    {message}
                </p>
            }),
            _ => None,
        })
    }
}

/// Keeps keyboard focus inside an open dialog or side panel and gives it back to the
/// control that opened it when it closes, so a keyboard or screen-reader user is never
/// left on a control behind the dialog, nor dropped at the top of the page after it.
/// Only the dialog opened last holds focus when two are open.
pub fn hold_focus(root: NodeRef<leptos::html::Div>) {
    #[cfg(feature = "hydrate")]
    focus::hold(root);
    #[cfg(not(feature = "hydrate"))]
    let _ = root;
}

#[cfg(feature = "hydrate")]
mod focus {
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlElement};

    const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
         select:not([disabled]), textarea:not([disabled]), [contenteditable=true], [tabindex]:not([tabindex='-1'])";

    thread_local! {
        static OPEN: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
        static NEXT: Cell<u64> = const { Cell::new(0) };
    }

    fn active() -> Option<Element> {
        document().active_element()
    }

    /// What a Tab may reach inside `root`, in order: enabled and shown.
    fn reachable(root: &Element) -> Vec<HtmlElement> {
        let Ok(list) = root.query_selector_all(FOCUSABLE) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
            .filter(|e| e.offset_parent().is_some())
            .collect()
    }

    fn is(a: &Option<Element>, b: &HtmlElement) -> bool {
        a.as_ref().is_some_and(|a| a.is_same_node(Some(b)))
    }

    pub(super) fn hold(root: NodeRef<leptos::html::Div>) {
        let me = NEXT.with(|n| {
            let id = n.get() + 1;
            n.set(id);
            id
        });
        OPEN.with(|o| o.borrow_mut().push(me));
        let on_top = move || OPEN.with(|o| o.borrow().last() == Some(&me));
        // Taken now, while the control that was pressed still has focus.
        let opener = SendWrapper::new(active().and_then(|e| e.dyn_into::<HtmlElement>().ok()));

        // The dialog's element, kept for the cleanup (which runs as the route's signals go).
        let shown = Rc::new(RefCell::new(None::<Element>));
        let kept = SendWrapper::new(shown.clone());

        // Once the dialog is on the page, focus moves into it (unless something in it,
        // such as a field with autofocus, already has it).
        Effect::new(move |_| {
            if let Some(el) = root.get() {
                let el: &Element = el.as_ref();
                *shown.borrow_mut() = Some(el.clone());
                if !active().is_some_and(|a| el.contains(Some(&a))) {
                    if let Some(first) = reachable(el).first() {
                        let _ = first.focus();
                    }
                }
            }
        });

        let tab = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.key() != "Tab" || !on_top() {
                return;
            }
            let Some(el) = root.get_untracked() else {
                return;
            };
            let el: &Element = el.as_ref();
            let items = reachable(el);
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let now = active();
            let inside = now.as_ref().is_some_and(|a| el.contains(Some(a)));
            let to = if !inside {
                Some(if ev.shift_key() { last } else { first })
            } else if ev.shift_key() && is(&now, first) {
                Some(last)
            } else if !ev.shift_key() && is(&now, last) {
                Some(first)
            } else {
                None
            };
            if let Some(to) = to {
                ev.prevent_default();
                let _ = to.focus();
            }
        });

        on_cleanup(move || {
            tab.remove();
            OPEN.with(|o| o.borrow_mut().retain(|id| *id != me));
            // Focus goes back only if it was still in the dialog (or fell to the page when
            // the dialog left); a person who clicked elsewhere keeps what they clicked.
            let el = kept.take().borrow_mut().take();
            let now = active();
            let in_dialog = match (&el, &now) {
                (Some(el), Some(a)) => el.contains(Some(a)),
                _ => false,
            };
            let on_page = now.is_none() || now.as_ref().is_some_and(|a| a.tag_name() == "BODY");
            if in_dialog || on_page {
                if let Some(opener) = opener.take() {
                    if opener.is_connected() {
                        let _ = opener.focus();
                    }
                }
            }
        });
    }
}
