//! Making and reading superbills. Server only.

use super::repo::{self, LineRow, NewSuperbill, SuperbillRow};
use super::{
    RenderingProvider, Superbill, SuperbillDiagnosis, SuperbillDraft, SuperbillLine,
    SuperbillSummary,
};
use crate::access::SignedIn;
use crate::audit::server::{read, record};
use crate::audit::{Event, ObjectKind};
use crate::billing::repo::{lock_billing, next_number};
use crate::billing::server::{long_day, reconcile};
use crate::billing::settings::repo as settings;
use crate::billing::Issuer;
use crate::cases::repo::periods_of;
use crate::cases::server::visible_case;
use crate::domain::membership::MembershipStatus;
use crate::domain::money::Money;
use crate::domain::superbills::{
    allowed_for, check_period, custom_code_flag, is_cpt, line_pointers, place_of, pointer_letter,
    PlaceOfService, MAX_DIAGNOSES,
};
use crate::domain::{when, AppointmentId, CaseId, SuperbillId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Db, Tx};
use crate::server::time::local;
use chrono::NaiveDate;

/// The numbering series superbills are numbered in.
const SERIES: &str = "superbill";

fn title(number: i64) -> String {
    format!("Superbill {number}")
}

fn day_of(field: &str, raw: &str, said: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| AppError::invalid(field, said))
}

/// The case, if the caller may see it and its kind has superbills. A workshop or
/// consultation case answers as if superbills did not exist.
async fn clinical_case(tx: &mut Tx, who: &SignedIn, case: CaseId) -> AppResult<()> {
    let row = visible_case(tx.conn(), who, case).await?;
    if allowed_for(row.kind()) {
        Ok(())
    } else {
        Err(who.not_found(ObjectKind::Case, case.0))
    }
}

/// Makes a superbill for one client of a clinical case over a period, from the sessions
/// they attended with a service. The sessions' charges are brought up to date first, so
/// what it says was paid is what was paid. Refused with a reason the form shows when the
/// period is wrong, the person is not one of the case's clients, they have no diagnosis in
/// the case, or no session in the period to list. Audited as the superbill's creation.
pub async fn create(db: &Db, who: &SignedIn, draft: &SuperbillDraft) -> AppResult<SuperbillId> {
    let today = who.today();
    let from = day_of("from", &draft.from, "Enter the first day of the period.")?;
    let to = day_of("to", &draft.to, "Enter the last day of the period.")?;
    check_period(from, to, today).map_err(|p| AppError::invalid("to", p.message()))?;
    let (from_day, to_day) = (from.to_string(), to.to_string());
    let telehealth = match draft.telehealth {
        PlaceOfService::Office => {
            return Err(AppError::invalid(
                "telehealth",
                "Say where the client was for video sessions: at home (10) or elsewhere (02).",
            ))
        }
        place => place,
    };
    let now = now_ms();
    let mut tx = db.begin().await?;
    clinical_case(&mut tx, who, draft.case).await?;
    let is_client = periods_of(tx.conn(), draft.case, draft.person)
        .await?
        .iter()
        .any(|m| m.status == MembershipStatus::Active);
    if !is_client {
        return Err(AppError::invalid(
            "person",
            "Choose one of this case's clients.",
        ));
    }
    let (client_name, birth_date) = repo::client(tx.conn(), who.practice_id, draft.person)
        .await?
        .ok_or_else(|| AppError::invalid("person", "Choose one of this case's clients."))?;
    let diagnoses = repo::diagnoses_through(tx.conn(), draft.case, draft.person, &to_day).await?;
    if diagnoses.is_empty() {
        return Err(AppError::invalid(
            "person",
            format!(
                "{client_name} has no diagnosis in this case noted by {}: record one first, \
                 insurers need it on a superbill.",
                long_day(to_day.clone())
            ),
        ));
    }
    let diagnoses: Vec<(String, String, String)> = diagnoses
        .into_iter()
        .take(MAX_DIAGNOSES)
        .enumerate()
        .filter_map(|(i, (code, description))| {
            pointer_letter(i).map(|p| (p.to_string(), code, description))
        })
        .collect();
    let pointers = line_pointers(diagnoses.len());

    // What was paid is read from charges brought up to date with attendance.
    lock_billing(tx.conn(), who.practice_id).await?;
    let sessions = repo::attended_sessions(
        tx.conn(),
        who.practice_id,
        draft.case,
        draft.person,
        &from_day,
        &to_day,
    )
    .await?;
    for id in sessions {
        reconcile(&mut tx, who, AppointmentId(id), Some(draft.person)).await?;
    }
    let services = repo::services_received(
        tx.conn(),
        who.practice_id,
        draft.case,
        draft.person,
        &from_day,
        &to_day,
    )
    .await?;
    if services.is_empty() {
        return Err(AppError::invalid(
            "from",
            format!(
                "{client_name} attended no session with a service in this case from {} to {}.",
                long_day(from_day),
                long_day(to_day)
            ),
        ));
    }
    let lines: Vec<LineRow> = services
        .into_iter()
        .map(|s| {
            let place = place_of(&s.location, &s.video_link, telehealth);
            LineRow {
                appointment_id: s.appointment_id,
                service_day: s.local_day,
                is_cpt: is_cpt(&s.code),
                code: s.code,
                description: s.service_name,
                modifiers: place.modifiers().join(" "),
                place_of_service: place.code().to_string(),
                units: 1,
                fee_cents: s.charge_cents,
                paid_cents: s.paid_cents.min(s.charge_cents),
                provider_name: s.provider_name,
                provider_npi: s.provider_npi,
                pointers: pointers.clone(),
            }
        })
        .collect();
    let practice = settings::read(tx.conn(), who.practice_id).await?;
    let issuer = Issuer::new(
        &practice.name,
        practice.legal_name,
        practice.address,
        practice.tax_id,
    );
    let number = next_number(tx.conn(), who.practice_id, SERIES).await?;
    let id = repo::insert(
        tx.conn(),
        &NewSuperbill {
            practice: who.practice_id,
            case: draft.case,
            person: draft.person,
            number,
            from: &from_day,
            to: &to_day,
            telehealth_place: telehealth.code(),
            practice_name: &issuer.name,
            practice_address: &issuer.address,
            practice_tax_id: &issuer.tax_id,
            practice_npi: &practice.npi,
            client_name: &client_name,
            client_birth_date: birth_date.as_deref().unwrap_or(""),
            created_by: who.account_id.0,
            created_at: now,
            diagnoses: &diagnoses,
            lines: &lines,
        },
    )
    .await?;
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::Superbill, id.0).detail(format!(
            "{} for person {} of case {}, {from_day} to {to_day}",
            title(number),
            draft.person.0,
            draft.case.0
        )),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn period(row: &SuperbillRow) -> String {
    when::days_range(&row.from_day, &row.to_day)
}

