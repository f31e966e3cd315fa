//! The calendar-feed settings: turn on a private iCalendar address, see it once, revoke it.

use super::*;

/// The provider's private calendar feed: on, new address, off.
#[component]
pub(super) fn FeedSettings() -> impl IntoView {
    let status = Resource::new(|| (), |_| get_feed_status());
    // One action for both changes: its latest answer is what the card shows, else the
    // page's first look.
    let change = Action::new(|turn_on: &bool| {
        let turn_on = *turn_on;
        async move {
            if turn_on {
                enable_feed().await
            } else {
                revoke_feed().await
            }
        }
    });
    let shown = move || change.value().get().or_else(|| status.get());
    view! {
        <details class="card feed-settings" data-testid="feed-settings">
            <summary>"Calendar feed for your phone or other calendar app"</summary>
            <p class="hint">
                "A private address your calendar app can subscribe to. Events show only a group's initials or \"Appointment\": never names. Anyone with the address can read it, so keep it to yourself; turning it off or making a new one stops the old address at once."
            </p>
            <Transition fallback=|| ()>
                {move || shown().map(|r| match r {
                    Ok(s) => {
                        let url = s.url.clone().map(|path| {
                            #[cfg(feature = "hydrate")]
                            let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
                            #[cfg(not(feature = "hydrate"))]
                            let origin = String::new();
                            format!("{origin}{path}")
                        });
                        view! {
                            <p data-testid="feed-state">
                                {if s.enabled { format!("On since {}.", s.created_at.clone().unwrap_or_default()) } else { "Off.".to_string() }}
                            </p>
                            {url.map(|u| view! {
                                <label for="feed-url">"Your feed address (copy it now; it is not shown again)"</label>
                                <input id="feed-url" readonly data-testid="feed-url" prop:value=u />
                            })}
                            <div class="actions">
                                <button type="button" data-testid="feed-on" on:click=move |_| { change.dispatch(true); }>
                                    {if s.enabled { "Make a new address" } else { "Turn on" }}
                                </button>
                                {s.enabled.then(|| view! { <button type="button" class="danger" data-testid="feed-off" on:click=move |_| { change.dispatch(false); }>"Turn off"</button> })}
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </details>
    }
}
