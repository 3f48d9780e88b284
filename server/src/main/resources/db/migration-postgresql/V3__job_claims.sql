-- Background work with many nodes on one database (issue 23, JOBS): a row of a queue is claimed by one node for a
-- while (a lease) before that node works on it, so that no two nodes send the same webhook at the same time, and a
-- node that dies leaves its rows to be taken by another once the lease has expired. Times are the claiming node's
-- clock, as every stored_time; a node claims only rows whose lease ended before its own "now".
--
-- claimed_by:    the id of the node that holds the claim (random at each start), NULL when nobody does.
-- claimed_until: when the claim ends; NULL when nobody holds one.

ALTER TABLE webhook_deliveries ADD COLUMN claimed_by text;
ALTER TABLE webhook_deliveries ADD COLUMN claimed_until stored_time;

ALTER TABLE gallery_outbox ADD COLUMN claimed_by text;
ALTER TABLE gallery_outbox ADD COLUMN claimed_until stored_time;

-- Deliveries are made in the order they were recorded (ORDER BY created_at, rowid, as on SQLite, whose implicit
-- rowid orders the rows of one microsecond): the column of that name V1 gives the tables ordered that way.
ALTER TABLE webhook_deliveries ADD COLUMN rowid bigint GENERATED ALWAYS AS IDENTITY UNIQUE;

-- The claim's scan: deliveries still to make, oldest first (delivered and failed rows stay for the console's log).
CREATE INDEX webhook_deliveries_open ON webhook_deliveries(created_at)
  WHERE delivered_at IS NULL AND failed_at IS NULL;

-- Mail that SMTP refused is retried by whichever node claims it (mail.Outbox.retryDue): the attempts made so far,
-- when the next one is due (NULL: never: kept for the operator only, as without SMTP), and the claim.
ALTER TABLE email_outbox ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE email_outbox ADD COLUMN next_attempt_at stored_time;
ALTER TABLE email_outbox ADD COLUMN claimed_by text;
ALTER TABLE email_outbox ADD COLUMN claimed_until stored_time;
