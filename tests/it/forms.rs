//! Forms and signatures against a real database: templates versioned and kept to their
//! sets, sending from a case (every member, one member, a couple's one form, a parent
//! signing for a child), required fields refused with nothing written, two signers, a
//! signed form the database itself will not change, reminders, and the completed PDF read
//! back by pdftotext.

use crate::common::fixtures::{group, person_with_email, portal_account, practice, Practice};
use crate::on_both_engines;
use crate::pdf::pdf_text;
use chrono::Duration;
use gather::access::SignedIn;
use gather::cases::server as cases;
use gather::domain::billing::Payer;
use gather::domain::cases::CaseKind;
use gather::domain::forms::{Answers, FieldKind, FormField, FormSet, FormStatus};
use gather::domain::{CaseId, FormId, FormTemplateId, PersonId};
use gather::error::AppError;
use gather::forms::server::{self as forms, Evidence, Submit};
use gather::forms::ShareForm;
use gather::on_conn;
use gather::server::db::Db;

const URL: &str = "http://gather.test";

fn field(kind: FieldKind, label: &str, required: bool) -> FormField {
    FormField {
        key: String::new(),
        kind,
        label: label.into(),
        required,
        options: Vec::new(),
        text: String::new(),
    }
}

/// A participation agreement: the agreement's text, a required emergency contact, an
/// optional note and the signature.
fn agreement_fields() -> Vec<FormField> {
    let mut info = field(FieldKind::Info, "Participation agreement", false);
    info.text = "I will keep what others share in the workshop private.".into();
    vec![
        info,
        field(FieldKind::ShortText, "Emergency contact", true),
        field(FieldKind::LongText, "Anything we should know?", false),
        field(
            FieldKind::Signature,
            "I agree to take part as described above.",
            true,
        ),
    ]
}

async fn template(db: &Db, p: &Practice, name: &str, set: FormSet) -> FormTemplateId {
    forms::save_template(db, &p.owner, None, name, set, &agreement_fields(), true)
        .await
        .expect("template")
        .id
}

fn everyone(template: FormTemplateId) -> ShareForm {
    ShareForm {
        template,
        person: None,
        member_signs: true,
        payer_signs: false,
        joint: false,
    }
}

fn evidence() -> Evidence {
    Evidence {
        address: "203.0.113.9".into(),
        browser: "TestBrowser/1.0 (phone)".into(),
    }
}

fn signed(emergency: &str, name: &str) -> Submit {
    let mut answers = Answers::new();
    answers.insert("f2".into(), emergency.into());
    Submit {
        answers,
        typed_name: name.into(),
        agreed: true,
    }
}

async fn case_with(
    db: &Db,
    who: &SignedIn,
    kind: CaseKind,
    name: &str,
    initials: &str,
    members: &[PersonId],
) -> CaseId {
    let mut draft = group(kind, name, initials, who, None);
    if !kind.is_group() {
        // Couples, families and individuals are made with their participants.
        draft.participant_ids = members.to_vec();
        return cases::create_case(db, who, draft).await.expect("case");
    }
    let case = cases::create_case(db, who, draft).await.expect("case");
    for m in members {
        cases::add_member(db, who, case, *m, who.today() - Duration::days(3))
            .await
            .expect("member");
    }
    case
}

async fn only_form(db: &Db, who: &SignedIn) -> FormId {
    let mine = forms::my_forms(db, who).await.expect("my forms");
    assert_eq!(mine.len(), 1, "{mine:?}");
    mine[0].id
}

/// The practice's audit entries about forms, newest first.
async fn form_audit(db: &Db, p: &Practice) -> Vec<gather::audit::AuditEntry> {
    let mut c = db.acquire().await.expect("conn");
    gather::audit::repo::recent_for_practice(c.conn(), p.id, 500)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.object_kind == "form")
        .collect()
}

