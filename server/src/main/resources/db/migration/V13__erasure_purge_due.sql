-- Erasures not yet made physical (issue 23): the same table as PostgreSQL's V5. The transaction that erases a
-- session or a face-list entry records that a purge is due, so the next pass (the WAL checkpointed and truncated,
-- the gallery's removed faces purged) also follows erasures made before a crash. Before, the due purge was a flag in
-- the process's memory.
--
-- At most one row (id 1): present while a purge is due; since: when the first erasure after the last pass committed
-- (StoredTime's form). A pass deletes the row before it starts, so an erasure committed during the pass marks the
-- next one due.
CREATE TABLE erasure_purge_due (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  since  TEXT NOT NULL
);
