package io.facesearch.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of table {@code webhook_destinations}. */
public final class WebhookDestinationStore {

  /** One row; {@code subscribedEvents} is a JSON array, {@code secretSealed} the sealed signing secret. */
  public record Row(String id, String applicationId, String label, String url, boolean enabled, String webhookVersion,
                    String subscribedEvents, String secretSealed, Instant createdAt, Instant updatedAt) {}

  private static final String COLUMNS = "id, application_id, label, url, enabled, webhook_version, subscribed_events, "
      + "secret_encrypted, created_at, updated_at";

  private final Database db;

  public WebhookDestinationStore(Database db) {
    this.db = db;
  }

  public void insert(Row r) {
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement("INSERT INTO webhook_destinations (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        bind(q, r);
        return q.executeUpdate();
      }
    });
  }

  /** Rewrites every field but the id, application and creation time; false when there is no such row. */
  public boolean update(Row r) {
    return db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement("UPDATE webhook_destinations SET label = ?, url = ?, enabled = ?, "
          + "webhook_version = ?, subscribed_events = ?, secret_encrypted = ?, updated_at = ? "
          + "WHERE id = ? AND application_id = ?")) {
        q.setString(1, r.label());
        q.setString(2, r.url());
        q.setInt(3, r.enabled() ? 1 : 0);
        q.setString(4, r.webhookVersion());
        q.setString(5, r.subscribedEvents());
        q.setString(6, r.secretSealed());
        q.setString(7, r.updatedAt().toString());
        q.setString(8, r.id());
        q.setString(9, r.applicationId());
        return q.executeUpdate() == 1;
      }
    });
  }

  public boolean delete(String applicationId, String id) {
    return db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "DELETE FROM webhook_destinations WHERE id = ? AND application_id = ?")) {
        q.setString(1, id);
        q.setString(2, applicationId);
        return q.executeUpdate() == 1;
      }
    });
  }

  public Optional<Row> find(String applicationId, String id) {
    return db.withReadConnection(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS
          + " FROM webhook_destinations WHERE id = ? AND application_id = ?")) {
        q.setString(1, id);
        q.setString(2, applicationId);
        try (ResultSet r = q.executeQuery()) {
          return r.next() ? Optional.of(row(r)) : Optional.<Row>empty();
        }
      }
    });
  }

  /** The application's destinations, oldest first. */
  public List<Row> all(String applicationId) {
    return db.withReadConnection(c -> all(c, applicationId));
  }

  /** As {@link #all(String)}, in the caller's transaction. */
  public static List<Row> all(Connection c, String applicationId) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS
        + " FROM webhook_destinations WHERE application_id = ? ORDER BY created_at, id")) {
      q.setString(1, applicationId);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          out.add(row(r));
        }
      }
    }
    return out;
  }

  private static void bind(PreparedStatement q, Row r) throws SQLException {
    q.setString(1, r.id());
    q.setString(2, r.applicationId());
    q.setString(3, r.label());
    q.setString(4, r.url());
    q.setInt(5, r.enabled() ? 1 : 0);
    q.setString(6, r.webhookVersion());
    q.setString(7, r.subscribedEvents());
    q.setString(8, r.secretSealed());
    q.setString(9, r.createdAt().toString());
    q.setString(10, r.updatedAt().toString());
  }

  private static Row row(ResultSet r) throws SQLException {
    return new Row(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5) != 0, r.getString(6),
        r.getString(7), r.getString(8), Instant.parse(r.getString(9)), Instant.parse(r.getString(10)));
  }
}
