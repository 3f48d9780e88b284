-- Background work with many nodes on one database (issue 23, JOBS): the same columns as PostgreSQL's V3. A row of a
-- queue is claimed by one node (here: the one process that serves the data folder) for a while, a lease, before it
-- is worked on; a claim left by a process that died ends with its lease.
--
-- claimed_by:    the id of the node that holds the claim (random at each start), NULL when nobody does.
-- claimed_until: when the claim ends (StoredTime's form); NULL when nobody holds one.

ALTER TABLE webhook_deliveries ADD COLUMN claimed_by TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN claimed_until TEXT;

ALTER TABLE gallery_outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE gallery_outbox ADD COLUMN claimed_until TEXT;

-- Mail that SMTP refused is retried by the node that claims it (mail.Outbox.retryDue): the attempts made so far,
-- when the next one is due (NULL: never: kept for the operator only, as without SMTP), and the claim.
ALTER TABLE email_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE email_outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE email_outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE email_outbox ADD COLUMN claimed_until TEXT;
