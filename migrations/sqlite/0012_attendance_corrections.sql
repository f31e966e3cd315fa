-- Corrections: once a participant's charge for a session is on an issued invoice, or the
-- session's note is signed and locked, changing their attendance is a correction and needs a
-- reason. The reason is kept with the change in the history; billing takes the difference
-- (a credit note or the next invoice) and a locked note gets a dated addendum for that
-- participant, written in the same transaction.
ALTER TABLE attendance_changes ADD COLUMN reason TEXT
    CHECK (reason IS NULL OR length(trim(reason)) > 0);
