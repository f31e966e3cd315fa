-- The calendar: recurring series, appointments (single sessions and the occurrences of a
-- series, each its own row so one can be moved or cancelled), their providers, frozen
-- session rosters and private calendar feeds. Times are UTC milliseconds; `local_day` is
-- the practice-local date a session is on, which decides its roster.

CREATE TABLE series (
    -- AUTOINCREMENT: ids of deleted rows are never reused, so audit entries stay unambiguous.
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id  BIGINT NOT NULL REFERENCES practices(id),
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    -- RFC 5545 RRULE body without COUNT or UNTIL, e.g. FREQ=WEEKLY;INTERVAL=2.
    rule         TEXT   NOT NULL,
    first_day    TEXT   NOT NULL,
    -- Local wall-clock start 'HH:MM' in `time_zone`: a Tuesday 18:00 group stays at 18:00
    -- across daylight-saving changes.
    start_time   TEXT   NOT NULL,
    time_zone    TEXT   NOT NULL,
    minutes      BIGINT NOT NULL CHECK (minutes > 0),
    ends_count   BIGINT CHECK (ends_count IS NULL OR ends_count > 0),
    ends_on      TEXT,
    created_by   BIGINT NOT NULL REFERENCES accounts(id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CHECK ((ends_count IS NULL) <> (ends_on IS NULL))
);
CREATE INDEX series_case ON series(case_id);

CREATE TABLE appointments (
    -- Planned sessions can be deleted by series edits; their ids must never come back.
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id    BIGINT NOT NULL REFERENCES practices(id),
    case_id        BIGINT NOT NULL REFERENCES cases(id),
    series_id      BIGINT REFERENCES series(id),
    -- The series day this occurrence stands for (its identity in the series, kept when it
    -- is moved to another day).
    occurrence_on  TEXT,
    starts_at      BIGINT NOT NULL,
    ends_at        BIGINT NOT NULL,
    local_day      TEXT   NOT NULL,
    service_id     BIGINT REFERENCES services(id),
    location       TEXT,
    video_link     TEXT,
    status         TEXT   NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled','cancelled')),
    cancel_reason  TEXT,
    cancelled_by   BIGINT REFERENCES accounts(id),
    cancelled_at   BIGINT,
    -- Edited on its own (moved, cancelled): later series edits leave it as it is.
    detached       BOOLEAN NOT NULL DEFAULT 0,
    -- The roster was copied into session_roster (the session ended or was documented) and
    -- no longer follows membership changes.
    roster_frozen  BOOLEAN NOT NULL DEFAULT 0,
    created_by     BIGINT NOT NULL REFERENCES accounts(id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK ((series_id IS NULL) = (occurrence_on IS NULL)),
    CHECK (status = 'scheduled' OR length(trim(cancel_reason)) > 0)
);
CREATE UNIQUE INDEX appointments_occurrence ON appointments(series_id, occurrence_on);
CREATE INDEX appointments_case ON appointments(case_id, starts_at);
CREATE INDEX appointments_practice_time ON appointments(practice_id, starts_at);

-- Who runs each appointment. Start and end are copied from the appointment so that a
-- provider's week is one index range, however many appointments the practice holds.
CREATE TABLE appointment_providers (
    appointment_id  BIGINT NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    account_id      BIGINT NOT NULL REFERENCES accounts(id),
    starts_at       BIGINT NOT NULL,
    ends_at         BIGINT NOT NULL,
    PRIMARY KEY (appointment_id, account_id)
);
CREATE INDEX appointment_providers_calendar ON appointment_providers(account_id, starts_at);

-- A session's participants once its roster is frozen.
CREATE TABLE session_roster (
    appointment_id  BIGINT NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES people(id),
    PRIMARY KEY (appointment_id, person_id)
);

-- One private iCalendar feed per provider; only the token's SHA-256 is kept.
CREATE TABLE calendar_feeds (
    account_id   BIGINT NOT NULL PRIMARY KEY REFERENCES accounts(id),
    practice_id  BIGINT NOT NULL REFERENCES practices(id),
    token_hash   TEXT   NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL
);
