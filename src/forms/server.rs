//! Forms on the server: templates (owners and administrators build them; every saved
//! change to the fields is a new version), sharing from a case the caller may see, status
//! and reminders, and the portal's side, where only a form's own signers may open, fill in
//! and sign it. Every change is audited in its own transaction; every read of a form is
//! audited. Server only.

use super::repo::{self, FormRow, SignerRow};
use super::{
    CaseForms, MyForm, MyFormSummary, SentForm, ShareForm, Shared, SignatureView, TemplateSummary,
    TemplateView,
};
use crate::access::SignedIn;
use crate::audit::server::{read, record};
use crate::audit::{Event, ObjectKind};
use crate::domain::cases::CaseKind;
use crate::domain::forms::{
    check_answers, check_signature, check_template, form_notice_email, needs_signatures,
    signed_content, signed_count, Answers, FormField, FormSet, FormStatus, SignerCapacity,
};
use crate::domain::mail::EmailKind;
use crate::domain::people::display_name;
use crate::domain::when;
use crate::domain::{CaseId, FormId, FormTemplateId, PersonId, PracticeId};
use crate::error::{AppError, AppResult};
use crate::mail::repo::{enqueue, NewEmail};
use crate::server::db::{now_ms, Conn, Db, Tx};
use crate::server::time::wall;

/// Where a signature came from, as the server saw the request.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// The client's address ("unknown" when the server cannot tell).
    pub address: String,
    /// The browser's own description of itself (its User-Agent), cut to 500 characters.
    pub browser: String,
}

/// How portal accounts sign in: with their email and password, into a session.
const SIGN_IN_METHOD: &str = "email and password (portal session)";

fn fields_of(json: &str) -> AppResult<Vec<FormField>> {
    serde_json::from_str(json).map_err(AppError::internal)
}

fn stamp(who: &SignedIn, ms: i64) -> String {
    when::short_stamp(wall(who.time_zone, ms))
}

fn summary(row: repo::TemplateRow) -> AppResult<TemplateSummary> {
    let fields = fields_of(&row.fields)?;
    Ok(TemplateSummary {
        id: FormTemplateId(row.id),
        name: row.name,
        set: row.form_set,
        version: row.version,
        active: row.active,
        fields: fields.len(),
        signed: needs_signatures(&fields),
    })
}

fn template_view(row: repo::TemplateRow) -> AppResult<TemplateView> {
    Ok(TemplateView {
        id: FormTemplateId(row.id),
        set: row.form_set,
        fields: fields_of(&row.fields)?,
        name: row.name,
        version: row.version,
        active: row.active,
    })
}

fn staff_only(who: &SignedIn) -> AppResult<()> {
    who.permit(
        who.role.is_staff(),
        "Only the practice's staff work with form templates.",
    )
}

/// The practice's form templates, by name.
pub async fn templates(db: &Db, who: &SignedIn) -> AppResult<Vec<TemplateSummary>> {
    staff_only(who)?;
    let mut c = db.acquire().await?;
    repo::templates(c.conn(), who.practice_id)
        .await?
        .into_iter()
        .map(summary)
        .collect()
}

pub async fn template(db: &Db, who: &SignedIn, id: FormTemplateId) -> AppResult<TemplateView> {
    staff_only(who)?;
    let mut c = db.acquire().await?;
    let row = repo::template(c.conn(), who.practice_id, id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::FormTemplate, id.0))?;
    template_view(row)
}

