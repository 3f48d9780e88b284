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
