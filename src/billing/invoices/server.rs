//! Issuing, reading and voiding invoices and credit notes. Owners and administrators only;
//! every document written or voided is audited, and every one read is an audited read (it
//! names participants and their sessions). Server only.

use super::repo::{self, ChargeToBill, InvoiceRow, NewInvoice, NewLine};
use super::{
    BillingOverview, InvoiceDocument, InvoiceLine, InvoiceRun, InvoiceSummary, Voided,
    DOCUMENTS_PAGE,
};
use crate::access::SignedIn;
use crate::audit::server::{read, record};
use crate::audit::{Action, Event, ObjectKind};
use crate::billing::repo as charges;
use crate::billing::server::{
    bring_payer_up_to_date, bring_up_to_date, long_day, may_run_billing, payer_named, reconcile,
};
use crate::billing::Issuer;
use crate::calendar::server::visible_appointment;
use crate::domain::invoicing::{
    check_through, check_void_reason, credit_against, due_on, Billed, DocumentKind,
};
use crate::domain::money::Money;
use crate::domain::paging::Page;
use crate::domain::people::display_name;
use crate::domain::{AppointmentId, InvoiceId, PersonId};
use crate::error::{AppError, AppResult};
use crate::server::db::{now_ms, Db, Tx};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A line about to be written.
struct LineToIssue {
    charge: i64,
    credits_line: Option<i64>,
    day: String,
    participant: String,
    description: String,
    amount: Money,
}

/// A document about to be issued.
struct ToIssue<'a> {
    kind: DocumentKind,
    payer_id: i64,
    payer_name: String,
    credits: Option<i64>,
    reason: &'a str,
    issued_on: NaiveDate,
    due_on: NaiveDate,
    lines: Vec<LineToIssue>,
}

/// Writes a document with the next number of its kind and its lines, adds the lines to what
/// their charges are invoiced at, and audits it, all in the caller's transaction (a rollback
/// gives the number back).
async fn issue(
    tx: &mut Tx,
    who: &SignedIn,
    issuer: &Issuer,
    doc: ToIssue<'_>,
) -> AppResult<InvoiceSummary> {
    let number = charges::next_number(tx.conn(), who.practice_id, doc.kind.as_str()).await?;
    let total: Money = doc.lines.iter().map(|l| l.amount).sum();
    let (issued_on, due) = (doc.issued_on.to_string(), doc.due_on.to_string());
    let id = repo::insert_invoice(
        tx.conn(),
        &NewInvoice {
            practice: who.practice_id,
            kind: doc.kind.as_str(),
            number,
            payer_id: doc.payer_id,
            practice_name: &issuer.name,
            practice_address: &issuer.address,
            practice_tax_id: &issuer.tax_id,
            payer_name: &doc.payer_name,
            credits: doc.credits,
            reason: doc.reason,
            issued_on: &issued_on,
            due_on: &due,
            total_cents: total.cents(),
            by: who.account_id,
            at: now_ms(),
        },
    )
    .await?;
    let lines: Vec<NewLine<'_>> = doc
        .lines
        .iter()
        .map(|l| NewLine {
            charge: l.charge,
            credits_line: l.credits_line,
            service_day: &l.day,
            participant: &l.participant,
            description: &l.description,
            amount_cents: l.amount.cents(),
        })
        .collect();
    repo::insert_lines(tx.conn(), id, &lines).await?;
    let title = doc.kind.title(number);
    record(
        tx.conn(),
        who,
        Event::create(ObjectKind::Invoice, id).detail(format!(
            "{title} to payer {}: {} line(s), {total}",
            doc.payer_id,
            doc.lines.len()
        )),
    )
    .await?;
    Ok(InvoiceSummary {
        id: InvoiceId(id),
        kind: doc.kind,
        title,
        payer_id: PersonId(doc.payer_id),
        payer: doc.payer_name,
        issued_on: long_day(issued_on),
        total,
        void: false,
    })
}

fn participant_of(c: &ChargeToBill) -> String {
    display_name(&c.person_legal_name, c.person_preferred_name.as_deref())
}

fn payer_of(c: &ChargeToBill) -> String {
    display_name(&c.payer_legal_name, c.payer_preferred_name.as_deref())
}

/// Why a credit note is issued without anyone asking: the charge it credits changed.
const CHANGED_AFTER_INVOICING: &str =
    "The session's charge changed (attendance or who pays) after it was invoiced.";

