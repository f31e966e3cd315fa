//! What staff do to cases, with every check: who is asking, whether they may see this
//! exact case or person, whether the input makes sense; each change in one transaction
//! with its audit entry. Server functions and tests both call these. Server only.

use super::repo::{self, CaseFields, CaseRow, MemberRow, StaffRow};
use super::{
    Added, CaseDetails, CaseEdit, ContactItems, ContactList, ContactSection, Diagnosis, Member,
    NewCase, PayerView, ServiceLabel, StaffMember, CONTACTS_PAGE, MAX_CONTACT_QUERY,
};
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Event, ObjectKind};
use crate::billing::shares::ShareView;
use crate::domain::billing::Payer;
use crate::domain::cases::CaseKind;
use crate::domain::groups::{check_capacity, has_seat, normalize_initials};
use crate::domain::membership::{check_end, check_new_period, Ending, MembershipStatus, Period};
use crate::domain::paging::Cursor;
use crate::domain::people::{display_name, PersonKind};
use crate::domain::{AccountId, CaseId, MembershipId, PersonId, ServiceId};
use crate::error::{AppError, AppResult};
use crate::people::repo as people;
use crate::server::db::{now_ms, Conn, Db, Tx};
use crate::services::repo as services;
use chrono::NaiveDate;

/// The case, if the caller may see it; otherwise `NotFound`, naming the case for the
/// refusal's audit entry (written by the access boundary once the transaction is over).
pub(crate) async fn visible_case(c: Conn<'_>, who: &SignedIn, id: CaseId) -> AppResult<CaseRow> {
    repo::get(c, &who.scope(), id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Case, id.0))
}

pub(crate) async fn visible_membership(
    c: Conn<'_>,
    who: &SignedIn,
    id: MembershipId,
) -> AppResult<MemberRow> {
    repo::membership(c, &who.scope(), id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Membership, id.0))
}

/// Audits a successful change to a case inside the change's own transaction.
pub(crate) async fn case_changed(
    tx: &mut Tx,
    who: &SignedIn,
    case: i64,
    detail: &str,
) -> AppResult<()> {
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Case, case).detail(detail),
    )
    .await?;
    Ok(())
}

/// Takes the case's lock before a membership change, first freezing the rosters of its
/// sessions that have ended: a membership change reaches only sessions still to come.
async fn lock_membership(tx: &mut Tx, case: CaseId, now: i64) -> AppResult<()> {
    repo::lock(tx.conn(), case, now).await?;
    crate::calendar::repo::freeze_ended_rosters(tx.conn(), case, now).await?;
    Ok(())
}

fn check_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "Give the case a name."));
    }
    if name.chars().count() > 200 {
        return Err(AppError::invalid(
            "name",
            "Keep the name under 200 characters.",
        ));
    }
    Ok(name.to_string())
}

/// Initials and capacity as the kind allows: groups must have initials unique in the
/// practice; other kinds have neither.
async fn group_fields(
    c: Conn<'_>,
    who: &SignedIn,
    kind: CaseKind,
    initials: &str,
    capacity: Option<i64>,
    except: Option<CaseId>,
) -> AppResult<(Option<String>, Option<i64>)> {
    if !kind.is_group() {
        return Ok((None, None));
    }
    let initials = normalize_initials(initials).map_err(|m| AppError::invalid("initials", m))?;
    let capacity = check_capacity(capacity).map_err(|m| AppError::invalid("capacity", m))?;
    if repo::initials_taken(c, &who.scope(), &initials, except).await? {
        return Err(AppError::invalid(
            "initials",
            format!(
                "Another group already uses {initials}. Initials must be unique in the practice."
            ),
        ));
    }
    Ok((Some(initials), capacity))
}