/// Saves a template, new (`id` none) or changed. A change to its name or fields is a new
/// version: forms already sent keep the version they were sent at.
pub async fn save_template(
    db: &Db,
    who: &SignedIn,
    id: Option<FormTemplateId>,
    name: &str,
    set: FormSet,
    fields: &[FormField],
    active: bool,
) -> AppResult<TemplateView> {
    who.permit(
        who.role.manages_practice(),
        "Only the practice owner or an administrator can change form templates.",
    )?;
    let checked = check_template(name, fields).map_err(|(f, m)| AppError::invalid(&f, m))?;
    let json = serde_json::to_string(&checked.fields).map_err(AppError::internal)?;
    let now = now_ms();
    let draft = repo::NewTemplate {
        practice: who.practice_id,
        name: &checked.name,
        set: set.as_str(),
        fields: &json,
        by: who.account_id,
        now,
    };
    let mut tx = db.begin().await?;
    let id = match id {
        None => {
            let id = repo::insert_template(tx.conn(), &draft).await?;
            record(
                tx.conn(),
                who,
                Event::create(ObjectKind::FormTemplate, id).detail(format!(
                    "{} ({})",
                    checked.name,
                    set.as_str()
                )),
            )
            .await?;
            id
        }
        Some(id) => {
            let current = repo::template(tx.conn(), who.practice_id, id)
                .await?
                .ok_or_else(|| who.not_found(ObjectKind::FormTemplate, id.0))?;
            let changed =
                current.name != checked.name || fields_of(&current.fields)? != checked.fields;
            let version = changed.then_some(current.version + 1);
            repo::update_template(tx.conn(), id.0, &draft, active, version).await?;
            record(
                tx.conn(),
                who,
                Event::update(ObjectKind::FormTemplate, id.0).detail(match version {
                    Some(v) => format!("version {v}"),
                    None => "settings".to_string(),
                }),
            )
            .await?;
            id.0
        }
    };
    let row = repo::template(tx.conn(), who.practice_id, FormTemplateId(id))
        .await?
        .ok_or_else(|| AppError::internal("a template just saved"))?;
    tx.commit().await?;
    template_view(row)
}

fn sent_form(who: &SignedIn, row: &FormRow) -> AppResult<SentForm> {
    let status = row.status;
    let signs = needs_signatures(&fields_of(&row.fields)?);
    Ok(SentForm {
        id: FormId(row.id),
        person: display_name(&row.legal_name, row.preferred_name.as_deref()),
        title: row.title.clone(),
        status,
        signed: if signs {
            signed_count(row.signatures as usize, row.signers as usize)
        } else {
            String::new()
        },
        sent: stamp(who, row.sent_at),
        completed: row.completed_at.map(|at| stamp(who, at)),
        reminders: row.reminders,
        can_remind: status != FormStatus::Completed && row.reachable > 0,
    })
}

/// A case's forms card: the templates its kind may be sent, its current members and the
/// forms sent from it with their status. An audited read.
pub async fn case_forms(db: &Db, who: &SignedIn, case: CaseId) -> AppResult<CaseForms> {
    let out = {
        let mut c = db.acquire().await?;
        let row = crate::cases::server::visible_case(c.conn(), who, case).await?;
        let kind = row.kind();
        let templates = repo::templates(c.conn(), who.practice_id)
            .await?
            .into_iter()
            .map(summary)
            .collect::<AppResult<Vec<_>>>()?
            .into_iter()
            .filter(|t| t.active && t.set.offered_to(kind))
            .map(|t| (t.id, t.name, t.set))
            .collect();
        let members =
            repo::current_members(c.conn(), who.practice_id, case, &who.today().to_string())
                .await?
                .into_iter()
                .map(|m| {
                    (
                        PersonId(m.person_id),
                        display_name(&m.legal_name, m.preferred_name.as_deref()),
                    )
                })
                .collect();
        let forms = repo::case_forms(c.conn(), who.practice_id, case)
            .await?
            .iter()
            .map(|r| sent_form(who, r))
            .collect::<AppResult<Vec<_>>>()?;
        CaseForms {
            templates,
            members,
            joint: matches!(kind, CaseKind::Couple | CaseKind::Family),
            forms,
        }
    };
    read(
        db,
        who,
        Event::read(ObjectKind::Case, case.0).detail("forms"),
    )
    .await?;
    Ok(out)
}

