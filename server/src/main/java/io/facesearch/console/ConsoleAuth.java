package io.facesearch.console;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.facesearch.accounts.Registration;
import io.facesearch.store.ConsoleSessions;
import io.facesearch.store.Database;
import io.facesearch.store.Users;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
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
 * sign-ins in a row for {@link #LOCKOUT} per address (known or not, so the answer reveals nothing). The failure
 * counter is read and written under {@link ConsoleSessions#lockSignInFailures}, so that parallel wrong passwords
 * are each counted.
 */
public final class ConsoleAuth {

  /** A signed-in browser session. {@code applicationId} may be null (the organization's first application). */
  public record SignedIn(
      String tokenHash,
      String userId,
      String email,
      String organizationId,
      String applicationId,
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
  private static final String DUMMY_HASH =
      BCrypt.withDefaults().hashToString(12, "not-a-password-0".toCharArray());

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database db;
  private final Clock clock;
  private final ConsoleSessions sessions = new ConsoleSessions();
  private final Users users = new Users();

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
    Optional<User> user =
        db.read(tx -> users.byEmail(tx, email))
            .filter(u -> u.verifiedAt() != null && u.organizationId() != null)
            .map(u -> new User(u.id(), u.passwordHash(), u.organizationId()));
    // An empty password never verifies (the policy asks for 10 characters); bcrypt would refuse
    // over 72 bytes.
    char[] pw =
        password == null || Registration.tooLongForBcrypt(password)
            ? new char[0]
            : password.toCharArray();
    boolean verified =
        BCrypt.verifyer()
            .verify(pw, user.map(User::hash).orElse(DUMMY_HASH).toCharArray())
            .verified;
    if (!verified || user.isEmpty()) {
      boolean locked = recordFailure(email, now);
      return new Attempt(null, locked);
    }
    String token = random(32);
    db.inTransaction(
        tx -> {
          sessions.clearFailures(tx, email);
          sessions.deleteExpired(tx, now);
          sessions.insert(
              tx,
              sha256(token),
              user.get().id(),
              user.get().organizationId(),
              random(24),
              now.plus(LIFETIME),
              now);
          return null;
        });
    return new Attempt(token, false);
  }

  /** The live session of a cookie token. */
  public Optional<SignedIn> session(String token) {
    if (token == null || token.isBlank() || token.length() > 100) {
      return Optional.empty();
    }
    String hash = sha256(token);
    Instant now = clock.instant();
    return db.read(tx -> sessions.find(tx, hash))
        .filter(r -> r.expiresAt().isAfter(now))
        .map(
            r ->
                new SignedIn(
                    hash,
                    r.userId(),
                    r.email(),
                    r.organizationId(),
                    r.applicationId(),
                    r.csrfToken()));
  }

  /** Which application the session shows from now on (the caller checked it belongs to the organization). */
  public void selectApplication(SignedIn s, String applicationId) {
    db.inTransaction(
        tx -> {
          sessions.selectApplication(tx, s.tokenHash(), applicationId);
          return null;
        });
  }

  public void signOut(SignedIn s) {
    db.inTransaction(
        tx -> {
          sessions.delete(tx, s.tokenHash());
          return null;
        });
  }

  /** Constant-time comparison of a submitted CSRF token with the expected one. */
  public static boolean sameToken(String expected, String submitted) {
    return expected != null
        && submitted != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), submitted.getBytes(StandardCharsets.UTF_8));
  }

  static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private Optional<Instant> lockedUntil(String email) {
    return db.read(tx -> sessions.failures(tx, email)).map(ConsoleSessions.Failures::lockedUntil);
  }

  /** Counts a failure; true when this one locks the address. */
  private boolean recordFailure(String email, Instant now) {
    return db.inTransaction(
        tx -> {
          sessions.lockSignInFailures(
              tx, email); // read-then-write: the count read decides the count written
          Optional<ConsoleSessions.Failures> stored = sessions.failures(tx, email);
          if (stored.isPresent()
              && stored.get().lockedUntil() != null
              && now.isBefore(stored.get().lockedUntil())) {
            return true; // locked by a failure that came in while this attempt was checked: it
            // stays locked
          }
          int failures =
              stored
                  .map(f -> f.lockedUntil() != null ? 0 : f.count())
                  .orElse(0); // a lock that is over: anew
          failures++;
          boolean lock = failures >= MAX_FAILURES;
          sessions.putFailures(
              tx,
              email,
              new ConsoleSessions.Failures(lock ? 0 : failures, lock ? now.plus(LOCKOUT) : null));
          return lock;
        });
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
