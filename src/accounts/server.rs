//! The team, invitations and password resets. Server only.
//!
//! Every email is written to the outbox in the same transaction as the invitation or reset
//! that causes it, and the worker is woken once that transaction has committed.

use super::repo::{self, InvitationRecord, NewInvitation};
use super::{
    InvitationPreview, PendingInvitation, PortalAccess, PortalStatus, StaffInvitationInput, Team,
    TeamMember,
};
use crate::access::SignedIn;
use crate::audit::repo::{append, NewEntry};
use crate::audit::server::record;
use crate::audit::{Action, Event, ObjectKind, Outcome};
use crate::auth::repo as accounts;
use crate::auth::server::{hash_password, hash_token, new_session_token, NewSession};
use crate::domain::accounts::{
    check_display_name, check_new_password, invitation_email, may_assign, reset_email, LinkState,
    INVITATION_MS, RESET_MS, RESET_RESEND_MS,
};
use crate::domain::mail::EmailKind;
use crate::domain::sign_in::normalize_email;
use crate::domain::{AccountId, InvitationId, PersonId, PracticeId, Role};
use crate::error::{AppError, AppResult};
use crate::mail::repo::{enqueue, NewEmail};
use crate::server::db::{now_ms, Conn, Db, DbError};

const INVITATION: &str = "invitation";
const RESET: &str = "password reset";

fn may_manage(who: &SignedIn) -> AppResult<()> {
    who.permit(
        who.role.manages_practice(),
        "Only the practice's owners and administrators manage the team.",
    )
}

fn link(public_url: &str, path: &str, token: &str) -> String {
    format!("{}/{path}?token={token}", public_url.trim_end_matches('/'))
}

pub async fn team(db: &Db, who: &SignedIn) -> AppResult<Team> {
    may_manage(who)?;
    let mut c = db.acquire().await?;
    let members = repo::staff(c.conn(), who.practice_id).await?;
    let invitations = repo::open_invitations(c.conn(), who.practice_id).await?;
    let now = now_ms();
    Ok(Team {
        members: members
            .into_iter()
            .map(|m| TeamMember {
                id: AccountId(m.id),
                name: m.display_name,
                email: m.email,
                role: m.role,
                supervisor_id: m.supervisor_id.map(AccountId),
                supervisor: m.supervisor,
                active: m.active,
                is_you: m.id == who.account_id.0,
            })
            .collect(),
        // Portal invitations wait on their person's page.
        invitations: invitations
            .into_iter()
            .filter(|i| i.role.is_staff())
            .map(|i| pending(who, i, now))
            .collect(),
    })
}

fn pending(who: &SignedIn, i: InvitationRecord, now: i64) -> PendingInvitation {
    let at =
        |ms: i64| crate::domain::when::short_stamp(crate::server::time::wall(who.time_zone, ms));
    PendingInvitation {
        id: InvitationId(i.id),
        sent: at(i.created_at),
        expires: at(i.expires_at),
        expired: now >= i.expires_at,
        email: i.email,
        name: i.display_name,
        role: i.role,
        person_id: i.person_id.map(PersonId),
    }
}

/// Whether the caller may resend or withdraw this invitation: staff invitations are the
/// managers' (an owner's only an owner's); a portal invitation is anyone's who may see the
/// person it is for.
async fn may_handle(c: Conn<'_>, who: &SignedIn, i: &InvitationRecord) -> AppResult<()> {
    if i.role.is_staff() {
        may_manage(who)?;
        return may_assign(who.role, None, i.role).map_err(AppError::Forbidden);
    }
    let person = PersonId(i.person_id.unwrap_or_default());
    match crate::people::repo::get(c, &who.scope(), person).await? {
        Some(_) => Ok(()),
        None => Err(who.not_found(ObjectKind::Invitation, i.id)),
    }
}

