-- Group notes and charts: the practice's note templates, one group note per session with an
-- optional note per participant, the chart notes a lock creates (one per attendee, a frozen
-- copy), and dated, signed addenda. Documents are stored as JSON (a structured document,
-- never HTML). Times are UTC milliseconds.

CREATE TABLE note_templates (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id  BIGINT  NOT NULL REFERENCES practices(id),
    name         TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    -- Which cases it is for: 'therapy' notes may use clinical language, the others not.
    language     TEXT    NOT NULL CHECK (language IN ('therapy','workshop','consultation')),
    -- JSON array of section titles.
    sections     TEXT    NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT 1,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    CONSTRAINT note_templates_name_unique UNIQUE (practice_id, name)
);

CREATE TABLE group_notes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id      BIGINT NOT NULL REFERENCES practices(id),
    appointment_id   BIGINT NOT NULL REFERENCES appointments(id),
    case_id          BIGINT NOT NULL REFERENCES cases(id),
    template_id      BIGINT REFERENCES note_templates(id),
    body             TEXT   NOT NULL,
    -- Goes up with every save, so a second writer's stale save is caught, not applied.
    version          BIGINT NOT NULL DEFAULT 1,
    status           TEXT   NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft','in_review','returned','cosigned','locked')),
    created_by       BIGINT NOT NULL REFERENCES accounts(id),
    created_at       BIGINT NOT NULL,
    updated_by       BIGINT NOT NULL REFERENCES accounts(id),
    updated_at       BIGINT NOT NULL,
    submitted_by     BIGINT REFERENCES accounts(id),
    submitted_at     BIGINT,
    -- The supervisor it was sent to.
    reviewer_id      BIGINT REFERENCES accounts(id),
    review_comments  TEXT,
    cosigned_by      BIGINT REFERENCES accounts(id),
    cosigned_at      BIGINT,
    signed_by        BIGINT REFERENCES accounts(id),
    signed_at        BIGINT,
    CONSTRAINT group_notes_session_unique UNIQUE (appointment_id),
    CHECK ((status = 'locked') = (signed_at IS NOT NULL))
);
CREATE INDEX group_notes_reviewer ON group_notes(reviewer_id, status);

CREATE TABLE participant_notes (
    note_id     BIGINT NOT NULL REFERENCES group_notes(id),
    person_id   BIGINT NOT NULL REFERENCES people(id),
    body        TEXT   NOT NULL,
    version     BIGINT NOT NULL CHECK (version > 0),
    updated_by  BIGINT NOT NULL REFERENCES accounts(id),
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (note_id, person_id)
);

-- What went into one participant's chart when a note was locked: a copy, so the chart reads
-- the same forever, whatever later happens to services, names or the case.
CREATE TABLE chart_notes (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id        BIGINT NOT NULL REFERENCES practices(id),
    person_id          BIGINT NOT NULL REFERENCES people(id),
    case_id            BIGINT NOT NULL REFERENCES cases(id),
    appointment_id     BIGINT NOT NULL REFERENCES appointments(id),
    group_note_id      BIGINT NOT NULL REFERENCES group_notes(id),
    session_starts_at  BIGINT NOT NULL,
    session_ends_at    BIGINT NOT NULL,
    session_title      TEXT   NOT NULL,
    attendance         TEXT   NOT NULL,
    service            TEXT,
    group_body         TEXT   NOT NULL,
    own_body           TEXT,
    signed_by_name     TEXT   NOT NULL,
    signed_at          BIGINT NOT NULL,
    cosigned_by_name   TEXT,
    cosigned_at        BIGINT,
    CONSTRAINT chart_notes_once UNIQUE (group_note_id, person_id)
);
CREATE INDEX chart_notes_person ON chart_notes(person_id, session_starts_at);

CREATE TABLE note_addenda (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id     BIGINT NOT NULL REFERENCES practices(id),
    group_note_id   BIGINT NOT NULL REFERENCES group_notes(id),
    -- NULL: for every attendee's chart; otherwise for this participant's only.
    person_id       BIGINT REFERENCES people(id),
    body            TEXT   NOT NULL,
    signed_by       BIGINT NOT NULL REFERENCES accounts(id),
    signed_by_name  TEXT   NOT NULL,
    signed_at       BIGINT NOT NULL
);
CREATE INDEX note_addenda_note ON note_addenda(group_note_id);

-- A locked note never changes again, and the database itself holds to that.
CREATE TRIGGER group_notes_locked_no_update BEFORE UPDATE ON group_notes
WHEN OLD.status = 'locked'
BEGIN
    SELECT RAISE(ABORT, 'a locked note never changes');
END;
CREATE TRIGGER group_notes_locked_no_delete BEFORE DELETE ON group_notes
WHEN OLD.status = 'locked'
BEGIN
    SELECT RAISE(ABORT, 'a locked note never changes');
END;
CREATE TRIGGER participant_notes_locked_no_insert BEFORE INSERT ON participant_notes
WHEN (SELECT status FROM group_notes WHERE id = NEW.note_id) = 'locked'
BEGIN
    SELECT RAISE(ABORT, 'a locked note never changes');
END;
CREATE TRIGGER participant_notes_locked_no_update BEFORE UPDATE ON participant_notes
WHEN (SELECT status FROM group_notes WHERE id = OLD.note_id) = 'locked'
BEGIN
    SELECT RAISE(ABORT, 'a locked note never changes');
END;
CREATE TRIGGER participant_notes_locked_no_delete BEFORE DELETE ON participant_notes
WHEN (SELECT status FROM group_notes WHERE id = OLD.note_id) = 'locked'
BEGIN
    SELECT RAISE(ABORT, 'a locked note never changes');
END;
-- Chart notes come only from a locked note, and never change or go away.
CREATE TRIGGER chart_notes_from_locked BEFORE INSERT ON chart_notes
WHEN (SELECT status FROM group_notes WHERE id = NEW.group_note_id) IS NOT 'locked'
BEGIN
    SELECT RAISE(ABORT, 'chart notes come only from a locked note');
END;
CREATE TRIGGER chart_notes_no_update BEFORE UPDATE ON chart_notes
BEGIN
    SELECT RAISE(ABORT, 'chart notes never change; add an addendum');
END;
CREATE TRIGGER chart_notes_no_delete BEFORE DELETE ON chart_notes
BEGIN
    SELECT RAISE(ABORT, 'chart notes never change; add an addendum');
END;
CREATE TRIGGER note_addenda_to_locked BEFORE INSERT ON note_addenda
WHEN (SELECT status FROM group_notes WHERE id = NEW.group_note_id) IS NOT 'locked'
BEGIN
    SELECT RAISE(ABORT, 'addenda are for locked notes');
END;
CREATE TRIGGER note_addenda_no_update BEFORE UPDATE ON note_addenda
BEGIN
    SELECT RAISE(ABORT, 'addenda never change; add another');
END;
CREATE TRIGGER note_addenda_no_delete BEFORE DELETE ON note_addenda
BEGIN
    SELECT RAISE(ABORT, 'addenda never change; add another');
END;
