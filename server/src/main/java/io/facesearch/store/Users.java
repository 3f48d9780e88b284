package io.facesearch.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Console and API users with their one-time e-mail codes and access tokens (tables {@code users},
 * {@code email_codes}, {@code access_tokens}). Codes and tokens are stored as their SHA-256 only.
 */
public final class Users {

  /** A user's sign-in data; {@code organizationId} and {@code verifiedAt} are null until the address is verified. */
  public record UserRow(
      String id, String passwordHash, String organizationId, Instant verifiedAt) {}

  /** The newest unused code of a user. */
  public record CodeRow(String id, String codeSha256, int failedTries, Instant expiresAt) {}

  /** An unrevoked token. */
  public record TokenRow(String userId, String organizationId, Instant expiresAt) {}

  /**
   * Excludes every other transaction that locks this address until this one ends, whether or not a user has it
   * yet: call it before deciding on what is stored for the address (register, verify, resend, create). PostgreSQL:
   * a transaction-scoped advisory lock on the address. SQLite: the database's write lock, taken now by a write
   * that changes nothing (under serialised writes it is held already).
   */
  public void lockEmail(Tx tx, String email) {
    tx.lockKey(
        "UPDATE users SET password_hash = password_hash WHERE email = ?", Tx.KeySpace.EMAIL, email);
  }

  public Optional<UserRow> byEmail(Tx tx, String email) {
    return SqlRows.first(
        tx,
        "SELECT id, password_hash, organization_id, email_verified_at FROM users WHERE email = ?",
        r -> new UserRow(r.getString(1), r.getString(2), r.getString(3), SqlRows.time(r, 4)),
        email);
  }

  public boolean verified(Tx tx, String userId) {
    return SqlRows.first(
            tx,
            "SELECT email_verified_at FROM users WHERE id = ?",
            r -> r.getString(1) != null,
            userId)
        .orElse(false);
  }

  /** A new user; {@code organizationId} and {@code verifiedAt} null for one who has to verify the address. */
  public void insert(
      Tx tx,
      String id,
      String email,
      String passwordHash,
      String organizationId,
      Instant verifiedAt,
      Instant createdAt) {
    SqlRows.update(
        tx,
        "INSERT INTO users (id, email, password_hash, organization_id, email_verified_at, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?)",
        id,
        email,
        passwordHash,
        organizationId,
        verifiedAt,
        createdAt);
  }

  public void setPasswordHash(Tx tx, String userId, String passwordHash) {
    SqlRows.update(tx, "UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, userId);
  }

  public void markVerified(Tx tx, String userId, String organizationId, Instant at) {
    SqlRows.update(
        tx,
        "UPDATE users SET organization_id = ?, email_verified_at = ? WHERE id = ?",
        organizationId,
        at,
        userId);
  }

  /** The password hash of an unverified user with an unused code that expires after {@code now}. */
  public Optional<String> pendingPasswordHash(Tx tx, String email, Instant now) {
    return SqlRows.first(
        tx,
        "SELECT u.password_hash FROM users u JOIN email_codes e ON e.user_id = u.id "
            + "WHERE u.email = ? AND u.email_verified_at IS NULL AND e.used_at IS NULL AND e.expires_at > ?",
        r -> r.getString(1),
        email,
        now);
  }

  /** The user's codes all go; {@code codeSha256} becomes the only one. */
  public void replaceCode(
      Tx tx,
      String codeId,
      String userId,
      String codeSha256,
      Instant expiresAt,
      Instant createdAt) {
    SqlRows.update(tx, "DELETE FROM email_codes WHERE user_id = ?", userId);
    SqlRows.update(
        tx,
        "INSERT INTO email_codes (id, user_id, code_sha256, expires_at, created_at) "
            + "VALUES (?, ?, ?, ?, ?)",
        codeId,
        userId,
        codeSha256,
        expiresAt,
        createdAt);
  }

  public Optional<CodeRow> newestUnusedCode(Tx tx, String userId) {
    return SqlRows.first(
        tx,
        "SELECT id, code_sha256, failed_tries, expires_at FROM email_codes "
            + "WHERE user_id = ? AND used_at IS NULL ORDER BY created_at DESC LIMIT 1",
        r -> new CodeRow(r.getString(1), r.getString(2), r.getInt(3), SqlRows.time(r, 4)),
        userId);
  }

  /** When the user's newest code was issued. */
  public Optional<Instant> newestCodeIssuedAt(Tx tx, String userId) {
    return SqlRows.first(
        tx,
        "SELECT MAX(created_at) FROM email_codes WHERE user_id = ?",
        r -> SqlRows.time(r, 1),
        userId);
  }

  public void countFailedTry(Tx tx, String codeId) {
    SqlRows.update(
        tx, "UPDATE email_codes SET failed_tries = failed_tries + 1 WHERE id = ?", codeId);
  }

  public void markCodeUsed(Tx tx, String codeId, Instant at) {
    SqlRows.update(tx, "UPDATE email_codes SET used_at = ? WHERE id = ?", at, codeId);
  }

  /** Stores a token ({@code kind}: access or refresh) as its SHA-256. */
  public void insertToken(
      Tx tx,
      String tokenSha256,
      String kind,
      String userId,
      String organizationId,
      Instant expiresAt,
      Instant createdAt) {
    SqlRows.update(
        tx,
        "INSERT INTO access_tokens (token_sha256, kind, user_id, organization_id, expires_at, "
            + "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        tokenSha256,
        kind,
        userId,
        organizationId,
        expiresAt,
        createdAt);
  }

  /** The unrevoked token of this kind with this SHA-256. */
  public Optional<TokenRow> unrevokedToken(Tx tx, String tokenSha256, String kind) {
    return SqlRows.first(
        tx,
        "SELECT user_id, organization_id, expires_at FROM access_tokens "
            + "WHERE token_sha256 = ? AND kind = ? AND revoked_at IS NULL",
        r -> new TokenRow(r.getString(1), r.getString(2), SqlRows.time(r, 3)),
        tokenSha256,
        kind);
  }

  /**
   * Revokes an unrevoked token; false when it was revoked already. The test and the write are one statement, so
   * of two transactions using up the same token only one sees true, however writes are scheduled.
   */
  public boolean revokeToken(Tx tx, String tokenSha256, Instant at) {
    return SqlRows.update(
            tx,
            "UPDATE access_tokens SET revoked_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL",
            at,
            tokenSha256)
        == 1;
  }
}
