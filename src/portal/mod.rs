//! The participant portal. It shows a participant only their own information, never who
//! else is in their groups.

use crate::auth::api::SignOut;
use crate::auth::components::{use_viewer, RequireArea};
use crate::auth::Viewer;
use crate::domain::Area;
use crate::staff::SessionCard;
use leptos::prelude::*;
use leptos_router::components::Outlet;

/// The portal's layout, the parent route of every portal screen: it checks the caller once,
/// renders the frame once and provides the viewer by context.
#[component]
pub fn PortalLayout() -> impl IntoView {
    view! {
        <RequireArea
            area=Area::Portal
            render=|viewer: Viewer| {
                provide_context(viewer.clone());
                let sign_out = ServerAction::<SignOut>::new();
                view! {
                    <div class="portal">
                        <header class="topbar">
                            <span class="brand">{viewer.practice_name.clone()}</span>
                            <ActionForm action=sign_out>
                                <button type="submit" class="link-button">"Sign out"</button>
                            </ActionForm>
                        </header>
                        <main class="content">
                            <Outlet />
                        </main>
                    </div>
                }
            }
        />
    }
}

#[component]
pub fn PortalHome() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <h1 data-testid="portal-home">"Hello, " {viewer.display_name.clone()}</h1>
        <div class="cards">
            <section class="card">
                <h2>"Your sessions"</h2>
                <p>"Your practice has not scheduled any sessions for you yet."</p>
            </section>
            <section class="card">
                <h2>"Messages"</h2>
                <p>"Write to the practice and read its messages."</p>
                <a href="/portal/messages" class="button secondary">"Open messages"</a>
            </section>
            <SessionCard viewer=viewer.clone() />
        </div>
    }
}
