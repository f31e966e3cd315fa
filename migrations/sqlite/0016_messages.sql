-- Secure messages: threads between the practice and one person (a participant or a payer),
-- optionally about one of their cases. A thread is always with exactly one person, so a
-- message to a group is one thread per member and nobody's name reaches anyone else.

CREATE TABLE message_threads (
    id                    INTEGER PRIMARY KEY,
    practice_id           BIGINT  NOT NULL REFERENCES practices(id),
    person_id             BIGINT  NOT NULL REFERENCES people(id),
    case_id               BIGINT  REFERENCES cases(id),
    subject               TEXT    NOT NULL CHECK (length(trim(subject)) > 0),
    -- The staff account that started it; none when the person did.
    started_by            BIGINT  REFERENCES accounts(id),
    created_at            BIGINT  NOT NULL,
    last_message_id       BIGINT  NOT NULL DEFAULT 0,
    last_message_at       BIGINT  NOT NULL,
    -- The newest message each side has read (message ids only grow): what is unread is
    -- what the other side wrote after it.
    practice_read_through BIGINT  NOT NULL DEFAULT 0,
    person_read_through   BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX message_threads_practice ON message_threads(practice_id, last_message_at);
CREATE INDEX message_threads_person ON message_threads(person_id, last_message_at);
CREATE INDEX message_threads_case ON message_threads(case_id);

CREATE TABLE messages (
    id             INTEGER PRIMARY KEY,
    thread_id      BIGINT  NOT NULL REFERENCES message_threads(id),
    practice_id    BIGINT  NOT NULL REFERENCES practices(id),
    -- Who wrote it: a staff account (from the practice) or the person's portal account.
    author_id      BIGINT  REFERENCES accounts(id),
    from_practice  BOOLEAN NOT NULL,
    body           TEXT    NOT NULL CHECK (length(trim(body)) > 0),
    sent_at        BIGINT  NOT NULL
);
CREATE INDEX messages_thread ON messages(thread_id, id);
