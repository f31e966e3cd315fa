-- Billing, fourth part: money given back (refunds) and charges reduced without payment
-- (adjustments and write-offs). Both are money movements, written once and never changed or
-- deleted: a mistake is put right by another movement, so statements and audits stay true.

-- Money given back to a payer out of one payment's unapplied part (their credit), by a
-- stated method and for a stated reason. A refund is money leaving the practice, never a
-- credit on the account.
CREATE TABLE refunds (
    id            INTEGER PRIMARY KEY,
    practice_id   BIGINT NOT NULL REFERENCES practices(id),
    payment_id    BIGINT NOT NULL REFERENCES payments(id),
    method        TEXT   NOT NULL CHECK (method IN ('cash','check','card','bank_transfer','other')),
    reference     TEXT   NOT NULL DEFAULT '',
    amount_cents  BIGINT NOT NULL CHECK (amount_cents > 0),
    reason        TEXT   NOT NULL CHECK (length(trim(reason)) > 0),
    refunded_on   TEXT   NOT NULL,
    recorded_by   BIGINT NOT NULL REFERENCES accounts(id),
    recorded_at   BIGINT NOT NULL,
    CHECK (method NOT IN ('check','other') OR length(trim(reference)) > 0)
);
CREATE INDEX refunds_payment ON refunds(payment_id);

-- Part of a charge the practice will not collect: a sliding-scale reduction, a courtesy or
-- pro bono adjustment, or a bad-debt write-off (positive), each with its reason. When a
-- charge later shrinks below what was adjusted off it, the excess comes back as a negative
-- 'charge_changed' movement; the original row stays as it was.
CREATE TABLE adjustments (
    id            INTEGER PRIMARY KEY,
    practice_id   BIGINT NOT NULL REFERENCES practices(id),
    charge_id     BIGINT NOT NULL REFERENCES charges(id),
    reason        TEXT   NOT NULL CHECK (reason IN
                      ('sliding_scale','courtesy','pro_bono','bad_debt','other','charge_changed')),
    note          TEXT   NOT NULL DEFAULT '',
    amount_cents  BIGINT NOT NULL CHECK (amount_cents <> 0),
    adjusted_on   TEXT   NOT NULL,
    recorded_by   BIGINT NOT NULL REFERENCES accounts(id),
    recorded_at   BIGINT NOT NULL,
    CHECK (reason <> 'other' OR length(trim(note)) > 0),
    CHECK ((reason = 'charge_changed') = (amount_cents < 0))
);
CREATE INDEX adjustments_charge ON adjustments(charge_id);
CREATE INDEX adjustments_practice_day ON adjustments(practice_id, adjusted_on);

CREATE TRIGGER refunds_never_change BEFORE UPDATE ON refunds
BEGIN
    SELECT RAISE(ABORT, 'a refund never changes');
END;
CREATE TRIGGER refunds_no_delete BEFORE DELETE ON refunds
BEGIN
    SELECT RAISE(ABORT, 'a refund never changes');
END;
CREATE TRIGGER adjustments_never_change BEFORE UPDATE ON adjustments
BEGIN
    SELECT RAISE(ABORT, 'an adjustment never changes');
END;
CREATE TRIGGER adjustments_no_delete BEFORE DELETE ON adjustments
BEGIN
    SELECT RAISE(ABORT, 'an adjustment never changes');
END;
