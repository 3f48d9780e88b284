package io.facesearch.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Console sign-in state: browser sessions, stored as the SHA-256 of their token ({@code console_sessions}), and
 * failed sign-ins per address ({@code console_sign_in_failures}).
 */
public final class ConsoleSessions {

  /** A stored session with its user's address; {@code applicationId} may be null. */
  public record SessionRow(
      String userId,
      String email,
      String organizationId,
      String applicationId,
      String csrfToken,
      Instant expiresAt) {}

  /** An address's failures in a row; {@code lockedUntil} set while it is locked out. */
  public record Failures(int count, Instant lockedUntil) {}

  /**
   * Excludes every other transaction that locks this address's failure counter until this one ends: call it
   * before reading the counter that the transaction then writes. PostgreSQL: a transaction-scoped advisory lock on
   * the address (the row may not exist yet). SQLite: the database's write lock, taken now by a write that changes
   * nothing (under serialised writes it is held already).
   */
  public void lockSignInFailures(Tx tx, String email) {
    tx.lockKey(
        "UPDATE console_sign_in_failures SET failures = failures WHERE email = ?",
        Tx.KeySpace.SIGN_IN_FAILURES,
        email);
  }

  public Optional<Failures> failures(Tx tx, String email) {
    return SqlRows.first(
        tx,
        "SELECT failures, locked_until FROM console_sign_in_failures WHERE email = ?",
        r -> new Failures(r.getInt(1), SqlRows.time(r, 2)),
        email);
  }

  public void putFailures(Tx tx, String email, Failures f) {
    SqlRows.update(
        tx,
        "INSERT INTO console_sign_in_failures (email, failures, locked_until) VALUES (?, ?, ?) "
            + "ON CONFLICT(email) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
        email,
        f.count(),
        f.lockedUntil());
  }

  public void clearFailures(Tx tx, String email) {
    SqlRows.update(tx, "DELETE FROM console_sign_in_failures WHERE email = ?", email);
  }

  public void deleteExpired(Tx tx, Instant now) {
    SqlRows.update(tx, "DELETE FROM console_sessions WHERE expires_at < ?", now);
  }

  public void insert(
      Tx tx,
      String tokenSha256,
      String userId,
      String organizationId,
      String csrfToken,
      Instant expiresAt,
      Instant createdAt) {
    SqlRows.update(
        tx,
        "INSERT INTO console_sessions (token_sha256, user_id, organization_id, csrf_token, expires_at, "
            + "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        tokenSha256,
        userId,
        organizationId,
        csrfToken,
        expiresAt,
        createdAt);
  }

  public Optional<SessionRow> find(Tx tx, String tokenSha256) {
    return SqlRows.first(
        tx,
        "SELECT s.user_id, u.email, s.organization_id, s.application_id, s.csrf_token, "
            + "s.expires_at FROM console_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_sha256 = ?",
        r ->
            new SessionRow(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                SqlRows.time(r, 6)),
        tokenSha256);
  }

  public void selectApplication(Tx tx, String tokenSha256, String applicationId) {
    SqlRows.update(
        tx,
        "UPDATE console_sessions SET application_id = ? WHERE token_sha256 = ?",
        applicationId,
        tokenSha256);
  }

  public void delete(Tx tx, String tokenSha256) {
    SqlRows.update(tx, "DELETE FROM console_sessions WHERE token_sha256 = ?", tokenSha256);
  }
}
