-- Session reminders by email: each practice's settings, which groups may be named in them,
-- each person's choice and time zone, and every reminder planned, sent or skipped.

-- Absent row: the defaults (on; 48 hours and 2 hours ahead; 8:00 to 21:00).
CREATE TABLE reminder_settings (
    practice_id          BIGINT  NOT NULL PRIMARY KEY REFERENCES practices(id),
    enabled              BOOLEAN NOT NULL,
    first_lead_minutes   BIGINT  NOT NULL CHECK (first_lead_minutes > 0),
    -- None: one reminder only.
    second_lead_minutes  BIGINT  CHECK (second_lead_minutes IS NULL OR second_lead_minutes > 0),
    -- Minutes after local midnight in the recipient's time zone; 1440 is the end of the day.
    window_start_minute  BIGINT  NOT NULL CHECK (window_start_minute BETWEEN 0 AND 1439),
    window_end_minute    BIGINT  NOT NULL CHECK (window_end_minute BETWEEN 1 AND 1440),
    updated_at           BIGINT  NOT NULL,
    CHECK (window_end_minute > window_start_minute)
);

-- A group's name can itself be sensitive: reminders name it only where the practice says so.
ALTER TABLE cases ADD COLUMN name_in_reminders BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN reminders_off BOOLEAN NOT NULL DEFAULT 0;
-- Where the person lives, for the send window and the times in their emails; none: the
-- practice's.
ALTER TABLE people ADD COLUMN time_zone TEXT;

-- One reminder of one session for one person at one lead time. The session's start is part
-- of the key: when a session moves, its old reminders no longer match and new ones are
-- planned. Only the link token's SHA-256 is kept.
CREATE TABLE reminders (
    id                 INTEGER PRIMARY KEY,
    practice_id        BIGINT  NOT NULL REFERENCES practices(id),
    appointment_id     BIGINT  NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    person_id          BIGINT  NOT NULL REFERENCES people(id),
    lead_minutes       BIGINT  NOT NULL CHECK (lead_minutes > 0),
    session_starts_at  BIGINT  NOT NULL,
    due_at             BIGINT  NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('planned','sent','skipped')),
    skip_reason        TEXT,
    link_token_hash    TEXT,
    sent_at            BIGINT,
    created_at         BIGINT  NOT NULL,
    CONSTRAINT reminders_one UNIQUE (appointment_id, person_id, lead_minutes, session_starts_at),
    CONSTRAINT reminders_link_unique UNIQUE (link_token_hash)
);
CREATE INDEX reminders_due ON reminders(status, due_at);
CREATE INDEX reminders_practice ON reminders(practice_id, status, session_starts_at);
CREATE INDEX reminders_person ON reminders(person_id, status);