/// Issues a credit note for each invoice that billed a session's charges (or one
/// participant's) beyond what they come to now, against the lines that billed them, newest
/// first. Runs inside billing's bringing charges up to date, so an issued invoice is never
/// changed and never left overstating what is owed. Costs one read when nothing was invoiced.
pub(in crate::billing) async fn credit_over_invoiced(
    tx: &mut Tx,
    who: &SignedIn,
    appointment: AppointmentId,
    person: Option<PersonId>,
) -> AppResult<()> {
    let over = repo::over_invoiced(tx.conn(), who.practice_id, appointment, person).await?;
    if over.is_empty() {
        return Ok(());
    }
    let (issuer, _) = repo::practice_for_documents(tx.conn(), who.practice_id).await?;
    // One credit note per invoice credited.
    let mut notes: BTreeMap<i64, (i64, String, Vec<LineToIssue>)> = BTreeMap::new();
    for charge in &over {
        let billed: Vec<Billed> = repo::billed_lines(tx.conn(), charge.id)
            .await?
            .into_iter()
            .map(|(line, invoice, left)| Billed {
                line,
                invoice,
                left: Money(left),
            })
            .collect();
        let reduction = Money(charge.invoiced_cents - charge.amount_cents);
        let (credits, unmatched) = credit_against(&billed, reduction);
        if unmatched.is_positive() {
            return Err(AppError::internal(
                "a charge is invoiced beyond the lines that bill it",
            ));
        }
        for c in credits {
            notes
                .entry(c.invoice)
                .or_insert_with(|| (charge.payer_id, payer_of(charge), Vec::new()))
                .2
                .push(LineToIssue {
                    charge: charge.id,
                    credits_line: Some(c.line),
                    day: charge.service_day.clone(),
                    participant: participant_of(charge),
                    description: charge.description.clone(),
                    amount: Money(-c.amount.cents()),
                });
        }
    }
    let today = who.today();
    for (invoice, (payer_id, payer_name, lines)) in notes {
        issue(
            tx,
            who,
            &issuer,
            ToIssue {
                kind: DocumentKind::CreditNote,
                payer_id,
                payer_name,
                credits: Some(invoice),
                reason: CHANGED_AFTER_INVOICING,
                issued_on: today,
                due_on: today,
                lines,
            },
        )
        .await?;
    }
    Ok(())
}

/// "Invoice unbilled through …": brings the charges up to date, then issues one invoice to
/// each payer (or to `payer` alone) for everything not yet invoiced on sessions on or before
/// `through`: new charges in full, and what a charge grew by since it was invoiced. Under
/// the practice's billing lock, so two runs at once (even in two server processes) never
/// bill a charge twice: the second waits, then finds nothing left to bill.
pub async fn invoice_unbilled(
    db: &Db,
    who: &SignedIn,
    payer: Option<PersonId>,
    through: &str,
) -> AppResult<InvoiceRun> {
    may_run_billing(who)?;
    let today = who.today();
    let through = check_through(through, today).map_err(|m| AppError::invalid("through", m))?;
    let through_text = through.to_string();
    let mut tx = db.begin().await?;
    match payer {
        Some(p) => {
            payer_named(&mut tx, who, p).await?;
            bring_payer_up_to_date(&mut tx, who, p).await?;
        }
        None => bring_all_up_to_date(&mut tx, who, &through_text).await?,
    }
    let run = issue_unbilled(&mut tx, who, payer, &through_text, None).await?;
    tx.commit().await?;
    Ok(run)
}

/// "Invoice this session": brings the session's charges up to date, then issues one
/// invoice to each of its payers for what of the session is not yet invoiced (new charges
/// in full, what a charge grew by). Owners and administrators, for a session of their
/// practice; under the billing lock like a run, so it never bills a charge twice.
pub async fn invoice_session(
    db: &Db,
    who: &SignedIn,
    appointment: AppointmentId,
) -> AppResult<InvoiceRun> {
    may_run_billing(who)?;
    let mut tx = db.begin().await?;
    let (row, _) = visible_appointment(&mut tx, who, appointment).await?;
    bring_up_to_date(&mut tx, who, appointment, None).await?;
    let run = issue_unbilled(&mut tx, who, None, &row.local_day, Some(appointment)).await?;
    tx.commit().await?;
    Ok(run)
}

