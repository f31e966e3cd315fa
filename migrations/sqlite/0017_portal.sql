-- The participant portal, first part: what a participant sees a group called, how late a
-- cancellation may come before the late-cancel fee applies, a private calendar feed per
-- person, and requests a participant makes of the practice (a cancellation now; a seat in a
-- group, a place on its waitlist or an individual appointment later).

-- A group's name can itself be sensitive: participants see a neutral label unless the
-- practice chooses the name. `portal_label` is the practice's own neutral label; none: the
-- label for the case's kind ("Group session", "Workshop", ...).
ALTER TABLE cases ADD COLUMN portal_names_group BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN portal_label TEXT
    CHECK (portal_label IS NULL OR length(trim(portal_label)) BETWEEN 1 AND 60);

-- A cancellation this many hours or fewer before a session is late (its fee may apply).
ALTER TABLE practices ADD COLUMN late_cancel_hours BIGINT NOT NULL DEFAULT 24
    CHECK (late_cancel_hours BETWEEN 0 AND 168);

-- A person's own calendar feed (their sessions, nobody else): the long random token in its
-- address is the credential; only its SHA-256 is kept, and turning it off deletes it.
CREATE TABLE person_feeds (
    person_id    BIGINT NOT NULL PRIMARY KEY REFERENCES people(id),
    practice_id  BIGINT NOT NULL REFERENCES practices(id),
    token_hash   TEXT   NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL
);

-- What a participant asks of the practice from the portal, and what staff decided.
CREATE TABLE portal_requests (
    id              INTEGER PRIMARY KEY,
    practice_id     BIGINT  NOT NULL REFERENCES practices(id),
    person_id       BIGINT  NOT NULL REFERENCES people(id),
    kind            TEXT    NOT NULL CHECK (kind IN ('cancel','seat','waitlist','appointment')),
    appointment_id  BIGINT  REFERENCES appointments(id),
    case_id         BIGINT  REFERENCES cases(id),
    -- A cancellation inside the late-cancel window, and the fee the portal showed then.
    late            BOOLEAN NOT NULL DEFAULT FALSE,
    fee_cents       BIGINT  NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
    note            TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    status          TEXT    NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open','accepted','declined','withdrawn')),
    requested_by    BIGINT  NOT NULL REFERENCES accounts(id),
    requested_at    BIGINT  NOT NULL,
    decided_by      BIGINT  REFERENCES accounts(id),
    decided_at      BIGINT,
    CHECK (kind <> 'cancel' OR appointment_id IS NOT NULL),
    CHECK ((status IN ('open','withdrawn')) = (decided_by IS NULL))
);
CREATE INDEX portal_requests_practice ON portal_requests(practice_id, status, requested_at);
CREATE INDEX portal_requests_person ON portal_requests(person_id, requested_at);
-- One open cancellation per person and session.
CREATE UNIQUE INDEX portal_requests_one_open_cancel ON portal_requests(person_id, appointment_id)
    WHERE kind = 'cancel' AND status = 'open';