/// A workshop whose one member, Ada, has a portal account and has been sent the
/// participation agreement.
async fn agreement_sent_to_ada(db: &Db, tag: &str) -> (Practice, SignedIn, FormId) {
    let p = practice(db, tag).await;
    let who = &p.provider;
    let agreement = template(db, &p, "Participation agreement", FormSet::Workshop).await;
    let email = format!("ada@{tag}.example");
    let ada = person_with_email(db, who, "Ada Quillfeather", &email).await;
    let workshop = case_with(
        db,
        who,
        CaseKind::Workshop,
        "Mindful parenting",
        "MPW",
        &[ada],
    )
    .await;
    let ada_portal = portal_account(db, &p, ada, &email).await;
    forms::share(db, URL, who, workshop, &everyone(agreement))
        .await
        .expect("sent");
    let form = only_form(db, &ada_portal).await;
    (p, ada_portal, form)
}

async fn templates_are_versioned_and_kept_to_their_sets(db: Db) {
    let p = practice(&db, "formsets").await;
    let who = &p.provider;
    let refused = forms::save_template(
        &db,
        who,
        None,
        "Mine",
        FormSet::General,
        &agreement_fields(),
        true,
    )
    .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let agreement = template(&db, &p, "Participation agreement", FormSet::Workshop).await;
    let intake = template(&db, &p, "Therapy intake", FormSet::Intake).await;
    let taken = forms::save_template(
        &db,
        &p.owner,
        None,
        "Therapy intake",
        FormSet::Intake,
        &agreement_fields(),
        true,
    )
    .await;
    assert!(
        matches!(&taken, Err(AppError::InvalidInput { field, .. }) if field == "name"),
        "{taken:?}"
    );
    let blank_label = forms::save_template(
        &db,
        &p.owner,
        None,
        "Broken",
        FormSet::General,
        &[field(FieldKind::ShortText, "  ", true)],
        true,
    )
    .await;
    assert!(
        matches!(&blank_label, Err(AppError::InvalidInput { field, .. }) if field == "field-0"),
        "{blank_label:?}"
    );

    let ada = person_with_email(&db, who, "Ada Quillfeather", "ada@formsets.example").await;
    let bo = person_with_email(&db, who, "Bo Zanzibarre", "bo@formsets.example").await;
    let workshop = case_with(
        &db,
        who,
        CaseKind::Workshop,
        "Mindful parenting",
        "MPW",
        &[ada, bo],
    )
    .await;
    let therapy = case_with(
        &db,
        who,
        CaseKind::TherapyGroup,
        "Anxiety group",
        "ANX",
        &[ada],
    )
    .await;

    // Therapy intake never goes to a workshop; workshop paperwork never to therapy.
    let wrong = forms::share(&db, URL, who, workshop, &everyone(intake)).await;
    assert!(
        matches!(&wrong, Err(AppError::InvalidInput { field, .. }) if field == "template"),
        "{wrong:?}"
    );
    let wrong = forms::share(&db, URL, who, therapy, &everyone(agreement)).await;
    assert!(
        matches!(&wrong, Err(AppError::InvalidInput { field, .. }) if field == "template"),
        "{wrong:?}"
    );
    let offered = forms::case_forms(&db, who, workshop).await.expect("card");
    let names: Vec<&str> = offered.templates.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(
        names,
        ["Participation agreement"],
        "the workshop is offered its own set only"
    );

    // Every member, once: sending again skips those who have it open.
    let shared = forms::share(&db, URL, who, workshop, &everyone(agreement))
        .await
        .expect("sent");
    assert_eq!((shared.sent, shared.skipped), (2, 0));
    let again = forms::share(&db, URL, who, workshop, &everyone(agreement))
        .await
        .expect("again");
    assert_eq!((again.sent, again.skipped), (0, 2));
    let card = forms::case_forms(&db, who, workshop).await.expect("card");
    assert_eq!(card.forms.len(), 2);
    assert!(card
        .forms
        .iter()
        .all(|f| f.status == FormStatus::Sent && f.signed == "0 of 1 signed"));
    // No one has a portal account yet: there is no one a reminder could reach.
    assert!(card.forms.iter().all(|f| !f.can_remind));

    // A change to the fields is a new version; forms already sent keep theirs.
    let mut changed = agreement_fields();
    changed[1].label = "Who to call in an emergency".into();
    let v = forms::template(&db, &p.owner, agreement)
        .await
        .expect("read");
    let kept: Vec<FormField> = v
        .fields
        .iter()
        .cloned()
        .zip(changed.iter())
        .map(|(mut old, new)| {
            old.label = new.label.clone();
            old
        })
        .collect();
    let saved = forms::save_template(
        &db,
        &p.owner,
        Some(agreement),
        "Participation agreement",
        FormSet::Workshop,
        &kept,
        true,
    )
    .await
    .expect("v2");
    assert_eq!(saved.version, 2);
    let same = forms::save_template(
        &db,
        &p.owner,
        Some(agreement),
        "Participation agreement",
        FormSet::Workshop,
        &saved.fields,
        true,
    )
    .await
    .expect("unchanged");
    assert_eq!(
        same.version, 2,
        "saving the same fields is not a new version"
    );
    let ada_portal = portal_account(&db, &p, ada, "ada@formsets.example").await;
    let form = only_form(&db, &ada_portal).await;
    let opened = forms::my_form(&db, &ada_portal, form).await.expect("open");
    assert_eq!(
        opened.fields[1].label, "Emergency contact",
        "the version it was sent at"
    );
    assert_eq!(opened.status, FormStatus::Viewed, "opening marks it viewed");

    // Someone who cannot see the case cannot send from it nor see its forms.
    let other = &p.other_provider;
    assert!(matches!(
        forms::share(&db, URL, other, workshop, &everyone(agreement)).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        forms::case_forms(&db, other, workshop).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        forms::staff_document(&db, other, form).await,
        Err(AppError::NotFound)
    ));

    // A reminder reaches Ada's portal account (and names nothing but the practice).
    let card = forms::case_forms(&db, who, workshop).await.expect("card");
    let ada_row = card
        .forms
        .iter()
        .find(|f| f.person == "Ada Quillfeather")
        .expect("ada's");
    assert!(ada_row.can_remind);
    assert_eq!(
        forms::remind(&db, URL, who, ada_row.id)
            .await
            .expect("remind"),
        1
    );
    let mut c = db.acquire().await.expect("conn");
    let mails = gather::mail::repo::with_key_prefix(c.conn(), &format!("form:{}:", ada_row.id.0))
        .await
        .expect("outbox");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].recipient, "ada@formsets.example");
    assert!(mails[0].subject.starts_with("Reminder"));
    assert!(!mails[0].subject.contains("Ada") && !mails[0].subject.contains("Mindful"));
}

