//! Sharing a case's charges between payers (a couple 50/50; a sponsor 80% and each
//! participant 20%; a parent paying a fixed amount of each session). The case's payer pays
//! what the shares leave. A participant with their own payer pays in full unless that
//! participant's charges have shares of their own (their employer pays the rest, they pay
//! 20%): so one member of a group can pay differently from the next. Whoever may change a
//! case's payer may change its shares and its participants'; each change is audited on the
//! case and brings the charges not yet invoiced up to date again.

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod server;

use crate::cases::PayerView;
use crate::domain::billing::Payer;
use crate::domain::money::Money;
use crate::domain::shares::Part;
use crate::domain::{AppointmentId, CaseId, ChargeId, MembershipId, PersonId};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{access::serve, domain::Area};

/// One of a case's shares, for the case page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareView {
    pub id: i64,
    pub payer: PayerView,
    pub part: Part,
    /// "Each participant pays 20% of each charge."
    pub said: String,
}

impl ShareView {
    /// One of a participant's own shares: "Jordan Lee pays 20% of each of their charges",
    /// "Sponsor: Acme pays $40.00 of each of Jordan Lee's charges".
    pub fn for_participant(id: i64, payer: PayerView, part: Part, participant: &str) -> ShareView {
        let said = match payer.payer {
            Payer::SelfPay => format!(
                "{participant} pays {} of each of their charges",
                part.label()
            ),
            _ => format!(
                "{} pays {} of each of {participant}'s charges",
                payer.label,
                part.label()
            ),
        };
        ShareView {
            id,
            payer,
            part,
            said,
        }
    }

    pub fn new(id: i64, payer: PayerView, part: Part) -> ShareView {
        let who = match payer.payer {
            Payer::SelfPay => "Each participant".to_string(),
            _ => payer.label.clone(),
        };
        let said = format!("{who} pays {} of each charge", part.label());
        ShareView {
            id,
            payer,
            part,
            said,
        }
    }
}

/// A new share as the form sends it: the amount as typed, a percentage or dollars.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareInput {
    pub payer: Payer,
    pub fixed: bool,
    pub amount: String,
}

/// One payer's part of a participant's charge at a session, for choosing who is paying.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargePart {
    pub id: ChargeId,
    pub payer_name: String,
    /// The participant pays this part themself.
    pub self_pay: bool,
    pub amount: Money,
    pub owed: Money,
}

/// Adds a share to a case's charges.
#[server(endpoint = "add_case_share", input = Json)]
pub async fn add_case_share(case: CaseId, share: ShareInput) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::add_share(&state.db, &who, case, &share).await
    })
    .await
}

/// Removes one of a case's shares: its payer's part goes back to the case's payer.
#[server(endpoint = "remove_case_share", input = Json)]
pub async fn remove_case_share(case: CaseId, share: i64) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::remove_share(&state.db, &who, case, share).await
    })
    .await
}

/// Adds a share of one participant's charges, beside their own payer.
#[server(endpoint = "add_member_share", input = Json)]
pub async fn add_member_share(membership: MembershipId, share: ShareInput) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::add_member_share(&state.db, &who, membership, &share).await
    })
    .await
}

/// Removes one of a participant's shares: its part goes back to their own payer.
#[server(endpoint = "remove_member_share", input = Json)]
pub async fn remove_member_share(membership: MembershipId, share: i64) -> Result<(), AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::remove_member_share(&state.db, &who, membership, share).await
    })
    .await
}

/// Who pays what of a participant's charge at a session, brought up to date first.
#[server(endpoint = "charge_parts", input = Json)]
pub async fn charge_parts(
    id: AppointmentId,
    person: PersonId,
) -> Result<Vec<ChargePart>, AppError> {
    serve(Area::Staff, move |state, who| async move {
        server::charge_parts(&state.db, &who, id, person).await
    })
    .await
}
