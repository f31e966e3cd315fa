-- Billing, fifth part: a case's charges shared between payers (a couple 50/50; a sponsor
-- 80% and each participant 20%). The case's payer pays what its shares leave; a participant
-- with their own payer pays in full. Changing the shares brings the case's charges not yet
-- invoiced up to date again, as changing the payer does.
CREATE TABLE payer_shares (
    id                INTEGER PRIMARY KEY,
    practice_id       BIGINT NOT NULL REFERENCES practices(id),
    case_id           BIGINT NOT NULL REFERENCES cases(id),
    payer_kind        TEXT   NOT NULL CHECK (payer_kind IN ('self','contact','organization')),
    payer_contact_id  BIGINT REFERENCES people(id),
    -- Exactly one of: basis points of what fixed shares leave (2000 is 20%), or a fixed
    -- amount of each charge in cents.
    percent_bp        BIGINT CHECK (percent_bp IS NULL OR (percent_bp > 0 AND percent_bp < 10000)),
    fixed_cents       BIGINT CHECK (fixed_cents IS NULL OR fixed_cents > 0),
    created_by        BIGINT NOT NULL REFERENCES accounts(id),
    created_at        BIGINT NOT NULL,
    CHECK ((percent_bp IS NULL) <> (fixed_cents IS NULL)),
    CHECK ((payer_kind = 'self') = (payer_contact_id IS NULL))
);
CREATE INDEX payer_shares_case ON payer_shares(case_id);