/// The supervisor an associate needs: an active supervisor (or owner) of this practice.
async fn check_supervisor(
    c: Conn<'_>,
    practice: PracticeId,
    role: Role,
    supervisor: Option<AccountId>,
) -> AppResult<Option<AccountId>> {
    if role != Role::Associate {
        return Ok(None);
    }
    let Some(id) = supervisor else {
        return Err(AppError::invalid(
            "supervisor",
            "Choose the supervisor this associate works under.",
        ));
    };
    match accounts::account_in_practice(c, practice, id).await? {
        Some(s) if s.active && matches!(s.role, Role::Supervisor | Role::Owner) => Ok(Some(id)),
        _ => Err(AppError::invalid(
            "supervisor",
            "Choose an active supervisor or owner of this practice.",
        )),
    }
}

fn parse_role(raw: &str) -> AppResult<Role> {
    Role::parse(raw).ok_or_else(|| AppError::invalid("role", "Choose a role."))
}

/// Writes the invitation email for a new link.
async fn enqueue_invitation(
    c: Conn<'_>,
    public_url: &str,
    i: &InvitationRecord,
    inviter: &str,
    token: &str,
    now: i64,
) -> Result<(), DbError> {
    let (subject, body) = invitation_email(
        &i.practice_name,
        inviter,
        i.role,
        &link(public_url, "invitation", token),
    );
    enqueue(
        c,
        &NewEmail {
            practice: Some(PracticeId(i.practice_id)),
            dedupe_key: &format!("invitation:{}", hash_token(token)),
            kind: EmailKind::Invitation,
            recipient: &i.email,
            subject: &subject,
            body: &body,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Writes an invitation with a fresh link, its email and its audit entry, in the caller's
/// transaction. The link's token and expiry are made here; `invitee` says who and as what.
async fn write_invitation(
    mut c: Conn<'_>,
    public_url: &str,
    who: &SignedIn,
    invitee: NewInvitation<'_>,
    detail: String,
) -> AppResult<InvitationId> {
    let now = now_ms();
    let token = new_session_token();
    let token_hash = hash_token(&token);
    let invitation = NewInvitation {
        token_hash: &token_hash,
        expires_at: now + INVITATION_MS,
        ..invitee
    };
    let id = repo::insert_invitation(c.re(), &invitation, now).await?;
    let written = repo::invitation_in_practice(c.re(), who.practice_id, id)
        .await?
        .ok_or_else(|| AppError::internal("the invitation just written is missing"))?;
    enqueue_invitation(c.re(), public_url, &written, &who.display_name, &token, now).await?;
    record(
        c.re(),
        who,
        Event::create(ObjectKind::Invitation, id.0).detail(detail),
    )
    .await?;
    Ok(id)
}

/// Invites someone to join the practice's staff. Their account is made when they accept.
pub async fn invite_staff(
    db: &Db,
    public_url: &str,
    who: &SignedIn,
    input: StaffInvitationInput,
) -> AppResult<InvitationId> {
    may_manage(who)?;
    let Some(email) = normalize_email(&input.email) else {
        return Err(AppError::invalid(
            "email",
            "Enter their email address, like name@example.org.",
        ));
    };
    let name = check_display_name(&input.name).map_err(|m| AppError::invalid("name", m))?;
    let role = parse_role(&input.role)?;
    may_assign(who.role, None, role).map_err(|m| AppError::invalid("role", m))?;

    let mut tx = db.begin().await?;
    let supervisor =
        check_supervisor(tx.conn(), who.practice_id, role, input.supervisor_id).await?;
    if accounts::account_by_email(tx.conn(), &email)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "email",
            "This address already has a Gather account.",
        ));
    }
    if repo::open_invitation_for(tx.conn(), &email).await? {
        return Err(AppError::invalid(
            "email",
            "An invitation to this address is already waiting: resend it from the list below.",
        ));
    }
    let detail = format!("{email} as {}", role.as_str());
    let invitee = NewInvitation {
        practice: who.practice_id,
        email: &email,
        display_name: name,
        role,
        supervisor,
        person: None,
        token_hash: "",
        invited_by: who.account_id,
        expires_at: 0,
    };
    let id = write_invitation(tx.conn(), public_url, who, invitee, detail).await?;
    tx.commit().await?;
    crate::mail::worker::wake();
    Ok(id)
}