/// Writes the "a form is waiting" email to each address (once per form, address and
/// occasion).
async fn notify(
    mut c: Conn<'_>,
    (practice, practice_name): (PracticeId, &str),
    public_url: &str,
    form: FormId,
    occasion: &str,
    now: i64,
) -> AppResult<usize> {
    let to = repo::signer_emails(c.re(), form).await?;
    let (subject, body) = form_notice_email(practice_name, public_url, occasion != "sent");
    for email in &to {
        enqueue(
            c.re(),
            &NewEmail {
                practice: Some(practice),
                dedupe_key: &format!("form:{}:{occasion}:{email}", form.0),
                kind: EmailKind::FormNotice,
                recipient: email,
                subject: &subject,
                body: &body,
            },
            now,
        )
        .await?;
    }
    Ok(to.len())
}

/// Sends a template from a case to one current member or every current member (each their
/// own copy), or, for couples and families, one copy signed by every member. The member
/// signs, their payer contact signs as parent or guardian, or both. Members who already
/// have the form open are skipped. Signers with a portal account get an email.
pub async fn share(
    db: &Db,
    public_url: &str,
    who: &SignedIn,
    case: CaseId,
    ask: &ShareForm,
) -> AppResult<Shared> {
    if !ask.member_signs && !ask.payer_signs {
        return Err(AppError::invalid(
            "signers",
            "Choose who signs: the member, their payer contact, or both.",
        ));
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    let case_row = crate::cases::server::visible_case(tx.conn(), who, case).await?;
    let kind = case_row.kind();
    let template = repo::template(tx.conn(), who.practice_id, ask.template)
        .await?
        .filter(|t| t.active)
        .ok_or_else(|| AppError::invalid("template", "Choose one of the practice's forms."))?;
    let set = template.form_set;
    if !set.offered_to(kind) {
        return Err(AppError::invalid(
            "template",
            match set {
                FormSet::Intake => "Therapy intake forms go only to clinical cases.",
                FormSet::Workshop => "Workshop forms go only to workshops.",
                FormSet::General => "This form cannot be sent from this case.",
            },
        ));
    }
    let members =
        repo::current_members(tx.conn(), who.practice_id, case, &who.today().to_string()).await?;
    let targets: Vec<&repo::MemberRow> = match ask.person {
        Some(p) => {
            let m = members.iter().find(|m| m.person_id == p.0).ok_or_else(|| {
                AppError::invalid("person", "Choose a current member of this case.")
            })?;
            vec![m]
        }
        None => members.iter().collect(),
    };
    if targets.is_empty() {
        return Err(AppError::invalid(
            "person",
            "This case has no current members to send to.",
        ));
    }
    if ask.joint && !matches!(kind, CaseKind::Couple | CaseKind::Family) {
        return Err(AppError::invalid(
            "joint",
            "Only couples and families sign one form together.",
        ));
    }
    if ask.payer_signs && targets.iter().any(|m| m.payer_contact_id.is_none()) {
        return Err(AppError::invalid(
            "signers",
            if targets.len() == 1 {
                "This member has no payer contact to sign as parent or guardian."
            } else {
                "Not every member has a payer contact to sign as parent or guardian; send to them one at a time."
            },
        ));
    }
    // Each copy: whose form it is and who signs it.
    let copies: Vec<(PersonId, Vec<(PersonId, SignerCapacity)>)> = if ask.joint {
        let mut signers = Vec::new();
        for m in &targets {
            if ask.member_signs {
                signers.push((PersonId(m.person_id), SignerCapacity::OwnBehalf));
            }
            if let (true, Some(payer)) = (ask.payer_signs, m.payer_contact_id) {
                signers.push((PersonId(payer), SignerCapacity::ParentOrGuardian));
            }
        }
        signers.sort_by_key(|(p, _)| p.0);
        signers.dedup_by_key(|(p, _)| p.0);
        vec![(PersonId(targets[0].person_id), signers)]
    } else {
        targets
            .iter()
            .map(|m| {
                let mut signers = Vec::new();
                if ask.member_signs {
                    signers.push((PersonId(m.person_id), SignerCapacity::OwnBehalf));
                }
                if let (true, Some(payer)) = (ask.payer_signs, m.payer_contact_id) {
                    if payer != m.person_id {
                        signers.push((PersonId(payer), SignerCapacity::ParentOrGuardian));
                    }
                }
                (PersonId(m.person_id), signers)
            })
            .collect()
    };
    let mut sent = 0;
    let mut skipped = 0;
    for (person, signers) in copies {
        let Some(id) = repo::insert_form(
            tx.conn(),
            &repo::NewForm {
                practice: who.practice_id,
                template: template.id,
                version: template.version,
                person,
                case,
                by: who.account_id,
                now,
            },
        )
        .await?
        else {
            skipped += 1;
            continue;
        };
        for (signer, capacity) in &signers {
            repo::insert_signer(tx.conn(), id, *signer, capacity.as_str()).await?;
        }
        record(
            tx.conn(),
            who,
            Event::create(ObjectKind::Form, id).detail(format!(
                "template {} v{} sent to person {} from case {}; signers {}",
                template.id,
                template.version,
                person.0,
                case.0,
                signers
                    .iter()
                    .map(|(p, c)| format!("{} ({})", p.0, c.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        )
        .await?;
        notify(
            tx.conn(),
            (who.practice_id, &who.practice_name),
            public_url,
            FormId(id),
            "sent",
            now,
        )
        .await?;
        sent += 1;
    }
    tx.commit().await?;
    if sent > 0 {
        crate::mail::worker::wake();
    }
    Ok(Shared { sent, skipped })
}

/// A form the staff caller may see: sent from a case they may see.
async fn visible_form(c: Conn<'_>, who: &SignedIn, id: FormId) -> AppResult<FormRow> {
    let mut c = c;
    let row = repo::form(c.re(), who.practice_id, id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Form, id.0))?;
    let case = row
        .case_id
        .ok_or_else(|| who.not_found(ObjectKind::Form, id.0))?;
    match crate::cases::server::visible_case(c.re(), who, CaseId(case)).await {
        Ok(_) => Ok(row),
        // The same answer as a form that does not exist; a database error stays one.
        Err(AppError::NotFound) => Err(who.not_found(ObjectKind::Form, id.0)),
        Err(e) => Err(e),
    }
}

/// Emails everyone who still has to sign an incomplete form (through their portal account).
pub async fn remind(db: &Db, public_url: &str, who: &SignedIn, id: FormId) -> AppResult<usize> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let row = visible_form(tx.conn(), who, id).await?;
    if row.status == FormStatus::Completed {
        return Err(AppError::Conflict("This form is already completed.".into()));
    }
    let occasion = format!("reminder-{}", row.reminders + 1);
    let sent = notify(
        tx.conn(),
        (who.practice_id, &who.practice_name),
        public_url,
        id,
        &occasion,
        now,
    )
    .await?;
    if sent == 0 {
        return Err(AppError::Conflict(
            "No one who still has to sign this form has a portal account to remind.".into(),
        ));
    }
    repo::reminded(tx.conn(), id, now).await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Form, id.0).detail(format!("reminder {}", row.reminders + 1)),
    )
    .await?;
    tx.commit().await?;
    crate::mail::worker::wake();
    Ok(sent)
}

/// The reminders the server sends by itself: each incomplete form whose signers have not
/// all signed is reminded three days after it was sent, then a week after its last reminder
/// (staff's count too), three times in all. Each is written with its audit entry (the
/// system as actor) in one transaction. Returns how many forms were reminded.
pub async fn remind_overdue(db: &Db, public_url: &str, now: i64) -> AppResult<usize> {
    use crate::domain::forms::{reminder_due, FIRST_REMINDER_DAYS, MAX_REMINDERS};
    let candidates = {
        let mut c = db.acquire().await?;
        repo::unfinished(
            c.conn(),
            now - FIRST_REMINDER_DAYS * 86_400_000,
            MAX_REMINDERS,
            200,
        )
        .await?
    };
    let mut reminded = 0;
    for f in candidates
        .into_iter()
        .filter(|f| reminder_due(f.sent_at, f.reminded_at, f.reminders, now))
    {
        let id = FormId(f.id);
        let practice = PracticeId(f.practice_id);
        let mut tx = db.begin().await?;
        let occasion = format!("reminder-{}", f.reminders + 1);
        let sent = notify(
            tx.conn(),
            (practice, &f.practice_name),
            public_url,
            id,
            &occasion,
            now,
        )
        .await?;
        if sent == 0 {
            continue;
        }
        repo::reminded(tx.conn(), id, now).await?;
        let detail = format!("automatic reminder {}", f.reminders + 1);
        crate::audit::repo::append(
            tx.conn(),
            &crate::audit::repo::NewEntry {
                practice_id: Some(practice),
                actor: None,
                actor_label: "Gather (form reminders)",
                action: crate::audit::Action::Update,
                object_kind: ObjectKind::Form,
                object_id: Some(id.0),
                outcome: crate::audit::Outcome::Success,
                detail: &detail,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        reminded += 1;
    }
    if reminded > 0 {
        crate::mail::worker::wake();
    }
    Ok(reminded)
}

/// A completed form as its PDF shows it.
#[derive(Clone, Debug)]
pub struct FormDocument {
    pub id: FormId,
    pub title: String,
    pub practice: String,
    pub person: String,
    pub version: i64,
    pub fields: Vec<FormField>,
    pub answers: Answers,
    pub completed: String,
    pub sha256: String,
    pub signatures: Vec<SignatureEvidence>,
}

/// A signature with its evidence, for the signature page.
#[derive(Clone, Debug)]
pub struct SignatureEvidence {
    pub signer: String,
    pub capacity: String,
    pub typed_name: String,
    pub intent: String,
    pub signed_at: String,
    pub account: String,
    pub method: String,
    pub address: String,
    pub browser: String,
    pub version: i64,
    pub sha256: String,
}

fn evidence(who: &SignedIn, s: &SignerRow) -> Option<SignatureEvidence> {
    Some(SignatureEvidence {
        signer: display_name(&s.legal_name, s.preferred_name.as_deref()),
        capacity: s.capacity.label().to_string(),
        typed_name: s.typed_name.clone()?,
        intent: s.intent.clone().unwrap_or_default(),
        signed_at: format!(
            "{} ({})",
            when::stamp(wall(who.time_zone, s.signed_at?)),
            who.time_zone.name()
        ),
        account: s.account_email.clone().unwrap_or_default(),
        method: s.sign_in_method.clone().unwrap_or_default(),
        address: s.client_address.clone().unwrap_or_default(),
        browser: s.user_agent.clone().unwrap_or_default(),
        version: s.template_version.unwrap_or_default(),
        sha256: s.content_sha256.clone().unwrap_or_default(),
    })
}

async fn document(mut c: Conn<'_>, who: &SignedIn, row: FormRow) -> AppResult<FormDocument> {
    let id = FormId(row.id);
    if row.status != FormStatus::Completed {
        return Err(AppError::Conflict(
            "This form is not completed yet; its PDF is made once it is.".into(),
        ));
    }
    let signers = repo::signers(c.re(), id).await?;
    let answers: Answers = match row.answers.as_deref() {
        Some(a) => serde_json::from_str(a).map_err(AppError::internal)?,
        None => Answers::new(),
    };
    Ok(FormDocument {
        id,
        title: row.title.clone(),
        practice: who.practice_name.clone(),
        person: display_name(&row.legal_name, row.preferred_name.as_deref()),
        version: row.version,
        fields: fields_of(&row.fields)?,
        answers,
        completed: row
            .completed_at
            .map(|at| when::stamp(wall(who.time_zone, at)))
            .unwrap_or_default(),
        sha256: row.content_sha256.clone().unwrap_or_default(),
        signatures: signers.iter().filter_map(|s| evidence(who, s)).collect(),
    })
}

/// A completed form, for staff who may see its case. An audited read.
pub async fn staff_document(db: &Db, who: &SignedIn, id: FormId) -> AppResult<FormDocument> {
    let doc = {
        let mut c = db.acquire().await?;
        let row = visible_form(c.conn(), who, id).await?;
        document(c.conn(), who, row).await?
    };
    read(db, who, Event::read(ObjectKind::Form, id.0).detail("PDF")).await?;
    Ok(doc)
}

// ---- The portal's side: only a form's own signers. ----

/// The caller's part in a form: its row and how they sign it, or not found when they are
/// not one of its signers.
async fn own_form(
    c: Conn<'_>,
    who: &SignedIn,
    me: PersonId,
    id: FormId,
) -> AppResult<(FormRow, Vec<SignerRow>, SignerRow)> {
    let mut c = c;
    let row = repo::form(c.re(), who.practice_id, id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Form, id.0))?;
    let signers = repo::signers(c.re(), id).await?;
    let mine = signers
        .iter()
        .find(|s| s.person_id == me.0)
        .cloned()
        .ok_or_else(|| who.not_found(ObjectKind::Form, id.0))?;
    Ok((row, signers, mine))
}

/// Whose form it is, said to a signer who signs for someone else.
fn for_whom(row: &FormRow, me: PersonId) -> Option<String> {
    (row.person_id != me.0).then(|| display_name(&row.legal_name, row.preferred_name.as_deref()))
}

fn my_form_view(
    who: &SignedIn,
    me: PersonId,
    row: &FormRow,
    signers: &[SignerRow],
    mine: &SignerRow,
) -> AppResult<MyForm> {
    let fields = fields_of(&row.fields)?;
    let status = row.status;
    let needs_signature = needs_signatures(&fields);
    let signed = signers.iter().filter(|s| s.signed_at.is_some()).count();
    Ok(MyForm {
        id: FormId(row.id),
        title: row.title.clone(),
        for_whom: for_whom(row, me),
        capacity: mine.capacity.label().to_string(),
        answers: match row.answers.as_deref() {
            Some(a) => Some(serde_json::from_str(a).map_err(AppError::internal)?),
            None => None,
        },
        fields,
        status,
        needs_signature,
        signed_by_me: mine.signed_at.is_some(),
        progress: if needs_signature {
            signed_count(signed, signers.len())
        } else {
            String::new()
        },
        // Only those who signed, and only as the signature page names them: the form's
        // own signers, whom the practice chose for this one document.
        signatures: signers
            .iter()
            .filter_map(|s| {
                Some(SignatureView {
                    name: s.typed_name.clone()?,
                    capacity: s.capacity.label().to_string(),
                    signed_at: stamp(who, s.signed_at?),
                })
            })
            .collect(),
        pdf: (status == FormStatus::Completed).then(|| super::my_pdf(FormId(row.id))),
    })
}

/// The forms the caller has to fill in or sign, or has: their own and those they sign for.
pub async fn my_forms(db: &Db, who: &SignedIn) -> AppResult<Vec<MyFormSummary>> {
    let (me, _) = crate::portal::server::own_person(db, who).await?;
    let out = {
        let mut c = db.acquire().await?;
        let rows = repo::signer_forms(c.conn(), who.practice_id, me).await?;
        let mut out = Vec::with_capacity(rows.len());
        for repo::SignerForm {
            form: row,
            signed_by_me,
        } in rows
        {
            let status = row.status;
            let needs = needs_signatures(&fields_of(&row.fields)?);
            out.push(MyFormSummary {
                id: FormId(row.id),
                title: row.title.clone(),
                for_whom: for_whom(&row, me),
                status,
                to_do: status != FormStatus::Completed
                    && (row.submitted_at.is_none() || (needs && !signed_by_me)),
                sent: stamp(who, row.sent_at),
            });
        }
        out
    };
    read(
        db,
        who,
        Event::read(ObjectKind::Person, me.0).detail("portal: forms"),
    )
    .await?;
    Ok(out)
}

/// One of the caller's forms. The first time one of its signers opens it, it is "viewed".
pub async fn my_form(db: &Db, who: &SignedIn, id: FormId) -> AppResult<MyForm> {
    let (me, _) = crate::portal::server::own_person(db, who).await?;
    let mut tx = db.begin().await?;
    let (mut row, signers, mine) = own_form(tx.conn(), who, me, id).await?;
    if repo::mark_viewed(tx.conn(), id, now_ms()).await? {
        // Only the status changed: no need to read the form again.
        row.status = FormStatus::Viewed;
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::Form, id.0).detail("viewed (portal)"),
        )
        .await?;
    }
    tx.commit().await?;
    let view = my_form_view(who, me, &row, &signers, &mine)?;
    read(
        db,
        who,
        Event::read(ObjectKind::Form, id.0).detail("portal"),
    )
    .await?;
    Ok(view)
}