async fn required_fields_must_be_answered_and_nothing_is_half_written(db: Db) {
    let (_, ada_portal, form) = agreement_sent_to_ada(&db, "formreq").await;
    // The emailed notice went to her portal account when the form was sent.
    {
        let mut c = db.acquire().await.expect("conn");
        let mails =
            gather::mail::repo::with_key_prefix(c.conn(), &format!("form:{}:sent:", form.0))
                .await
                .expect("outbox");
        assert_eq!(mails.len(), 1);
    }

    let blank = forms::submit(
        &db,
        &ada_portal,
        &evidence(),
        form,
        &signed("  ", "Ada Quillfeather"),
    )
    .await;
    assert!(
        matches!(&blank, Err(AppError::InvalidInput { field, message }) if field == "f2" && message == "This question needs an answer."),
        "{blank:?}"
    );
    let unsigned = forms::submit(
        &db,
        &ada_portal,
        &evidence(),
        form,
        &signed("Sam 555-0100", " "),
    )
    .await;
    assert!(
        matches!(&unsigned, Err(AppError::InvalidInput { field, .. }) if field == "signature"),
        "{unsigned:?}"
    );
    let mut disagreed = signed("Sam 555-0100", "Ada Quillfeather");
    disagreed.agreed = false;
    let disagreed = forms::submit(&db, &ada_portal, &evidence(), form, &disagreed).await;
    assert!(
        matches!(&disagreed, Err(AppError::InvalidInput { field, .. }) if field == "agree"),
        "{disagreed:?}"
    );
    let (submitted, signatures): (Option<i64>, i64) = {
        let mut c = db.acquire().await.expect("conn");
        on_conn!(c.conn(), |c| {
            sqlx::query_as(
                "SELECT submitted_at, (SELECT COUNT(*) FROM form_signatures WHERE request_id = $1)
                 FROM form_requests WHERE id = $1",
            )
            .bind(form.0)
            .fetch_one(&mut *c)
            .await
            .expect("row")
        })
    };
    assert_eq!(
        (submitted, signatures),
        (None, 0),
        "a refused submission writes nothing"
    );

    let done = forms::submit(
        &db,
        &ada_portal,
        &evidence(),
        form,
        &signed("Sam 555-0100", "Ada Quillfeather"),
    )
    .await
    .expect("signed");
    assert_eq!(done.status, FormStatus::Completed);
    assert_eq!(
        done.answers
            .as_ref()
            .and_then(|a| a.get("f2"))
            .map(String::as_str),
        Some("Sam 555-0100")
    );
    assert!(done.pdf.is_some());
}

