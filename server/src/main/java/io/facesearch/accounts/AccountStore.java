package io.facesearch.accounts;

import io.facesearch.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Organizations, applications and API keys (tables {@code organizations}, {@code applications}, {@code api_keys}). */
public final class AccountStore {

  /** A key as listed: never the key itself. */
  public record KeyInfo(String id, String applicationId, String prefix, Instant createdAt, Instant revokedAt) {
    public boolean active() {
      return revokedAt == null;
    }
  }

  /** A key just created: {@code key} is shown once and never stored. */
  public record NewKey(String id, String applicationId, String key) {}

  /** What first start created. */
  public record Bootstrap(Application application, NewKey key) {}

  private final Database db;

  public AccountStore(Database db) {
    this.db = db;
  }

  /**
   * On an empty database, creates the operator's default organization and application with one API key;
   * otherwise does nothing.
   */
  public Optional<Bootstrap> bootstrapIfEmpty() {
    return db.withConnectionInTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM applications"); ResultSet r = s.executeQuery()) {
        r.next();
        if (r.getLong(1) > 0) {
          return Optional.empty();
        }
      }
      Application app = insertApplication(c, "Default organization", "Default application");
      return Optional.of(new Bootstrap(app, insertKey(c, app.id())));
    });
  }

  /** A new organization with one application (used by tests and, later, registration). */
  public Application createApplication(String organizationName, String applicationName) {
    return db.withConnectionInTransaction(c -> insertApplication(c, organizationName, applicationName));
  }

  public NewKey createKey(String applicationId) {
    return db.withConnectionInTransaction(c -> {
      requireApplication(c, applicationId);
      return insertKey(c, applicationId);
    });
  }

  /** Revokes the key with this id or listed prefix; false when none matches or it was already revoked. */
  public boolean revokeKey(String idOrPrefix) {
    return db.withConnectionInTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE api_keys SET revoked_at = ? WHERE (id = ? OR prefix = ?) AND revoked_at IS NULL")) {
        s.setString(1, Instant.now().toString());
        s.setString(2, idOrPrefix);
        s.setString(3, idOrPrefix);
        return s.executeUpdate() > 0;
      }
    });
  }

  public List<KeyInfo> listKeys() {
    return db.withReadConnection(c -> {
      List<KeyInfo> keys = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, application_id, prefix, created_at, revoked_at FROM api_keys ORDER BY created_at");
           ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String revoked = r.getString(5);
          keys.add(new KeyInfo(r.getString(1), r.getString(2), r.getString(3), Instant.parse(r.getString(4)),
              revoked == null ? null : Instant.parse(revoked)));
        }
      }
      return keys;
    });
  }

  /** The application an active key belongs to. */
  public Optional<Application> authenticate(String key) {
    if (key == null || key.isBlank()) {
      return Optional.empty();
    }
    String hash = ApiKey.sha256(key.strip());
    return db.withReadConnection(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT application_id FROM api_keys WHERE key_sha256 = ? AND revoked_at IS NULL")) {
        s.setString(1, hash);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? findApplication(c, r.getString(1)) : Optional.<Application>empty();
        }
      }
    });
  }

  public Optional<Application> application(String applicationId) {
    return db.withReadConnection(c -> findApplication(c, applicationId));
  }

  /** Every application (for scheduled work such as retention). */
  public List<Application> applications() {
    return db.withReadConnection(c -> {
      List<String> ids = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT id FROM applications ORDER BY created_at");
           ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
      List<Application> apps = new ArrayList<>();
      for (String id : ids) {
        findApplication(c, id).ifPresent(apps::add);
      }
      return apps;
    });
  }

  /** The first application created (the operator's default). */
  public Optional<Application> defaultApplication() {
    return db.withReadConnection(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT id FROM applications ORDER BY created_at, rowid LIMIT 1");
           ResultSet r = s.executeQuery()) {
        return r.next() ? findApplication(c, r.getString(1)) : Optional.<Application>empty();
      }
    });
  }

  public void updateSettings(String applicationId, AppSettings settings) {
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE applications SET similarity_threshold = ?, "
          + "allow_multiple_faces = ?, search_api_sessions = ?, auto_blocklist_declined = ?, retention_days = ?, "
          + "face_match_decline_threshold = ?, liveness_decline_threshold = ?, age_decline_threshold = ?, "
          + "threshold_automatic = ?, target_review_rate = ?, search_unapproved_sessions = ? WHERE id = ?")) {
        s.setDouble(1, settings.operatorThreshold() ? settings.similarityThreshold() : 70);
        s.setInt(2, settings.allowMultipleFaces() ? 1 : 0);
        s.setInt(3, settings.searchApiSessions() ? 1 : 0);
        s.setInt(4, settings.autoBlocklistDeclined() ? 1 : 0);
        if (settings.retentionDays() > 0) {
          s.setInt(5, settings.retentionDays());
        } else {
          s.setNull(5, java.sql.Types.INTEGER);
        }
        s.setDouble(6, settings.faceMatchDeclineThreshold());
        s.setDouble(7, settings.livenessDeclineThreshold());
        s.setDouble(8, settings.ageDeclineThreshold());
        s.setInt(9, settings.operatorThreshold() ? 0 : 1);
        s.setDouble(10, settings.targetReviewRate());
        s.setInt(11, settings.searchUnapprovedSessions() ? 1 : 0);
        s.setString(12, applicationId);
        return s.executeUpdate();
      }
    });
  }

  static Application insertApplication(Connection c, String organizationName, String applicationName)
      throws SQLException {
    String now = Instant.now().toString();
    String orgId = UUID.randomUUID().toString();
    try (PreparedStatement s = c.prepareStatement("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)")) {
      s.setString(1, orgId);
      s.setString(2, organizationName);
      s.setString(3, now);
      s.executeUpdate();
    }
    Application app = new Application(UUID.randomUUID().toString(), orgId, applicationName,
        UUID.randomUUID().toString(), AppSettings.DEFAULTS);
    try (PreparedStatement s = c.prepareStatement("INSERT INTO applications (id, organization_id, name, client_id, "
        + "similarity_threshold, allow_multiple_faces, search_api_sessions, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, app.id());
      s.setString(2, orgId);
      s.setString(3, applicationName);
      s.setString(4, app.clientId());
      s.setDouble(5, 70); // unused while threshold_automatic is 1 (its default)
      s.setInt(6, AppSettings.DEFAULTS.allowMultipleFaces() ? 1 : 0);
      s.setInt(7, AppSettings.DEFAULTS.searchApiSessions() ? 1 : 0);
      s.setString(8, now);
      s.executeUpdate();
    }
    return app;
  }

  static NewKey insertKey(Connection c, String applicationId) throws SQLException {
    String key = ApiKey.generate();
    String id = UUID.randomUUID().toString();
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO api_keys (id, application_id, prefix, key_sha256, created_at) VALUES (?, ?, ?, ?, ?)")) {
      s.setString(1, id);
      s.setString(2, applicationId);
      s.setString(3, ApiKey.listedPrefix(key));
      s.setString(4, ApiKey.sha256(key));
      s.setString(5, Instant.now().toString());
      s.executeUpdate();
    }
    return new NewKey(id, applicationId, key);
  }

  private static void requireApplication(Connection c, String applicationId) throws SQLException {
    if (findApplication(c, applicationId).isEmpty()) {
      throw new IllegalArgumentException("no application " + applicationId);
    }
  }

  private static Optional<Application> findApplication(Connection c, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT id, organization_id, name, client_id, similarity_threshold, "
        + "allow_multiple_faces, search_api_sessions, auto_blocklist_declined, COALESCE(retention_days, 0), "
        + "face_match_decline_threshold, liveness_decline_threshold, age_decline_threshold, threshold_automatic, "
        + "target_review_rate, search_unapproved_sessions FROM applications WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(new Application(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
            new AppSettings(r.getInt(13) == 1 ? AppSettings.AUTOMATIC : r.getDouble(5), r.getInt(6) == 1,
                r.getInt(7) == 1, r.getInt(8) == 1, r.getInt(9), r.getDouble(10), r.getDouble(11), r.getDouble(12),
                r.getDouble(14), r.getInt(15) == 1)));
      }
    }
  }
}
