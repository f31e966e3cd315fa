-- Billing, second part: invoices and credit notes. Each is numbered without gaps per
-- practice and kind (its own `numbering` series), written once when issued and never
-- changed: a voided document keeps its number and says why. Lines copy what they bill
-- (day, participant, description, amount) so a later change of name or service leaves
-- the document as it was issued.

-- How many days after issue an invoice is due.
ALTER TABLE practices ADD COLUMN payment_terms_days BIGINT NOT NULL DEFAULT 30
    CHECK (payment_terms_days BETWEEN 0 AND 365);

-- What of a charge issued lines bill now (invoice lines less credit-note lines, on
-- documents not voided), kept in the transaction that issues or voids them. A charge whose
-- amount differs from it is billed again: the difference goes on the next invoice, or a
-- credit note when it shrank.
ALTER TABLE charges ADD COLUMN invoiced_cents BIGINT NOT NULL DEFAULT 0;
-- The charges still to invoice (or credit), found without reading those already billed.
CREATE INDEX charges_unbilled ON charges(practice_id, payer_id, service_day)
    WHERE amount_cents <> invoiced_cents;

CREATE TABLE invoices (
    id                  INTEGER PRIMARY KEY,
    practice_id         BIGINT NOT NULL REFERENCES practices(id),
    kind                TEXT   NOT NULL CHECK (kind IN ('invoice','credit_note')),
    number              BIGINT NOT NULL CHECK (number > 0),
    payer_id            BIGINT NOT NULL REFERENCES people(id),
    -- As issued: the practice's and the payer's names then.
    practice_name       TEXT   NOT NULL,
    payer_name          TEXT   NOT NULL,
    -- A credit note credits lines of exactly one invoice.
    credits_invoice_id  BIGINT REFERENCES invoices(id),
    -- Why a credit note was issued ("the charge changed after it was invoiced").
    reason              TEXT   NOT NULL DEFAULT '',
    issued_on           TEXT   NOT NULL,
    due_on              TEXT   NOT NULL,
    total_cents         BIGINT NOT NULL,
    issued_by           BIGINT NOT NULL REFERENCES accounts(id),
    issued_at           BIGINT NOT NULL,
    voided_at           BIGINT,
    voided_by           BIGINT REFERENCES accounts(id),
    void_reason         TEXT,
    CONSTRAINT invoices_number_unique UNIQUE (practice_id, kind, number),
    CHECK ((kind = 'invoice') = (credits_invoice_id IS NULL)),
    CHECK ((kind = 'invoice' AND total_cents > 0) OR (kind = 'credit_note' AND total_cents < 0)),
    CHECK ((voided_at IS NULL) = (voided_by IS NULL) AND (voided_at IS NULL) = (void_reason IS NULL)),
    CHECK (void_reason IS NULL OR length(trim(void_reason)) > 0)
);
CREATE INDEX invoices_payer ON invoices(practice_id, payer_id, id);
CREATE INDEX invoices_credited ON invoices(credits_invoice_id) WHERE credits_invoice_id IS NOT NULL;

-- One line of a document: positive on an invoice, negative on a credit note (which names
-- the invoice line it credits).
CREATE TABLE invoice_lines (
    id                INTEGER PRIMARY KEY,
    invoice_id        BIGINT NOT NULL REFERENCES invoices(id),
    charge_id         BIGINT NOT NULL REFERENCES charges(id),
    credits_line_id   BIGINT REFERENCES invoice_lines(id),
    service_day       TEXT   NOT NULL,
    participant_name  TEXT   NOT NULL,
    description       TEXT   NOT NULL CHECK (length(trim(description)) > 0),
    amount_cents      BIGINT NOT NULL CHECK (amount_cents <> 0),
    CHECK ((credits_line_id IS NULL) = (amount_cents > 0))
);
CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id, id);
CREATE INDEX invoice_lines_charge ON invoice_lines(charge_id, id);
CREATE INDEX invoice_lines_credited ON invoice_lines(credits_line_id) WHERE credits_line_id IS NOT NULL;

-- An issued document never changes: its lines never, and the document only by being
-- voided once (its number, payer, dates and amounts stay); nothing is ever deleted.
CREATE TRIGGER invoice_lines_no_update BEFORE UPDATE ON invoice_lines
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice never changes');
END;
CREATE TRIGGER invoice_lines_no_delete BEFORE DELETE ON invoice_lines
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice never changes');
END;
CREATE TRIGGER invoices_only_voided BEFORE UPDATE ON invoices
WHEN OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL
  OR NEW.practice_id IS NOT OLD.practice_id OR NEW.kind IS NOT OLD.kind
  OR NEW.number IS NOT OLD.number OR NEW.payer_id IS NOT OLD.payer_id
  OR NEW.practice_name IS NOT OLD.practice_name OR NEW.payer_name IS NOT OLD.payer_name
  OR NEW.credits_invoice_id IS NOT OLD.credits_invoice_id OR NEW.reason IS NOT OLD.reason
  OR NEW.issued_on IS NOT OLD.issued_on OR NEW.due_on IS NOT OLD.due_on
  OR NEW.total_cents IS NOT OLD.total_cents OR NEW.issued_by IS NOT OLD.issued_by
  OR NEW.issued_at IS NOT OLD.issued_at
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice never changes; void it instead');
END;
CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice never changes; void it instead');
END;