async fn a_signed_form_never_changes(db: Db) {
    let (p, ada_portal, form) = agreement_sent_to_ada(&db, "formlock").await;
    let who = &p.provider;
    forms::submit(
        &db,
        &ada_portal,
        &evidence(),
        form,
        &signed("Sam 555-0100", "Ada Quillfeather"),
    )
    .await
    .expect("signed");

    let again = forms::submit(
        &db,
        &ada_portal,
        &evidence(),
        form,
        &signed("Someone else", "Ada Quillfeather"),
    )
    .await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    // The database itself refuses every change, whatever the application does.
    for sql in [
        "UPDATE form_requests SET answers = '{}' WHERE id = $1",
        "UPDATE form_requests SET content = 'other' WHERE id = $1",
        "UPDATE form_requests SET status = 'sent' WHERE id = $1",
        "DELETE FROM form_requests WHERE id = $1",
        "UPDATE form_signatures SET typed_name = 'Someone Else' WHERE request_id = $1",
        "DELETE FROM form_signatures WHERE request_id = $1",
        "DELETE FROM form_signers WHERE request_id = $1",
    ] {
        let mut c = db.acquire().await.expect("conn");
        let result = on_conn!(c.conn(), |c| {
            sqlx::query(sql)
                .bind(form.0)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        });
        assert!(result.is_err(), "the database allowed: {sql}");
    }
    let bo = person_with_email(&db, who, "Bo Zanzibarre", "bo@formlock.example").await;
    let mut c = db.acquire().await.expect("conn");
    let added = on_conn!(c.conn(), |c| {
        sqlx::query(
            "INSERT INTO form_signers (request_id, person_id, capacity) VALUES ($1, $2, 'self')",
        )
        .bind(form.0)
        .bind(bo.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    });
    assert!(added.is_err(), "no signer is added to a signed form");
    drop(c);

    // The completed form as a PDF: answers and a signature page with the evidence.
    let doc = forms::staff_document(&db, who, form)
        .await
        .expect("document");
    let text = pdf_text(&gather::forms::pdf::form_pdf(&doc).expect("pdf"));
    for expected in [
        "Participation agreement",
        "Sam 555-0100",
        "I will keep what others share",
        "Signature page",
        "Ada Quillfeather",
        "203.0.113.9",
        "TestBrowser/1.0",
        "I agree to take part as described above.",
        &doc.sha256[..16],
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert_eq!(doc.sha256.len(), 64);
}

async fn two_signers_sign_the_same_form(db: Db) {
    let p = practice(&db, "formtwo").await;
    let who = &p.provider;
    let consent = template(&db, &p, "Consent to couples work", FormSet::Intake).await;
    let ada = person_with_email(&db, who, "Ada Quillfeather", "ada@formtwo.example").await;
    let bo = person_with_email(&db, who, "Bo Zanzibarre", "bo@formtwo.example").await;
    let couple = case_with(
        &db,
        who,
        CaseKind::Couple,
        "Quillfeather and Zanzibarre",
        "QZ",
        &[ada, bo],
    )
    .await;
    let ada_portal = portal_account(&db, &p, ada, "ada@formtwo.example").await;
    let bo_portal = portal_account(&db, &p, bo, "bo@formtwo.example").await;
    let mut joint = everyone(consent);
    joint.joint = true;
    let shared = forms::share(&db, URL, who, couple, &joint)
        .await
        .expect("joint");
    assert_eq!(shared.sent, 1, "one form for the couple");
    let form = only_form(&db, &ada_portal).await;
    assert_eq!(
        only_form(&db, &bo_portal).await,
        form,
        "the same form for both"
    );

    let first = forms::submit(
        &db,
        &ada_portal,
        &evidence(),
        form,
        &signed("Sam 555-0100", "Ada Quillfeather"),
    )
    .await
    .expect("first");
    assert_eq!(
        first.status,
        FormStatus::Viewed,
        "not complete with one of two"
    );
    assert_eq!(first.progress, "1 of 2 signed");
    let waiting = forms::my_forms(&db, &bo_portal).await.expect("bo's");
    assert!(waiting[0].to_do, "Bo still has to sign");
    assert!(!forms::my_forms(&db, &ada_portal).await.expect("ada's")[0].to_do);

    // Bo signs what Ada submitted: his answers do not replace hers.
    let opened = forms::my_form(&db, &bo_portal, form)
        .await
        .expect("bo opens");
    assert_eq!(
        opened
            .answers
            .as_ref()
            .and_then(|a| a.get("f2"))
            .map(String::as_str),
        Some("Sam 555-0100")
    );
    let done = forms::submit(
        &db,
        &bo_portal,
        &evidence(),
        form,
        &signed("Other", "Bo Zanzibarre"),
    )
    .await
    .expect("second");
    assert_eq!(done.status, FormStatus::Completed);
    assert_eq!(done.progress, "2 of 2 signed");
    assert_eq!(
        done.answers
            .as_ref()
            .and_then(|a| a.get("f2"))
            .map(String::as_str),
        Some("Sam 555-0100")
    );
    let hashes: Vec<String> = {
        let mut c = db.acquire().await.expect("conn");
        on_conn!(c.conn(), |c| {
            sqlx::query_scalar("SELECT content_sha256 FROM form_signatures WHERE request_id = $1")
                .bind(form.0)
                .fetch_all(&mut *c)
                .await
                .expect("hashes")
        })
    };
    assert_eq!(hashes.len(), 2);
    assert_eq!(hashes[0], hashes[1], "both signed exactly the same content");
    let doc = forms::my_document(&db, &bo_portal, form)
        .await
        .expect("bo's PDF");
    let text = pdf_text(&gather::forms::pdf::form_pdf(&doc).expect("pdf"));
    assert!(
        text.contains("Ada Quillfeather") && text.contains("Bo Zanzibarre"),
        "{text}"
    );

    // A parent signs for a child: only the parent is asked, as parent or guardian.
    let kit = person_with_email(&db, who, "Kit Juniper", "kit@formtwo.example").await;
    let pat = person_with_email(&db, who, "Pat Juniper", "pat@formtwo.example").await;
    let mut draft = group(
        CaseKind::TherapyGroup,
        "Teen skills group",
        "TSG",
        who,
        None,
    );
    draft.payer = Payer::Contact(pat.0);
    let family = cases::create_case(&db, who, draft).await.expect("family");
    cases::add_member(&db, who, family, kit, who.today() - Duration::days(3))
        .await
        .expect("kit");
    let kit_portal = portal_account(&db, &p, kit, "kit@formtwo.example").await;
    let pat_portal = portal_account(&db, &p, pat, "pat@formtwo.example").await;
    let for_parent = ShareForm {
        template: consent,
        person: Some(kit),
        member_signs: false,
        payer_signs: true,
        joint: false,
    };
    forms::share(&db, URL, who, family, &for_parent)
        .await
        .expect("to the parent");
    let theirs = forms::my_forms(&db, &pat_portal).await.expect("pat's");
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].for_whom.as_deref(), Some("Kit Juniper"));
    assert!(forms::my_forms(&db, &kit_portal)
        .await
        .expect("kit's")
        .is_empty());
    assert!(matches!(
        forms::my_form(&db, &kit_portal, theirs[0].id).await,
        Err(AppError::NotFound)
    ));
    let signed_for = forms::submit(
        &db,
        &pat_portal,
        &evidence(),
        theirs[0].id,
        &signed("Pat 555-0101", "Pat Juniper"),
    )
    .await
    .expect("parent signs");
    assert_eq!(signed_for.status, FormStatus::Completed);
    assert_eq!(signed_for.signatures[0].capacity, "Parent or guardian");
    // Neither partner of the couple can open the family's form.
    assert!(matches!(
        forms::my_form(&db, &ada_portal, theirs[0].id).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        forms::my_document(&db, &ada_portal, theirs[0].id).await,
        Err(AppError::NotFound)
    ));
    let audit: Vec<String> = form_audit(&db, &p)
        .await
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.detail))
        .collect();
    assert!(
        audit
            .iter()
            .any(|e| e.contains("signed by person") && e.contains("parent_guardian")),
        "{audit:?}"
    );
    assert!(audit.iter().any(|e| e.contains("completed")), "{audit:?}");
}

