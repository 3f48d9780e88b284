package io.facesearch.console;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.facesearch.accounts.Registration;
import io.facesearch.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Console sign-in: e-mail and password of a verified programmatic account (bcrypt), a random session token of
 * which only the SHA-256 is stored, a per-session CSRF token, and a lockout of {@value #MAX_FAILURES} failed
 * sign-ins in a row for {@link #LOCKOUT} per address (known or not, so the answer reveals nothing).
 */
public final class ConsoleAuth {

  /** A signed-in browser session. {@code applicationId} may be null (the organization's first application). */
  public record SignedIn(String tokenHash, String userId, String email, String organizationId, String applicationId,
                         String csrfToken) {}

  /** The outcome of a sign-in attempt: a token for the cookie, or why not. */
  public record Attempt(String token, boolean lockedOut) {
    boolean ok() {
      return token != null;
    }
  }

  static final int MAX_FAILURES = 5;
  static final Duration LOCKOUT = Duration.ofMinutes(15);
  static final Duration LIFETIME = Duration.ofHours(12);
  /** Compared against when the address is unknown, so that both cases take the same time. */
  private static final String DUMMY_HASH = BCrypt.withDefaults().hashToString(12, "not-a-password-0".toCharArray());
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database db;
  private final Clock clock;

  public ConsoleAuth(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Checks the password and, when right and not locked out, opens a session. */
  public Attempt signIn(String rawEmail, String password) {
    String email = rawEmail == null ? "" : rawEmail.strip().toLowerCase(Locale.ROOT);
    Instant now = clock.instant();
    if (lockedUntil(email).filter(now::isBefore).isPresent()) {
      return new Attempt(null, true);
    }
    record User(String id, String hash, String organizationId) {}
    Optional<User> user = db.withReadConnection(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT id, password_hash, organization_id FROM users "
          + "WHERE email = ? AND email_verified_at IS NOT NULL AND organization_id IS NOT NULL")) {
        q.setString(1, email);
        try (ResultSet r = q.executeQuery()) {
          return r.next() ? Optional.of(new User(r.getString(1), r.getString(2), r.getString(3)))
              : Optional.<User>empty();
        }
      }
    });
    // An empty password never verifies (the policy asks for 10 characters); bcrypt would refuse over 72 bytes.
    char[] pw = password == null || Registration.tooLongForBcrypt(password) ? new char[0] : password.toCharArray();
    boolean verified = BCrypt.verifyer().verify(pw, user.map(User::hash).orElse(DUMMY_HASH).toCharArray()).verified;
    if (!verified || user.isEmpty()) {
      boolean locked = recordFailure(email, now);
      return new Attempt(null, locked);
    }
    String token = random(32);
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement("DELETE FROM console_sign_in_failures WHERE email = ?")) {
        q.setString(1, email);
        q.executeUpdate();
      }
      try (PreparedStatement q = c.prepareStatement("DELETE FROM console_sessions WHERE expires_at < ?")) {
        q.setString(1, now.toString());
        q.executeUpdate();
      }
      try (PreparedStatement q = c.prepareStatement("INSERT INTO console_sessions (token_sha256, user_id, "
          + "organization_id, csrf_token, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
        q.setString(1, sha256(token));
        q.setString(2, user.get().id());
        q.setString(3, user.get().organizationId());
        q.setString(4, random(24));
        q.setString(5, now.plus(LIFETIME).toString());
        q.setString(6, now.toString());
        return q.executeUpdate();
      }
    });
    return new Attempt(token, false);
  }

  /** The live session of a cookie token. */
  public Optional<SignedIn> session(String token) {
    if (token == null || token.isBlank() || token.length() > 100) {
      return Optional.empty();
    }
    String hash = sha256(token);
    return db.withReadConnection(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT s.user_id, u.email, s.organization_id, s.application_id, "
          + "s.csrf_token, s.expires_at FROM console_sessions s JOIN users u ON u.id = s.user_id "
          + "WHERE s.token_sha256 = ?")) {
        q.setString(1, hash);
        try (ResultSet r = q.executeQuery()) {
          if (!r.next() || !Instant.parse(r.getString(6)).isAfter(clock.instant())) {
            return Optional.<SignedIn>empty();
          }
          return Optional.of(new SignedIn(hash, r.getString(1), r.getString(2), r.getString(3), r.getString(4),
              r.getString(5)));
        }
      }
    });
  }

  /** Which application the session shows from now on (the caller checked it belongs to the organization). */
  public void selectApplication(SignedIn s, String applicationId) {
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "UPDATE console_sessions SET application_id = ? WHERE token_sha256 = ?")) {
        q.setString(1, applicationId);
        q.setString(2, s.tokenHash());
        return q.executeUpdate();
      }
    });
  }

  public void signOut(SignedIn s) {
    db.withConnectionInTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement("DELETE FROM console_sessions WHERE token_sha256 = ?")) {
        q.setString(1, s.tokenHash());
        return q.executeUpdate();
      }
    });
  }

  /** Constant-time comparison of a submitted CSRF token with the expected one. */
  public static boolean sameToken(String expected, String submitted) {
    return expected != null && submitted != null && MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), submitted.getBytes(StandardCharsets.UTF_8));
  }

  static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private Optional<Instant> lockedUntil(String email) {
    return db.withReadConnection(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "SELECT locked_until FROM console_sign_in_failures WHERE email = ?")) {
        q.setString(1, email);
        try (ResultSet r = q.executeQuery()) {
          return r.next() && r.getString(1) != null ? Optional.of(Instant.parse(r.getString(1)))
              : Optional.<Instant>empty();
        }
      }
    });
  }

  /** Counts a failure; true when this one locks the address. */
  private boolean recordFailure(String email, Instant now) {
    return db.withConnectionInTransaction(c -> {
      int failures = 0;
      try (PreparedStatement q = c.prepareStatement(
          "SELECT failures, locked_until FROM console_sign_in_failures WHERE email = ?")) {
        q.setString(1, email);
        try (ResultSet r = q.executeQuery()) {
          if (r.next()) {
            boolean lockOver = r.getString(2) != null && !now.isBefore(Instant.parse(r.getString(2)));
            failures = lockOver ? 0 : r.getInt(1);
          }
        }
      }
      failures++;
      boolean lock = failures >= MAX_FAILURES;
      try (PreparedStatement q = c.prepareStatement("INSERT INTO console_sign_in_failures (email, failures, "
          + "locked_until) VALUES (?, ?, ?) ON CONFLICT(email) DO UPDATE SET failures = excluded.failures, "
          + "locked_until = excluded.locked_until")) {
        q.setString(1, email);
        q.setInt(2, lock ? 0 : failures);
        q.setString(3, lock ? now.plus(LOCKOUT).toString() : null);
        q.executeUpdate();
      }
      return lock;
    });
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
