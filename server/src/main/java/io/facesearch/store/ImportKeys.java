package io.facesearch.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The {@code import_keys} table: each entry a bulk import enrolled, written in the same transaction as its session,
 * so that a rerun skips exactly what was enrolled, even after a crash.
 */
public final class ImportKeys {

  /** Records that {@code importKey} was enrolled as {@code sessionId}. */
  public void record(Tx tx, String applicationId, String importKey, String sessionId, Instant now) {
    tx.requireWritable();
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "INSERT INTO import_keys (application_id, import_key, session_id, created_at) VALUES (?, ?, ?, ?)")) {
      q.setString(1, applicationId);
      q.setString(2, importKey);
      q.setString(3, sessionId);
      q.setString(4, StoredTime.encode(now));
      q.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** True when a bulk import already enrolled this key for the application. */
  public boolean contains(Tx tx, String applicationId, String importKey) {
    try (PreparedStatement q =
        tx.connection()
            .prepareStatement(
                "SELECT 1 FROM import_keys WHERE application_id = ? AND import_key = ?")) {
      q.setString(1, applicationId);
      q.setString(2, importKey);
      try (ResultSet r = q.executeQuery()) {
        return r.next();
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }
}
