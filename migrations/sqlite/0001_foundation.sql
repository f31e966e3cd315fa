-- Foundation: practices, accounts, server-side sessions, sign-in throttling, audit log.
-- Times are UTC milliseconds since the Unix epoch (BIGINT), the same on both engines.

CREATE TABLE practices (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    time_zone   TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY,
    practice_id    BIGINT  NOT NULL REFERENCES practices(id),
    -- Sign-in identity, stored lower-cased; one account per address across the deployment.
    email          TEXT    NOT NULL,
    display_name   TEXT    NOT NULL CHECK (length(trim(display_name)) > 0),
    role           TEXT    NOT NULL CHECK (role IN ('owner','admin','provider','associate','supervisor','participant')),
    supervisor_id  BIGINT  REFERENCES accounts(id),
    password_hash  TEXT    NOT NULL,
    active         BOOLEAN NOT NULL DEFAULT 1,
    created_at     BIGINT  NOT NULL,
    CONSTRAINT accounts_email_unique UNIQUE (email)
);
CREATE INDEX accounts_practice ON accounts(practice_id);

-- The cookie carries a random token; only its SHA-256 is stored, so a copy of the
-- database does not hand out live sessions.
CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY,
    account_id    BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    practice_id   BIGINT  NOT NULL REFERENCES practices(id),
    created_at    BIGINT  NOT NULL,
    last_seen_at  BIGINT  NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

-- Failures per email address, whether or not an account has it.
CREATE TABLE sign_in_failures (
    email              TEXT    PRIMARY KEY,
    failures           BIGINT  NOT NULL,
    window_started_at  BIGINT  NOT NULL,
    locked_until       BIGINT
);

CREATE TABLE audit_log (
    id                INTEGER PRIMARY KEY,
    -- Null only for events with no practice, such as a failed sign-in to an unknown address.
    practice_id       BIGINT  REFERENCES practices(id),
    actor_account_id  BIGINT  REFERENCES accounts(id),
    actor_label       TEXT    NOT NULL,
    action            TEXT    NOT NULL,
    object_kind       TEXT    NOT NULL,
    object_id         BIGINT,
    outcome           TEXT    NOT NULL CHECK (outcome IN ('success','failure','denied')),
    detail            TEXT    NOT NULL DEFAULT '',
    occurred_at       BIGINT  NOT NULL
);
CREATE INDEX audit_log_practice_time ON audit_log(practice_id, occurred_at);

-- The audit log is append-only: the database itself refuses changes and deletions.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
