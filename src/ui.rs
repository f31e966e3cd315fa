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
