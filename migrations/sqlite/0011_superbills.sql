-- Superbills: what a client of a clinical case gives their insurer to be reimbursed. Each is
-- made once for one client and period and kept exactly as made (who issued it, the client,
-- the diagnoses with their pointers, each date of service with its code, modifiers, place
-- of service, units, fee and amount paid), numbered without gaps per practice. Workshops
-- and consultation are not reimbursable care: the database refuses their superbills.

CREATE TABLE superbills (
    id                 INTEGER PRIMARY KEY,
    practice_id        BIGINT NOT NULL REFERENCES practices(id),
    case_id            BIGINT NOT NULL REFERENCES cases(id),
    person_id          BIGINT NOT NULL REFERENCES people(id),
    number             BIGINT NOT NULL CHECK (number > 0),
    from_day           TEXT   NOT NULL,
    to_day             TEXT   NOT NULL,
    -- Where the client was for the period's video sessions: 10 at home, 02 elsewhere.
    telehealth_place   TEXT   NOT NULL CHECK (telehealth_place IN ('10','02')),
    practice_name      TEXT   NOT NULL,
    practice_address   TEXT   NOT NULL,
    practice_tax_id    TEXT   NOT NULL,
    practice_npi       TEXT   NOT NULL,
    client_name        TEXT   NOT NULL CHECK (length(trim(client_name)) > 0),
    -- Empty when the practice has not recorded it.
    client_birth_date  TEXT   NOT NULL,
    created_by         BIGINT NOT NULL REFERENCES accounts(id),
    created_at         BIGINT NOT NULL,
    CONSTRAINT superbills_number_unique UNIQUE (practice_id, number),
    CHECK (from_day <= to_day)
);
CREATE INDEX superbills_case ON superbills(case_id, id);

-- The client's diagnoses as the superbill lists them, lettered A to L, the primary first.
CREATE TABLE superbill_diagnoses (
    superbill_id  BIGINT NOT NULL REFERENCES superbills(id),
    pointer       TEXT   NOT NULL CHECK (length(pointer) = 1 AND pointer BETWEEN 'A' AND 'L'),
    code          TEXT   NOT NULL,
    description   TEXT   NOT NULL,
    PRIMARY KEY (superbill_id, pointer)
);

-- One date of service. A code that is not CPT-shaped is kept and flagged (`is_cpt` false).
CREATE TABLE superbill_lines (
    id                INTEGER PRIMARY KEY,
    superbill_id      BIGINT  NOT NULL REFERENCES superbills(id),
    appointment_id    BIGINT  NOT NULL REFERENCES appointments(id),
    service_day       TEXT    NOT NULL,
    code              TEXT    NOT NULL CHECK (length(trim(code)) > 0),
    is_cpt            BOOLEAN NOT NULL,
    description       TEXT    NOT NULL,
    -- Space-separated modifiers, such as 95 for telehealth; empty for none.
    modifiers         TEXT    NOT NULL,
    place_of_service  TEXT    NOT NULL CHECK (place_of_service IN ('11','10','02')),
    units             BIGINT  NOT NULL CHECK (units > 0),
    fee_cents         BIGINT  NOT NULL CHECK (fee_cents >= 0),
    paid_cents        BIGINT  NOT NULL CHECK (paid_cents >= 0),
    provider_name     TEXT    NOT NULL,
    provider_npi      TEXT    NOT NULL,
    -- The diagnoses this line is for, as letters ("AB").
    pointers          TEXT    NOT NULL CHECK (length(pointers) BETWEEN 1 AND 4)
);
CREATE INDEX superbill_lines_superbill ON superbill_lines(superbill_id, id);

CREATE TRIGGER superbills_clinical_only BEFORE INSERT ON superbills
WHEN (SELECT kind FROM cases WHERE id = NEW.case_id)
     NOT IN ('individual','couple','family','therapy_group')
BEGIN
    SELECT RAISE(ABORT, 'superbills are only for individual, couple, family and therapy-group cases');
END;
-- A case's kind never changes in the product; were it changed, a case with superbills
-- could not become a kind that has none.
CREATE TRIGGER cases_keep_superbill_kind BEFORE UPDATE OF kind ON cases
WHEN NEW.kind NOT IN ('individual','couple','family','therapy_group')
     AND EXISTS (SELECT 1 FROM superbills WHERE case_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'superbills are only for individual, couple, family and therapy-group cases');
END;

-- A superbill, once made, never changes.
CREATE TRIGGER superbills_no_update BEFORE UPDATE ON superbills
BEGIN
    SELECT RAISE(ABORT, 'a superbill never changes; make a new one');
END;
CREATE TRIGGER superbills_no_delete BEFORE DELETE ON superbills
BEGIN
    SELECT RAISE(ABORT, 'a superbill never changes; make a new one');
END;
CREATE TRIGGER superbill_diagnoses_no_update BEFORE UPDATE ON superbill_diagnoses
BEGIN
    SELECT RAISE(ABORT, 'a superbill never changes; make a new one');
END;
CREATE TRIGGER superbill_diagnoses_no_delete BEFORE DELETE ON superbill_diagnoses
BEGIN
    SELECT RAISE(ABORT, 'a superbill never changes; make a new one');
END;
CREATE TRIGGER superbill_lines_no_update BEFORE UPDATE ON superbill_lines
BEGIN
    SELECT RAISE(ABORT, 'a superbill never changes; make a new one');
END;
CREATE TRIGGER superbill_lines_no_delete BEFORE DELETE ON superbill_lines
BEGIN
    SELECT RAISE(ABORT, 'a superbill never changes; make a new one');
END;
