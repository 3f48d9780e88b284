package io.facesearch.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** API keys (table {@code api_keys}): only a key's SHA-256 and listed prefix are stored. */
public final class ApiKeys {

  /** A key as stored; {@code revokedAt} null while it is active. */
  public record KeyRow(
      String id, String applicationId, String prefix, Instant createdAt, Instant revokedAt) {}

  public void insert(
      Tx tx, String id, String applicationId, String prefix, String sha256, Instant createdAt) {
    SqlRows.update(
        tx,
        "INSERT INTO api_keys (id, application_id, prefix, key_sha256, created_at) "
            + "VALUES (?, ?, ?, ?, ?)",
        id,
        applicationId,
        prefix,
        sha256,
        createdAt);
  }

  /** Revokes the active key with this id or prefix; false when there is none. */
  public boolean revoke(Tx tx, String idOrPrefix, Instant at) {
    return SqlRows.update(
            tx,
            "UPDATE api_keys SET revoked_at = ? WHERE (id = ? OR prefix = ?) AND revoked_at IS NULL",
            at,
            idOrPrefix,
            idOrPrefix)
        > 0;
  }

  /** Every key, oldest first. */
  public List<KeyRow> all(Tx tx) {
    return SqlRows.list(
        tx,
        "SELECT id, application_id, prefix, created_at, revoked_at FROM api_keys "
            + "ORDER BY created_at, rowid",
        r ->
            new KeyRow(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                SqlRows.time(r, 4),
                SqlRows.time(r, 5)));
  }

  /** The application of the active key with this SHA-256. */
  public Optional<String> applicationOfActiveKey(Tx tx, String sha256) {
    return SqlRows.first(
        tx,
        "SELECT application_id FROM api_keys WHERE key_sha256 = ? AND revoked_at IS NULL",
        r -> r.getString(1),
        sha256);
  }
}
