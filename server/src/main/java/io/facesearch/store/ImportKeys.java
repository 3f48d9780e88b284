package io.facesearch.store;

import java.time.Instant;

/**
 * The {@code import_keys} table: each entry a bulk import enrolled, written in the same transaction as its session,
 * so that a rerun skips exactly what was enrolled, even after a crash.
 */
public final class ImportKeys {

  /** Records that {@code importKey} was enrolled as {@code sessionId}. */
  public void record(Tx tx, String applicationId, String importKey, String sessionId, Instant now) {
    SqlRows.update(
        tx,
        "INSERT INTO import_keys (application_id, import_key, session_id, created_at) VALUES (?, ?, ?, ?)",
        applicationId,
        importKey,
        sessionId,
        now);
  }

  /** True when a bulk import already enrolled this key for the application. */
  public boolean contains(Tx tx, String applicationId, String importKey) {
    return SqlRows.first(
            tx,
            "SELECT 1 FROM import_keys WHERE application_id = ? AND import_key = ?",
            r -> Boolean.TRUE,
            applicationId,
            importKey)
        .isPresent();
  }
}
