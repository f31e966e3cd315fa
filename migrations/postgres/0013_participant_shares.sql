-- Billing: a participant's own shares. A participant with their own payer can have that
-- payer's part of their charges shared with others (their employer 80%, themself 20%); the
-- participant's payer pays what those shares leave. Shares with no membership are the
-- case's, for everyone who follows the case's payer.
ALTER TABLE payer_shares ADD COLUMN membership_id BIGINT REFERENCES memberships(id);
CREATE INDEX payer_shares_membership ON payer_shares(membership_id) WHERE membership_id IS NOT NULL;
