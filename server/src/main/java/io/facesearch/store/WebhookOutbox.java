package io.facesearch.store;

import java.time.Instant;
import java.util.List;

/**
 * The durable webhook outbox (table {@code webhook_deliveries}): one row per event and target, written in the
 * transaction of the change it reports, then attempted until delivered or failed for good.
 */
public final class WebhookOutbox {

  /** A delivery to make. */
  public record Delivery(
      String id,
      String applicationId,
      String webhookType,
      String url,
      String body,
      String destinationId,
      String eventId) {}

  /** A delivery that is due and claimed by this node, with the attempts made so far. */
  public record Due(
      String id,
      String applicationId,
      String destinationId,
      String url,
      String body,
      int attempts,
      Instant createdAt) {}

  /** Adds a delivery, due at {@code at}. */
  public void insert(Tx tx, Delivery d, Instant at) {
    SqlRows.update(
        tx,
        "INSERT INTO webhook_deliveries (id, application_id, webhook_type, url, body, next_attempt_at, "
            + "created_at, destination_id, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        d.id(),
        d.applicationId(),
        d.webhookType(),
        d.url(),
        d.body(),
        at,
        at,
        d.destinationId(),
        d.eventId());
  }

  /**
   * Claims up to {@code limit} deliveries for {@code lease}'s holder, oldest first: those neither delivered nor
   * failed whose next attempt is due at {@code now} and that no node holds a lease on at {@code now} (never held, or
   * the lease ended: its node died or gave up). On PostgreSQL, nodes claiming at the same moment skip each other's
   * rows ({@link Tx#skipLocked}); a row is claimed by one of them only.
   */
  public List<Due> claimDue(Tx tx, Lease lease, Instant now, int limit) {
    tx.requireWritable();
    List<Claimed> claimed =
        new java.util.ArrayList<>(
            SqlRows.list(
                tx,
                "UPDATE webhook_deliveries SET claimed_by = ?, claimed_until = ? WHERE id IN ("
                    + "SELECT id FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL "
                    + "AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) "
                    + "ORDER BY created_at, rowid LIMIT ?"
                    + tx.skipLocked()
                    + ") RETURNING id, application_id, destination_id, url, body, attempts, created_at, rowid",
                r ->
                    new Claimed(
                        new Due(
                            r.getString(1),
                            r.getString(2),
                            r.getString(3),
                            r.getString(4),
                            r.getString(5),
                            r.getInt(6),
                            SqlRows.time(r, 7)),
                        r.getLong(8)),
                lease.holder().value(),
                lease.until(),
                now,
                now,
                limit));
    // RETURNING's order is none: the order they were recorded in
    claimed.sort(
        java.util.Comparator.comparing((Claimed c) -> c.due().createdAt())
            .thenComparingLong(Claimed::rowid));
    return claimed.stream().map(Claimed::due).toList();
  }

  /** A claimed delivery with its place in the order of recording. */
  private record Claimed(Due due, long rowid) {}

  /**
   * Marks a claimed delivery delivered and ends the claim; false (nothing changed) when {@code holder} no longer holds
   * it (its lease ended and another node claimed it).
   */
  public boolean markDelivered(Tx tx, String id, NodeId holder, int attempts, Instant at) {
    return SqlRows.update(
            tx,
            "UPDATE webhook_deliveries SET attempts = ?, delivered_at = ?, last_error = NULL, "
                + "claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
            attempts,
            at,
            id,
            holder.value())
        == 1;
  }

  /**
   * Records a failed attempt of a claimed delivery and ends the claim: retried at {@code nextAttemptAt}, or failed
   * for good when {@code failedAt} is set. False (nothing changed) when {@code holder} no longer holds it.
   */
  public boolean markAttemptFailed(
      Tx tx,
      String id,
      NodeId holder,
      int attempts,
      String error,
      Instant nextAttemptAt,
      Instant failedAt) {
    return SqlRows.update(
            tx,
            "UPDATE webhook_deliveries SET attempts = ?, last_error = ?, next_attempt_at = ?, "
                + "failed_at = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
            attempts,
            error,
            nextAttemptAt,
            failedAt,
            id,
            holder.value())
        == 1;
  }

  /** Ends {@code holder}'s claim on a delivery it did not attempt, so that any node may claim it again at once. */
  public void release(Tx tx, String id, NodeId holder) {
    SqlRows.update(
        tx,
        "UPDATE webhook_deliveries SET claimed_by = NULL, claimed_until = NULL "
            + "WHERE id = ? AND claimed_by = ?",
        id,
        holder.value());
  }
}