/// Checks a list of providers: care staff of the practice; an inactive account is allowed
/// only if it is already on the case (`keep`), so a departed provider never blocks edits.
pub(crate) async fn check_providers(
    mut c: Conn<'_>,
    who: &SignedIn,
    ids: &[AccountId],
    keep: &[AccountId],
) -> AppResult<Vec<AccountId>> {
    let mut unique: Vec<AccountId> = Vec::new();
    for id in ids {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    if unique.is_empty() {
        return Err(AppError::invalid(
            "providers",
            "Choose at least one provider.",
        ));
    }
    let staff = repo::care_staff(c.re(), &who.scope()).await?;
    if let Some(bad) = unique
        .iter()
        .find(|id| !staff.iter().any(|s| s.id == id.0) && !keep.contains(id))
    {
        return Err(AppError::invalid(
            "providers",
            format!("Account {bad} is not a provider in this practice."),
        ));
    }
    Ok(unique)
}

/// Checks a default service: active, in the practice, of the kind's category. The case's
/// current service passes even if since retired, so retiring it never blocks edits.
async fn check_default_service(
    c: Conn<'_>,
    who: &SignedIn,
    kind: CaseKind,
    id: Option<ServiceId>,
    current: Option<ServiceId>,
) -> AppResult<Option<ServiceId>> {
    let Some(id) = id else { return Ok(None) };
    let service = services::get(c, who.practice_id, id)
        .await?
        .filter(|s| s.active || Some(s.id) == current)
        .ok_or_else(|| {
            AppError::invalid("default_service", "That service is not in the catalogue.")
        })?;
    if !kind.accepts_default_service(service.category) {
        return Err(AppError::invalid(
            "default_service",
            format!(
                "{} cases take their default service from the “{}” category; {} is in “{}”.",
                kind.label(),
                kind.default_service_category().label(),
                service.code,
                service.category.label()
            ),
        ));
    }
    Ok(Some(id))
}

/// Checks that a payer's contact is a person or organization of the caller's practice, of a
/// kind that can pay that way.
pub(crate) async fn check_payer(c: Conn<'_>, who: &SignedIn, payer: Payer) -> AppResult<()> {
    let Some(contact) = payer.contact_id() else {
        return Ok(());
    };
    let person = people::get(c, &who.scope(), PersonId(contact))
        .await?
        .ok_or_else(|| AppError::invalid("payer", "That billing contact was not found."))?;
    payer
        .check_contact_kind(person.kind())
        .map_err(|m| AppError::invalid("payer", m))
}

/// Adds someone to a case inside `tx`: a new period from `on`, or a waitlist place when a
/// group is full. The case row is locked first so the seat count cannot change under us.
pub(crate) async fn add_member_in(
    tx: &mut Tx,
    who: &SignedIn,
    case: &CaseRow,
    person: PersonId,
    on: NaiveDate,
    now: i64,
) -> AppResult<Added> {
    let case_id = CaseId(case.id);
    lock_membership(tx, case_id, now).await?;
    let row = people::get(tx.conn(), &who.scope(), person)
        .await?
        .ok_or_else(|| AppError::invalid("person", "That person was not found."))?;
    if !row.kind().may_participate() {
        return Err(AppError::invalid(
            "person",
            format!(
                "{} is a {}, not someone who takes part.",
                row.legal_name,
                row.kind().label().to_lowercase()
            ),
        ));
    }
    let history: Vec<Period> = repo::periods_of(tx.conn(), case_id, person)
        .await?
        .iter()
        .filter_map(MemberRow::period)
        .collect();
    check_new_period(
        &history,
        Period {
            joined_on: on,
            left_on: None,
        },
    )
    .map_err(|m| AppError::invalid("person", format!("{}: {m}", row.display_name())))?;
    let kind = case.kind();
    if let Some(max) = kind.headcount().max {
        let current = repo::count_current(tx.conn(), case_id, on).await?;
        if current as usize >= max {
            return Err(AppError::invalid(
                "person",
                format!(
                    "{} case has room for {max}; end a membership first.",
                    kind.label()
                ),
            ));
        }
    }
    let waitlisted = kind.is_group()
        && !has_seat(
            case.capacity,
            repo::count_current(tx.conn(), case_id, on).await?,
        );
    let id = repo::insert_membership(
        tx.conn(),
        &who.scope(),
        case_id,
        person,
        waitlisted,
        on,
        now,
    )
    .await?;
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Case, case.id).detail(format!(
            "{} person {} from {on}",
            if waitlisted { "waitlisted" } else { "added" },
            person.0
        )),
    )
    .await?;
    Ok(if waitlisted {
        Added::Waitlisted(id)
    } else {
        Added::Member(id)
    })
}

