//! The document shell and the routes.

use crate::attendance::components::SessionScreen;
use crate::auth::components::{Home, SignInPage};
use crate::error::AppError;
use crate::portal::PortalLayout;
use crate::staff::StaffLayout;
use crate::ui::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The client's file names are read once per process (see `ClientFiles`).
    let _ = options;
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
                <ClientFiles />
                <GettingReady />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The stylesheet, and the script that starts the client. The client starts at the
/// browser's first idle moment, so the page the server sent is painted before any script or
/// wasm competes for a phone's connection (a press made meanwhile is held, see
/// GettingReady). At that moment the files of a screen loaded separately (named in the head
/// by `screens::ScreenPreloads`) are fetched beside the main module, not after it.
#[component]
fn ClientFiles() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let files = crate::server::assets::ClientFiles::get();
        let nonce = leptos::nonce::use_nonce();
        let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let start = format!(
            "{}\n({}, {});",
            include_str!("start_client.js"),
            quoted(&files.script),
            quoted(&files.wasm)
        );
        view! {
            <link id="leptos" rel="stylesheet" href=files.stylesheet.clone() />
            <script type="module" nonce=nonce>{start}</script>
        }
        .into_any()
    }
    #[cfg(not(feature = "ssr"))]
    ().into_any()
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
                // Public: the link's token is the credential, checked by the server.
                <Route path=path!("/invitation") view={Lazy::<screens::AcceptInvitation>::new()} ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view={Lazy::<screens::ForgotPassword>::new()} ssr=SsrMode::Async />
                <Route path=path!("/reset-password") view={Lazy::<screens::ResetPassword>::new()} ssr=SsrMode::Async />
                <Route path=path!("/reminder") view={Lazy::<screens::ReminderLink>::new()} ssr=SsrMode::Async />
                // One layout per area: the shell renders once and the viewer is fetched
                // once; moving between an area's screens swaps only its outlet.
                <ParentRoute path=path!("/app") view=StaffLayout ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<screens::StaffHome>::new()} ssr=SsrMode::Async />
                    <Route path=path!("calendar") view={Lazy::<screens::Calendar>::new()} ssr=SsrMode::Async />
                    <Route path=path!("sessions/:id") view=SessionScreen ssr=SsrMode::Async />
                    <Route path=path!("sessions/:id/note") view={Lazy::<screens::Note>::new()} ssr=SsrMode::Async />
                    <Route path=path!("sessions/:id/note/review") view={Lazy::<screens::Review>::new()} ssr=SsrMode::Async />
                    <Route path=path!("people/:id/chart") view={Lazy::<screens::Chart>::new()} ssr=SsrMode::Async />
                    <Route path=path!("people/:id/account") view={Lazy::<screens::Account>::new()} ssr=SsrMode::Async />
                    <Route path=path!("people/:id/statement") view={Lazy::<screens::Statement>::new()} ssr=SsrMode::Async />
                    <Route path=path!("note-templates") view={Lazy::<screens::Templates>::new()} ssr=SsrMode::Async />
                    <Route path=path!("forms") view={Lazy::<screens::Forms>::new()} ssr=SsrMode::Async />
                    <Route path=path!("contacts") view={Lazy::<screens::Contacts>::new()} ssr=SsrMode::Async />
                    <Route path=path!("contacts/new") view={Lazy::<screens::NewCase>::new()} ssr=SsrMode::Async />
                    <Route path=path!("cases/:id") view={Lazy::<screens::Case>::new()} ssr=SsrMode::Async />
                    <Route path=path!("people/new") view={Lazy::<screens::NewPerson>::new()} ssr=SsrMode::Async />
                    <Route path=path!("people/:id") view={Lazy::<screens::Person>::new()} ssr=SsrMode::Async />
                    <Route path=path!("services") view={Lazy::<screens::Services>::new()} ssr=SsrMode::Async />
                    <Route path=path!("billing/reports") view={Lazy::<screens::Reports>::new()} ssr=SsrMode::Async />
                    <Route path=path!("billing/settings") view={Lazy::<screens::BillingSettings>::new()} ssr=SsrMode::Async />
                    <Route path=path!("billing") view={Lazy::<screens::Billing>::new()} ssr=SsrMode::Async />
                    <Route path=path!("receipts/:id") view={Lazy::<screens::Receipt>::new()} ssr=SsrMode::Async />
                    <Route path=path!("invoices/:id") view={Lazy::<screens::Invoice>::new()} ssr=SsrMode::Async />
                    <Route path=path!("team") view={Lazy::<screens::Team>::new()} ssr=SsrMode::Async />
                    <Route path=path!("outbox") view={Lazy::<screens::Outbox>::new()} ssr=SsrMode::Async />
                    <Route path=path!("reminders") view={Lazy::<screens::Reminders>::new()} ssr=SsrMode::Async />
                    <Route path=path!("messages") view={Lazy::<screens::Inbox>::new()} ssr=SsrMode::Async />
                    <Route path=path!("messages/:id") view={Lazy::<screens::Thread>::new()} ssr=SsrMode::Async />
                    <Route path=path!("superbills/:id") view={Lazy::<screens::Superbill>::new()} ssr=SsrMode::Async />
                </ParentRoute>
                <ParentRoute path=path!("/portal") view=PortalLayout ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<screens::PortalHome>::new()} ssr=SsrMode::Async />
                    <Route path=path!("bills") view={Lazy::<screens::PortalBills>::new()} ssr=SsrMode::Async />
                    <Route path=path!("forms") view={Lazy::<screens::PortalForms>::new()} ssr=SsrMode::Async />
                    <Route path=path!("forms/:id") view={Lazy::<screens::PortalForm>::new()} ssr=SsrMode::Async />
                    <Route path=path!("messages") view={Lazy::<screens::PortalMessages>::new()} ssr=SsrMode::Async />
                    <Route path=path!("messages/:id") view={Lazy::<screens::PortalThread>::new()} ssr=SsrMode::Async />
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
    use crate::accounts::components::{
        AcceptInvitationPage, ForgotPasswordPage, ResetPasswordPage, TeamPage,
    };
    use crate::billing::components::PayerAccountPage;
    use crate::billing::invoices::components::{BillingPage, InvoicePage};
    use crate::billing::receipts::components::ReceiptPage;
    use crate::billing::reports::components::ReportsPage;
    use crate::billing::settings::components::BillingSettingsPage;
    use crate::billing::statements::components::StatementPage;
    use crate::billing::superbills::components::SuperbillPage;
    use crate::calendar::components::CalendarScreen;
    use crate::cases::components::{CasePage, ContactsPage, NewCasePage};
    use crate::forms::components::FormTemplatesPage;
    use crate::forms::portal::{PortalFormPage, PortalFormsPage};
    use crate::mail::components::OutboxPage;
    use crate::messages::components::{
        InboxPage, PortalMessagesPage, PortalThreadPage, ThreadPage,
    };
    use crate::notes::components::{ChartRoute, NoteRoute, ReviewRoute, TemplatesRoute};
    use crate::people::components::{NewPersonPage, PersonProfilePage};
    use crate::portal::bills::PortalBillsPage;
    use crate::portal::PortalHome as PortalHomeScreen;
    use crate::reminders::components::{ReminderLinkPage, ReminderSettingsPage};
    use crate::services::components::ServicesPage;
    use crate::staff::StaffHome as StaffHomeScreen;
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

    /// Names, in the page's head, every file the screen `name` needs, so the client fetches
    /// them beside the main module rather than one after another once it runs (the split
    /// loader then finds them already fetched). Renders nothing in the body.
    #[component]
    fn ScreenPreloads(name: &'static str) -> impl IntoView {
        #[cfg(feature = "ssr")]
        if let (Some(state), true) = (
            use_context::<crate::server::state::AppState>(),
            use_context::<http::request::Parts>()
                .and_then(|parts| {
                    parts
                        .extensions
                        .get::<crate::server::assets::Preloaded>()
                        .cloned()
                })
                .is_some_and(|p| p.first(name)),
        ) {
            use leptos_meta::Meta;
            let chunks = &state.screen_chunks;
            // Registered with the head (leptos_meta), not written where they are rendered;
            // the client's start script fetches them (see `ClientFiles`).
            // One tag naming them all: a screen can need seventy files, and registering a
            // tag for each was a measurable part of rendering its page.
            let files = chunks.for_screen(name);
            if !files.is_empty() {
                let _ = view! { <Meta name="gather-screen-files" content=files.to_string() /> }
                    .to_html();
            }
            if let Some(loader) = chunks.loader() {
                let _ = view! { <Meta name="gather-screen-loader" content=loader.to_string() /> }
                    .to_html();
            }
        }
        let _ = name;
    }

    macro_rules! lazy_screen {
        ($route:ident, $screen:ident, $name:literal) => {
            pub(super) struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(this: Self) -> AnyView {
                    let _ = this;
                    view! {
                        <ScreenPreloads name=$name />
                        <LazyScreenReady />
                        <$screen />
                    }
                    .into_any()
                }
            }
        };
    }

    lazy_screen!(Calendar, CalendarScreen, "calendar");
    lazy_screen!(Note, NoteRoute, "note");
    lazy_screen!(Review, ReviewRoute, "review");
    lazy_screen!(Chart, ChartRoute, "chart");
    lazy_screen!(Templates, TemplatesRoute, "templates");
    lazy_screen!(Contacts, ContactsPage, "contacts");
    lazy_screen!(NewCase, NewCasePage, "new_case");
    lazy_screen!(Case, CasePage, "case");
    lazy_screen!(NewPerson, NewPersonPage, "new_person");
    lazy_screen!(Person, PersonProfilePage, "person");
    lazy_screen!(Services, ServicesPage, "services");
    lazy_screen!(Account, PayerAccountPage, "account");
    lazy_screen!(Billing, BillingPage, "billing");
    lazy_screen!(Invoice, InvoicePage, "invoice");
    lazy_screen!(BillingSettings, BillingSettingsPage, "billing_settings");
    lazy_screen!(Receipt, ReceiptPage, "receipt");
    lazy_screen!(Statement, StatementPage, "statement");
    lazy_screen!(Superbill, SuperbillPage, "superbill");
    lazy_screen!(Reports, ReportsPage, "reports");
    lazy_screen!(Team, TeamPage, "team");
    lazy_screen!(Outbox, OutboxPage, "outbox");
    lazy_screen!(AcceptInvitation, AcceptInvitationPage, "accept_invitation");
    lazy_screen!(ForgotPassword, ForgotPasswordPage, "forgot_password");
    lazy_screen!(ResetPassword, ResetPasswordPage, "reset_password");
    lazy_screen!(Reminders, ReminderSettingsPage, "reminders");
    lazy_screen!(ReminderLink, ReminderLinkPage, "reminder_link");
    lazy_screen!(Inbox, InboxPage, "inbox");
    lazy_screen!(Thread, ThreadPage, "thread");
    lazy_screen!(StaffHome, StaffHomeScreen, "staff_home");
    lazy_screen!(PortalHome, PortalHomeScreen, "portal_home");
    lazy_screen!(PortalBills, PortalBillsPage, "portal_bills");
    lazy_screen!(PortalMessages, PortalMessagesPage, "portal_messages");
    lazy_screen!(PortalThread, PortalThreadPage, "portal_thread");
    lazy_screen!(Forms, FormTemplatesPage, "forms");
    lazy_screen!(PortalForms, PortalFormsPage, "portal_forms");
    lazy_screen!(PortalForm, PortalFormPage, "portal_form");
}