/// What a signer sends: the answers (used only by the first to submit) and their typed
/// signature and agreement (when the form has a signature field).
#[derive(Clone, Debug, Default)]
pub struct Submit {
    pub answers: Answers,
    pub typed_name: String,
    pub agreed: bool,
}

/// The caller submits a form of theirs and signs it. The first signer's answers become the
/// form: they and exactly what was signed are fixed (the database refuses any change), and
/// later signers sign that same content. The form is completed when every signer has
/// signed (or, without a signature field, when it is submitted).
pub async fn submit(
    db: &Db,
    who: &SignedIn,
    evidence: &Evidence,
    id: FormId,
    sent: &Submit,
) -> AppResult<MyForm> {
    let (me, _) = crate::portal::server::own_person(db, who).await?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let (row, _, mine) = own_form(tx.conn(), who, me, id).await?;
    if row.status == FormStatus::Completed {
        return Err(AppError::Conflict("This form is already completed.".into()));
    }
    if mine.signed_at.is_some() {
        return Err(AppError::Conflict(
            "You have already signed this form.".into(),
        ));
    }
    let fields = fields_of(&row.fields)?;
    let needs = needs_signatures(&fields);
    let typed = if needs {
        Some(
            check_signature(&sent.typed_name, sent.agreed)
                .map_err(|(f, m)| AppError::invalid(&f, m))?,
        )
    } else {
        None
    };
    // What was submitted is fixed; a later signer signs its hash.
    let sha = match repo::submitted(tx.conn(), id).await? {
        Some((_, sha)) => sha,
        None => {
            let answers = check_answers(&fields, &sent.answers).map_err(|errors| {
                let (field, message) = errors.into_iter().next().unwrap_or_default();
                AppError::invalid(&field, message)
            })?;
            let person = display_name(&row.legal_name, row.preferred_name.as_deref());
            let content = signed_content(
                row.template_id,
                row.version,
                &row.title,
                &person,
                &fields,
                &answers,
            );
            let sha = crate::auth::server::hash_token(&content);
            let json = serde_json::to_string(&answers).map_err(AppError::internal)?;
            let fixed = repo::submit(
                tx.conn(),
                &repo::Submission {
                    form: id,
                    answers: &json,
                    content: &content,
                    sha256: &sha,
                    by: who.account_id,
                    now,
                },
            )
            .await?;
            if !fixed {
                return Err(AppError::Conflict(
                    "Someone else submitted this form a moment ago. Reload it to sign.".into(),
                ));
            }
            record(
                tx.conn(),
                who,
                Event::update(ObjectKind::Form, id.0).detail(format!("submitted, sha256 {sha}")),
            )
            .await?;
            sha
        }
    };
    if let Some(typed) = typed {
        let intent = fields
            .iter()
            .find(|f| f.kind == crate::domain::forms::FieldKind::Signature)
            .map(|f| f.label.clone())
            .unwrap_or_default();
        let browser: String = evidence.browser.chars().take(500).collect();
        repo::add_signature(
            tx.conn(),
            &repo::NewSignature {
                form: id,
                person: me,
                capacity: mine.capacity.as_str(),
                account: who.account_id,
                sign_in_method: SIGN_IN_METHOD,
                typed_name: &typed,
                intent: &intent,
                now,
                client_address: if evidence.address.is_empty() {
                    "unknown"
                } else {
                    &evidence.address
                },
                user_agent: if browser.is_empty() {
                    "unknown"
                } else {
                    &browser
                },
                template: row.template_id,
                version: row.version,
                sha256: &sha,
            },
        )
        .await?;
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::Form, id.0).detail(format!(
                "signed by person {} ({})",
                me.0,
                mine.capacity.as_str()
            )),
        )
        .await?;
    }
    finish_if_complete(&mut tx, who, id, needs, now).await?;
    let (row, signers, mine) = own_form(tx.conn(), who, me, id).await?;
    tx.commit().await?;
    my_form_view(who, me, &row, &signers, &mine)
}

