//! The team screen (owners and admins), and the public pages behind invitation and reset
//! links: accept an invitation, forgot password, choose a new password.

use super::api::{
    change_staff_role, get_portal_access, get_team, invite_staff, invite_to_portal,
    preview_invitation, resend_invitation, revoke_invitation, set_account_active,
    set_portal_active, AcceptInvitation, RequestPasswordReset, ResetPassword,
};
use super::{
    InvitationPreview, PendingInvitation, PortalAccess, PortalStatus, StaffInvitationInput, Team,
    TeamMember,
};
use crate::auth::components::use_viewer;
use crate::domain::accounts::PASSWORD_MIN_CHARS;
use crate::domain::{AccountId, PersonId, Role};
use crate::error::AppError;
use crate::ui::FieldErrorText;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The staff roles, in the order the form offers them.
const STAFF_ROLES: [Role; 5] = [
    Role::Provider,
    Role::Associate,
    Role::Supervisor,
    Role::Admin,
    Role::Owner,
];

/// Who an associate may work under.
fn supervisors(team: &Team) -> Vec<(AccountId, String)> {
    team.members
        .iter()
        .filter(|m| m.active && matches!(m.role, Role::Supervisor | Role::Owner))
        .map(|m| (m.id, m.name.clone()))
        .collect()
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let viewer = use_viewer();
    if !viewer.role.manages_practice() {
        return view! { <crate::ui::ErrorPanel error=AppError::Forbidden(
            "Only the practice's owners and administrators manage the team.".into()
        ) /> }
        .into_any();
    }
    let is_owner = viewer.role == Role::Owner;
    let team = Resource::new(|| (), |_| get_team());
    let reload = Callback::new(move |_| team.refetch());
    crate::ui::Kept::provide();
    view! {
        <h1>"Team"</h1>
        <p class="hint">
            "Invite colleagues by email: they choose their own password from the link, which works once, for 72 hours. "
            "Deactivating an account signs it out everywhere at once; its name stays in the history."
        </p>
        {crate::ui::loaded(team, move |t: Team| {
            let sups = supervisors(&t);
            view! {
                <InviteForm supervisors=sups.clone() is_owner reload />
                <section class="card" aria-labelledby="invitations-heading">
                    <h2 id="invitations-heading">"Waiting invitations"</h2>
                    {if t.invitations.is_empty() {
                        view! { <p class="empty" data-testid="no-invitations">"No invitations are waiting."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="rows" data-testid="invitations">
                                {t.invitations.into_iter().map(|i| view! { <InvitationRow invitation=i reload /> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <section class="card" aria-labelledby="members-heading">
                    <h2 id="members-heading">"Staff accounts"</h2>
                    <ul class="rows" data-testid="team">
                        {t.members.into_iter().map(|m| view! {
                            <MemberRow member=m supervisors=sups.clone() is_owner reload />
                        }).collect_view()}
                    </ul>
                </section>
            }
        })}
    }
    .into_any()
}

#[component]
fn RoleOptions(is_owner: bool, selected: Role) -> impl IntoView {
    STAFF_ROLES
        .into_iter()
        .filter(move |r| is_owner || *r != Role::Owner || selected == Role::Owner)
        .map(
            move |r| view! { <option value=r.as_str() selected=r == selected>{r.label()}</option> },
        )
        .collect_view()
}

#[component]
fn InviteForm(
    supervisors: Vec<(AccountId, String)>,
    is_owner: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let input = crate::ui::kept("invite-input", || StaffInvitationInput {
        role: Role::Provider.as_str().into(),
        ..Default::default()
    });
    let invite = Action::new(move |i: &StaffInvitationInput| {
        let i = i.clone();
        async move { invite_staff(i).await }
    });
    let sent_to = crate::ui::kept("invite-sent-to", String::new);
    Effect::new(move |_| {
        if let Some(Ok(_)) = invite.value().get() {
            // As stored and as the email is addressed: trimmed and lower-cased.
            sent_to.set(input.with_untracked(|i| {
                crate::domain::sign_in::normalize_email(&i.email).unwrap_or_else(|| i.email.clone())
            }));
            input.update(|i| {
                i.email.clear();
                i.name.clear();
            });
            reload.run(());
        }
    });
    let error = Signal::derive(move || invite.value().get().and_then(Result::err));
    let other_error = move || match error.get() {
        Some(AppError::InvalidInput { .. }) | None => None,
        Some(e) => Some(view! { <p class="form-error wide" role="alert">{e.to_string()}</p> }),
    };
    let is_associate = move || input.with(|i| i.role == Role::Associate.as_str());
    let sups = StoredValue::new(supervisors);
    view! {
        <form class="card form-grid" aria-labelledby="invite-heading" novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            invite.dispatch(input.get_untracked());
        }>
            <h2 id="invite-heading" class="wide">"Invite a colleague"</h2>
            <div class="field">
                <label for="invite-email">"Email"</label>
                <input id="invite-email" type="email" autocomplete="off" required
                    prop:value=move || input.with(|i| i.email.clone())
                    on:input=move |ev| input.update(|i| i.email = event_target_value(&ev)) />
                <FieldErrorText error field="email" />
            </div>
            <div class="field">
                <label for="invite-name">"Name"</label>
                <input id="invite-name" autocomplete="off" required
                    prop:value=move || input.with(|i| i.name.clone())
                    on:input=move |ev| input.update(|i| i.name = event_target_value(&ev)) />
                <FieldErrorText error field="name" />
            </div>
            <div class="field">
                <label for="invite-role">"Role"</label>
                <select id="invite-role" prop:value=move || input.with(|i| i.role.clone())
                    on:change=move |ev| input.update(|i| i.role = event_target_value(&ev))>
                    <RoleOptions is_owner selected=Role::Provider />
                </select>
                <FieldErrorText error field="role" />
            </div>
            <Show when=is_associate>
                <div class="field">
                    <label for="invite-supervisor">"Supervisor"</label>
                    <select id="invite-supervisor"
                        on:change=move |ev| input.update(|i| i.supervisor_id = event_target_value(&ev).parse().ok().map(AccountId))>
                        <option value="">"Choose…"</option>
                        {sups.get_value().into_iter().map(|(id, name)| view! {
                            <option value=id.0.to_string() selected=move || input.with(|i| i.supervisor_id == Some(id))>{name}</option>
                        }).collect_view()}
                    </select>
                    <FieldErrorText error field="supervisor" />
                </div>
            </Show>
            {other_error}
            {move || (!sent_to.get().is_empty()).then(|| view! {
                <p class="notice wide" role="status" data-testid="invitation-sent">
                    "Invitation sent to " {sent_to.get()} "."
                </p>
            })}
            <div class="actions wide">
                <button type="submit" class="primary" disabled=move || invite.pending().get()>
                    {move || if invite.pending().get() { "Sending…" } else { "Send invitation" }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn InvitationRow(invitation: PendingInvitation, reload: Callback<()>) -> impl IntoView {
    let id = invitation.id;
    let resend = Action::new(move |_: &()| resend_invitation(id));
    let revoke = Action::new(move |_: &()| revoke_invitation(id));
    Effect::new(move |_| {
        if matches!(resend.value().get(), Some(Ok(())))
            || matches!(revoke.value().get(), Some(Ok(())))
        {
            reload.run(());
        }
    });
    let busy = move || resend.pending().get() || revoke.pending().get();
    let error = move || {
        resend
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    let status = if invitation.expired {
        format!("Expired {}", invitation.expires)
    } else {
        format!(
            "Sent {} · works until {}",
            invitation.sent, invitation.expires
        )
    };
    view! {
        <li class="invitation" data-testid="invitation" data-email=invitation.email.clone()>
            <div class="member-main">
                <strong>{invitation.name.clone()}</strong>
                <span>{invitation.email.clone()}</span>
                <span class="muted">{invitation.role.label()} " · " {status}</span>
                <button type="button" class="link-button" disabled=busy on:click=move |_| { resend.dispatch(()); }>"Send again"</button>
                <button type="button" class="link-button" disabled=busy on:click=move |_| { revoke.dispatch(()); }>"Withdraw"</button>
            </div>
            {error}
        </li>
    }
}

#[component]
fn MemberRow(
    member: TeamMember,
    supervisors: Vec<(AccountId, String)>,
    is_owner: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let id = member.id;
    let editing = crate::ui::kept(format!("member-{}-editing", id.0), || false);
    let role = crate::ui::kept(format!("member-{}-role", id.0), || {
        member.role.as_str().to_string()
    });
    let supervisor = crate::ui::kept(format!("member-{}-supervisor", id.0), || {
        member.supervisor_id
    });
    let save = Action::new(move |(r, s): &(String, Option<AccountId>)| {
        let (r, s) = (r.clone(), *s);
        async move { change_staff_role(id, r, s).await }
    });
    let activate = Action::new(move |on: &bool| set_account_active(id, *on));
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) {
            editing.set(false);
            reload.run(());
        }
        if matches!(activate.value().get(), Some(Ok(()))) {
            reload.run(());
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let activate_error = move || {
        activate.value().get().and_then(Result::err).map(|e| {
            view! {
                <p class="form-error" role="alert">{e.to_string()}</p>
            }
        })
    };
    let active = member.active;
    let may_change = is_owner || member.role != Role::Owner;
    let label = member.name.clone();
    let detail = match &member.supervisor {
        Some(s) if member.role == Role::Associate => {
            format!("{} · supervised by {s}", member.role.label())
        }
        _ => member.role.label().to_string(),
    };
    let sups = StoredValue::new(
        supervisors
            .into_iter()
            .filter(|(s, _)| *s != id)
            .collect::<Vec<_>>(),
    );
    let current_role = member.role;
    view! {
        <li class="member" class:inactive=!active data-testid="member" data-email=member.email.clone()>
            <div class="member-main">
                <strong>{member.name.clone()} {member.is_you.then_some(" (you)")}</strong>
                <span>{member.email.clone()}</span>
                <span class="muted" data-testid="member-role">{detail} {(!active).then_some(" · deactivated")}</span>
                {(may_change && !member.is_you).then(|| view! {
                    <button type="button" class="link-button" aria-expanded=move || editing.get().to_string()
                        aria-label=format!("Change the role of {label}")
                        on:click=move |_| editing.update(|e| *e = !*e)>"Change role"</button>
                    {if active {
                        view! { <button type="button" class="link-button" disabled=move || activate.pending().get()
                            on:click=move |_| { activate.dispatch(false); }>"Deactivate"</button> }.into_any()
                    } else {
                        view! { <button type="button" class="link-button" disabled=move || activate.pending().get()
                            on:click=move |_| { activate.dispatch(true); }>"Reactivate"</button> }.into_any()
                    }}
                })}
            </div>
            {activate_error}
            <Show when=move || editing.get()>
                <form class="form-grid" on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch((role.get_untracked(), supervisor.get_untracked()));
                }>
                    <div class="field">
                        <label for=format!("member-{}-role", id.0)>"Role"</label>
                        <select id=format!("member-{}-role", id.0) prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
                            <RoleOptions is_owner selected=current_role />
                        </select>
                        <FieldErrorText error field="role" />
                    </div>
                    <Show when=move || role.get() == Role::Associate.as_str()>
                        <div class="field">
                            <label for=format!("member-{}-supervisor", id.0)>"Supervisor"</label>
                            <select id=format!("member-{}-supervisor", id.0) on:change=move |ev| supervisor.set(event_target_value(&ev).parse().ok().map(AccountId))>
                                <option value="">"Choose…"</option>
                                {sups.get_value().into_iter().map(|(sid, name)| view! {
                                    <option value=sid.0.to_string() selected=move || supervisor.get() == Some(sid)>{name}</option>
                                }).collect_view()}
                            </select>
                            <FieldErrorText error field="supervisor" />
                        </div>
                    </Show>
                    <div class="actions wide">
                        <button type="submit" class="primary" disabled=move || save.pending().get()>"Save role"</button>
                    </div>
                </form>
            </Show>
        </li>
    }
}

/// The `token` of the page's address.
fn token_param() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || query.with(|q| q.get("token").unwrap_or_default()))
}

/// The two password fields of the accept and reset forms.
#[component]
fn NewPasswordFields(error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <label for="password">"New password"</label>
        <input id="password" name="password" type="password" autocomplete="new-password"
            required minlength=PASSWORD_MIN_CHARS.to_string() aria-describedby="password-hint" />
        <p class="hint" id="password-hint">
            {format!("At least {PASSWORD_MIN_CHARS} characters. A few unrelated words make a strong password that is easy to remember.")}
        </p>
        <label for="confirm">"Type it again"</label>
        <input id="confirm" name="confirm" type="password" autocomplete="new-password" required />
        <FieldErrorText error field="password" />
    }
}

/// Other errors than a bad password: a dead link or the server being unreachable.
fn page_error(
    error: Signal<Option<AppError>>,
) -> impl Fn() -> Option<AnyView> + Copy + Send + Sync + 'static {
    move || match error.get() {
        Some(AppError::InvalidInput { field, .. }) if field == "password" => None,
        Some(AppError::InvalidInput { message, .. }) => Some(
            view! { <p class="form-error" role="alert" data-testid="link-error">{message}</p> }
                .into_any(),
        ),
        Some(e) => {
            Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any())
        }
        None => None,
    }
}

/// "/invitation?token=…": who is invited where, and the form to choose a password.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let token = token_param();
    let preview = Resource::new(move || token.get(), preview_invitation);
    view! {
        <main class="auth-page">
            <section class="card auth-card">
                <p class="brand">"Gather"</p>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match preview.await {
                            Ok(p) => view! { <AcceptForm preview=p token /> }.into_any(),
                            Err(e) => view! {
                                <h1>"This invitation cannot be used"</h1>
                                <p class="form-error" role="alert" data-testid="link-error">{match e {
                                    AppError::InvalidInput { message, .. } => message,
                                    e => e.to_string(),
                                }}</p>
                                <p><a href="/login">"Go to sign in"</a></p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn AcceptForm(preview: InvitationPreview, token: Signal<String>) -> impl IntoView {
    let action = ServerAction::<AcceptInvitation>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let pending = action.pending();
    let joining = if preview.role.is_staff() {
        format!(
            "You're joining {} as {}.",
            preview.practice_name,
            preview.role.label().to_lowercase()
        )
    } else {
        format!(
            "{} has invited you to its client portal.",
            preview.practice_name
        )
    };
    view! {
        <h1>{format!("Welcome, {}", preview.name)}</h1>
        <p data-testid="joining">{joining}</p>
        <ActionForm action=action attr:class="stack" attr:aria-label="Choose your password" attr:novalidate=true>
            <input type="hidden" name="token" value=move || token.get() />
            <label for="email">"Email"</label>
            <input id="email" type="email" autocomplete="username" readonly value=preview.email.clone() />
            <NewPasswordFields error />
            {page_error(error)}
            <button type="submit" class="primary" disabled=move || pending.get()>
                {move || if pending.get() { "Setting up…" } else { "Set password and sign in" }}
            </button>
        </ActionForm>
    }
}

/// "/forgot-password": asks for the address and says the same whether or not it has an
/// account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let pending = action.pending();
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <main class="auth-page">
            <section class="card auth-card">
                <p class="brand">"Gather"</p>
                <h1>"Reset your password"</h1>
                <Show when=done fallback=move || view! {
                    <p>"Enter the address you sign in with. We'll email you a link to choose a new password."</p>
                    <ActionForm action=action attr:class="stack" attr:aria-label="Reset your password">
                        <label for="email">"Email"</label>
                        <input id="email" name="email" type="email" autocomplete="username" required />
                        <FieldErrorText error field="email" />
                        {move || match error.get() {
                            Some(AppError::InvalidInput { .. }) | None => None,
                            Some(e) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }),
                        }}
                        <button type="submit" class="primary" disabled=move || pending.get()>
                            {move || if pending.get() { "Sending…" } else { "Email me a link" }}
                        </button>
                    </ActionForm>
                }>
                    <p role="status" data-testid="reset-requested">
                        "If an account uses that address, a link to choose a new password is on its way. "
                        "It works once, for one hour. Check your spam folder if it doesn't arrive within a few minutes."
                    </p>
                </Show>
                <p><a href="/login">"Back to sign in"</a></p>
            </section>
        </main>
    }
}

/// "/reset-password?token=…": choose a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = token_param();
    let action = ServerAction::<ResetPassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let pending = action.pending();
    view! {
        <main class="auth-page">
            <section class="card auth-card">
                <p class="brand">"Gather"</p>
                <h1>"Choose a new password"</h1>
                <p>"Every device signed in to your account will be signed out."</p>
                <ActionForm action=action attr:class="stack" attr:aria-label="Choose a new password" attr:novalidate=true>
                    <input type="hidden" name="token" value=move || token.get() />
                    <NewPasswordFields error />
                    {page_error(error)}
                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Saving…" } else { "Save the new password" }}
                    </button>
                </ActionForm>
                <p><a href="/forgot-password">"Ask for a new link"</a></p>
            </section>
        </main>
    }
}

/// "Portal access" on a person's page: invite them (to the address on their details), see
/// the invitation waiting with "Send again" and "Withdraw", or turn their access off and on.
#[component]
pub fn PortalAccessCard(person: PersonId) -> impl IntoView {
    let access = Resource::new(|| (), move |_| get_portal_access(person));
    let reload = Callback::new(move |_| access.refetch());
    let invite = Action::new(move |_: &()| invite_to_portal(person));
    let activate = Action::new(move |on: &bool| set_portal_active(person, *on));
    Effect::new(move |_| {
        if matches!(invite.value().get(), Some(Ok(_)))
            || matches!(activate.value().get(), Some(Ok(())))
        {
            reload.run(());
        }
    });
    let error = move || {
        invite
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| activate.value().get().and_then(Result::err))
            .map(|e| {
                let text = match e {
                    AppError::InvalidInput { message, .. } => message,
                    e => e.to_string(),
                };
                view! { <p class="form-error" role="alert">{text}</p> }
            })
    };
    view! {
        <section class="card" data-testid="portal-access" aria-labelledby="portal-access-heading">
            <h2 id="portal-access-heading">"Portal access"</h2>
            {crate::ui::loaded(access, move |a: PortalAccess| {
                let email = a.email.clone().unwrap_or_default();
                match a.status {
                    PortalStatus::NoEmail => view! {
                        <p class="muted" data-testid="portal-status">
                            "Add an email address to their details to invite them to the portal."
                        </p>
                    }.into_any(),
                    PortalStatus::NotInvited => view! {
                        <p class="muted" data-testid="portal-status">
                            "Not invited. They'll get a link to choose a password and see their own sessions, forms and invoices."
                        </p>
                        <button type="button" class="secondary" disabled=move || invite.pending().get()
                            on:click=move |_| { invite.dispatch(()); }>
                            {format!("Invite {email} to the portal")}
                        </button>
                    }.into_any(),
                    PortalStatus::Invited(i) => view! {
                        <ul class="rows">
                            <InvitationRow invitation=i reload />
                        </ul>
                    }.into_any(),
                    PortalStatus::Active => view! {
                        <p data-testid="portal-status">"Has portal access as " <strong>{email}</strong> "."</p>
                        <button type="button" class="link-button" disabled=move || activate.pending().get()
                            on:click=move |_| { activate.dispatch(false); }>"Turn off portal access"</button>
                    }.into_any(),
                    PortalStatus::Deactivated => view! {
                        <p data-testid="portal-status">"Portal access is off for " {email} "."</p>
                        <button type="button" class="link-button" disabled=move || activate.pending().get()
                            on:click=move |_| { activate.dispatch(true); }>"Turn portal access back on"</button>
                    }.into_any(),
                }
            })}
            {error}
        </section>
    }
}
