//! The sign-in page and the gate that keeps each side of the product to its own accounts.

use super::api::{current_viewer, portal_viewer, staff_viewer, SignIn};
use super::Viewer;
use crate::domain::Area;
use crate::error::AppError;
use crate::ui::{error_text, ErrorPanel};
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = error_text(action.value());
    let pending = action.pending();
    let query = leptos_router::hooks::use_query_map();
    let after_reset = move || query.with(|q| q.get("reset").as_deref() == Some("done"));
    view! {
        <main class="auth-page">
            <section class="card auth-card">
                <p class="brand">"Gather"</p>
                <h1>"Sign in to your practice"</h1>
                <Show when=after_reset>
                    <p class="notice" role="status" data-testid="password-changed">
                        "Your password has been changed and every device was signed out. Sign in with the new one."
                    </p>
                </Show>
                <ActionForm action=action attr:class="stack" attr:aria-label="Sign in">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required />
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                    {move || {
                        error()
                            .map(|e| {
                                view! {
                                    <p class="form-error" role="alert" data-testid="sign-in-error">
                                        {e}
                                    </p>
                                }
                            })
                    }}
                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
                <p><a href="/forgot-password">"Forgot your password?"</a></p>
            </section>
        </main>
    }
}

/// "/": sends a signed-in account to its landing page and everyone else to sign in.
#[component]
pub fn Home() -> impl IntoView {
    let viewer = Resource::new_blocking(|| (), |_| current_viewer());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(v) => view! { <Redirect path=v.role.landing_path() /> }.into_any(),
                    Err(_) => view! { <Redirect path="/login" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The signed-in viewer, provided by the layout of the area the screen is in
/// (`staff::StaffLayout`, `portal::PortalLayout`), which checked them once for every screen.
pub fn use_viewer() -> Viewer {
    use_context::<Viewer>().expect(
        "every screen of an area renders inside the area's layout, which provides the viewer",
    )
}

/// Renders `render` with the signed-in viewer if they belong to `area`; the anonymous are
/// sent to sign in. The check is the server's.
///
/// On the server the session middleware has already resolved the caller, so the layout is
/// decided at once, and the client reads that same answer from the page while hydrating.
/// Deciding it by awaiting a resource inside `<Suspense>` made Leptos build every screen of
/// the area three times per page (Suspense re-runs its children to find their resources), so
/// each screen's data was fetched, and its reads audited, three times. Only entering the area
/// by client-side navigation (after signing in) waits for the viewer from a server function.
#[component]
pub fn RequireArea<F, V>(area: Area, render: F) -> impl IntoView
where
    F: Fn(Viewer) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let decided = leptos::server::SharedValue::new(move || {
        #[cfg(feature = "ssr")]
        {
            Some(super::api::viewer_entering(area))
        }
        #[cfg(not(feature = "ssr"))]
        {
            let _ = area;
            None::<Result<Viewer, AppError>>
        }
    })
    .into_inner();
    if let Some(decided) = decided {
        return entered(decided, render).into_any();
    }
    let viewer = Resource::new(
        || (),
        move |_| async move {
            match area {
                Area::Staff => staff_viewer().await,
                Area::Portal => portal_viewer().await,
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move { entered(viewer.await, render) })
            }}
        </Suspense>
    }
    .into_any()
}

fn entered<V: IntoView + 'static>(
    decided: Result<Viewer, AppError>,
    render: impl Fn(Viewer) -> V,
) -> AnyView {
    match decided {
        Ok(v) => render(v).into_any(),
        Err(AppError::NotSignedIn) => view! { <Redirect path="/login" /> }.into_any(),
        Err(error) => view! { <main><ErrorPanel error /></main> }.into_any(),
    }
}
