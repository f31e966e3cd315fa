//! Reading and saving billing settings. Owners and administrators only; every change is
//! audited with what it changed. Server only.

use super::repo::{self, ClinicianRow};
use super::{BillingSettings, ClinicianNpi};
use crate::access::SignedIn;
use crate::audit::server::record;
use crate::audit::{Event, ObjectKind};
use crate::billing::server::may_run_billing;
use crate::domain::billing_settings::{check_npi, check_settings, BillingSettingsInput};
use crate::domain::AccountId;
use crate::error::{AppError, AppResult};
use crate::server::db::{Db, Tx};

fn clinician(row: ClinicianRow) -> ClinicianNpi {
    ClinicianNpi {
        account_id: AccountId(row.id),
        name: row.display_name,
        role: row.role.label().to_string(),
        npi: row.npi,
    }
}

async fn read(tx: &mut Tx, who: &SignedIn) -> AppResult<BillingSettings> {
    let s = repo::read(tx.conn(), who.practice_id).await?;
    let clinicians = repo::clinicians(tx.conn(), who.practice_id, None)
        .await?
        .into_iter()
        .map(clinician)
        .collect();
    Ok(BillingSettings {
        practice_name: s.name,
        legal_name: s.legal_name,
        address: s.address,
        tax_id: s.tax_id,
        npi: s.npi,
        payment_terms_days: s.payment_terms_days,
        clinicians,
    })
}

/// The settings page. Holds no health information, so the read is not audited.
pub async fn settings(db: &Db, who: &SignedIn) -> AppResult<BillingSettings> {
    may_run_billing(who)?;
    let mut tx = db.begin_read().await?;
    let s = read(&mut tx, who).await?;
    tx.commit().await?;
    Ok(s)
}

/// Saves the practice's billing details, all or nothing, and audits what changed.
pub async fn save(
    db: &Db,
    who: &SignedIn,
    input: &BillingSettingsInput,
) -> AppResult<BillingSettings> {
    may_run_billing(who)?;
    let checked = check_settings(input).map_err(|p| AppError::invalid(p.field, p.message))?;
    let mut tx = db.begin().await?;
    let before = repo::read(tx.conn(), who.practice_id).await?;
    let mut changed = Vec::new();
    for (what, old, new) in [
        ("legal name", &before.legal_name, &checked.legal_name),
        ("address", &before.address, &checked.address),
        ("tax id", &before.tax_id, &checked.tax_id),
        ("NPI", &before.npi, &checked.npi),
    ] {
        if old != new {
            changed.push(format!("{what} {old:?} -> {new:?}"));
        }
    }
    if before.payment_terms_days != checked.payment_terms_days {
        changed.push(format!(
            "payment terms {} -> {} days",
            before.payment_terms_days, checked.payment_terms_days
        ));
    }
    if !changed.is_empty() {
        repo::save(tx.conn(), who.practice_id, &checked).await?;
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::BillingSettings, who.practice_id.0)
                .detail(changed.join("; ")),
        )
        .await?;
    }
    let s = read(&mut tx, who).await?;
    tx.commit().await?;
    Ok(s)
}

/// Sets one staff member's NPI (checked), audited against their account.
pub async fn save_npi(
    db: &Db,
    who: &SignedIn,
    account: AccountId,
    npi: &str,
) -> AppResult<ClinicianNpi> {
    may_run_billing(who)?;
    let npi = check_npi(npi).map_err(|m| AppError::invalid("npi", m))?;
    let mut tx = db.begin().await?;
    let Some(before) = repo::clinicians(tx.conn(), who.practice_id, Some(account))
        .await?
        .pop()
    else {
        return Err(who.not_found(ObjectKind::Account, account.0));
    };
    if before.npi != npi {
        repo::set_npi(tx.conn(), who.practice_id, account, &npi).await?;
        record(
            tx.conn(),
            who,
            Event::update(ObjectKind::Account, account.0)
                .detail(format!("NPI {:?} -> {npi:?}", before.npi)),
        )
        .await?;
    }
    let after = repo::clinicians(tx.conn(), who.practice_id, Some(account))
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("a staff account vanished inside its transaction"))?;
    tx.commit().await?;
    Ok(clinician(after))
}
