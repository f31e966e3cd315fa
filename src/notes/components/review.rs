//! The review and lock screen with its progress bar, and the queue of notes to review.

use super::*;

#[component]
pub fn ReviewRoute() -> impl IntoView {
    let review = Resource::new(route_id(AppointmentId), |id| or_not_found(id, get_review));
    loaded(review, move |r| view! { <ReviewPage review=r /> })
}

#[component]
fn ReviewPage(review: Review) -> impl IntoView {
    let id = review.appointment_id;
    let count = review.chart_notes.len();
    let progress = RwSignal::new(None::<LockProgress>);
    let error = RwSignal::new(None::<String>);
    let running = RwSignal::new(false);
    let lock = move |_| {
        running.set(true);
        error.set(None);
        progress.set(Some(LockProgress {
            done: 0,
            total: count as i64,
            finished: false,
        }));
        // The bar follows what the server reports while the lock runs.
        spawn_local(async move {
            while running.get_untracked() {
                if let Ok(Some(p)) = get_lock_progress(id).await {
                    if running.get_untracked() {
                        progress.set(Some(p));
                    }
                }
                sleep_ms(150).await;
            }
        });
        spawn_local(async move {
            let result = lock_note(id).await;
            running.set(false);
            match result {
                Ok(n) => progress.set(Some(LockProgress {
                    done: n as i64,
                    total: n as i64,
                    finished: true,
                })),
                Err(e) => {
                    progress.set(None);
                    error.set(Some(format!("Nothing was locked: {e}")));
                }
            }
        });
    };
    let can_lock = review.permissions.lock && review.lock_blocked.is_none();
    // The count of a finished lock, once the server has said so.
    let locked = move || progress.get().filter(|p| p.finished).map(|p| p.done);
    view! {
        <div class="review-screen">
            <header class="page-header">
                <div>
                    <h1>"Review: " {review.title.clone()}</h1>
                    <p class="muted">{review.when.clone()}</p>
                </div>
                <a class="button secondary" href=format!("/app/sessions/{}/note", id.0)>"Back to the note"</a>
            </header>
            <p data-testid="review-summary">
                {format!(
                    "Locking creates {count} chart note{} — one for each attendee.",
                    if count == 1 { "" } else { "s" },
                )}
            </p>
            {(!review.not_attending.is_empty())
                .then(|| {
                    view! {
                        <p class="muted">
                            "Gets nothing from this note: "
                            {review
                                .not_attending
                                .iter()
                                .map(|n| format!("{} ({})", n.name, n.attendance))
                                .collect::<Vec<_>>()
                                .join(", ")}
                        </p>
                    }
                })}
            <section class="card lock-panel">
                {match review.status {
                    NoteStatus::Locked => view! { <p data-testid="already-locked">"This note is signed and locked."</p> }.into_any(),
                    _ if can_lock => view! {
                        <Show when=move || locked().is_none()>
                            <button on:click=lock disabled=move || running.get() data-testid="lock-button">
                                "Sign and lock"
                            </button>
                        </Show>
                    }.into_any(),
                    _ => view! {
                        <p data-testid="lock-blocked">
                            {review.lock_blocked.clone().unwrap_or_else(|| "You can't sign and lock this note.".into())}
                        </p>
                    }.into_any(),
                }}
                {move || {
                    progress
                        .get()
                        .map(|p| {
                            let pct = if p.total > 0 { p.done * 100 / p.total } else { 100 };
                            view! {
                                <div class="lock-progress">
                                    <div
                                        class="progress"
                                        role="progressbar"
                                        aria-label="Creating chart notes"
                                        aria-valuemin="0"
                                        aria-valuemax=p.total.to_string()
                                        aria-valuenow=p.done.to_string()
                                        data-testid="lock-progress"
                                    >
                                        <div class=format!("progress-fill w{}", pct / 5 * 5)></div>
                                    </div>
                                    <p>{format!("Chart notes created: {} of {}", p.done, p.total)}</p>
                                </div>
                            }
                        })
                }}
                {move || locked().map(|n| view! {
                    <p class="notice" role="status" data-testid="locked">
                        {format!("Signed and locked. {n} chart note{} created.", if n == 1 { "" } else { "s" })}
                    </p>
                })}
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </section>
            <div class="chart-notes">
                {review
                    .chart_notes
                    .into_iter()
                    .map(|n| view! { <ChartNoteCard note=n show_person=true /> })
                    .collect_view()}
            </div>
        </div>
    }
}

/// Notes waiting for the signed-in supervisor's review, on the staff home page.
#[component]
pub fn ReviewQueue() -> impl IntoView {
    let items = Resource::new(|| (), |_| async move { notes_to_review().await });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match items.await {
                    Ok(list) if !list.is_empty() => {
                        view! {
                            <section class="card" data-testid="review-queue">
                                <h2>"Notes waiting for your review"</h2>
                                <ul class="plain-list">
                                    {list
                                        .into_iter()
                                        .map(|i| {
                                            view! {
                                                <li>
                                                    <a href=format!("/app/sessions/{}/note", i.appointment_id.0)>
                                                        {i.title.clone()}
                                                    </a>
                                                    " · " {i.when.clone()} " · from " {i.from.clone()}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                            .into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}
