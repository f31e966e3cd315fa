//! Message screens: the staff inbox and a thread, a person's messages card, "Message the
//! group" on a group's page, and the portal's messages. Message text is shown as text,
//! never as HTML.

use super::api::{
    get_inbox, get_thread, message_group, my_new_thread, my_reply, my_thread, my_threads,
    reply_in_thread, start_thread,
};
use super::{Inbox, InboxFilter, MessageView, NewThread, ThreadSummary, ThreadView, POLL_SECONDS};
use crate::domain::{CaseId, PersonId, ThreadId};
use crate::error::AppError;
use crate::ui::FieldErrorText;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

fn other_error(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::InvalidInput { .. }))
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    }
}

fn thread_list(threads: Vec<ThreadSummary>, base: &'static str, show_with: bool) -> AnyView {
    if threads.is_empty() {
        return view! { <p class="empty" data-testid="no-threads">"No messages yet."</p> }
            .into_any();
    }
    view! {
        <ul class="rows threads" data-testid="threads">
            {threads.into_iter().map(|t| {
                let unread = t.unread;
                let has_unread = unread > 0;
                view! {
                    <li data-testid="thread" class:unread=has_unread>
                        <a href=format!("{base}/{}", t.id.0)>
                            <strong>{t.subject.clone()}</strong>
                        </a>
                        {(unread > 0).then(|| view! {
                            " " <span class="badge" data-testid="unread">{format!("{unread} new")}</span>
                        })}
                        <span class="muted">
                            {show_with.then(|| format!(" · {}", t.with))}
                            {t.case_name.clone().map(|c| format!(" · {c}"))}
                            {format!(" · {}", t.last_at)}
                        </span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// "/app/messages": every thread the viewer may see, newest first, with unread counts;
/// `?person=` or `?case=` narrows it.
#[component]
pub fn InboxPage() -> impl IntoView {
    let query = use_query_map();
    let unread_only = RwSignal::new(false);
    let filter = Memo::new(move |_| {
        let id = |k: &str| query.with(|q| q.get(k).and_then(|v| v.parse::<i64>().ok()));
        InboxFilter {
            person: id("person").map(PersonId),
            case: id("case").map(CaseId),
            unread_only: unread_only.get(),
        }
    });
    let inbox = Resource::new(move || filter.get(), get_inbox);
    view! {
        <h1>"Messages"</h1>
        <p class="hint">
            "Secure messages with clients and payers. They get an email saying only that there is a "
            "new message, and read it by signing in to the portal. To write to someone, open their "
            "page; to write to a whole group, open the group."
        </p>
        <label class="check">
            <input type="checkbox" prop:checked=move || unread_only.get()
                on:change=move |ev| unread_only.set(event_target_checked(&ev)) />
            "Only threads with unread messages"
        </label>
        {crate::ui::loaded(inbox, |i: Inbox| view! {
            <p class="muted" data-testid="unread-threads">{match i.unread_threads {
                0 => "Nothing unread.".to_string(),
                1 => "1 thread with unread messages.".to_string(),
                n => format!("{n} threads with unread messages."),
            }}</p>
            {thread_list(i.threads, "/app/messages", true)}
        })}
    }
}

/// An open thread: its first load, the messages shown (growing as new ones arrive), and the
/// action that asks for new ones.
struct LiveThread {
    thread: Resource<Result<ThreadView, AppError>>,
    messages: RwSignal<Vec<MessageView>>,
    poll: Action<(), ()>,
}

/// Loads a thread, then asks for new messages every few seconds while it is open.
fn live_thread(id: Signal<Option<ThreadId>>, portal: bool) -> LiveThread {
    let fetch = move |id: ThreadId, after: i64| async move {
        if portal {
            my_thread(id, after).await
        } else {
            get_thread(id, after).await
        }
    };
    let thread = Resource::new(
        move || id.get(),
        move |id| async move {
            match id {
                Some(id) => fetch(id, 0).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let messages = RwSignal::new(Vec::<MessageView>::new());
    Effect::new(move |_| {
        if let Some(Ok(t)) = thread.get() {
            messages.set(t.messages);
        }
    });
    let poll = Action::new(move |_: &()| {
        let after = messages.with_untracked(|m| m.last().map_or(0, |m| m.id));
        let id = id.get_untracked();
        async move {
            let Some(id) = id else { return };
            if let Ok(t) = fetch(id, after).await {
                messages.update(|m| {
                    let last = m.last().map_or(0, |x| x.id);
                    m.extend(t.messages.into_iter().filter(|x| x.id > last));
                });
            }
        }
    });
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if !poll.pending().get_untracked() {
                    poll.dispatch(());
                }
            },
            std::time::Duration::from_secs(POLL_SECONDS),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    LiveThread {
        thread,
        messages,
        poll,
    }
}

#[component]
fn Conversation(messages: RwSignal<Vec<MessageView>>) -> impl IntoView {
    view! {
        <ol class="messages" data-testid="messages" aria-live="polite">
            <For each=move || messages.get() key=|m| m.id let:m>
                <li class="message" class:mine=m.mine data-testid="message">
                    <p class="message-meta"><strong>{m.author.clone()}</strong> " · " {m.at.clone()}</p>
                    <p class="message-body">{m.body.clone()}</p>
                </li>
            </For>
        </ol>
    }
}

#[component]
fn ReplyForm(id: ThreadId, portal: bool, poll: Action<(), ()>) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let send = Action::new(move |text: &String| {
        let text = text.clone();
        async move {
            if portal {
                my_reply(id, text).await
            } else {
                reply_in_thread(id, text).await
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            body.set(String::new());
            poll.dispatch(());
        }
    });
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    view! {
        <form class="stack reply" novalidate=true
            on:submit=move |ev| {
                ev.prevent_default();
                send.dispatch(body.get_untracked());
            }>
            <label for="reply-body">"Reply"</label>
            <textarea id="reply-body" rows="4" prop:value=move || body.get()
                on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            <FieldErrorText error field="body" />
            {other_error(error)}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || send.pending().get()>"Send"</button>
            </div>
        </form>
    }
}

fn thread_id() -> Signal<Option<ThreadId>> {
    let params = use_params_map();
    Signal::derive(move || {
        params.with(|p| {
            p.get("id")
                .and_then(|v| v.parse::<i64>().ok())
                .map(ThreadId)
        })
    })
}

/// "/app/messages/:id": one thread; new messages appear while it is open.
#[component]
pub fn ThreadPage() -> impl IntoView {
    let id = thread_id();
    let LiveThread {
        thread,
        messages,
        poll,
    } = live_thread(id, false);
    view! {
        <p><a href="/app/messages">"← All messages"</a></p>
        {crate::ui::loaded(thread, move |t: ThreadView| view! {
            <h1 data-testid="thread-subject">{t.subject.clone()}</h1>
            <p class="muted">
                "With " <a href=format!("/app/people/{}", t.person_id.0)>{t.with.clone()}</a>
                {t.case_name.clone().map(|c| format!(" · {c}"))}
            </p>
            {(!t.can_sign_in).then(|| view! {
                <p class="notice" data-testid="no-portal">
                    {format!("{} has no portal access yet, so they cannot read messages. Invite them from their page.", t.with)}
                </p>
            })}
            <Conversation messages />
            <ReplyForm id=t.id portal=false poll />
        })}
    }
}

/// A person's threads and a form to write to them, on their page.
#[component]
pub fn PersonMessagesCard(person: PersonId) -> impl IntoView {
    let inbox = Resource::new(
        || (),
        move |_| {
            get_inbox(InboxFilter {
                person: Some(person),
                ..InboxFilter::default()
            })
        },
    );
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let start = Action::new(move |input: &NewThread| start_thread(input.clone()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = start.value().get() {
            navigate(&format!("/app/messages/{}", id.0), Default::default());
        }
    });
    let error = Signal::derive(move || start.value().get().and_then(Result::err));
    view! {
        <section class="card" data-testid="person-messages" aria-labelledby="person-messages-heading">
            <h2 id="person-messages-heading">"Messages"</h2>
            {crate::ui::loaded(inbox, |i: Inbox| thread_list(i.threads, "/app/messages", false))}
            <form class="stack" novalidate=true aria-label="New message"
                on:submit=move |ev| {
                    ev.prevent_default();
                    start.dispatch(NewThread {
                        person: Some(person),
                        case: None,
                        subject: subject.get_untracked(),
                        body: body.get_untracked(),
                    });
                }>
                <label for="new-subject">"Subject"</label>
                <input id="new-subject" prop:value=move || subject.get()
                    on:input=move |ev| subject.set(event_target_value(&ev)) />
                <FieldErrorText error field="subject" />
                <label for="new-body">"Message"</label>
                <textarea id="new-body" rows="4" prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <FieldErrorText error field="body" />
                {other_error(error)}
                <div class="actions">
                    <button type="submit" class="secondary" disabled=move || start.pending().get()>"Send message"</button>
                </div>
            </form>
        </section>
    }
}

/// "Message the group": the same words to each member, each in their own thread.
#[component]
pub fn GroupMessageCard(case: CaseId) -> impl IntoView {
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let send =
        Action::new(move |(s, b): &(String, String)| message_group(case, s.clone(), b.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            subject.set(String::new());
            body.set(String::new());
        }
    });
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    view! {
        <section class="card" data-testid="group-message" aria-labelledby="group-message-heading">
            <h2 id="group-message-heading">"Message the group"</h2>
            <p class="hint">
                "Each current member gets their own private thread: nobody sees who else received it. "
                "Their email says only that there is a new message from the practice."
            </p>
            <form class="stack" novalidate=true aria-label="Message the group"
                on:submit=move |ev| {
                    ev.prevent_default();
                    send.dispatch((subject.get_untracked(), body.get_untracked()));
                }>
                <label for="group-subject">"Subject"</label>
                <input id="group-subject" prop:value=move || subject.get()
                    on:input=move |ev| subject.set(event_target_value(&ev)) />
                <FieldErrorText error field="subject" />
                <label for="group-body">"Message"</label>
                <textarea id="group-body" rows="4" prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <FieldErrorText error field="body" />
                <FieldErrorText error field="case" />
                {other_error(error)}
                <div class="actions">
                    <button type="submit" class="secondary" disabled=move || send.pending().get()>"Send to each member"</button>
                    <span role="status" data-testid="group-message-sent">{move || match send.value().get() {
                        Some(Ok(n)) => format!("Sent to {n} members, each in their own thread."),
                        _ => String::new(),
                    }}</span>
                </div>
            </form>
            <p><a href=format!("/app/messages?case={}", case.0)>"See this group's threads"</a></p>
        </section>
    }
}

/// "/portal/messages": the person's threads with the practice, and a form to write.
#[component]
pub fn PortalMessagesPage() -> impl IntoView {
    let threads = Resource::new(|| (), |_| my_threads());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let start = Action::new(move |(s, b): &(String, String)| my_new_thread(s.clone(), b.clone()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = start.value().get() {
            navigate(&format!("/portal/messages/{}", id.0), Default::default());
        }
    });
    let error = Signal::derive(move || start.value().get().and_then(Result::err));
    view! {
        <p><a href="/portal">"← Home"</a></p>
        <h1>"Messages"</h1>
        {crate::ui::loaded(threads, |t: Vec<ThreadSummary>| thread_list(t, "/portal/messages", false))}
        <section class="card" aria-labelledby="write-heading">
            <h2 id="write-heading">"Write to the practice"</h2>
            <form class="stack" novalidate=true
                on:submit=move |ev| {
                    ev.prevent_default();
                    start.dispatch((subject.get_untracked(), body.get_untracked()));
                }>
                <label for="portal-subject">"Subject"</label>
                <input id="portal-subject" prop:value=move || subject.get()
                    on:input=move |ev| subject.set(event_target_value(&ev)) />
                <FieldErrorText error field="subject" />
                <label for="portal-body">"Message"</label>
                <textarea id="portal-body" rows="4" prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <FieldErrorText error field="body" />
                {other_error(error)}
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || start.pending().get()>"Send"</button>
                </div>
            </form>
        </section>
    }
}

/// "/portal/messages/:id": one of the person's threads.
#[component]
pub fn PortalThreadPage() -> impl IntoView {
    let id = thread_id();
    let LiveThread {
        thread,
        messages,
        poll,
    } = live_thread(id, true);
    view! {
        <p><a href="/portal/messages">"← All messages"</a></p>
        {crate::ui::loaded(thread, move |t: ThreadView| view! {
            <h1 data-testid="thread-subject">{t.subject.clone()}</h1>
            <Conversation messages />
            <ReplyForm id=t.id portal=true poll />
        })}
    }
}