pub async fn create_case(db: &Db, who: &SignedIn, draft: NewCase) -> AppResult<CaseId> {
    let kind = draft.kind;
    let mut participants: Vec<PersonId> = Vec::new();
    for p in &draft.participant_ids {
        if participants.contains(p) {
            return Err(AppError::invalid(
                "participants",
                "Someone was added twice.",
            ));
        }
        participants.push(*p);
    }
    kind.check_headcount(participants.len())
        .map_err(|m| AppError::invalid("participants", m))?;
    let now = now_ms();
    let today = who.today();

    let mut tx = db.begin().await?;
    let name = if draft.name.trim().is_empty() && participants.len() == 1 && !kind.is_group() {
        // An individual case is named after its client unless told otherwise.
        let only = people::get(tx.conn(), &who.scope(), participants[0])
            .await?
            .ok_or_else(|| AppError::invalid("participants", "That person was not found."))?;
        only.display_name()
    } else {
        check_name(&draft.name)?
    };
    let (initials, capacity) =
        group_fields(tx.conn(), who, kind, &draft.initials, draft.capacity, None).await?;
    let providers = check_providers(tx.conn(), who, &draft.provider_ids, &[]).await?;
    let default_service_id =
        check_default_service(tx.conn(), who, kind, draft.default_service_id, None).await?;
    check_payer(tx.conn(), who, draft.payer).await?;

    let id = repo::insert(
        tx.conn(),
        &who.scope(),
        &CaseFields {
            kind,
            name: &name,
            initials: initials.as_deref(),
            capacity,
            default_service_id,
            payer: draft.payer,
        },
        now,
    )
    .await?;
    repo::set_providers(tx.conn(), id, &providers).await?;
    // The creator must still be able to open what they made.
    let row = repo::get(tx.conn(), &who.scope(), id).await?.ok_or_else(|| {
        AppError::invalid(
            "providers",
            "Include yourself (or an associate you supervise) as a provider, or ask an administrator to create it.",
        )
    })?;
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::Case, id.0).detail(kind.as_str()),
    )
    .await?;
    for person in participants {
        add_member_in(&mut tx, who, &row, person, today, now).await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn update_case(db: &Db, who: &SignedIn, id: CaseId, edit: CaseEdit) -> AppResult<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let case = visible_case(tx.conn(), who, id).await?;
    let kind = case.kind();
    let name = check_name(&edit.name)?;
    let (initials, capacity) = group_fields(
        tx.conn(),
        who,
        kind,
        &edit.initials,
        edit.capacity,
        Some(id),
    )
    .await?;
    let current: Vec<AccountId> = repo::staff_of_case(tx.conn(), id, false)
        .await?
        .iter()
        .map(|s| AccountId(s.id))
        .collect();
    let providers = check_providers(tx.conn(), who, &edit.provider_ids, &current).await?;
    let changed =
        providers.len() != current.len() || providers.iter().any(|p| !current.contains(p));
    // Seeing a case (shared, supervising) is not owning it: only its providers and
    // administrators decide who provides it.
    if changed && !who.role.sees_every_case() && !current.contains(&who.account_id) {
        return Err(who.forbidden(
            ObjectKind::Case,
            id.0,
            "Only the case's providers or an administrator can change who provides it.",
        ));
    }
    let default_service_id = check_default_service(
        tx.conn(),
        who,
        kind,
        edit.default_service_id,
        case.default_service_id.map(ServiceId),
    )
    .await?;
    repo::update_details(
        tx.conn(),
        id,
        &name,
        initials.as_deref(),
        capacity,
        default_service_id,
        now,
    )
    .await?;
    repo::set_providers(tx.conn(), id, &providers).await?;
    if repo::get(tx.conn(), &who.scope(), id).await?.is_none() {
        return Err(AppError::invalid(
            "providers",
            "You would lose access to this case: keep yourself (or your associate) as a provider.",
        ));
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Case, id.0).detail("details"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) fn staff(rows: Vec<StaffRow>) -> Vec<StaffMember> {
    rows.into_iter()
        .map(|r| StaffMember {
            id: AccountId(r.id),
            name: r.display_name,
            role_label: r.role.label().to_string(),
        })
        .collect()
}

fn payer_view(payer: Payer, contacts: &[crate::people::PersonSummary]) -> PayerView {
    let contact = payer
        .contact_id()
        .and_then(|id| contacts.iter().find(|c| c.id.0 == id).cloned());
    let name = contact
        .as_ref()
        .map(|c| c.display_name.clone())
        .unwrap_or_else(|| "(removed contact)".into());
    let label = match payer {
        Payer::SelfPay => "Self-pay".to_string(),
        Payer::Contact(_) => format!("Billing contact: {name}"),
        Payer::Organization(_) => format!("Sponsor: {name}"),
    };
    PayerView {
        payer,
        label,
        contact,
    }
}

/// The case page, audited as a read of the case.
pub async fn case_details(db: &Db, who: &SignedIn, id: CaseId) -> AppResult<CaseDetails> {
    let mut c = db.acquire().await?;
    let case = visible_case(c.conn(), who, id).await?;
    let kind = case.kind();
    let workflows = kind.workflows();
    let members = repo::members(c.conn(), id).await?;
    let overrides: Vec<Option<Payer>> = members
        .iter()
        .map(|m| m.payer_override())
        .collect::<Result<_, _>>()?;
    let payer = case.payer()?;
    let mut contact_ids: Vec<i64> = overrides
        .iter()
        .flatten()
        .filter_map(|p| p.contact_id())
        .collect();
    contact_ids.extend(payer.contact_id());
    let all_shares = crate::billing::shares::server::all_of_case(c.conn(), id).await?;
    contact_ids.extend(
        all_shares
            .case
            .shares
            .iter()
            .chain(all_shares.own.values().flat_map(|o| &o.shares))
            .filter_map(|s| s.payer.contact_id()),
    );
    let names = people::by_ids(c.conn(), &who.scope(), &contact_ids).await?;
    let default_service = match case.default_service_id {
        Some(s) => services::get(c.conn(), who.practice_id, ServiceId(s))
            .await?
            .map(|s| ServiceLabel {
                id: s.id,
                code: s.code,
                name: s.name,
            }),
        None => None,
    };
    let diagnoses = if workflows.diagnoses {
        Some(
            repo::diagnoses(c.conn(), id)
                .await?
                .into_iter()
                .map(|d| Diagnosis {
                    id: d.id,
                    person_id: PersonId(d.person_id),
                    person_name: display_name(&d.legal_name, d.preferred_name.as_deref()),
                    code: d.code,
                    description: d.description,
                    noted_on: d.noted_on,
                })
                .collect(),
        )
    } else {
        None
    };
    let details = CaseDetails {
        id,
        kind,
        name: case.name.clone(),
        initials: case.initials.clone(),
        capacity: case.capacity,
        default_service,
        providers: staff(repo::staff_of_case(c.conn(), id, false).await?),
        shared_with: staff(repo::staff_of_case(c.conn(), id, true).await?),
        payer: payer_view(payer, &names),
        shares: all_shares
            .case
            .iter()
            .map(|(share_id, s)| ShareView::new(share_id, payer_view(s.payer, &names), s.part))
            .collect(),
        members: members
            .iter()
            .zip(overrides)
            .map(|(m, payer_override)| {
                let name = display_name(&m.legal_name, m.preferred_name.as_deref());
                let shares = all_shares
                    .own
                    .get(&m.id)
                    .into_iter()
                    .flat_map(|o| o.iter())
                    .map(|(share_id, s)| {
                        ShareView::for_participant(
                            share_id,
                            payer_view(s.payer, &names),
                            s.part,
                            &name,
                        )
                    })
                    .collect();
                Member {
                    membership_id: MembershipId(m.id),
                    person_id: PersonId(m.person_id),
                    display_name: name,
                    waitlisted: m.status == MembershipStatus::Waitlisted,
                    joined_on: m.joined_on.clone(),
                    left_on: m.left_on.clone(),
                    payer_override: payer_override.map(|p| payer_view(p, &names)),
                    shares,
                }
            })
            .collect(),
        workflows,
        diagnoses,
        today: who.today().to_string(),
    };
    drop(c);
    crate::audit::server::read(db, who, Event::read(ObjectKind::Case, id.0)).await?;
    Ok(details)
}

pub async fn add_member(
    db: &Db,
    who: &SignedIn,
    case: CaseId,
    person: PersonId,
    on: NaiveDate,
) -> AppResult<Added> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let row = visible_case(tx.conn(), who, case).await?;
    let added = add_member_in(&mut tx, who, &row, person, on, now).await?;
    tx.commit().await?;
    Ok(added)
}

