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

  /** A delivery that is due, with the attempts made so far. */
  public record Due(
      String id,
      String applicationId,
      String destinationId,
      String url,
      String body,
      int attempts) {}

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

  /** Up to {@code limit} deliveries neither delivered nor failed whose next attempt is due at {@code now}, oldest first. */
  public List<Due> due(Tx tx, Instant now, int limit) {
    return SqlRows.list(
        tx,
        "SELECT id, application_id, destination_id, url, body, attempts FROM webhook_deliveries "
            + "WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? ORDER BY created_at LIMIT ?",
        r ->
            new Due(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                r.getInt(6)),
        now,
        limit);
  }

  public void markDelivered(Tx tx, String id, int attempts, Instant at) {
    SqlRows.update(
        tx,
        "UPDATE webhook_deliveries SET attempts = ?, delivered_at = ?, last_error = NULL WHERE id = ?",
        attempts,
        at,
        id);
  }

  /** Records a failed attempt: retried at {@code nextAttemptAt}, or failed for good when {@code failedAt} is set. */
  public void markAttemptFailed(
      Tx tx, String id, int attempts, String error, Instant nextAttemptAt, Instant failedAt) {
    SqlRows.update(
        tx,
        "UPDATE webhook_deliveries SET attempts = ?, last_error = ?, next_attempt_at = ?, "
            + "failed_at = ? WHERE id = ?",
        attempts,
        error,
        nextAttemptAt,
        failedAt,
        id);
  }
}
