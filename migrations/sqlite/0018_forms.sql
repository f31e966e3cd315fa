-- Forms and signatures: templates the practice builds (each saved version kept, so a form
-- sent earlier reads as it was sent), a person's copy of a form with its answers and status,
-- who must sign it, and the signatures with their evidence. A submitted form's answers and
-- what was signed never change, and signatures never change or go away: the database
-- refuses it, whatever the application does.

CREATE TABLE form_templates (
    id           INTEGER PRIMARY KEY,
    practice_id  BIGINT  NOT NULL REFERENCES practices(id),
    name         TEXT    NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    form_set     TEXT    NOT NULL CHECK (form_set IN ('intake','workshop','general')),
    -- The current version; every version is in form_template_versions.
    version      BIGINT  NOT NULL CHECK (version >= 1),
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_by   BIGINT  NOT NULL REFERENCES accounts(id),
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    CONSTRAINT form_templates_name_unique UNIQUE (practice_id, name)
);

-- A template as it was at one version: its name and fields (JSON, see domain::forms).
CREATE TABLE form_template_versions (
    template_id  BIGINT  NOT NULL REFERENCES form_templates(id),
    version      BIGINT  NOT NULL,
    name         TEXT    NOT NULL,
    fields       TEXT    NOT NULL,
    created_by   BIGINT  NOT NULL REFERENCES accounts(id),
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (template_id, version)
);
CREATE TRIGGER form_template_versions_no_update BEFORE UPDATE ON form_template_versions
BEGIN
    SELECT RAISE(ABORT, 'a template version never changes; save a new one');
END;
CREATE TRIGGER form_template_versions_no_delete BEFORE DELETE ON form_template_versions
BEGIN
    SELECT RAISE(ABORT, 'a template version never changes; save a new one');
END;

-- One person's copy of a form: whose chart it belongs to, from which case, and where it
-- stands. `content` is exactly what was signed (or submitted), `content_sha256` its hash.
CREATE TABLE form_requests (
    id              INTEGER PRIMARY KEY,
    practice_id     BIGINT  NOT NULL REFERENCES practices(id),
    template_id     BIGINT  NOT NULL,
    version         BIGINT  NOT NULL,
    person_id       BIGINT  NOT NULL REFERENCES people(id),
    case_id         BIGINT  REFERENCES cases(id),
    status          TEXT    NOT NULL CHECK (status IN ('sent','viewed','completed')),
    answers         TEXT,
    content         TEXT,
    content_sha256  TEXT,
    submitted_by    BIGINT  REFERENCES accounts(id),
    submitted_at    BIGINT,
    sent_by         BIGINT  NOT NULL REFERENCES accounts(id),
    sent_at         BIGINT  NOT NULL,
    viewed_at       BIGINT,
    completed_at    BIGINT,
    reminded_at     BIGINT,
    reminders       BIGINT  NOT NULL DEFAULT 0,
    FOREIGN KEY (template_id, version) REFERENCES form_template_versions(template_id, version),
    CHECK ((content_sha256 IS NULL) = (submitted_at IS NULL)),
    CHECK (status <> 'completed' OR content_sha256 IS NOT NULL)
);
CREATE INDEX form_requests_person ON form_requests(person_id, sent_at);
CREATE INDEX form_requests_case ON form_requests(case_id, sent_at);
-- One open copy of a template per person and case: sharing again to a whole group skips
-- those who have it.
CREATE UNIQUE INDEX form_requests_one_open ON form_requests(person_id, template_id, COALESCE(case_id, 0))
    WHERE status <> 'completed';