/// Ends an open membership inside `tx`: a waitlist place or a period not yet begun is
/// withdrawn; a running period closes on `left_on` and stays as history.
pub(crate) async fn end_in(
    tx: &mut Tx,
    m: &MemberRow,
    left_on: NaiveDate,
    today: NaiveDate,
    now: i64,
) -> AppResult<()> {
    lock_membership(tx, CaseId(m.case_id), now).await?;
    let id = MembershipId(m.id);
    if m.status == MembershipStatus::Waitlisted {
        repo::withdraw(tx.conn(), id).await?;
        return Ok(());
    }
    let period = m
        .period()
        .ok_or_else(|| AppError::internal(format!("membership {} has no period", m.id)))?;
    match check_end(&period, left_on, today).map_err(|msg| AppError::invalid("left_on", msg))? {
        Ending::Withdraw => repo::withdraw(tx.conn(), id).await?,
        Ending::Close => repo::end_membership(tx.conn(), id, left_on, now).await?,
    }
    Ok(())
}

/// Ends a membership on `left_on` (the first day they are no longer a member), keeping
/// it as history. A waitlist place is simply withdrawn.
pub async fn end_membership(
    db: &Db,
    who: &SignedIn,
    id: MembershipId,
    left_on: NaiveDate,
) -> AppResult<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let m = visible_membership(tx.conn(), who, id).await?;
    end_in(&mut tx, &m, left_on, who.today(), now).await?;
    case_changed(
        &mut tx,
        who,
        m.case_id,
        &format!("ended membership of person {} on {left_on}", m.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves someone off the waitlist into the group from `on`, if a seat is free.
pub async fn promote(db: &Db, who: &SignedIn, id: MembershipId, on: NaiveDate) -> AppResult<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let m = visible_membership(tx.conn(), who, id).await?;
    if m.status != MembershipStatus::Waitlisted || m.left_on.is_some() {
        return Err(AppError::Conflict(
            "This person is not on the waitlist any more.".into(),
        ));
    }
    let case = visible_case(tx.conn(), who, CaseId(m.case_id)).await?;
    lock_membership(&mut tx, CaseId(m.case_id), now).await?;
    let current = repo::count_current(tx.conn(), CaseId(m.case_id), on).await?;
    if !has_seat(case.capacity, current) {
        return Err(AppError::Conflict(format!(
            "The group is full ({current} of {}). End a membership or raise the capacity first.",
            case.capacity.unwrap_or(current)
        )));
    }
    let history: Vec<Period> =
        repo::periods_of(tx.conn(), CaseId(m.case_id), PersonId(m.person_id))
            .await?
            .iter()
            .filter(|r| r.id != m.id)
            .filter_map(MemberRow::period)
            .collect();
    check_new_period(
        &history,
        Period {
            joined_on: on,
            left_on: None,
        },
    )
    .map_err(|msg| AppError::invalid("joined_on", msg))?;
    repo::promote(tx.conn(), id, on, now).await?;
    case_changed(
        &mut tx,
        who,
        m.case_id,
        &format!("promoted person {} from the waitlist on {on}", m.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_case_payer(db: &Db, who: &SignedIn, case: CaseId, payer: Payer) -> AppResult<()> {
    let mut tx = db.begin().await?;
    visible_case(tx.conn(), who, case).await?;
    check_payer(tx.conn(), who, payer).await?;
    crate::billing::shares::server::check_new_payer(tx.conn(), case, payer).await?;
    repo::set_case_payer(tx.conn(), case, payer, now_ms()).await?;
    crate::billing::server::payer_changed(&mut tx, case, None).await?;
    case_changed(&mut tx, who, case.0, "default payer").await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_member_payer(
    db: &Db,
    who: &SignedIn,
    id: MembershipId,
    payer: Option<Payer>,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let m = visible_membership(tx.conn(), who, id).await?;
    if let Some(p) = payer {
        check_payer(tx.conn(), who, p).await?;
    }
    // Under the billing lock, so a share added at the same moment is seen.
    crate::billing::repo::lock_billing(tx.conn(), who.practice_id).await?;
    crate::billing::shares::server::check_member_payer(tx.conn(), CaseId(m.case_id), id, payer)
        .await?;
    repo::set_member_payer(tx.conn(), id, payer, now_ms()).await?;
    crate::billing::server::payer_changed(&mut tx, CaseId(m.case_id), Some(PersonId(m.person_id)))
        .await?;
    case_changed(
        &mut tx,
        who,
        m.case_id,
        &format!("payer of person {}", m.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records a diagnosis for a participant of a clinical case. Workshop and consultation
/// cases have no diagnoses: the request is refused as if the feature did not exist.
pub async fn add_diagnosis(
    db: &Db,
    who: &SignedIn,
    case: CaseId,
    person: PersonId,
    code: &str,
    description: &str,
    on: NaiveDate,
) -> AppResult<i64> {
    let code = code.trim().to_uppercase();
    let description = description.trim();
    let code_ok = (3..=8).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    if !code_ok {
        return Err(AppError::invalid(
            "code",
            "Enter an ICD-10 code such as F41.1.",
        ));
    }
    if description.is_empty() || description.chars().count() > 300 {
        return Err(AppError::invalid(
            "description",
            "Describe the diagnosis (up to 300 characters).",
        ));
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    let row = visible_case(tx.conn(), who, case).await?;
    if !row.kind().workflows().diagnoses {
        return Err(who.not_found(ObjectKind::Case, case.0));
    }
    let is_member = repo::periods_of(tx.conn(), case, person)
        .await?
        .iter()
        .any(|m| m.status == MembershipStatus::Active);
    if !is_member {
        return Err(AppError::invalid(
            "person",
            "Choose one of this case's clients.",
        ));
    }
    let id = repo::insert_diagnosis(
        tx.conn(),
        &who.scope(),
        case,
        person,
        &code,
        description,
        on,
        now,
    )
    .await?;
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::Diagnosis, id).detail(format!("case {}", case.0)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The contacts list: groups first, then other cases, then people, all narrowed by
/// `query` (name or initials).
pub async fn contacts(db: &Db, who: &SignedIn, query: &str) -> AppResult<ContactList> {
    let query = contact_query(query)?;
    let start = Cursor::start();
    let mut c = db.acquire().await?;
    let scope = who.scope();
    let list = ContactList {
        query: query.to_string(),
        groups: repo::page(c.conn(), &scope, query, true, &start, CONTACTS_PAGE).await?,
        cases: repo::page(c.conn(), &scope, query, false, &start, CONTACTS_PAGE).await?,
        people: people::page(
            c.conn(),
            &scope,
            query,
            CONTACT_KINDS,
            &start,
            CONTACTS_PAGE,
        )
        .await?,
    };
    drop(c);
    let listed = list.groups.items.len() + list.cases.items.len() + list.people.items.len();
    contacts_read(db, who, query, listed).await?;
    Ok(list)
}

/// A list naming clients is a read of health information: audited when it names anyone.
async fn contacts_read(db: &Db, who: &SignedIn, query: &str, listed: usize) -> AppResult<()> {
    if listed > 0 {
        crate::audit::server::read(
            db,
            who,
            Event::new(crate::audit::Action::Read, ObjectKind::Person, None)
                .detail(format!("contacts list, search {query:?}: {listed} listed")),
        )
        .await?;
    }
    Ok(())
}

/// The next page of one of the contacts list's sections.
pub async fn more_contacts(
    db: &Db,
    who: &SignedIn,
    query: &str,
    section: ContactSection,
    after: &Cursor,
) -> AppResult<ContactItems> {
    let query = contact_query(query)?;
    let mut c = db.acquire().await?;
    let scope = who.scope();
    let items = match section {
        ContactSection::Groups | ContactSection::Cases => ContactItems::Cases(
            repo::page(
                c.conn(),
                &scope,
                query,
                section == ContactSection::Groups,
                after,
                CONTACTS_PAGE,
            )
            .await?,
        ),
        ContactSection::People => ContactItems::People(
            people::page(c.conn(), &scope, query, CONTACT_KINDS, after, CONTACTS_PAGE).await?,
        ),
    };
    drop(c);
    let listed = match &items {
        ContactItems::Cases(p) => p.items.len(),
        ContactItems::People(p) => p.items.len(),
    };
    contacts_read(db, who, query, listed).await?;
    Ok(items)
}

/// Who the contacts list shows under "People and organizations".
const CONTACT_KINDS: &[PersonKind] = &[
    PersonKind::Person,
    PersonKind::BillingContact,
    PersonKind::Organization,
];

/// The search text, trimmed, refused when longer than any name could be.
fn contact_query(query: &str) -> AppResult<&str> {
    let query = query.trim();
    if query.chars().count() > MAX_CONTACT_QUERY {
        return Err(AppError::invalid(
            "query",
            format!("Search for at most {MAX_CONTACT_QUERY} characters."),
        ));
    }
    Ok(query)
}

/// Shares a case with another provider (scheduling it on their calendar does this).
pub async fn share_case(db: &Db, who: &SignedIn, case: CaseId, with: AccountId) -> AppResult<()> {
    let mut tx = db.begin().await?;
    visible_case(tx.conn(), who, case).await?;
    check_providers(tx.conn(), who, &[with], &[]).await?;
    repo::share(tx.conn(), case, with, who.account_id, now_ms()).await?;
    case_changed(
        &mut tx,
        who,
        case.0,
        &format!("shared with account {}", with.0),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Care staff of the practice, for provider pickers.
pub async fn care_staff(db: &Db, who: &SignedIn) -> AppResult<Vec<StaffMember>> {
    let mut c = db.acquire().await?;
    Ok(staff(repo::care_staff(c.conn(), &who.scope()).await?))
}
