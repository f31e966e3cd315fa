-- People, services, cases (every kind, groups included), providers, sharing, dated
-- membership with a waitlist, billing responsibility, and diagnoses for clinical cases.
-- Dates (not times) are ISO 'YYYY-MM-DD' text, which sorts and compares correctly.

CREATE TABLE people (
    id                 INTEGER PRIMARY KEY,
    practice_id        BIGINT  NOT NULL REFERENCES practices(id),
    kind               TEXT    NOT NULL CHECK (kind IN ('person','billing_contact','organization')),
    legal_name         TEXT    NOT NULL CHECK (length(trim(legal_name)) > 0),
    preferred_name     TEXT,
    pronouns           TEXT,
    date_of_birth      TEXT,
    email              TEXT,
    phone              TEXT,
    address            TEXT,
    emergency_contact  TEXT,
    admin_notes        TEXT,
    -- Lower-cased legal and preferred names, for search as you type.
    search_name        TEXT    NOT NULL,
    created_by         BIGINT  REFERENCES accounts(id),
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);
CREATE INDEX people_practice_name ON people(practice_id, search_name);

-- A portal account is a person's way in.
ALTER TABLE accounts ADD COLUMN person_id BIGINT REFERENCES people(id);

CREATE TABLE services (
    id           INTEGER PRIMARY KEY,
    practice_id  BIGINT  NOT NULL REFERENCES practices(id),
    code         TEXT    NOT NULL,
    name         TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    category     TEXT    NOT NULL CHECK (category IN ('psychotherapy','consultation','other')),
    minutes      BIGINT  NOT NULL CHECK (minutes >= 0),
    fee_cents    BIGINT  NOT NULL CHECK (fee_cents >= 0),
    standard     BOOLEAN NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT 1,
    created_at   BIGINT  NOT NULL,
    CONSTRAINT services_code_unique UNIQUE (practice_id, code)
);

CREATE TABLE cases (
    id                  INTEGER PRIMARY KEY,
    practice_id         BIGINT  NOT NULL REFERENCES practices(id),
    kind                TEXT    NOT NULL CHECK (kind IN ('individual','couple','family','therapy_group','workshop','individual_consultation','consultation_group')),
    name                TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    search_name         TEXT    NOT NULL,
    initials            TEXT,
    capacity            BIGINT  CHECK (capacity IS NULL OR capacity > 0),
    default_service_id  BIGINT  REFERENCES services(id),
    payer_kind          TEXT    NOT NULL DEFAULT 'self' CHECK (payer_kind IN ('self','contact','organization')),
    payer_contact_id    BIGINT  REFERENCES people(id),
    created_by          BIGINT  REFERENCES accounts(id),
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    CONSTRAINT cases_initials_unique UNIQUE (practice_id, initials),
    CHECK ((payer_kind = 'self') = (payer_contact_id IS NULL))
);
CREATE INDEX cases_practice_name ON cases(practice_id, search_name);

-- The usual providers of a case.
CREATE TABLE case_providers (
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    account_id  BIGINT NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (case_id, account_id)
);
CREATE INDEX case_providers_account ON case_providers(account_id);

-- Providers a case was shared with (scheduling it on their calendar, for example).
CREATE TABLE case_shares (
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    account_id  BIGINT NOT NULL REFERENCES accounts(id),
    shared_by   BIGINT NOT NULL REFERENCES accounts(id),
    shared_at   BIGINT NOT NULL,
    PRIMARY KEY (case_id, account_id)
);
CREATE INDEX case_shares_account ON case_shares(account_id);

CREATE TABLE memberships (
    id                INTEGER PRIMARY KEY,
    practice_id       BIGINT NOT NULL REFERENCES practices(id),
    case_id           BIGINT NOT NULL REFERENCES cases(id),
    person_id         BIGINT NOT NULL REFERENCES people(id),
    status            TEXT   NOT NULL CHECK (status IN ('active','waitlisted')),
    joined_on         TEXT   NOT NULL,
    left_on           TEXT,
    -- A participant's own payer, overriding the case's default; null means the default.
    payer_kind        TEXT   CHECK (payer_kind IS NULL OR payer_kind IN ('self','contact','organization')),
    payer_contact_id  BIGINT REFERENCES people(id),
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    CHECK (left_on IS NULL OR left_on > joined_on),
    CHECK (payer_kind IS NOT NULL OR payer_contact_id IS NULL)
);
CREATE INDEX memberships_case ON memberships(case_id, joined_on);
CREATE INDEX memberships_person ON memberships(person_id);
-- One open period per person per case; history rows are closed.
CREATE UNIQUE INDEX memberships_one_open ON memberships(case_id, person_id) WHERE left_on IS NULL;

CREATE TABLE diagnoses (
    id           INTEGER PRIMARY KEY,
    practice_id  BIGINT NOT NULL REFERENCES practices(id),
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    person_id    BIGINT NOT NULL REFERENCES people(id),
    code         TEXT   NOT NULL,
    description  TEXT   NOT NULL,
    noted_on     TEXT   NOT NULL,
    created_by   BIGINT NOT NULL REFERENCES accounts(id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX diagnoses_case ON diagnoses(case_id);

-- Reviewing failed sign-ins to one address.
CREATE INDEX audit_log_actor_label ON audit_log(actor_label, occurred_at);
