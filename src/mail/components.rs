//! The outbox screen: every email the practice's Gather wrote, where it stands and, for one
//! that failed, why and "Send again".

use super::api::{list_outbox, send_email_again};
use super::OutboxEmail;
use crate::domain::mail::EmailStatus;
use leptos::prelude::*;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_outbox());
    let reload = Callback::new(move |_| list.refetch());
    view! {
        <h1>"Outbox"</h1>
        <p class="hint">
            "Every email Gather sends: invitations and password resets. Emails that cannot be "
            "delivered are tried again for about a day, then shown as failed with the reason."
        </p>
        <button type="button" class="secondary" on:click=move |_| list.refetch()>"Refresh"</button>
        {crate::ui::loaded(list, move |emails: Vec<OutboxEmail>| {
            if emails.is_empty() {
                return view! { <p class="empty" data-testid="outbox-empty">"Nothing has been sent yet."</p> }.into_any();
            }
            view! {
                <div class="table-scroll">
                    <table class="outbox" data-testid="outbox">
                        <thead>
                            <tr>
                                <th scope="col">"Written"</th>
                                <th scope="col">"To"</th>
                                <th scope="col">"What"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Details"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {emails.into_iter().map(|e| view! { <OutboxRow email=e reload /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        })}
    }
}

#[component]
fn OutboxRow(email: OutboxEmail, reload: Callback<()>) -> impl IntoView {
    let id = email.id;
    let again = Action::new(move |_: &()| send_email_again(id));
    Effect::new(move |_| {
        if let Some(Ok(())) = again.value().get() {
            reload.run(());
        }
    });
    let status = email.status;
    let details = match (status, &email.when) {
        (EmailStatus::Sent, Some(at)) => format!("Sent {at}"),
        (EmailStatus::Retrying, Some(at)) => format!(
            "Attempt {} failed: {}. Next try {at}.",
            email.attempts, email.last_error
        ),
        (EmailStatus::Failed, _) => format!(
            "Gave up after {} attempt(s): {}",
            email.attempts, email.last_error
        ),
        _ => String::new(),
    };
    view! {
        <tr data-testid="outbox-row" data-status=status.as_str()>
            <td>{email.created.clone()}</td>
            <td>{email.recipient.clone()}</td>
            <td>{email.kind.label()} <span class="muted">" · " {email.subject.clone()}</span></td>
            <td><span class=format!("status status-{}", status.as_str())>{status.label()}</span></td>
            <td>
                {details}
                {(status == EmailStatus::Failed).then(|| view! {
                    " "
                    <button type="button" class="link-button" disabled=move || again.pending().get()
                        on:click=move |_| { again.dispatch(()); }>"Send again"</button>
                    {move || again.value().get().and_then(Result::err).map(|e| view! {
                        <span class="form-error" role="alert">{e.to_string()}</span>
                    })}
                })}
            </td>
        </tr>
    }
}
