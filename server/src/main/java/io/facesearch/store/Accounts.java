package io.facesearch.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Organizations and their applications (tables {@code organizations}, {@code applications}), including an
 * application's own webhook. Rows only: what a setting means is the accounts package's business.
 */
public final class Accounts {

  /** An application's settings as stored; {@code retentionDays} 0 for none. */
  public record Settings(
      double similarityThreshold,
      boolean thresholdAutomatic,
      boolean allowMultipleFaces,
      boolean searchApiSessions,
      boolean autoBlocklistDeclined,
      int retentionDays,
      double faceMatchDeclineThreshold,
      double livenessDeclineThreshold,
      double ageDeclineThreshold,
      double targetReviewRate,
      boolean searchUnapprovedSessions) {}

  /** One application. */
  public record ApplicationRow(
      String id, String organizationId, String name, String clientId, Settings settings) {}

  private static final String APPLICATION_COLUMNS =
      "id, organization_id, name, client_id, similarity_threshold, "
          + "threshold_automatic, allow_multiple_faces, search_api_sessions, auto_blocklist_declined, "
          + "COALESCE(retention_days, 0), face_match_decline_threshold, liveness_decline_threshold, "
          + "age_decline_threshold, target_review_rate, search_unapproved_sessions";

  /**
   * Excludes every other transaction that locks this organization until this one ends: call it before reading
   * what a decision rests on (a balance before a reservation). PostgreSQL: {@code SELECT ... FOR UPDATE} on the
   * organization's row. SQLite: the database's write lock, taken now by a write that changes nothing (under
   * serialised writes it is held already).
   */
  public void lockOrganization(Tx tx, String organizationId) {
    tx.lockRow(
        "UPDATE organizations SET metered = metered WHERE id = ?",
        "SELECT 1 FROM organizations WHERE id = ? FOR UPDATE",
        organizationId);
  }

  public void insertOrganization(Tx tx, String id, String name, Instant createdAt) {
    SqlRows.update(
        tx,
        "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)",
        id,
        name,
        createdAt);
  }

  public boolean organizationExists(Tx tx, String organizationId) {
    return SqlRows.first(tx, "SELECT 1 FROM organizations WHERE id = ?", r -> true, organizationId)
        .isPresent();
  }

  public Optional<String> organizationName(Tx tx, String organizationId) {
    return SqlRows.first(
        tx, "SELECT name FROM organizations WHERE id = ?", r -> r.getString(1), organizationId);
  }

  public boolean metered(Tx tx, String organizationId) {
    return SqlRows.first(
            tx,
            "SELECT metered FROM organizations WHERE id = ?",
            r -> r.getBoolean(1),
            organizationId)
        .orElse(false);
  }

  public void setMetered(Tx tx, String organizationId, boolean metered) {
    SqlRows.update(
        tx, "UPDATE organizations SET metered = ? WHERE id = ?", metered, organizationId);
  }

  /** Whether the organization owning the application is metered. */
  public boolean applicationMetered(Tx tx, String applicationId) {
    return SqlRows.first(
            tx,
            "SELECT o.metered FROM applications a JOIN organizations o "
                + "ON o.id = a.organization_id WHERE a.id = ?",
            r -> r.getBoolean(1),
            applicationId)
        .orElse(false);
  }

  public long countApplications(Tx tx) {
    return SqlRows.number(tx, "SELECT COUNT(*) FROM applications");
  }

  /** A new application with the given settings' flags (the threshold columns keep their defaults). */
  public void insertApplication(Tx tx, ApplicationRow a, Instant createdAt) {
    SqlRows.update(
        tx,
        "INSERT INTO applications (id, organization_id, name, client_id, similarity_threshold, "
            + "allow_multiple_faces, search_api_sessions, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        a.id(),
        a.organizationId(),
        a.name(),
        a.clientId(),
        a.settings().similarityThreshold(),
        a.settings().allowMultipleFaces(),
        a.settings().searchApiSessions(),
        createdAt);
  }

  public Optional<ApplicationRow> application(Tx tx, String applicationId) {
    return SqlRows.first(
        tx,
        "SELECT " + APPLICATION_COLUMNS + " FROM applications WHERE id = ?",
        Accounts::applicationRow,
        applicationId);
  }

  /** Every application, oldest first. */
  public List<ApplicationRow> applications(Tx tx) {
    return SqlRows.list(
        tx,
        "SELECT " + APPLICATION_COLUMNS + " FROM applications ORDER BY created_at, rowid",
        Accounts::applicationRow);
  }

  /** The first application created. */
  public Optional<ApplicationRow> firstApplication(Tx tx) {
    return SqlRows.first(
        tx,
        "SELECT " + APPLICATION_COLUMNS + " FROM applications ORDER BY created_at, rowid LIMIT 1",
        Accounts::applicationRow);
  }

  public void updateSettings(Tx tx, String applicationId, Settings s) {
    SqlRows.update(
        tx,
        "UPDATE applications SET similarity_threshold = ?, allow_multiple_faces = ?, "
            + "search_api_sessions = ?, auto_blocklist_declined = ?, retention_days = ?, "
            + "face_match_decline_threshold = ?, liveness_decline_threshold = ?, age_decline_threshold = ?, "
            + "threshold_automatic = ?, target_review_rate = ?, search_unapproved_sessions = ? WHERE id = ?",
        s.similarityThreshold(),
        s.allowMultipleFaces(),
        s.searchApiSessions(),
        s.autoBlocklistDeclined(),
        s.retentionDays() > 0 ? s.retentionDays() : null,
        s.faceMatchDeclineThreshold(),
        s.livenessDeclineThreshold(),
        s.ageDeclineThreshold(),
        s.thresholdAutomatic(),
        s.targetReviewRate(),
        s.searchUnapprovedSessions(),
        applicationId);
  }

  /**
   * Sets the application's webhook URL and, when {@code secretSealed} is not null, its sealed secret; false (and
   * nothing changed) when that would leave the webhook without a secret.
   */
  public boolean setWebhook(Tx tx, String applicationId, String url, String secretSealed) {
    return SqlRows.update(
            tx,
            "UPDATE applications SET webhook_url = ?, "
                + "webhook_secret_encrypted = COALESCE(?, webhook_secret_encrypted) "
                + "WHERE id = ? AND COALESCE(?, webhook_secret_encrypted) IS NOT NULL",
            url,
            secretSealed,
            applicationId,
            secretSealed)
        == 1;
  }

  public void removeWebhook(Tx tx, String applicationId) {
    SqlRows.update(
        tx,
        "UPDATE applications SET webhook_url = NULL, webhook_secret_encrypted = NULL WHERE id = ?",
        applicationId);
  }

  public Optional<String> webhookUrl(Tx tx, String applicationId) {
    return SqlRows.first(
        tx,
        "SELECT webhook_url FROM applications WHERE id = ?",
        r -> r.getString(1),
        applicationId);
  }

  public Optional<String> webhookSecretSealed(Tx tx, String applicationId) {
    return SqlRows.first(
        tx,
        "SELECT webhook_secret_encrypted FROM applications WHERE id = ?",
        r -> r.getString(1),
        applicationId);
  }

  private static ApplicationRow applicationRow(ResultSet r) throws SQLException {
    return new ApplicationRow(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        new Settings(
            r.getDouble(5),
            r.getBoolean(6),
            r.getBoolean(7),
            r.getBoolean(8),
            r.getBoolean(9),
            r.getInt(10),
            r.getDouble(11),
            r.getDouble(12),
            r.getDouble(13),
            r.getDouble(14),
            r.getBoolean(15)));
  }
}
