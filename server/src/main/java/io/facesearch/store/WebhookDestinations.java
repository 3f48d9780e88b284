package io.facesearch.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Webhook destinations of applications (table {@code webhook_destinations}). */
public final class WebhookDestinations {

  /** One row; {@code subscribedEvents} is a JSON array, {@code secretSealed} the sealed signing secret. */
  public record Row(
      String id,
      String applicationId,
      String label,
      String url,
      boolean enabled,
      String webhookVersion,
      String subscribedEvents,
      String secretSealed,
      Instant createdAt,
      Instant updatedAt) {}

  private static final String COLUMNS =
      "id, application_id, label, url, enabled, webhook_version, subscribed_events, "
          + "secret_encrypted, created_at, updated_at";

  public void insert(Tx tx, Row r) {
    SqlRows.update(
        tx,
        "INSERT INTO webhook_destinations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        r.id(),
        r.applicationId(),
        r.label(),
        r.url(),
        r.enabled(),
        r.webhookVersion(),
        r.subscribedEvents(),
        r.secretSealed(),
        r.createdAt(),
        r.updatedAt());
  }

  /** Rewrites every field but the id, application and creation time; false when there is no such row. */
  public boolean update(Tx tx, Row r) {
    return SqlRows.update(
            tx,
            "UPDATE webhook_destinations SET label = ?, url = ?, enabled = ?, webhook_version = ?, "
                + "subscribed_events = ?, secret_encrypted = ?, updated_at = ? WHERE id = ? AND application_id = ?",
            r.label(),
            r.url(),
            r.enabled(),
            r.webhookVersion(),
            r.subscribedEvents(),
            r.secretSealed(),
            r.updatedAt(),
            r.id(),
            r.applicationId())
        == 1;
  }

  public boolean delete(Tx tx, String applicationId, String id) {
    return SqlRows.update(
            tx,
            "DELETE FROM webhook_destinations WHERE id = ? AND application_id = ?",
            id,
            applicationId)
        == 1;
  }

  public Optional<Row> find(Tx tx, String applicationId, String id) {
    return SqlRows.first(
        tx,
        "SELECT " + COLUMNS + " FROM webhook_destinations WHERE id = ? AND application_id = ?",
        WebhookDestinations::row,
        id,
        applicationId);
  }

  /** The application's destinations, oldest first. */
  public List<Row> all(Tx tx, String applicationId) {
    return SqlRows.list(
        tx,
        "SELECT "
            + COLUMNS
            + " FROM webhook_destinations WHERE application_id = ? "
            + "ORDER BY created_at, id",
        WebhookDestinations::row,
        applicationId);
  }

  private static Row row(ResultSet r) throws SQLException {
    return new Row(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getBoolean(5),
        r.getString(6),
        r.getString(7),
        r.getString(8),
        SqlRows.time(r, 9),
        SqlRows.time(r, 10));
  }
}
