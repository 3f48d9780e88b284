package io.facesearch.store;

import java.time.Instant;

/**
 * The {@code server_secret} table (PostgreSQL only): the one 32-byte secret every node of a cluster signs image URLs
 * and encrypts webhook secrets with. The first node to start stores its candidate; every node then reads the one
 * stored, so nodes starting at the same time agree.
 */
public final class ServerSecrets {

  /**
   * Stores {@code candidate} unless a secret is stored already ({@code ON CONFLICT DO NOTHING}), then returns the
   * stored secret: {@code candidate} for the first caller, the earlier secret for every later one.
   */
  public byte[] createOrRead(Tx tx, byte[] candidate, Instant now) {
    if (candidate.length != 32) {
      throw new IllegalArgumentException("a server secret has 32 bytes");
    }
    SqlRows.update(
        tx,
        "INSERT INTO server_secret (id, secret, created_at) VALUES (1, ?, ?) "
            + "ON CONFLICT (id) DO NOTHING",
        candidate,
        now);
    return SqlRows.first(tx, "SELECT secret FROM server_secret WHERE id = 1", r -> r.getBytes(1))
        .orElseThrow(() -> new StoreException("the server secret was not stored", null));
  }
}
