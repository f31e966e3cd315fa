//! The document shell and the routes.

use crate::attendance::components::SessionScreen;
use crate::auth::components::{Home, SignInPage};
use crate::calendar::components::CalendarScreen;
use crate::cases::components::{CasePage, ContactsPage, NewCasePage};
use crate::error::AppError;
use crate::notes::components::{ChartRoute, NoteRoute, ReviewRoute, TemplatesRoute};
use crate::people::components::{NewPersonPage, PersonProfilePage};
use crate::portal::{PortalHome, PortalLayout};
use crate::services::components::ServicesPage;
use crate::staff::{StaffHome, StaffLayout};
use crate::ui::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

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
    // Lets tests (and people debugging) see when the client has taken over the page.
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
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
                    <Route path=path!("calendar") view=CalendarScreen ssr=SsrMode::Async />
                    <Route path=path!("sessions/:id") view=SessionScreen ssr=SsrMode::Async />
                    <Route path=path!("sessions/:id/note") view=NoteRoute ssr=SsrMode::Async />
                    <Route path=path!("sessions/:id/note/review") view=ReviewRoute ssr=SsrMode::Async />
                    <Route path=path!("people/:id/chart") view=ChartRoute ssr=SsrMode::Async />
                    <Route path=path!("note-templates") view=TemplatesRoute ssr=SsrMode::Async />
                    <Route path=path!("contacts") view=ContactsPage ssr=SsrMode::Async />
                    <Route path=path!("contacts/new") view=NewCasePage ssr=SsrMode::Async />
                    <Route path=path!("cases/:id") view=CasePage ssr=SsrMode::Async />
                    <Route path=path!("people/new") view=NewPersonPage ssr=SsrMode::Async />
                    <Route path=path!("people/:id") view=PersonProfilePage ssr=SsrMode::Async />
                    <Route path=path!("services") view=ServicesPage ssr=SsrMode::Async />
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