async fn incomplete_forms_are_reminded_by_themselves(db: Db) {
    let (p, ada_portal, form) = agreement_sent_to_ada(&db, "formauto").await;
    const DAY: i64 = 86_400_000;
    let sent_at: i64 = {
        let mut c = db.acquire().await.expect("conn");
        on_conn!(c.conn(), |c| {
            sqlx::query_scalar("SELECT sent_at FROM form_requests WHERE id = $1")
                .bind(form.0)
                .fetch_one(&mut *c)
                .await
                .expect("sent")
        })
    };
    let reminders = |db: Db| async move {
        let mut c = db.acquire().await.expect("conn");
        gather::mail::repo::with_key_prefix(c.conn(), &format!("form:{}:reminder", form.0))
            .await
            .expect("outbox")
    };
    // Not before three days; then once; then not again for a week.
    assert_eq!(
        forms::remind_overdue(&db, URL, sent_at + 2 * DAY)
            .await
            .expect("pass"),
        0
    );
    assert_eq!(
        forms::remind_overdue(&db, URL, sent_at + 3 * DAY)
            .await
            .expect("pass"),
        1
    );
    assert_eq!(
        forms::remind_overdue(&db, URL, sent_at + 4 * DAY)
            .await
            .expect("pass"),
        0
    );
    assert_eq!(
        forms::remind_overdue(&db, URL, sent_at + 10 * DAY)
            .await
            .expect("pass"),
        1
    );
    let mails = reminders(db.clone()).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails.iter().all(|m| m.recipient == "ada@formauto.example"));
    assert!(mails
        .iter()
        .all(|m| m.subject.starts_with("Reminder") && !m.subject.contains("Ada")));
    let audit: Vec<String> = form_audit(&db, &p)
        .await
        .into_iter()
        .map(|e| format!("{} {}", e.actor_label, e.detail))
        .collect();
    assert!(
        audit
            .iter()
            .any(|e| e == "Gather (form reminders) automatic reminder 2"),
        "{audit:?}"
    );
    // Signed, it is never reminded again.
    forms::submit(
        &db,
        &ada_portal,
        &evidence(),
        form,
        &signed("Sam 555-0100", "Ada Quillfeather"),
    )
    .await
    .expect("signed");
    assert_eq!(
        forms::remind_overdue(&db, URL, sent_at + 30 * DAY)
            .await
            .expect("pass"),
        0
    );
    assert_eq!(reminders(db.clone()).await.len(), 2);
}

on_both_engines!(
    incomplete_forms_are_reminded_by_themselves,
    templates_are_versioned_and_kept_to_their_sets,
    required_fields_must_be_answered_and_nothing_is_half_written,
    a_signed_form_never_changes,
    two_signers_sign_the_same_form
);