/// Sends a waiting invitation again with a new link (the old one stops working) and a new
/// 72 hours.
pub async fn resend_invitation(
    db: &Db,
    public_url: &str,
    who: &SignedIn,
    id: InvitationId,
) -> AppResult<()> {
    let now = now_ms();
    let token = new_session_token();
    let mut tx = db.begin().await?;
    let Some(invitation) = repo::invitation_in_practice(tx.conn(), who.practice_id, id).await?
    else {
        return Err(who.not_found(ObjectKind::Invitation, id.0));
    };
    may_handle(tx.conn(), who, &invitation).await?;
    if !repo::renew_invitation(tx.conn(), id, &hash_token(&token), now, now + INVITATION_MS).await?
    {
        return Err(AppError::Conflict(
            "This invitation was accepted or withdrawn in the meantime.".into(),
        ));
    }
    enqueue_invitation(
        tx.conn(),
        public_url,
        &invitation,
        &who.display_name,
        &token,
        now,
    )
    .await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Invitation, id.0).detail("sent again"),
    )
    .await?;
    tx.commit().await?;
    crate::mail::worker::wake();
    Ok(())
}

/// Withdraws a waiting invitation: its link stops working.
pub async fn revoke_invitation(db: &Db, who: &SignedIn, id: InvitationId) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let Some(invitation) = repo::invitation_in_practice(tx.conn(), who.practice_id, id).await?
    else {
        return Err(who.not_found(ObjectKind::Invitation, id.0));
    };
    may_handle(tx.conn(), who, &invitation).await?;
    if !repo::revoke_invitation(tx.conn(), id, now_ms()).await? {
        return Err(AppError::Conflict(
            "This invitation was accepted or withdrawn in the meantime.".into(),
        ));
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Invitation, id.0).detail("withdrawn"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a staff account another role (and, for an associate, a supervisor).
pub async fn change_role(
    db: &Db,
    who: &SignedIn,
    account: AccountId,
    role: &str,
    supervisor: Option<AccountId>,
) -> AppResult<()> {
    may_manage(who)?;
    let role = parse_role(role)?;
    let mut tx = db.begin().await?;
    let Some(target) = accounts::account_in_practice(tx.conn(), who.practice_id, account).await?
    else {
        return Err(who.not_found(ObjectKind::Account, account.0));
    };
    if !target.role.is_staff() {
        return Err(who.not_found(ObjectKind::Account, account.0));
    }
    may_assign(who.role, Some(target.role), role).map_err(|m| AppError::invalid("role", m))?;
    let supervisor = check_supervisor(tx.conn(), who.practice_id, role, supervisor).await?;
    if supervisor == Some(account) {
        return Err(AppError::invalid(
            "supervisor",
            "An associate cannot supervise themselves.",
        ));
    }
    if target.role == Role::Owner
        && role != Role::Owner
        && target.active
        && repo::other_active_owners(tx.conn(), who.practice_id, account).await? == 0
    {
        return Err(AppError::invalid(
            "role",
            "The practice needs at least one active owner: make someone else an owner first.",
        ));
    }
    if matches!(target.role, Role::Supervisor | Role::Owner)
        && !matches!(role, Role::Supervisor | Role::Owner)
        && repo::supervisees(tx.conn(), account).await? > 0
    {
        return Err(AppError::invalid(
            "role",
            "Associates work under this account: give them another supervisor first.",
        ));
    }
    repo::set_role(tx.conn(), account, role, supervisor).await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Account, account.0).detail(format!(
            "role {} -> {}",
            target.role.as_str(),
            role.as_str()
        )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivates a staff account (its sessions end at once; its name stays in the history)
/// or reactivates it.
pub async fn set_account_active(
    db: &Db,
    who: &SignedIn,
    account: AccountId,
    active: bool,
) -> AppResult<()> {
    may_manage(who)?;
    let mut tx = db.begin().await?;
    let Some(target) = accounts::account_in_practice(tx.conn(), who.practice_id, account).await?
    else {
        return Err(who.not_found(ObjectKind::Account, account.0));
    };
    if !target.role.is_staff() {
        return Err(who.not_found(ObjectKind::Account, account.0));
    }
    if target.role == Role::Owner && who.role != Role::Owner {
        return Err(AppError::Forbidden(
            "Only an owner can deactivate or reactivate an owner.".into(),
        ));
    }
    if !active {
        if account == who.account_id {
            return Err(AppError::invalid(
                "account",
                "You cannot deactivate your own account.",
            ));
        }
        if target.role == Role::Owner
            && repo::other_active_owners(tx.conn(), who.practice_id, account).await? == 0
        {
            return Err(AppError::invalid(
                "account",
                "The practice needs at least one active owner.",
            ));
        }
        if repo::supervisees(tx.conn(), account).await? > 0 {
            return Err(AppError::invalid(
                "account",
                "Associates work under this account: give them another supervisor first.",
            ));
        }
    }
    accounts::set_active(tx.conn(), account, active).await?;
    let ended = if active {
        0
    } else {
        repo::end_sessions(tx.conn(), account, None).await?
    };
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Account, account.0).detail(if active {
            "reactivated".to_string()
        } else {
            format!("deactivated; {ended} sessions ended")
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The invitation a link names, if it can still be accepted.
async fn usable_invitation(c: Conn<'_>, token: &str) -> AppResult<InvitationRecord> {
    let Some(i) = repo::invitation_by_token(c, &hash_token(token)).await? else {
        return Err(AppError::invalid(
            "token",
            "This invitation link is not valid: it may have been replaced by a newer email. \
             Use the link in the latest invitation, or ask the practice for a new one.",
        ));
    };
    let state = LinkState::of(i.accepted_at, i.revoked_at, i.expires_at, now_ms());
    match state.refusal(INVITATION) {
        Some(why) => Err(AppError::invalid("token", why)),
        None => Ok(i),
    }
}

pub async fn invitation_preview(db: &Db, token: &str) -> AppResult<InvitationPreview> {
    let mut c = db.acquire().await?;
    let i = usable_invitation(c.conn(), token).await?;
    Ok(InvitationPreview {
        practice_name: i.practice_name,
        email: i.email,
        name: i.display_name,
        role: i.role,
    })
}

/// Accepts an invitation: makes the account with the chosen password and signs it in.
pub async fn accept_invitation(
    db: &Db,
    token: &str,
    password: &str,
    confirm: &str,
) -> AppResult<NewSession> {
    let invitation = {
        let mut c = db.acquire().await?;
        usable_invitation(c.conn(), token).await?
    };
    check_new_password(password, confirm, &invitation.email)
        .map_err(|m| AppError::invalid("password", m))?;
    // Hashed before the transaction: argon2 takes a while and must not hold the writer.
    let password_hash = hash_password(password.to_string()).await?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let practice = PracticeId(invitation.practice_id);
    let account = accounts::create_account(
        tx.conn(),
        accounts::NewAccount {
            practice_id: practice,
            email: &invitation.email,
            display_name: &invitation.display_name,
            role: invitation.role,
            supervisor_id: invitation.supervisor_id.map(AccountId),
            password_hash: &password_hash,
        },
        now,
    )
    .await?;
    if !repo::mark_accepted(
        tx.conn(),
        InvitationId(invitation.id),
        &hash_token(token),
        account,
        now,
    )
    .await?
    {
        return Err(AppError::invalid(
            "token",
            LinkState::Used.refusal(INVITATION).unwrap_or_default(),
        ));
    }
    if let Some(person) = invitation.person_id {
        accounts::link_person(tx.conn(), &invitation.email, PersonId(person)).await?;
    }
    let session = new_session_token();
    accounts::insert_session(tx.conn(), &hash_token(&session), account, practice, now).await?;
    let detail = format!(
        "invitation {} accepted as {}",
        invitation.id,
        invitation.role.as_str()
    );
    append(
        tx.conn(),
        &NewEntry {
            practice_id: Some(practice),
            actor: Some(account),
            actor_label: &invitation.email,
            action: Action::Create,
            object_kind: ObjectKind::Account,
            object_id: Some(account.0),
            outcome: Outcome::Success,
            detail: &detail,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(NewSession {
        token: session,
        role: invitation.role,
    })
}

/// Sends a reset link if the address belongs to an active account. The caller hears the
/// same answer either way, so the form cannot be used to find out who has an account.
pub async fn request_reset(db: &Db, public_url: &str, raw_email: &str) -> AppResult<()> {
    let Some(email) = normalize_email(raw_email) else {
        return Err(AppError::invalid(
            "email",
            "Enter the email address you sign in with.",
        ));
    };
    let now = now_ms();
    let mut tx = db.begin().await?;
    let account = accounts::account_by_email(tx.conn(), &email).await?;
    let Some(account) = account.filter(|a| a.active) else {
        return Ok(());
    };
    let id = AccountId(account.id);
    if let Some(last) = repo::last_reset_at(tx.conn(), id).await? {
        if now - last < RESET_RESEND_MS {
            // One email a minute at most: the first one is on its way.
            return Ok(());
        }
    }
    let token = new_session_token();
    let token_hash = hash_token(&token);
    repo::insert_reset(tx.conn(), &token_hash, id, now, now + RESET_MS).await?;
    let (subject, body) = reset_email(&link(public_url, "reset-password", &token));
    enqueue(
        tx.conn(),
        &NewEmail {
            practice: Some(PracticeId(account.practice_id)),
            dedupe_key: &format!("reset:{token_hash}"),
            kind: EmailKind::PasswordReset,
            recipient: &email,
            subject: &subject,
            body: &body,
        },
        now,
    )
    .await?;
    append(
        tx.conn(),
        &NewEntry {
            practice_id: Some(PracticeId(account.practice_id)),
            actor: None,
            actor_label: &email,
            action: Action::Create,
            object_kind: ObjectKind::PasswordReset,
            object_id: Some(account.id),
            outcome: Outcome::Success,
            detail: "reset link sent",
        },
        now,
    )
    .await?;
    tx.commit().await?;
    crate::mail::worker::wake();
    Ok(())
}

/// Sets a new password from a reset link. Every session of the account ends (someone who
/// knew the old password is signed out) and the failed-attempt count is cleared.
pub async fn reset_password(db: &Db, token: &str, password: &str, confirm: &str) -> AppResult<()> {
    let token_hash = hash_token(token);
    let reset = {
        let mut c = db.acquire().await?;
        repo::reset_by_token(c.conn(), &token_hash).await?
    };
    let now = now_ms();
    let Some(reset) = reset.filter(|r| r.active) else {
        return Err(AppError::invalid(
            "token",
            "This reset link is not valid. Ask for a new one below.",
        ));
    };
    if reset.superseded && reset.used_at.is_none() {
        return Err(AppError::invalid(
            "token",
            "A newer reset link was sent to you: use the one in the latest email.",
        ));
    }
    if let Some(why) = LinkState::of(reset.used_at, None, reset.expires_at, now).refusal(RESET) {
        return Err(AppError::invalid("token", why));
    }
    check_new_password(password, confirm, &reset.email)
        .map_err(|m| AppError::invalid("password", m))?;
    let password_hash = hash_password(password.to_string()).await?;
    let account = AccountId(reset.account_id);
    let mut tx = db.begin().await?;
    if !repo::use_reset(tx.conn(), &token_hash, account, now_ms()).await? {
        return Err(AppError::invalid(
            "token",
            LinkState::Used.refusal(RESET).unwrap_or_default(),
        ));
    }
    repo::set_password(tx.conn(), account, &password_hash).await?;
    let ended = repo::end_sessions(tx.conn(), account, None).await?;
    accounts::clear_failures(tx.conn(), &reset.email).await?;
    let detail = format!("password reset; {ended} sessions ended");
    append(
        tx.conn(),
        &NewEntry {
            practice_id: Some(PracticeId(reset.practice_id)),
            actor: Some(account),
            actor_label: &reset.email,
            action: Action::Update,
            object_kind: ObjectKind::Account,
            object_id: Some(account.0),
            outcome: Outcome::Success,
            detail: &detail,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A person's portal access: whether they have an account, a waiting invitation, or neither.
pub async fn portal_access(db: &Db, who: &SignedIn, person: PersonId) -> AppResult<PortalAccess> {
    let mut c = db.acquire().await?;
    let Some(row) = crate::people::repo::get(c.conn(), &who.scope(), person).await? else {
        return Err(who.not_found(ObjectKind::Person, person.0));
    };
    let status = if let Some(a) = repo::portal_account_of(c.conn(), who.practice_id, person).await?
    {
        let status = if a.active {
            PortalStatus::Active
        } else {
            PortalStatus::Deactivated
        };
        return Ok(PortalAccess {
            person,
            email: Some(a.email),
            status,
        });
    } else if let Some(i) =
        repo::open_invitation_of_person(c.conn(), who.practice_id, person).await?
    {
        PortalStatus::Invited(pending(who, i, now_ms()))
    } else if row.email.is_none() {
        PortalStatus::NoEmail
    } else {
        PortalStatus::NotInvited
    };
    Ok(PortalAccess {
        person,
        email: row.email,
        status,
    })
}

/// "Invite to the portal": a single-use link to the address on the person's details. The
/// email names only the practice: never a group, a service or why the person is known.
pub async fn invite_to_portal(
    db: &Db,
    public_url: &str,
    who: &SignedIn,
    person: PersonId,
) -> AppResult<InvitationId> {
    let mut tx = db.begin().await?;
    let Some(row) = crate::people::repo::get(tx.conn(), &who.scope(), person).await? else {
        return Err(who.not_found(ObjectKind::Person, person.0));
    };
    let name = row.display_name();
    let Some(email) = row.email.as_deref().and_then(normalize_email) else {
        return Err(AppError::invalid(
            "email",
            format!("Add {name}'s email address to their details first."),
        ));
    };
    if repo::portal_account_of(tx.conn(), who.practice_id, person)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "{name} already has portal access."
        )));
    }
    if accounts::account_by_email(tx.conn(), &email)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "email",
            format!(
                "{email} already signs in to a Gather account; use another address for {name}."
            ),
        ));
    }
    if repo::open_invitation_for(tx.conn(), &email).await? {
        return Err(AppError::invalid(
            "email",
            format!("An invitation to {email} is already waiting."),
        ));
    }
    let invitee = NewInvitation {
        practice: who.practice_id,
        email: &email,
        display_name: &name,
        role: Role::Participant,
        supervisor: None,
        person: Some(person),
        token_hash: "",
        invited_by: who.account_id,
        expires_at: 0,
    };
    let detail = format!("portal, person {}", person.0);
    let id = write_invitation(tx.conn(), public_url, who, invitee, detail).await?;
    tx.commit().await?;
    crate::mail::worker::wake();
    Ok(id)
}

/// Turns a person's portal account off (its sessions end at once) or on again.
pub async fn set_portal_active(
    db: &Db,
    who: &SignedIn,
    person: PersonId,
    active: bool,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    if crate::people::repo::get(tx.conn(), &who.scope(), person)
        .await?
        .is_none()
    {
        return Err(who.not_found(ObjectKind::Person, person.0));
    }
    let Some(account) = repo::portal_account_of(tx.conn(), who.practice_id, person).await? else {
        return Err(AppError::Conflict(
            "This person has no portal account.".into(),
        ));
    };
    let id = AccountId(account.id);
    accounts::set_active(tx.conn(), id, active).await?;
    let ended = if active {
        0
    } else {
        repo::end_sessions(tx.conn(), id, None).await?
    };
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Account, id.0).detail(if active {
            format!("portal reactivated, person {}", person.0)
        } else {
            format!(
                "portal deactivated, person {}; {ended} sessions ended",
                person.0
            )
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