CREATE TRIGGER form_requests_submitted_never_change BEFORE UPDATE ON form_requests
WHEN OLD.content_sha256 IS NOT NULL AND (
       NEW.answers IS NOT OLD.answers OR NEW.content IS NOT OLD.content
    OR NEW.content_sha256 IS NOT OLD.content_sha256 OR NEW.template_id IS NOT OLD.template_id
    OR NEW.version IS NOT OLD.version OR NEW.person_id IS NOT OLD.person_id
    OR NEW.case_id IS NOT OLD.case_id OR NEW.submitted_by IS NOT OLD.submitted_by
    OR NEW.submitted_at IS NOT OLD.submitted_at
    OR (OLD.status = 'completed' AND (NEW.status IS NOT OLD.status
                                      OR NEW.completed_at IS NOT OLD.completed_at)))
BEGIN
    SELECT RAISE(ABORT, 'a signed form never changes');
END;
CREATE TRIGGER form_requests_submitted_no_delete BEFORE DELETE ON form_requests
WHEN OLD.content_sha256 IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed form never changes');
END;

-- Who must sign a form, and as whom.
CREATE TABLE form_signers (
    request_id  BIGINT NOT NULL REFERENCES form_requests(id),
    person_id   BIGINT NOT NULL REFERENCES people(id),
    capacity    TEXT   NOT NULL CHECK (capacity IN ('self','parent_guardian','representative')),
    PRIMARY KEY (request_id, person_id)
);
CREATE INDEX form_signers_person ON form_signers(person_id);
CREATE TRIGGER form_signers_fixed_once_submitted_insert BEFORE INSERT ON form_signers
WHEN (SELECT content_sha256 FROM form_requests WHERE id = NEW.request_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed form never changes');
END;
CREATE TRIGGER form_signers_fixed_once_submitted_update BEFORE UPDATE ON form_signers
WHEN (SELECT content_sha256 FROM form_requests WHERE id = OLD.request_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed form never changes');
END;
CREATE TRIGGER form_signers_fixed_once_submitted_delete BEFORE DELETE ON form_signers
WHEN (SELECT content_sha256 FROM form_requests WHERE id = OLD.request_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed form never changes');
END;

-- A signature and its evidence: who signed (and as whom), under which account and how it
-- was signed in, the server's time, the client's address and browser, the name typed and
-- the intent agreed to, and the template, its version and the SHA-256 of what was signed.
CREATE TABLE form_signatures (
    id               INTEGER PRIMARY KEY,
    request_id       BIGINT  NOT NULL,
    person_id        BIGINT  NOT NULL,
    capacity         TEXT    NOT NULL CHECK (capacity IN ('self','parent_guardian','representative')),
    account_id       BIGINT  NOT NULL REFERENCES accounts(id),
    sign_in_method   TEXT    NOT NULL,
    typed_name       TEXT    NOT NULL CHECK (length(trim(typed_name)) BETWEEN 2 AND 120),
    intent           TEXT    NOT NULL,
    signed_at        BIGINT  NOT NULL,
    client_address   TEXT    NOT NULL,
    user_agent       TEXT    NOT NULL,
    template_id      BIGINT  NOT NULL,
    template_version BIGINT  NOT NULL,
    content_sha256   TEXT    NOT NULL,
    FOREIGN KEY (request_id, person_id) REFERENCES form_signers(request_id, person_id),
    CONSTRAINT form_signatures_once UNIQUE (request_id, person_id)
);
-- A signature is of the form as submitted: the same hash, template and version.
CREATE TRIGGER form_signatures_of_the_submitted_form BEFORE INSERT ON form_signatures
WHEN NOT EXISTS (SELECT 1 FROM form_requests r
                  WHERE r.id = NEW.request_id AND r.content_sha256 = NEW.content_sha256
                    AND r.template_id = NEW.template_id AND r.version = NEW.template_version)
BEGIN
    SELECT RAISE(ABORT, 'a signature is of the form as submitted');
END;
CREATE TRIGGER form_signatures_no_update BEFORE UPDATE ON form_signatures
BEGIN
    SELECT RAISE(ABORT, 'a signature never changes');
END;
CREATE TRIGGER form_signatures_no_delete BEFORE DELETE ON form_signatures
BEGIN
    SELECT RAISE(ABORT, 'a signature never changes');
END;
