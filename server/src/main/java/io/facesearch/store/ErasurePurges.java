package io.facesearch.store;

import java.time.Instant;

/**
 * The {@code erasure_purge_due} table: whether erasures wait to be made physical. An erasure marks a purge due in its
 * own transaction, so the mark is as durable as the erasure and every node of a cluster sees it; the purge pass takes
 * the mark before it starts.
 */
public final class ErasurePurges {

  /** Marks a purge due, unless one is already ({@code since} stays the first erasure's time). */
  public void markDue(Tx tx, Instant now) {
    tx.requireWritable();
    SqlRows.update(
        tx,
        "INSERT INTO erasure_purge_due (id, since) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
        now);
  }

  /** Whether a purge is due. */
  public boolean isDue(Tx tx) {
    return SqlRows.first(tx, "SELECT 1 FROM erasure_purge_due WHERE id = 1", r -> r.getInt(1))
        .isPresent();
  }

  /**
   * Takes the mark: true when a purge was due. Erasures that commit afterwards mark the next purge due; those that
   * committed before are the taker's to purge.
   */
  public boolean takeDue(Tx tx) {
    tx.requireWritable();
    return SqlRows.update(tx, "DELETE FROM erasure_purge_due WHERE id = 1") == 1;
  }
}
