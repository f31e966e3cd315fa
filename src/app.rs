//! The document shell and the routes.

use crate::attendance::components::SessionScreen;
use crate::auth::components::{Home, SignInPage};
use crate::error::AppError;
use crate::portal::{PortalHome, PortalLayout};
use crate::staff::{StaffHome, StaffLayout};
use crate::ui::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The inline hydration script carries this response's nonce; the policy naming it is
    // set here, where the nonce is known.
    #[cfg(feature = "ssr")]
    crate::server::security::set_page_csp();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <GettingReady />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Holds a press made before the client has taken over and replays it once it has (see
/// the script), so nothing pressed while a phone is still loading is lost.
#[component]
fn GettingReady() -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! { <script nonce=nonce>{include_str!("getting_ready.js")}</script> }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Lets tests, people debugging and the getting-ready script see when the client has
    // taken over the page. A page whose screen is loaded separately is not taken over until
    // that screen is: its marker says so (see `screens::LazyScreenReady`).
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(d) = web_sys::window().and_then(|w| w.document()) {
            if d.query_selector("template[data-lazy-screen]")
                .ok()
                .flatten()
                .is_none()
            {
                screens::mark_hydrated();
            }
        }
    });
    view! {
        <Title text="Gather" />
        <Router>
            <Routes fallback=|| view! { <main><ErrorPanel error=AppError::NotFound /></main> }>
                <Route path=path!("/") view=Home ssr=SsrMode::Async />
                <Route path=path!("/login") view=SignInPage />
                // One layout per area: the shell renders once and the viewer is fetched
                // once; moving between an area's screens swaps only its outlet.
                <ParentRoute path=path!("/app") view=StaffLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=StaffHome ssr=SsrMode::Async />
                    <Route path=path!("calendar") view={Lazy::<screens::Calendar>::new()} ssr=SsrMode::Async />
                    <Route path=path!("sessions/:id") view=SessionScreen ssr=SsrMode::Async />
                    <Route path=path!("sessions/:id/note") view={Lazy::<screens::Note>::new()} ssr=SsrMode::Async />
                    <Route path=path!("sessions/:id/note/review") view={Lazy::<screens::Review>::new()} ssr=SsrMode::Async />
                    <Route path=path!("people/:id/chart") view={Lazy::<screens::Chart>::new()} ssr=SsrMode::Async />
                    <Route path=path!("note-templates") view={Lazy::<screens::Templates>::new()} ssr=SsrMode::Async />
                    <Route path=path!("contacts") view={Lazy::<screens::Contacts>::new()} ssr=SsrMode::Async />
                    <Route path=path!("contacts/new") view={Lazy::<screens::NewCase>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cases/:id") view={Lazy::<screens::Case>::new()} ssr=SsrMode::Async />
                    <Route path=path!("people/new") view={Lazy::<screens::NewPerson>::new()} ssr=SsrMode::Async />
                    <Route path=path!("people/:id") view={Lazy::<screens::Person>::new()} ssr=SsrMode::Async />
                    <Route path=path!("services") view={Lazy::<screens::Services>::new()} ssr=SsrMode::Async />
                </ParentRoute>
                <ParentRoute path=path!("/portal") view=PortalLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=PortalHome ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
        // Says "Getting ready…" while a press waits for the client (see GettingReady).
        <div id="getting-ready" class="getting-ready" aria-live="polite" data-testid="getting-ready"></div>
    }
}

/// The screens loaded only when a page shows them: each is its own WASM chunk (cargo-leptos
/// `--split`), so a page downloads the main module and its own screen, not every screen.
/// The session (attendance) screen stays in the main module: it must work in a group room
/// with poor reception. A chunk that cannot be fetched is retried, then offered as a link
/// to retry (see getting_ready.js).
mod screens {
    use crate::calendar::components::CalendarScreen;
    use crate::cases::components::{CasePage, ContactsPage, NewCasePage};
    use crate::notes::components::{ChartRoute, NoteRoute, ReviewRoute, TemplatesRoute};
    use crate::people::components::{NewPersonPage, PersonProfilePage};
    use crate::services::components::ServicesPage;
    use leptos::prelude::*;
    use leptos_router::{lazy_route, LazyRoute};

    /// Tells the page (and the getting-ready script, which replays held presses) that the
    /// client has taken it over.
    pub(super) fn mark_hydrated() {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    }

    /// Rendered before a lazily loaded screen: on the server its marker tells the client's
    /// first run that this page is not taken over until the screen's chunk has arrived and
    /// hydrated, which is when this effect runs.
    #[component]
    fn LazyScreenReady() -> impl IntoView {
        Effect::new(|_| mark_hydrated());
        view! { <template data-lazy-screen=""></template> }
    }

    macro_rules! lazy_screen {
        ($route:ident, $screen:ident) => {
            pub(super) struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(this: Self) -> AnyView {
                    let _ = this;
                    view! {
                        <LazyScreenReady />
                        <$screen />
                    }
                    .into_any()
                }
            }
        };
    }

    lazy_screen!(Calendar, CalendarScreen);
    lazy_screen!(Note, NoteRoute);
    lazy_screen!(Review, ReviewRoute);
    lazy_screen!(Chart, ChartRoute);
    lazy_screen!(Templates, TemplatesRoute);
    lazy_screen!(Contacts, ContactsPage);
    lazy_screen!(NewCase, NewCasePage);
    lazy_screen!(Case, CasePage);
    lazy_screen!(NewPerson, NewPersonPage);
    lazy_screen!(Person, PersonProfilePage);
    lazy_screen!(Services, ServicesPage);
}
