//! The team, invitations and password resets against a real database, with the emails
//! they cause delivered by the outbox worker into a folder and read back from there.

use crate::common::fixtures::{practice, service, session_with};
use crate::on_both_engines;
use gather::accounts::server as accounts;
use gather::accounts::StaffInvitationInput;
use gather::auth::repo as auth_repo;
use gather::auth::server::{hash_token, sign_in};
use gather::domain::sign_in::ThrottlePolicy;
use gather::domain::Role;
use gather::error::AppError;
use gather::mail::worker::{send_due, Mailer};
use gather::server::config::MailConfig;
use gather::server::db::{now_ms, Db};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

const URL: &str = "http://gather.test";
const GOOD: &str = "lantern orchard velvet";

/// A folder for one test's delivered emails.
pub(crate) struct Mailbox {
    pub dir: PathBuf,
    pub mailer: Mailer,
    /// Files already read, so each delivery returns only what it delivered.
    seen: Mutex<HashSet<PathBuf>>,
    last: Mutex<Vec<String>>,
}

impl Mailbox {
    pub fn new() -> Mailbox {
        let dir = std::env::temp_dir().join(format!(
            "gather-mail-{}-{}",
            std::process::id(),
            gather::auth::server::new_session_token()
        ));
        let mailer = Mailer::from_config(&MailConfig {
            smtp: None,
            folder: dir.to_string_lossy().into_owned(),
            from: "Gather <no-reply@gather.test>".into(),
            public_url: URL.into(),
        })
        .expect("folder mailer");
        Mailbox {
            dir,
            mailer,
            seen: Mutex::default(),
            last: Mutex::default(),
        }
    }

