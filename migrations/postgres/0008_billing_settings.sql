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

CREATE OR REPLACE FUNCTION invoices_only_voided() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.voided_at IS NOT NULL OR NEW.voided_at IS NULL
       OR (NEW.practice_id, NEW.kind, NEW.number, NEW.payer_id, NEW.practice_name, NEW.payer_name,
           NEW.practice_address, NEW.practice_tax_id,
           NEW.credits_invoice_id, NEW.reason, NEW.issued_on, NEW.due_on, NEW.total_cents,
           NEW.issued_by, NEW.issued_at)
          IS DISTINCT FROM
          (OLD.practice_id, OLD.kind, OLD.number, OLD.payer_id, OLD.practice_name, OLD.payer_name,
           OLD.practice_address, OLD.practice_tax_id,
           OLD.credits_invoice_id, OLD.reason, OLD.issued_on, OLD.due_on, OLD.total_cents,
           OLD.issued_by, OLD.issued_at) THEN
        RAISE EXCEPTION 'an issued invoice never changes; void it instead'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

-- A statement reads a payer's voids by when they happened.
CREATE INDEX invoices_voided ON invoices(practice_id, payer_id, voided_at)
    WHERE voided_at IS NOT NULL;
