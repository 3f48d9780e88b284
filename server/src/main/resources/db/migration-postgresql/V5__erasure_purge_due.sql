-- Erasures not yet made physical (issue 23): the transaction that erases a session or a face-list entry also
-- records that a purge is due, so that whichever node runs the next purge pass (one at a time, Database.runAlone)
-- vacuums the erased rows away, even when the node that erased them has died since. Before, the due purge was a
-- flag in the erasing node's memory.
--
-- At most one row (id 1): present while a purge is due; since: when the first erasure after the last pass committed.
-- A pass deletes the row before it starts, so an erasure committed during the pass marks the next one due.
CREATE TABLE erasure_purge_due (
  id     integer PRIMARY KEY CHECK (id = 1),
  since  stored_time NOT NULL
);
