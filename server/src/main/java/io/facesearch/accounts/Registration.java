package io.facesearch.accounts;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.facesearch.billing.Credits;
import io.facesearch.mail.Mailer;
import io.facesearch.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Didit's programmatic registration: {@link #register} stores the user with a bcrypt hash and mails a
 * 6-digit code valid 15 minutes; {@link #verify} checks it and creates the user's organization (metered,
 * with the configured free balance), application and first API key, and returns tokens.
 *
 * <p>Password policy: at least 10 characters and at most 72 bytes in UTF-8 (bcrypt's limit), at least one letter
 * and one digit, not the e-mail address.
 * Registering an address that exists answers the same as a new one: no code is sent for a verified account; an
 * unverified one whose code has not expired gets a fresh code only when the same password is given (else nothing
 * changes and the address is told), and one whose code has expired starts again with the new password. A code
 * dies after {@value #MAX_TRIES} wrong tries, when used, or when a newer code is issued.
 */
public final class Registration {

  /** What verification returns (the API key and tokens are shown once). */
  public record Verified(String accessToken, String refreshToken, long expiresIn, String organizationId,
                         String organizationName, Application application, String apiKey) {}

  static final int MAX_TRIES = 5;
  static final Duration CODE_LIFETIME = Duration.ofMinutes(15);
  static final Duration ACCESS_LIFETIME = Duration.ofHours(24); // Didit's expires_in: 86400
  /** Didit's wait between two resent codes. */
  static final Duration RESEND_COOLDOWN = Duration.ofSeconds(60);
  static final Duration REFRESH_LIFETIME = Duration.ofDays(30);
  private static final int BCRYPT_COST = 12;
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");

  private final Database db;
  private final Mailer mailer;
  private final Credits credits;
  private final int freeCredits;
  private final Clock clock;

  public Registration(Database db, Mailer mailer, Credits credits, int freeCredits, Clock clock) {
    this.db = db;
    this.mailer = mailer;
    this.credits = credits;
    this.freeCredits = freeCredits;
    this.clock = clock;
  }

  public void register(String rawEmail, String password) throws RegistrationException {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    String email = rawEmail == null ? "" : rawEmail.strip().toLowerCase(Locale.ROOT);
    if (email.isEmpty()) {
      errors.put("email", List.of("This field is required."));
    } else if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
      errors.put("email", List.of("Enter a valid email address."));
    }
    String problem = passwordProblem(password, email);
    if (problem != null) {
      errors.put("password", List.of(problem));
    }
    if (!errors.isEmpty()) {
      throw new RegistrationException(errors);
    }
    Instant now = clock.instant();
    // bcrypt outside the write transaction; the transaction re-checks that the hash compared is still the one stored
    Optional<String> pendingHash = db.withReadConnection(c -> pendingPasswordHash(c, email, now));
    boolean samePassword = pendingHash.isPresent()
        && BCrypt.verifyer().verify(password.toCharArray(), pendingHash.get().toCharArray()).verified;
    String hash = BCrypt.withDefaults().hashToString(BCRYPT_COST, password.toCharArray());
    String code = Secrets.digits(6);
    Outcome outcome = db.withConnectionInTransaction(c -> {
      String userId = userId(c, email);
      if (userId == null) {
        userId = UUID.randomUUID().toString();
        try (PreparedStatement q = c.prepareStatement(
            "INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)")) {
          q.setString(1, userId);
          q.setString(2, email);
          q.setString(3, hash);
          q.setString(4, now.toString());
          q.executeUpdate();
        }
      } else if (verified(c, userId)) {
        return Outcome.ALREADY_REGISTERED;
      } else {
        Optional<String> stillPending = pendingPasswordHash(c, email, now);
        if (stillPending.isPresent()) {
          if (!samePassword || !stillPending.equals(pendingHash)) {
            return Outcome.PENDING_WITH_ANOTHER_PASSWORD;
          }
          // the same person asking again: a new code, the password unchanged
        } else {
          try (PreparedStatement q = c.prepareStatement("UPDATE users SET password_hash = ? WHERE id = ?")) {
            q.setString(1, hash);
            q.setString(2, userId);
            q.executeUpdate();
          }
        }
      }
      replaceCode(c, userId, code, now);
      return Outcome.CODE_SENT;
    });
    switch (outcome) {
      case CODE_SENT -> mailer.send(email, "Your facesearch verification code",
          "Your verification code is " + code + ". It is valid for 15 minutes.\n");
      case ALREADY_REGISTERED -> mailer.send(email, "facesearch registration",
          "Someone tried to register this address, which already has an account. If it was you, sign in instead.\n");
      case PENDING_WITH_ANOTHER_PASSWORD -> mailer.send(email, "facesearch registration",
          "Someone tried to register this address again, with another password, while an earlier registration is "
              + "waiting for its code. Nothing was changed. If it was you, use the code sent earlier, or register "
              + "again once it has expired (15 minutes after it was sent).\n");
    }
  }

  /** What a registration did; every case answers the caller the same, only the mail differs. */
  private enum Outcome { CODE_SENT, ALREADY_REGISTERED, PENDING_WITH_ANOTHER_PASSWORD }

  /**
   * The password hash of an unverified user whose code has not expired (used up by wrong tries or not): while it
   * waits, only the same password may ask for a new code. Otherwise a second registration of the address would
   * set its own password, and the owner, entering the newest code, would verify an account the other party can
   * sign in to.
   */
  private static Optional<String> pendingPasswordHash(Connection c, String email, Instant now) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT u.password_hash FROM users u JOIN email_codes e "
        + "ON e.user_id = u.id WHERE u.email = ? AND u.email_verified_at IS NULL AND e.used_at IS NULL "
        + "AND e.expires_at > ?")) {
      q.setString(1, email);
      q.setString(2, now.toString());
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    }
  }

  public Verified verify(String rawEmail, String code) throws RegistrationException {
    String email = rawEmail == null ? "" : rawEmail.strip().toLowerCase(Locale.ROOT);
    if (code == null || code.isBlank()) {
      throw RegistrationException.of("code", "This field is required.");
    }
    Instant now = clock.instant();
    // Empty when the code is wrong: the transaction still commits, so the failed try is counted.
    java.util.Optional<Verified> outcome = db.withConnectionInTransaction(c -> {
      String userId = userId(c, email);
      if (userId == null) {
        return java.util.Optional.<Verified>empty();
      }
      String codeId = null;
      String codeHash = null;
      int tries = 0;
      String expires = null;
      try (PreparedStatement q = c.prepareStatement("SELECT id, code_sha256, failed_tries, expires_at FROM email_codes "
          + "WHERE user_id = ? AND used_at IS NULL ORDER BY created_at DESC LIMIT 1")) {
        q.setString(1, userId);
        try (ResultSet r = q.executeQuery()) {
          if (r.next()) {
            codeId = r.getString(1);
            codeHash = r.getString(2);
            tries = r.getInt(3);
            expires = r.getString(4);
          }
        }
      }
      if (codeId == null || tries >= MAX_TRIES || Instant.parse(expires).isBefore(now)) {
        return java.util.Optional.<Verified>empty();
      }
      if (!java.security.MessageDigest.isEqual(codeHash.getBytes(StandardCharsets.US_ASCII),
          Secrets.sha256(code.strip()).getBytes(StandardCharsets.US_ASCII))) {
        try (PreparedStatement q = c.prepareStatement("UPDATE email_codes SET failed_tries = failed_tries + 1 WHERE id = ?")) {
          q.setString(1, codeId);
          q.executeUpdate();
        }
        return java.util.Optional.<Verified>empty();
      }
      try (PreparedStatement q = c.prepareStatement("UPDATE email_codes SET used_at = ? WHERE id = ?")) {
        q.setString(1, now.toString());
        q.setString(2, codeId);
        q.executeUpdate();
      }
      return java.util.Optional.of(createAccount(c, userId, email, now));
    });
    return outcome.orElseThrow(() -> RegistrationException.of("code", "Invalid or expired code."));
  }

  private Verified createAccount(Connection c, String userId, String email, Instant now) throws SQLException {
    Application app = AccountStore.insertApplication(c, email, "Default application");
    try (PreparedStatement q = c.prepareStatement("UPDATE organizations SET metered = 1 WHERE id = ?")) {
      q.setString(1, app.organizationId());
      q.executeUpdate();
    }
    try (PreparedStatement q = c.prepareStatement(
        "UPDATE users SET organization_id = ?, email_verified_at = ? WHERE id = ?")) {
      q.setString(1, app.organizationId());
      q.setString(2, now.toString());
      q.setString(3, userId);
      q.executeUpdate();
    }
    if (freeCredits > 0) {
      credits.add(c, app.organizationId(), freeCredits, "free_balance", "registration");
    }
    AccountStore.NewKey key = AccountStore.insertKey(c, app.id());
    String access = issueToken(c, "access", userId, app.organizationId(), now.plus(ACCESS_LIFETIME));
    String refresh = issueToken(c, "refresh", userId, app.organizationId(), now.plus(REFRESH_LIFETIME));
    return new Verified(access, refresh, ACCESS_LIFETIME.toSeconds(), app.organizationId(), email, app, key.key());
  }

  /**
   * Creates a verified console user for an existing organization (the operator's own, which is not created by
   * registration); same password policy. Fails when the address is taken.
   */
  public void createUser(String rawEmail, String password, String organizationId) throws RegistrationException {
    String email = rawEmail == null ? "" : rawEmail.strip().toLowerCase(Locale.ROOT);
    if (!EMAIL.matcher(email).matches()) {
      throw RegistrationException.of("email", "Enter a valid email address.");
    }
    String problem = passwordProblem(password, email);
    if (problem != null) {
      throw RegistrationException.of("password", problem);
    }
    String hash = BCrypt.withDefaults().hashToString(BCRYPT_COST, password.toCharArray());
    boolean created = db.withConnectionInTransaction(c -> {
      if (userId(c, email) != null) {
        return false;
      }
      try (PreparedStatement q = c.prepareStatement("INSERT INTO users (id, email, password_hash, organization_id, "
          + "email_verified_at, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
        q.setString(1, UUID.randomUUID().toString());
        q.setString(2, email);
        q.setString(3, hash);
        q.setString(4, organizationId);
        q.setString(5, clock.instant().toString());
        q.setString(6, clock.instant().toString());
        q.executeUpdate();
      }
      return true;
    });
    if (!created) {
      throw RegistrationException.of("email", "A user with this address exists.");
    }
  }

  /** Tokens of a signed-in user. */
  public record Tokens(String accessToken, String refreshToken, long expiresIn, String organizationId,
                       String organizationName) {}

  /**
   * Didit's programmatic login: new tokens for a verified user's e-mail and password.
   *
   * @throws RegistrationException ({@code detail}) when the pair is wrong or the address is not verified yet
   */
  public Tokens login(String rawEmail, String password) throws RegistrationException {
    String email = rawEmail == null ? "" : rawEmail.strip().toLowerCase(Locale.ROOT);
    if (password == null || password.isEmpty() || tooLongForBcrypt(password)) {
      throw RegistrationException.of("detail", "Invalid email or password.");
    }
    record User(String id, String hash, String organizationId) {}
    Optional<User> user = db.withReadConnection(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "SELECT id, password_hash, organization_id FROM users WHERE email = ?")) {
        q.setString(1, email);
        try (ResultSet r = q.executeQuery()) {
          return r.next() ? Optional.of(new User(r.getString(1), r.getString(2), r.getString(3)))
              : Optional.<User>empty();
        }
      }
    });
    // a hash is checked even for an unknown address, so that timing does not tell which addresses exist
    String hash = user.map(User::hash).orElse("$2a$12$C6UzMDM.H6dfI/f/IKxGhuUwbsCsnL1gRS4KbMcQ0kDr1mJcyoHqe");
    boolean ok = BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified && user.isPresent();
    if (!ok) {
      throw RegistrationException.of("detail", "Invalid email or password.");
    }
    if (user.get().organizationId() == null) {
      throw RegistrationException.of("detail", "Verify the email address first (verify-email, or resend-otp).");
    }
    Instant now = clock.instant();
    return db.withConnectionInTransaction(c -> tokens(c, user.get().id(), user.get().organizationId(), now));
  }

  /** New tokens for an unexpired, unrevoked refresh token, which is used up (rotation); empty when it is not one. */
  public Optional<Tokens> refresh(String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return db.withConnectionInTransaction(c -> {
      String userId;
      String organizationId;
      try (PreparedStatement q = c.prepareStatement("SELECT user_id, organization_id, expires_at FROM access_tokens "
          + "WHERE token_sha256 = ? AND kind = 'refresh' AND revoked_at IS NULL")) {
        q.setString(1, Secrets.sha256(refreshToken.strip()));
        try (ResultSet r = q.executeQuery()) {
          if (!r.next() || !Instant.parse(r.getString(3)).isAfter(now)) {
            return Optional.<Tokens>empty();
          }
          userId = r.getString(1);
          organizationId = r.getString(2);
        }
      }
      try (PreparedStatement q = c.prepareStatement(
          "UPDATE access_tokens SET revoked_at = ? WHERE token_sha256 = ?")) {
        q.setString(1, now.toString());
        q.setString(2, Secrets.sha256(refreshToken.strip()));
        q.executeUpdate();
      }
      return Optional.of(tokens(c, userId, organizationId, now));
    });
  }

  private Tokens tokens(Connection c, String userId, String organizationId, Instant now) throws SQLException {
    String access = issueToken(c, "access", userId, organizationId, now.plus(ACCESS_LIFETIME));
    String refresh = issueToken(c, "refresh", userId, organizationId, now.plus(REFRESH_LIFETIME));
    String name = null;
    try (PreparedStatement q = c.prepareStatement("SELECT name FROM organizations WHERE id = ?")) {
      q.setString(1, organizationId);
      try (ResultSet r = q.executeQuery()) {
        name = r.next() ? r.getString(1) : null;
      }
    }
    return new Tokens(access, refresh, ACCESS_LIFETIME.toSeconds(), organizationId, name);
  }

  /**
   * Didit's resend-otp: a fresh code for an address that awaits verification, at most one a minute; nothing (and no
   * sign of it) for an unknown or verified address. The earlier code dies.
   */
  public void resendCode(String rawEmail) {
    String email = rawEmail == null ? "" : rawEmail.strip().toLowerCase(Locale.ROOT);
    Instant now = clock.instant();
    String code = Secrets.digits(6);
    boolean sent = db.withConnectionInTransaction(c -> {
      String userId = userId(c, email);
      if (userId == null || verified(c, userId)) {
        return false;
      }
      try (PreparedStatement q = c.prepareStatement("SELECT MAX(created_at) FROM email_codes WHERE user_id = ?")) {
        q.setString(1, userId);
        try (ResultSet r = q.executeQuery()) {
          String last = r.next() ? r.getString(1) : null;
          if (last != null && Instant.parse(last).plus(RESEND_COOLDOWN).isAfter(now)) {
            return false;
          }
        }
      }
      replaceCode(c, userId, code, now);
      return true;
    });
    if (sent) {
      mailer.send(email, "Your facesearch verification code",
          "Your verification code is " + code + ". It is valid for 15 minutes.\n");
    }
  }

  /** The organization an unexpired, unrevoked access token acts for, or null. */
  public String organizationForAccessToken(String token) {
    if (token == null || token.isBlank()) {
      return null;
    }
    return db.withReadConnection(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT organization_id, expires_at FROM access_tokens "
          + "WHERE token_sha256 = ? AND kind = 'access' AND revoked_at IS NULL")) {
        q.setString(1, Secrets.sha256(token.strip()));
        try (ResultSet r = q.executeQuery()) {
          return r.next() && Instant.parse(r.getString(2)).isAfter(clock.instant()) ? r.getString(1) : null;
        }
      }
    });
  }

  private static String issueToken(Connection c, String kind, String userId, String organizationId, Instant expires)
      throws SQLException {
    String token = Secrets.random(kind.equals("access") ? "fsa_" : "fsr_", 40);
    try (PreparedStatement q = c.prepareStatement("INSERT INTO access_tokens (token_sha256, kind, user_id, "
        + "organization_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      q.setString(1, Secrets.sha256(token));
      q.setString(2, kind);
      q.setString(3, userId);
      q.setString(4, organizationId);
      q.setString(5, expires.toString());
      q.setString(6, Instant.now().toString());
      q.executeUpdate();
    }
    return token;
  }

  /** bcrypt reads at most 72 bytes of a password; the library refuses longer ones rather than cut them. */
  public static boolean tooLongForBcrypt(String password) {
    return password.getBytes(StandardCharsets.UTF_8).length > 72;
  }

  static String passwordProblem(String password, String email) {
    if (password == null || password.isEmpty()) {
      return "This field is required.";
    }
    if (password.length() < 8) {
      return "The password must be at least 8 characters long.";
    }
    if (tooLongForBcrypt(password)) {
      return "The password must be at most 72 bytes long in UTF-8 (72 letters and digits without accents).";
    }
    if (!password.chars().anyMatch(Character::isUpperCase) || !password.chars().anyMatch(Character::isLowerCase)
        || !password.chars().anyMatch(Character::isDigit)
        || password.chars().allMatch(Character::isLetterOrDigit)) {
      return "The password must contain an uppercase letter, a lowercase letter, a digit and a special character.";
    }
    if (password.equalsIgnoreCase(email)) {
      return "The password must not be the email address.";
    }
    return null;
  }

  private static String userId(Connection c, String email) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT id FROM users WHERE email = ?")) {
      q.setString(1, email);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  private static boolean verified(Connection c, String userId) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT email_verified_at FROM users WHERE id = ?")) {
      q.setString(1, userId);
      try (ResultSet r = q.executeQuery()) {
        return r.next() && r.getString(1) != null;
      }
    }
  }

  /** The user's one pending code becomes {@code code} (stored as its SHA-256), valid for {@link #CODE_LIFETIME}. */
  private static void replaceCode(Connection c, String userId, String code, Instant now) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("DELETE FROM email_codes WHERE user_id = ?")) {
      q.setString(1, userId);
      q.executeUpdate();
    }
    try (PreparedStatement q = c.prepareStatement("INSERT INTO email_codes (id, user_id, code_sha256, expires_at, "
        + "created_at) VALUES (?, ?, ?, ?, ?)")) {
      q.setString(1, UUID.randomUUID().toString());
      q.setString(2, userId);
      q.setString(3, Secrets.sha256(code));
      q.setString(4, now.plus(CODE_LIFETIME).toString());
      q.setString(5, now.toString());
      q.executeUpdate();
    }
  }
}