/// Completes the form when nothing is left to do: every signer signed, or (without a
/// signature field) it was submitted.
async fn finish_if_complete(
    tx: &mut Tx,
    who: &SignedIn,
    id: FormId,
    needs: bool,
    now: i64,
) -> AppResult<()> {
    let signers = repo::signers(tx.conn(), id).await?;
    let done = !needs || signers.iter().all(|s| s.signed_at.is_some());
    if done {
        repo::complete(tx.conn(), id, now).await?;
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::Form, id.0).detail("completed"),
        )
        .await?;
    }
    Ok(())
}

/// A completed form of the caller's (one they signed or filled in), as a PDF.
pub async fn my_document(db: &Db, who: &SignedIn, id: FormId) -> AppResult<FormDocument> {
    let (me, _) = crate::portal::server::own_person(db, who).await?;
    let doc = {
        let mut c = db.acquire().await?;
        let (row, _, _) = own_form(c.conn(), who, me, id).await?;
        document(c.conn(), who, row).await?
    };
    read(
        db,
        who,
        Event::read(ObjectKind::Form, id.0).detail("portal PDF"),
    )
    .await?;
    Ok(doc)
}

/// The demo practice's forms: a workshop participation agreement and a therapy intake,
/// so both sets have something to send.
pub async fn seed_templates(
    tx: &mut Tx,
    practice: crate::domain::PracticeId,
    by: crate::domain::AccountId,
    now: i64,
) -> AppResult<()> {
    use crate::domain::forms::FieldKind as K;
    let f = |kind: K, label: &str, required: bool, options: &[&str], text: &str| FormField {
        key: String::new(),
        kind,
        label: label.into(),
        required,
        options: options.iter().map(|o| o.to_string()).collect(),
        text: text.into(),
    };
    let sets = [
        (
            "Workshop participation agreement",
            FormSet::Workshop,
            vec![
                f(K::Info, "About the workshop", false, &[],
                  "The workshop is education and skills practice, not therapy.\n\nWhat others share stays in the room."),
                f(K::ShortText, "Emergency contact (name and phone)", true, &[], ""),
                f(K::Choice, "How did you hear about us?", false,
                  &["A friend or family member", "A clinician", "Online", "Other"], ""),
                f(K::Checkbox, "I have read the workshop policies on cancellations and recordings.", true, &[], ""),
                f(K::Signature, "I agree to take part as described above.", true, &[], ""),
            ],
        ),
        (
            "Therapy intake questionnaire",
            FormSet::Intake,
            vec![
                f(K::Date, "Date of birth", true, &[], ""),
                f(K::LongText, "What brings you to therapy now?", true, &[], ""),
                f(K::LongText, "Medications you take", false, &[], ""),
                f(K::Info, "Consent to treatment", false, &[],
                  "Therapy involves talking about personal matters. You may stop at any time."),
                f(K::Signature, "I consent to treatment with this practice.", true, &[], ""),
            ],
        ),
    ];
    for (name, set, fields) in sets {
        let checked = check_template(name, &fields).map_err(|(_, m)| AppError::internal(m))?;
        let json = serde_json::to_string(&checked.fields).map_err(AppError::internal)?;
        repo::insert_template(
            tx.conn(),
            &repo::NewTemplate {
                practice,
                name,
                set: set.as_str(),
                fields: &json,
                by,
                now,
            },
        )
        .await?;
    }
    Ok(())
}