/// Issues one invoice to each payer (or to `payer` alone) for what is not yet invoiced on
/// sessions on or before `through` (or on `session` alone), inside the caller's
/// transaction, which holds the billing lock and has brought the charges up to date.
async fn issue_unbilled(
    tx: &mut Tx,
    who: &SignedIn,
    payer: Option<PersonId>,
    through_text: &str,
    session: Option<AppointmentId>,
) -> AppResult<InvoiceRun> {
    let today = who.today();
    let (issuer, terms) = repo::practice_for_documents(tx.conn(), who.practice_id).await?;
    let items = repo::unbilled(tx.conn(), who.practice_id, payer, through_text, session).await?;
    let mut by_payer: Vec<(i64, String, Vec<LineToIssue>)> = Vec::new();
    for item in items {
        let line = LineToIssue {
            charge: item.id,
            credits_line: None,
            day: item.service_day.clone(),
            participant: participant_of(&item),
            description: if item.invoiced_cents > 0 {
                format!("{} (increase after invoicing)", item.description)
            } else {
                item.description.clone()
            },
            amount: Money(item.amount_cents - item.invoiced_cents),
        };
        match by_payer.last_mut() {
            Some((id, _, lines)) if *id == item.payer_id => lines.push(line),
            _ => by_payer.push((item.payer_id, payer_of(&item), vec![line])),
        }
    }
    let mut invoices = Vec::with_capacity(by_payer.len());
    let mut lines = 0;
    for (payer_id, payer_name, payer_lines) in by_payer {
        lines += payer_lines.len();
        invoices.push(
            issue(
                tx,
                who,
                &issuer,
                ToIssue {
                    kind: DocumentKind::Invoice,
                    payer_id,
                    payer_name,
                    credits: None,
                    reason: "",
                    issued_on: today,
                    due_on: due_on(today, terms),
                    lines: payer_lines,
                },
            )
            .await?,
        );
    }
    let total = invoices.iter().map(|i| i.total).sum();
    Ok(InvoiceRun {
        through: long_day(through_text.to_string()),
        invoices,
        lines,
        total,
    })
}

/// Brings up to date every session on or before `through` whose attendance moved on since
/// billing last read it, under the billing lock.
pub(in crate::billing) async fn bring_all_up_to_date(
    tx: &mut Tx,
    who: &SignedIn,
    through: &str,
) -> AppResult<()> {
    charges::lock_billing(tx.conn(), who.practice_id).await?;
    for id in repo::sessions_to_bill_through(tx.conn(), who.practice_id, through).await? {
        reconcile(tx, who, AppointmentId(id), None).await?;
    }
    Ok(())
}

fn summary(row: InvoiceRow) -> AppResult<InvoiceSummary> {
    let kind = DocumentKind::parse(&row.kind)
        .ok_or_else(|| AppError::internal("a document is not a known kind"))?;
    Ok(InvoiceSummary {
        id: InvoiceId(row.id),
        kind,
        title: kind.title(row.number),
        payer_id: PersonId(row.payer_id),
        payer: row.payer_name,
        issued_on: long_day(row.issued_on),
        total: Money(row.total_cents),
        void: row.voided_at.is_some(),
    })
}

/// A payer's documents for their account page, newest first, read in the page's
/// transaction.
pub(in crate::billing) async fn of_payer(
    tx: &mut Tx,
    who: &SignedIn,
    payer: PersonId,
    limit: i64,
) -> AppResult<(Vec<InvoiceSummary>, Money)> {
    let rows = repo::of_payer(tx.conn(), who.practice_id, payer, limit).await?;
    let unbilled = repo::unbilled_of(tx.conn(), who.practice_id, payer).await?;
    Ok((
        rows.into_iter().map(summary).collect::<AppResult<_>>()?,
        Money(unbilled),
    ))
}

async fn documents_page(
    tx: &mut Tx,
    who: &SignedIn,
    before: InvoiceId,
) -> AppResult<Page<InvoiceSummary, InvoiceId>> {
    let rows = repo::recent(
        tx.conn(),
        who.practice_id,
        before.0,
        DOCUMENTS_PAGE as i64 + 1,
    )
    .await?;
    let page = Page::from_rows(rows, DOCUMENTS_PAGE, |r| InvoiceId(r.id), |r| r);
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(summary)
            .collect::<AppResult<_>>()?,
        next: page.next,
    })
}

/// Lists of documents name payers and amounts: an audited read of the list.
fn list_read<'a>() -> Event<'a> {
    Event::new(Action::Read, ObjectKind::Invoice, None).detail("documents list")
}

/// The billing page: what is still to invoice through today (after bringing charges up to
/// date), and the newest documents.
pub async fn overview(db: &Db, who: &SignedIn) -> AppResult<BillingOverview> {
    may_run_billing(who)?;
    let today = who.today().to_string();
    let mut tx = db.begin().await?;
    bring_all_up_to_date(&mut tx, who, &today).await?;
    let (charges, cents, payers) =
        repo::unbilled_summary(tx.conn(), who.practice_id, &today).await?;
    let documents = documents_page(&mut tx, who, InvoiceId(i64::MAX)).await?;
    record(tx.conn(), who, list_read()).await?;
    tx.commit().await?;
    Ok(BillingOverview {
        today,
        unbilled_charges: charges,
        unbilled_payers: payers,
        unbilled: Money(cents),
        documents,
    })
}

