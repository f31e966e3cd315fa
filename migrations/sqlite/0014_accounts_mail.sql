-- Accounts and email: invitations (staff and portal), password resets, and the outbox
-- every email is written to in the same transaction as what caused it.

-- An invitation to join the practice. Only the link token's SHA-256 is stored; resending
-- replaces it, so an earlier link stops working. The account is made when it is accepted.
CREATE TABLE invitations (
    id             INTEGER PRIMARY KEY,
    practice_id    BIGINT  NOT NULL REFERENCES practices(id),
    email          TEXT    NOT NULL,
    display_name   TEXT    NOT NULL CHECK (length(trim(display_name)) > 0),
    role           TEXT    NOT NULL CHECK (role IN ('owner','admin','provider','associate','supervisor','participant')),
    supervisor_id  BIGINT  REFERENCES accounts(id),
    -- The person a portal account will belong to; none for staff.
    person_id      BIGINT  REFERENCES people(id),
    token_hash     TEXT    NOT NULL,
    invited_by     BIGINT  NOT NULL REFERENCES accounts(id),
    created_at     BIGINT  NOT NULL,
    expires_at     BIGINT  NOT NULL,
    accepted_at    BIGINT,
    revoked_at     BIGINT,
    account_id     BIGINT  REFERENCES accounts(id),
    CONSTRAINT invitations_token_unique UNIQUE (token_hash)
);
CREATE INDEX invitations_practice ON invitations(practice_id, created_at);
-- At most one open invitation per address.
CREATE UNIQUE INDEX invitations_open_email ON invitations(email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

CREATE TABLE password_resets (
    token_hash  TEXT    PRIMARY KEY,
    account_id  BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT
);
CREATE INDEX password_resets_account ON password_resets(account_id, created_at);

-- Every email Gather sends. A worker claims due rows (a lease, so a crashed worker's rows
-- come back), sends, and records the outcome; the dedupe key makes writing the same email
-- twice a no-op. The body, which may hold a sign-in link, is cleared once sent.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    practice_id      BIGINT  REFERENCES practices(id),
    dedupe_key       TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    recipient        TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('queued','sending','sent','retrying','failed')),
    attempts         BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,
    claimed_by       TEXT,
    claimed_until    BIGINT,
    last_error       TEXT    NOT NULL DEFAULT '',
    created_at       BIGINT  NOT NULL,
    sent_at          BIGINT,
    CONSTRAINT outbox_dedupe_unique UNIQUE (dedupe_key)
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_practice ON outbox(practice_id, created_at);