fn made_on(who: &SignedIn, row: &SuperbillRow) -> String {
    long_day(
        local(who.time_zone, row.created_at)
            .date_naive()
            .to_string(),
    )
}

/// `MM/DD/YYYY`, the way claim forms print a date.
fn claim_date(stored: &str) -> String {
    NaiveDate::parse_from_str(stored, "%Y-%m-%d")
        .map(|d| d.format("%m/%d/%Y").to_string())
        .unwrap_or_else(|_| stored.to_string())
}

/// One superbill, for whoever may see its case. An audited read: it names the client, their
/// diagnoses and sessions.
pub async fn superbill(db: &Db, who: &SignedIn, id: SuperbillId) -> AppResult<Superbill> {
    let mut tx = db.begin_read().await?;
    let row = repo::get(tx.conn(), who.practice_id, id)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Superbill, id.0))?;
    // Its case out of sight, the superbill is too; a database failure stays what it is.
    visible_case(tx.conn(), who, CaseId(row.case_id))
        .await
        .map_err(|e| match e {
            AppError::NotFound | AppError::Forbidden(_) => {
                who.not_found(ObjectKind::Superbill, id.0)
            }
            e => e,
        })?;
    let diagnoses = repo::diagnoses_of(tx.conn(), id).await?;
    let lines = repo::lines_of(tx.conn(), id).await?;
    tx.commit().await?;
    read(db, who, Event::read(ObjectKind::Superbill, id.0)).await?;

    let mut providers: Vec<RenderingProvider> = Vec::new();
    for l in &lines {
        let p = RenderingProvider {
            name: l.provider_name.clone(),
            npi: l.provider_npi.clone(),
        };
        if !p.name.is_empty() && !providers.contains(&p) {
            providers.push(p);
        }
    }
    let lines: Vec<SuperbillLine> = lines
        .into_iter()
        .map(|l| {
            let place = PlaceOfService::parse(&l.place_of_service);
            SuperbillLine {
                date: claim_date(&l.service_day),
                flag: (!l.is_cpt).then(|| custom_code_flag(&l.code)),
                code: l.code,
                description: l.description,
                modifiers: l.modifiers,
                place_label: place.map_or("", |p| p.label()).to_string(),
                place: l.place_of_service,
                units: l.units,
                fee: Money(l.fee_cents),
                paid: Money(l.paid_cents),
                provider: l.provider_name,
                provider_npi: l.provider_npi,
                pointers: l.pointers,
            }
        })
        .collect();
    Ok(Superbill {
        id,
        title: title(row.number),
        issuer: Issuer {
            name: row.practice_name.clone(),
            address: row.practice_address.clone(),
            tax_id: row.practice_tax_id.clone(),
        },
        practice_npi: row.practice_npi.clone(),
        case_id: CaseId(row.case_id),
        client_name: row.client_name.clone(),
        client_birth_date: if row.client_birth_date.is_empty() {
            String::new()
        } else {
            claim_date(&row.client_birth_date)
        },
        period: period(&row),
        providers,
        diagnoses: diagnoses
            .into_iter()
            .map(|(pointer, code, description)| SuperbillDiagnosis {
                pointer,
                code,
                description,
            })
            .collect(),
        lines,
        made_by: row.created_by_name.clone(),
        made_on: made_on(who, &row),
    })
}

/// A clinical case's superbills, for whoever may see the case. Audited as a read of the
/// case's superbill list (it names its clients).
pub async fn of_case(db: &Db, who: &SignedIn, case: CaseId) -> AppResult<Vec<SuperbillSummary>> {
    let mut tx = db.begin_read().await?;
    clinical_case(&mut tx, who, case).await?;
    let rows = repo::of_case(tx.conn(), who.practice_id, case).await?;
    tx.commit().await?;
    read(
        db,
        who,
        Event::read(ObjectKind::Case, case.0).detail("superbills"),
    )
    .await?;
    Ok(rows
        .iter()
        .map(|r| SuperbillSummary {
            id: SuperbillId(r.id),
            title: title(r.number),
            client_name: r.client_name.clone(),
            period: period(r),
            made_on: made_on(who, r),
        })
        .collect())
}