/// The next page of the billing page's documents.
pub async fn documents(
    db: &Db,
    who: &SignedIn,
    before: InvoiceId,
) -> AppResult<Page<InvoiceSummary, InvoiceId>> {
    may_run_billing(who)?;
    let mut tx = db.begin().await?;
    let page = documents_page(&mut tx, who, before).await?;
    tx.commit().await?;
    read(db, who, list_read()).await?;
    Ok(page)
}

pub(in crate::billing) async fn read_document(
    tx: &mut Tx,
    who: &SignedIn,
    id: InvoiceId,
) -> AppResult<InvoiceDocument> {
    let row = repo::document(tx.conn(), who.practice_id, id.0)
        .await?
        .ok_or_else(|| who.not_found(ObjectKind::Invoice, id.0))?;
    let kind = DocumentKind::parse(&row.kind)
        .ok_or_else(|| AppError::internal("a document is not a known kind"))?;
    let lines = repo::lines_of(tx.conn(), row.id)
        .await?
        .into_iter()
        .map(|l| InvoiceLine {
            day: long_day(l.service_day),
            participant: l.participant_name,
            description: l.description,
            amount: Money(l.amount_cents),
        })
        .collect();
    let credit_notes = match kind {
        DocumentKind::Invoice => repo::credit_notes_of(tx.conn(), row.id)
            .await?
            .into_iter()
            .map(summary)
            .collect::<AppResult<_>>()?,
        DocumentKind::CreditNote => Vec::new(),
    };
    Ok(InvoiceDocument {
        id,
        kind,
        title: kind.title(row.number),
        issuer: Issuer {
            name: row.practice_name,
            address: row.practice_address,
            tax_id: row.practice_tax_id,
        },
        payer_id: PersonId(row.payer_id),
        payer_name: row.payer_name,
        issued_on: long_day(row.issued_on),
        due_on: (kind == DocumentKind::Invoice).then(|| long_day(row.due_on)),
        lines,
        total: Money(row.total_cents),
        credits: row
            .credits_invoice_id
            .zip(row.credits_number)
            .map(|(i, n)| (InvoiceId(i), DocumentKind::Invoice.title(n))),
        reason: row.reason,
        credit_notes,
        voided: row.voided_at.map(|_| Voided {
            by: row.voided_by_name.unwrap_or_default(),
            reason: row.void_reason.unwrap_or_default(),
        }),
    })
}

/// One document, as issued. An audited read.
pub async fn document(db: &Db, who: &SignedIn, id: InvoiceId) -> AppResult<InvoiceDocument> {
    may_run_billing(who)?;
    let mut tx = db.begin().await?;
    let doc = read_document(&mut tx, who, id).await?;
    tx.commit().await?;
    read(db, who, Event::read(ObjectKind::Invoice, id.0)).await?;
    Ok(doc)
}

/// Voids an invoice and the credit notes issued against it: each keeps its number and the
/// reason, and its charges are billed again on the next invoice. A credit note is voided
/// only with its invoice (it was issued because the charge changed, which still holds).
pub async fn void(
    db: &Db,
    who: &SignedIn,
    id: InvoiceId,
    reason: &str,
) -> AppResult<InvoiceDocument> {
    may_run_billing(who)?;
    let reason = check_void_reason(reason).map_err(|m| AppError::invalid("reason", m))?;
    let mut tx = db.begin().await?;
    charges::lock_billing(tx.conn(), who.practice_id).await?;
    let doc = read_document(&mut tx, who, id).await?;
    if doc.kind == DocumentKind::CreditNote {
        return Err(AppError::Conflict(
            "A credit note is voided only with the invoice it credits.".into(),
        ));
    }
    if doc.voided.is_some() {
        return Err(AppError::Conflict(format!(
            "{} is already void.",
            doc.title
        )));
    }
    let at = now_ms();
    repo::void(tx.conn(), id.0, who.account_id, at, &reason).await?;
    let mut notes = Vec::new();
    for note in doc.credit_notes.iter().filter(|n| !n.void) {
        repo::void(tx.conn(), note.id.0, who.account_id, at, &reason).await?;
        notes.push(note.title.clone());
    }
    record(
        tx.conn(),
        who,
        Event::update(ObjectKind::Invoice, id.0).detail(if notes.is_empty() {
            format!("{} voided: {reason}", doc.title)
        } else {
            format!("{} voided with {}: {reason}", doc.title, notes.join(", "))
        }),
    )
    .await?;
    let doc = read_document(&mut tx, who, id).await?;
    tx.commit().await?;
    Ok(doc)
}