    /// Sends what is due and returns the text, decoded, of each email this delivered.
    pub async fn deliver(&self, db: &Db) -> Vec<String> {
        send_due(db, &self.mailer, "test").await.expect("send");
        let mut seen = self.seen.lock().expect("seen");
        let new: Vec<String> = std::fs::read_dir(&self.dir)
            .expect("mail folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml") && seen.insert(p.clone()))
            .map(|p| decode(&std::fs::read_to_string(p).expect("eml")))
            .collect();
        *self.last.lock().expect("last") = new.clone();
        new
    }

    /// The token of the link to `path` in the email to `to` of the last delivery.
    pub fn token(&self, to: &str, path: &str) -> String {
        let emails = self.last.lock().expect("last").clone();
        let email = emails
            .iter()
            .find(|e| e.contains(&format!("To: {to}")))
            .unwrap_or_else(|| panic!("an email to {to} in {emails:?}"));
        let start = format!("{URL}/{path}?token=");
        let at = email
            .find(&start)
            .unwrap_or_else(|| panic!("{start} in {email}"));
        email[at + start.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

impl Drop for Mailbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Undoes quoted-printable (soft line breaks and `=XX`), which a mail writer may use for a
/// long line such as a link.
fn decode(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn invitation(email: &str, role: Role) -> StaffInvitationInput {
    StaffInvitationInput {
        email: email.into(),
        name: "Nora New".into(),
        role: role.as_str().into(),
        supervisor_id: None,
    }
}

fn field_of(e: &AppError) -> &str {
    match e {
        AppError::InvalidInput { field, .. } => field,
        _ => "",
    }
}

fn message_of(e: &AppError) -> String {
    match e {
        AppError::InvalidInput { message, .. } => message.clone(),
        e => e.to_string(),
    }
}

async fn an_invitation_works_once_and_expires(db: Db) {
    let p = practice(&db, "inv").await;
    let mail = Mailbox::new();
    accounts::invite_staff(
        &db,
        URL,
        &p.owner,
        invitation("Nora@Inv.example", Role::Provider),
    )
    .await
    .expect("invite");
    let emails = mail.deliver(&db).await;
    assert_eq!(emails.len(), 1);
    assert!(emails[0].contains("To: nora@inv.example"), "{}", emails[0]);
    assert!(emails[0].contains("Olive Owner has invited you to join Practice inv"));
    let token = mail.token("nora@inv.example", "invitation");

    let preview = accounts::invitation_preview(&db, &token)
        .await
        .expect("preview");
    assert_eq!(
        (preview.email.as_str(), preview.role),
        ("nora@inv.example", Role::Provider)
    );

    let weak = accounts::accept_invitation(&db, &token, "short", "short").await;
    assert_eq!(weak.as_ref().err().map(field_of), Some("password"));
    let mismatch = accounts::accept_invitation(&db, &token, GOOD, "lantern orchard").await;
    assert_eq!(mismatch.as_ref().err().map(field_of), Some("password"));

    let session = accounts::accept_invitation(&db, &token, GOOD, GOOD)
        .await
        .expect("accept");
    assert_eq!(session.role, Role::Provider);
    let signed = sign_in(&db, &ThrottlePolicy::default(), "nora@inv.example", GOOD)
        .await
        .expect("the new account signs in with the password it chose");
    assert_eq!(signed.role, Role::Provider);

    let again = accounts::accept_invitation(&db, &token, GOOD, GOOD)
        .await
        .map(|s| s.role)
        .expect_err("once");
    assert!(
        message_of(&again).contains("already been used"),
        "{again:?}"
    );
    let team = accounts::team(&db, &p.owner).await.expect("team");
    assert!(
        team.invitations.is_empty(),
        "an accepted invitation no longer waits"
    );
    assert!(team
        .members
        .iter()
        .any(|m| m.email == "nora@inv.example" && m.active));

    // An invitation whose 72 hours have passed.
    accounts::invite_staff(
        &db,
        URL,
        &p.owner,
        invitation("late@inv.example", Role::Supervisor),
    )
    .await
    .expect("invite");
    mail.deliver(&db).await;
    let late = mail.token("late@inv.example", "invitation");
    let id = team_invitation(&db, &p.owner, "late@inv.example").await;
    let mut c = db.acquire().await.expect("conn");
    let now = now_ms();
    assert!(gather::accounts::repo::renew_invitation(
        c.conn(),
        id,
        &hash_token(&late),
        now - 80 * 3_600_000,
        now - 8 * 3_600_000,
    )
    .await
    .expect("age it"));
    drop(c);
    let expired = accounts::accept_invitation(&db, &late, GOOD, GOOD)
        .await
        .map(|s| s.role)
        .expect_err("expired");
    assert!(message_of(&expired).contains("expired"), "{expired:?}");
    let mut c = db.acquire().await.expect("conn");
    assert!(auth_repo::account_by_email(c.conn(), "late@inv.example")
        .await
        .expect("q")
        .is_none());
}

async fn team_invitation(
    db: &Db,
    who: &gather::access::SignedIn,
    email: &str,
) -> gather::domain::InvitationId {
    accounts::team(db, who)
        .await
        .expect("team")
        .invitations
        .into_iter()
        .find(|i| i.email == email)
        .map(|i| i.id)
        .expect("the invitation waits")
}

async fn resending_replaces_the_link_and_withdrawing_kills_it(db: Db) {
    let p = practice(&db, "res").await;
    let mail = Mailbox::new();
    accounts::invite_staff(
        &db,
        URL,
        &p.admin,
        invitation("sam@res.example", Role::Associate),
    )
    .await
    .expect_err("an associate needs a supervisor");
    let mut input = invitation("sam@res.example", Role::Associate);
    input.supervisor_id = Some(p.provider.account_id);
    let err = accounts::invite_staff(&db, URL, &p.admin, input.clone())
        .await
        .expect_err("not a supervisor");
    assert_eq!(field_of(&err), "supervisor");
    input.supervisor_id = Some(p.supervisor.account_id);
    accounts::invite_staff(&db, URL, &p.admin, input.clone())
        .await
        .expect("invite");
    let dup = accounts::invite_staff(&db, URL, &p.admin, input)
        .await
        .expect_err("one open invitation");
    assert_eq!(field_of(&dup), "email");
    mail.deliver(&db).await;
    let first = mail.token("sam@res.example", "invitation");

    let id = team_invitation(&db, &p.admin, "sam@res.example").await;
    accounts::resend_invitation(&db, URL, &p.admin, id)
        .await
        .expect("resend");
    assert_eq!(mail.deliver(&db).await.len(), 1);
    let second = mail.token("sam@res.example", "invitation");
    assert_ne!(first, second);
    let old = accounts::invitation_preview(&db, &first)
        .await
        .expect_err("the old link is dead");
    assert!(message_of(&old).contains("not valid"), "{old:?}");
    accounts::invitation_preview(&db, &second)
        .await
        .expect("the new link works");

    // Another practice's owner cannot touch it.
    let other = practice(&db, "other").await;
    assert_eq!(
        accounts::revoke_invitation(&db, &other.owner, id)
            .await
            .expect_err("not theirs"),
        AppError::NotFound
    );
    accounts::revoke_invitation(&db, &p.admin, id)
        .await
        .expect("withdraw");
    let withdrawn = accounts::accept_invitation(&db, &second, GOOD, GOOD)
        .await
        .map(|s| s.role)
        .expect_err("withdrawn");
    assert!(
        message_of(&withdrawn).contains("withdrawn"),
        "{withdrawn:?}"
    );
    // Withdrawn, the address can be invited afresh.
    let mut input = invitation("sam@res.example", Role::Provider);
    input.supervisor_id = None;
    accounts::invite_staff(&db, URL, &p.admin, input)
        .await
        .expect("a fresh invitation");
}

async fn only_managers_invite_and_only_owners_make_owners(db: Db) {
    let p = practice(&db, "who").await;
    let refused = accounts::invite_staff(
        &db,
        URL,
        &p.provider,
        invitation("x@who.example", Role::Provider),
    )
    .await
    .expect_err("providers do not invite");
    assert!(matches!(refused, AppError::Forbidden(_)), "{refused:?}");
    let owner =
        accounts::invite_staff(&db, URL, &p.admin, invitation("y@who.example", Role::Owner))
            .await
            .expect_err("admins do not make owners");
    assert_eq!(field_of(&owner), "role");
    let portal = accounts::invite_staff(
        &db,
        URL,
        &p.owner,
        invitation("z@who.example", Role::Participant),
    )
    .await
    .expect_err("participants are invited from their page");
    assert_eq!(field_of(&portal), "role");
    let taken = accounts::invite_staff(
        &db,
        URL,
        &p.owner,
        invitation("provider@who.example", Role::Admin),
    )
    .await
    .expect_err("the address has an account");
    assert_eq!(field_of(&taken), "email");
    let bad = accounts::invite_staff(
        &db,
        URL,
        &p.owner,
        invitation("not an address", Role::Admin),
    )
    .await
    .expect_err("no address");
    assert_eq!(field_of(&bad), "email");
    assert!(
        Mailbox::new().deliver(&db).await.is_empty(),
        "nothing refused was emailed"
    );
}

async fn a_reset_ends_every_session_and_never_reveals_an_account(db: Db) {
    let p = practice(&db, "rst").await;
    let mail = Mailbox::new();
    // Unknown addresses get the same answer and no email.
    accounts::request_reset(&db, URL, "nobody@rst.example")
        .await
        .expect("same answer");
    let err = accounts::request_reset(&db, URL, "not an address")
        .await
        .expect_err("no address");
    assert_eq!(field_of(&err), "email");
    assert!(mail.deliver(&db).await.is_empty());

    let email = "provider@rst.example";
    let mut c = db.acquire().await.expect("conn");
    for token in ["phone", "laptop"] {
        auth_repo::insert_session(
            c.conn(),
            &hash_token(token),
            p.provider.account_id,
            p.id,
            now_ms(),
        )
        .await
        .expect("session");
    }
    drop(c);
    accounts::request_reset(&db, URL, "Provider@RST.example")
        .await
        .expect("reset");
    accounts::request_reset(&db, URL, email)
        .await
        .expect("asked twice at once");
    let emails = mail.deliver(&db).await;
    assert_eq!(emails.len(), 1, "one email a minute at most");
    assert!(emails[0].contains("Reset your Gather password"));
    let token = mail.token(email, "reset-password");

    let weak = accounts::reset_password(&db, &token, "password1234", "password1234").await;
    assert_eq!(weak.err().as_ref().map(field_of), Some("password"));
    accounts::reset_password(&db, &token, GOOD, GOOD)
        .await
        .expect("reset");
    let mut c = db.acquire().await.expect("conn");
    for token in ["phone", "laptop"] {
        assert!(
            auth_repo::session_by_token_hash(c.conn(), &hash_token(token))
                .await
                .expect("q")
                .is_none(),
            "every session ended"
        );
    }
    drop(c);
    sign_in(&db, &ThrottlePolicy::default(), email, GOOD)
        .await
        .expect("the new password works");
    let reused = accounts::reset_password(&db, &token, GOOD, GOOD)
        .await
        .expect_err("once");
    assert!(
        message_of(&reused).contains("already been used"),
        "{reused:?}"
    );
    let forged = accounts::reset_password(&db, "made-up", GOOD, GOOD)
        .await
        .expect_err("forged");
    assert_eq!(field_of(&forged), "token");
}

async fn a_practice_keeps_an_active_owner(db: Db) {
    let p = practice(&db, "own").await;
    let owner = p.owner.account_id;
    let err = accounts::change_role(&db, &p.owner, owner, "admin", None)
        .await
        .expect_err("last owner");
    assert_eq!(field_of(&err), "role");
    let err = accounts::set_account_active(&db, &p.admin, owner, false)
        .await
        .expect_err("admins");
    assert!(matches!(err, AppError::Forbidden(_)), "{err:?}");
    let err = accounts::change_role(&db, &p.admin, owner, "provider", None)
        .await
        .expect_err("admins");
    assert_eq!(field_of(&err), "role");
    let err = accounts::set_account_active(&db, &p.owner, owner, false)
        .await
        .expect_err("self");
    assert_eq!(field_of(&err), "account");

    // The supervisor has an associate: not demoted or deactivated until they have another.
    let sup = p.supervisor.account_id;
    let err = accounts::change_role(&db, &p.admin, sup, "provider", None)
        .await
        .expect_err("supervises");
    assert_eq!(field_of(&err), "role");
    accounts::change_role(
        &db,
        &p.admin,
        p.associate.account_id,
        "associate",
        Some(owner),
    )
    .await
    .expect("a new supervisor");
    accounts::change_role(&db, &p.admin, sup, "provider", None)
        .await
        .expect("now free");

    // Deactivating ends the account's sessions at once; reactivating lets it sign in again.
    let provider = p.provider.account_id;
    let mut c = db.acquire().await.expect("conn");
    auth_repo::insert_session(c.conn(), &hash_token("desk"), provider, p.id, now_ms())
        .await
        .expect("session");
    drop(c);
    accounts::set_account_active(&db, &p.admin, provider, false)
        .await
        .expect("deactivate");
    let mut c = db.acquire().await.expect("conn");
    assert!(
        auth_repo::session_by_token_hash(c.conn(), &hash_token("desk"))
            .await
            .expect("q")
            .is_none()
    );
    drop(c);
    let team = accounts::team(&db, &p.admin).await.expect("team");
    assert!(
        team.members.iter().any(|m| m.id == provider && !m.active),
        "the name stays"
    );
    accounts::set_account_active(&db, &p.admin, provider, true)
        .await
        .expect("reactivate");

    // A second owner lets the first step down; another practice sees none of this.
    accounts::change_role(&db, &p.owner, p.admin.account_id, "owner", None)
        .await
        .expect("second owner");
    let err = accounts::change_role(&db, &p.owner, owner, "admin", None)
        .await
        .expect_err("the associate works under this owner now");
    assert_eq!(field_of(&err), "role");
    accounts::change_role(
        &db,
        &p.owner,
        p.associate.account_id,
        "associate",
        Some(p.admin.account_id),
    )
    .await
    .expect("the new owner supervises");
    accounts::change_role(&db, &p.owner, owner, "admin", None)
        .await
        .expect("step down");
    let other = practice(&db, "else").await;
    assert_eq!(
        accounts::set_account_active(&db, &other.owner, provider, false)
            .await
            .expect_err("not theirs"),
        AppError::NotFound
    );
    let err = accounts::team(&db, &p.provider)
        .await
        .expect_err("providers");
    assert!(matches!(err, AppError::Forbidden(_)));
}

async fn a_participant_is_invited_to_the_portal_from_their_page(db: Db) {
    use gather::accounts::PortalStatus;
    let p = practice(&db, "por").await;
    let svc = service(&db, &p, "90853").await;
    let (_, _, members) = session_with(&db, &p.provider, "GRIEF", 2, svc).await;
    let person = members[0];
    let mail = Mailbox::new();
    let status = |s: &PortalStatus| match s {
        PortalStatus::NoEmail => "no email",
        PortalStatus::NotInvited => "not invited",
        PortalStatus::Invited(_) => "invited",
        PortalStatus::Active => "active",
        PortalStatus::Deactivated => "deactivated",
    };
    let access = accounts::portal_access(&db, &p.provider, person)
        .await
        .expect("access");
    assert_eq!(status(&access.status), "no email");
    let err = accounts::invite_to_portal(&db, URL, &p.provider, person)
        .await
        .expect_err("no address yet");
    assert_eq!(field_of(&err), "email");

    let mut details = gather::people::server::profile(&db, &p.provider, person)
        .await
        .expect("profile")
        .details;
    details.email = "Pat.Member@por.example".into();
    gather::people::server::update_person(&db, &p.provider, person, &details)
        .await
        .expect("email added");
    assert_eq!(
        accounts::invite_to_portal(&db, URL, &p.other_provider, person)
            .await
            .expect_err("a provider who does not see them"),
        AppError::NotFound
    );
    let id = accounts::invite_to_portal(&db, URL, &p.provider, person)
        .await
        .expect("invite");
    let access = accounts::portal_access(&db, &p.provider, person)
        .await
        .expect("access");
    assert_eq!(status(&access.status), "invited");
    assert!(
        accounts::team(&db, &p.owner)
            .await
            .expect("team")
            .invitations
            .iter()
            .all(|i| i.id != id),
        "the team screen lists staff invitations only"
    );
    assert_eq!(
        accounts::revoke_invitation(&db, &p.other_provider, id)
            .await
            .expect_err("not theirs"),
        AppError::NotFound
    );

    let emails = mail.deliver(&db).await;
    assert_eq!(emails.len(), 1);
    assert!(emails[0].contains("Practice por has invited you to its client portal"));
    for secret in [
        "GRIEF",
        "Group",
        "Member GRIEF 001",
        "Paula Provider",
        "90853",
    ] {
        assert!(
            !emails[0].contains(secret),
            "the invitation names {secret}: {}",
            emails[0]
        );
    }
    let token = mail.token("pat.member@por.example", "invitation");
    let preview = accounts::invitation_preview(&db, &token)
        .await
        .expect("preview");
    assert_eq!(preview.role, gather::domain::Role::Participant);
    let session = accounts::accept_invitation(&db, &token, GOOD, GOOD)
        .await
        .expect("accept");
    assert_eq!(session.role.landing_path(), "/portal");
    let access = accounts::portal_access(&db, &p.provider, person)
        .await
        .expect("access");
    assert_eq!(status(&access.status), "active");
    assert_eq!(access.email.as_deref(), Some("pat.member@por.example"));
    let again = accounts::invite_to_portal(&db, URL, &p.provider, person)
        .await
        .expect_err("already has access");
    assert!(matches!(again, AppError::Conflict(_)), "{again:?}");

    // Turning access off ends the session at once.
    let mut c = db.acquire().await.expect("conn");
    assert!(
        auth_repo::session_by_token_hash(c.conn(), &hash_token(&session.token))
            .await
            .expect("q")
            .is_some()
    );
    drop(c);
    accounts::set_portal_active(&db, &p.provider, person, false)
        .await
        .expect("off");
    let mut c = db.acquire().await.expect("conn");
    assert!(
        auth_repo::session_by_token_hash(c.conn(), &hash_token(&session.token))
            .await
            .expect("q")
            .is_none()
    );
    drop(c);
    let access = accounts::portal_access(&db, &p.provider, person)
        .await
        .expect("access");
    assert_eq!(status(&access.status), "deactivated");
}

on_both_engines!(
    a_participant_is_invited_to_the_portal_from_their_page,
    an_invitation_works_once_and_expires,
    resending_replaces_the_link_and_withdrawing_kills_it,
    only_managers_invite_and_only_owners_make_owners,
    a_reset_ends_every_session_and_never_reveals_an_account,
    a_practice_keeps_an_active_owner,
);
