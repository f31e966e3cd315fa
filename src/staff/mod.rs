//! The staff side: the responsive app shell and the landing page.

use crate::auth::api::{ExtendSession, SignOut};
use crate::auth::components::{use_viewer, RequireArea};
use crate::auth::Viewer;
use crate::domain::Area;
use crate::ui::error_text;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

/// The staff area's layout, the parent route of every staff screen: it checks the caller
/// once, renders the shell once and provides the viewer by context (`use_viewer`). Moving
/// between screens swaps only the outlet and fetches only that screen's data. (Server
/// functions still check the caller themselves, every time.)
#[component]
pub fn StaffLayout() -> impl IntoView {
    view! {
        <RequireArea
            area=Area::Staff
            render=|viewer: Viewer| {
                provide_context(viewer.clone());
                view! {
                    <StaffShell viewer>
                        <Outlet />
                    </StaffShell>
                }
            }
        />
    }
}

/// The frame around every staff page: the practice, navigation that folds into a menu on a
/// phone, and the signed-in account with sign-out.
#[component]
pub fn StaffShell(viewer: Viewer, children: Children) -> impl IntoView {
    let menu_open = RwSignal::new(false);
    // The shell stays mounted across screens, so the phone's menu folds away by itself
    // once a link in it has been followed.
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <div class="shell">
            <header class="topbar">
                <a class="brand" href="/app">"Gather"</a>
                <span class="practice" data-testid="practice-name">{viewer.practice_name.clone()}</span>
                <button
                    class="menu-toggle"
                    aria-controls="main-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    "Menu"
                </button>
            </header>
            <nav id="main-nav" class="sidebar" class:open=move || menu_open.get() aria-label="Main">
                <A href="/app" attr:class="nav-link" exact=true>"Home"</A>
                <A href="/app/calendar" attr:class="nav-link">"Calendar"</A>
                <A href="/app/contacts" attr:class="nav-link">"Contacts"</A>
                <A href="/app/messages" attr:class="nav-link">"Messages"</A>
                <A href="/app/services" attr:class="nav-link">"Services"</A>
                {viewer.role.manages_practice().then(|| view! {
                    <A href="/app/billing" attr:class="nav-link">"Billing"</A>
                    <A href="/app/team" attr:class="nav-link">"Team"</A>
                    <A href="/app/outbox" attr:class="nav-link">"Outbox"</A>
                    <A href="/app/reminders" attr:class="nav-link">"Reminders"</A>
                })}
                <A href="/app/forms" attr:class="nav-link">"Forms"</A>
                <A href="/app/note-templates" attr:class="nav-link">"Note templates"</A>
                <div class="account">
                    <span class="who" data-testid="signed-in-as">{viewer.display_name.clone()}</span>
                    <span class="role">{viewer.role.label()}</span>
                    <ActionForm action=sign_out>
                        <button type="submit" class="link-button">"Sign out"</button>
                    </ActionForm>
                </div>
            </nav>
            <main class="content">{children()}</main>
        </div>
    }
}

/// Keeps the session alive on request and says until when, so a clinician stepping away
/// from a long note knows where they stand.
#[component]
pub fn SessionCard(viewer: Viewer) -> impl IntoView {
    let extend = ServerAction::<ExtendSession>::new();
    let error = error_text(extend.value());
    let ends = {
        let initial = viewer.session_ends_at.clone();
        move || {
            extend
                .value()
                .get()
                .and_then(Result::ok)
                .map(|v| v.session_ends_at)
                .unwrap_or_else(|| initial.clone())
        }
    };
    view! {
        <section class="card">
            <h2>"Your session"</h2>
            <p>
                "Signed in until " <strong data-testid="session-ends">{ends}</strong>
                " unless you keep working."
            </p>
            <button
                class="secondary"
                on:click=move |_| {
                    extend.dispatch(ExtendSession {});
                }
            >
                "Stay signed in"
            </button>
            {move || {
                extend
                    .value()
                    .get()
                    .map(|r| match r {
                        Ok(_) => {
                            view! {
                                <p class="notice" role="status" data-testid="session-extended">
                                    "Session extended."
                                </p>
                            }
                                .into_any()
                        }
                        Err(_) => {
                            view! { <p class="form-error" role="alert">{error()}</p> }.into_any()
                        }
                    })
            }}
        </section>
    }
}

#[component]
pub fn StaffHome() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <h1 data-testid="staff-home">"Welcome, " {viewer.display_name.clone()}</h1>
        <div class="cards">
            <section class="card">
                <h2>"Your practice"</h2>
                <p>{viewer.practice_name.clone()}</p>
                <p>"You are signed in as " <strong>{viewer.role.label()}</strong> "."</p>
            </section>
            <SessionCard viewer=viewer.clone() />
            <crate::portal::components::PortalRequestsCard />
            <crate::notes::components::ReviewQueue />
        </div>
    }
}
