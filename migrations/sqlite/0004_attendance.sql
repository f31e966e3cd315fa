-- Live attendance: each participant's confirmation and attendance per session, every change
-- to it, and the practice's fees for missed sessions. Times are UTC milliseconds.

ALTER TABLE practices ADD COLUMN no_show_fee_cents BIGINT NOT NULL DEFAULT 0
    CHECK (no_show_fee_cents >= 0);
ALTER TABLE practices ADD COLUMN late_cancel_fee_cents BIGINT NOT NULL DEFAULT 0
    CHECK (late_cancel_fee_cents >= 0);

-- One row per participant of a session once anything is recorded for them. `version` goes
-- up with every attendance change, so a device can say which state it changed from.
CREATE TABLE attendance (
    appointment_id  BIGINT NOT NULL REFERENCES appointments(id),
    person_id       BIGINT NOT NULL REFERENCES people(id),
    practice_id     BIGINT NOT NULL REFERENCES practices(id),
    confirmation    TEXT   NOT NULL DEFAULT 'not_confirmed'
                    CHECK (confirmation IN ('not_confirmed','confirmed','declined')),
    choice          TEXT   CHECK (choice IN ('attended','attended_no_fee','no_show','late_cancel','absent_no_fee')),
    service_id      BIGINT REFERENCES services(id),
    -- What the choice charges, kept as it was when chosen: billing reads this.
    charge_cents    BIGINT NOT NULL DEFAULT 0 CHECK (charge_cents >= 0),
    version         BIGINT NOT NULL DEFAULT 0 CHECK (version >= 0),
    changed_by      BIGINT REFERENCES accounts(id),
    changed_at      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (appointment_id, person_id),
    -- A service exactly when attended with a service.
    CHECK ((choice IS NOT NULL AND choice = 'attended') = (service_id IS NOT NULL))
);
CREATE INDEX attendance_person ON attendance(person_id);

-- Every attendance change, applied or superseded by a newer one: who, when, from, to.
CREATE TABLE attendance_changes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id      BIGINT NOT NULL REFERENCES practices(id),
    appointment_id   BIGINT NOT NULL REFERENCES appointments(id),
    person_id        BIGINT NOT NULL REFERENCES people(id),
    from_choice      TEXT,
    from_service_id  BIGINT REFERENCES services(id),
    to_choice        TEXT,
    to_service_id    BIGINT REFERENCES services(id),
    charge_cents     BIGINT NOT NULL,
    outcome          TEXT   NOT NULL CHECK (outcome IN ('applied','superseded')),
    -- The row's version after an applied change; the version that stood for a superseded one.
    version          BIGINT NOT NULL,
    changed_by       BIGINT NOT NULL REFERENCES accounts(id),
    -- When the clinician tapped (server time, corrected for the device's clock) and when the
    -- server received it: they differ for changes queued offline.
    made_at          BIGINT NOT NULL,
    recorded_at      BIGINT NOT NULL
);
CREATE INDEX attendance_changes_row ON attendance_changes(appointment_id, person_id, id);
