-- Billing, first part: what each payer owes for each session (charges, kept in step with
-- attendance), what they paid (payments, each numbered for its receipt) and which charges
-- each payment went to (allocations). Amounts are cents; times are UTC milliseconds; days
-- are the practice's local days.

-- The attendance version whose charges are in `charges`. Billing brings rows whose version
-- moved on up to date when it needs them, so recording attendance never waits on billing.
ALTER TABLE attendance ADD COLUMN billed_version BIGINT NOT NULL DEFAULT 0;
-- The rows billing still has to bring up to date, found without reading the rest.
CREATE INDEX attendance_unbilled ON attendance(practice_id, appointment_id)
    WHERE billed_version <> version;

-- Gapless numbers per practice and series (receipts now; invoices later): taken inside the
-- transaction that uses them, so a rolled-back payment gives its number back.
CREATE TABLE numbering (
    practice_id  BIGINT NOT NULL REFERENCES practices(id),
    series       TEXT   NOT NULL,
    last         BIGINT NOT NULL CHECK (last > 0),
    PRIMARY KEY (practice_id, series)
);

-- One payer's part of one participant's charge for one session. A part follows attendance
-- until it is invoiced (its amount changes, a payment on it goes back to the payer's credit
-- when the charge shrinks below it); invoiced parts will never change.
CREATE TABLE charges (
    id                  INTEGER PRIMARY KEY,
    practice_id         BIGINT NOT NULL REFERENCES practices(id),
    appointment_id      BIGINT NOT NULL REFERENCES appointments(id),
    person_id           BIGINT NOT NULL REFERENCES people(id),
    case_id             BIGINT NOT NULL REFERENCES cases(id),
    -- Who pays: the participant themself, a billing contact, or a sponsoring organization.
    payer_kind          TEXT   NOT NULL CHECK (payer_kind IN ('self','contact','organization')),
    payer_id            BIGINT NOT NULL REFERENCES people(id),
    service_day         TEXT   NOT NULL,
    -- What the line says: "90853 Group psychotherapy", "No-show fee".
    description         TEXT   NOT NULL CHECK (length(trim(description)) > 0),
    amount_cents        BIGINT NOT NULL CHECK (amount_cents >= 0),
    attendance_version  BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    CHECK (payer_kind <> 'self' OR payer_id = person_id),
    CONSTRAINT charges_one_per_payer UNIQUE (appointment_id, person_id, payer_id)
);
CREATE INDEX charges_payer ON charges(practice_id, payer_id, service_day);

-- Payments received, each with its receipt number.
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    practice_id     BIGINT NOT NULL REFERENCES practices(id),
    payer_id        BIGINT NOT NULL REFERENCES people(id),
    receipt_number  BIGINT NOT NULL CHECK (receipt_number > 0),
    method          TEXT   NOT NULL CHECK (method IN ('cash','check','card','bank_transfer','other')),
    -- The check number, the card terminal's reference, or what "other" was.
    reference       TEXT   NOT NULL DEFAULT '',
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    received_on     TEXT   NOT NULL,
    recorded_by     BIGINT NOT NULL REFERENCES accounts(id),
    recorded_at     BIGINT NOT NULL,
    CONSTRAINT payments_receipt_unique UNIQUE (practice_id, receipt_number),
    CHECK (method NOT IN ('check','other') OR length(trim(reference)) > 0)
);
CREATE INDEX payments_payer ON payments(practice_id, payer_id);

-- How much of a payment went to each charge; what is not allocated is the payer's credit.
-- The server keeps the sum within the payment and within the charge, in one transaction.
CREATE TABLE allocations (
    payment_id    BIGINT NOT NULL REFERENCES payments(id),
    charge_id     BIGINT NOT NULL REFERENCES charges(id),
    amount_cents  BIGINT NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (payment_id, charge_id)
);
CREATE INDEX allocations_charge ON allocations(charge_id);
