-- Billing settings: what a practice's documents say about it (legal name, address, tax id,
-- NPI) and each clinician's NPI, for invoices, receipts, statements and superbills. Empty
-- means not set: a document then says only the practice's name.

ALTER TABLE practices ADD COLUMN legal_name TEXT NOT NULL DEFAULT ''
    CHECK (length(legal_name) <= 200);
ALTER TABLE practices ADD COLUMN address TEXT NOT NULL DEFAULT ''
    CHECK (length(address) <= 500);
-- An EIN as NN-NNNNNNN.
ALTER TABLE practices ADD COLUMN tax_id TEXT NOT NULL DEFAULT ''
    CHECK (tax_id = '' OR length(tax_id) = 10);
-- The practice's (type 2) NPI: ten digits, its check digit verified by the server.
ALTER TABLE practices ADD COLUMN npi TEXT NOT NULL DEFAULT ''
    CHECK (npi = '' OR length(npi) = 10);
-- A clinician's own (type 1) NPI, as rendering provider.
ALTER TABLE accounts ADD COLUMN npi TEXT NOT NULL DEFAULT ''
    CHECK (npi = '' OR length(npi) = 10);

-- An invoice or credit note says who issued it as it was when issued: a later change of
-- address or tax id leaves issued documents as they were.
ALTER TABLE invoices ADD COLUMN practice_address TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN practice_tax_id TEXT NOT NULL DEFAULT '';

DROP TRIGGER invoices_only_voided;
CREATE TRIGGER invoices_only_voided BEFORE UPDATE ON invoices
WHEN OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL
  OR NEW.practice_id IS NOT OLD.practice_id OR NEW.kind IS NOT OLD.kind
  OR NEW.number IS NOT OLD.number OR NEW.payer_id IS NOT OLD.payer_id
  OR NEW.practice_name IS NOT OLD.practice_name OR NEW.payer_name IS NOT OLD.payer_name
  OR NEW.practice_address IS NOT OLD.practice_address
  OR NEW.practice_tax_id IS NOT OLD.practice_tax_id
  OR NEW.credits_invoice_id IS NOT OLD.credits_invoice_id OR NEW.reason IS NOT OLD.reason
  OR NEW.issued_on IS NOT OLD.issued_on OR NEW.due_on IS NOT OLD.due_on
  OR NEW.total_cents IS NOT OLD.total_cents OR NEW.issued_by IS NOT OLD.issued_by
  OR NEW.issued_at IS NOT OLD.issued_at
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice never changes; void it instead');
END;

-- A statement reads a payer's voids by when they happened.
CREATE INDEX invoices_voided ON invoices(practice_id, payer_id, voided_at)
    WHERE voided_at IS NOT NULL;
