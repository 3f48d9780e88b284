package io.facesearch.accounts;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.facesearch.billing.Credits;
import io.facesearch.mail.Mailer;
import io.facesearch.store.Accounts;
import io.facesearch.store.Database;
import io.facesearch.store.Tx;
import io.facesearch.store.Users;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>Each decision on what is stored for an address (register, verify, resend, create) is made under
 * {@link Users#lockEmail}, taken before the first read, so two requests for one address cannot both act on the
 * same state; a refresh token is used up by a revocation that only one transaction can win.
 */
public final class Registration {

  /** What verification returns (the API key and tokens are shown once). */
  public record Verified(
      String accessToken,
      String refreshToken,
      long expiresIn,
      String organizationId,
      String organizationName,
      Application application,
      String apiKey) {}

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
  private final Users users = new Users();
  private final Accounts accounts = new Accounts();
  private final AccountStore accountStore;

  public Registration(Database db, Mailer mailer, Credits credits, int freeCredits, Clock clock) {
    this.db = db;
    this.mailer = mailer;
    this.credits = credits;
    this.freeCredits = freeCredits;
    this.clock = clock;
    this.accountStore = new AccountStore(db, clock);
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
    // bcrypt outside the write transaction; the transaction re-checks that the hash compared is
    // still the one stored.
    // While an unverified address has an unexpired code, only the same password may ask for a new
    // code. Otherwise a
    // second registration of the address would set its own password, and the owner, entering the
    // newest code, would
    // verify an account the other party can sign in to.
    Optional<String> pendingHash = db.read(tx -> users.pendingPasswordHash(tx, email, now));
    boolean samePassword =
        pendingHash.isPresent()
            && BCrypt.verifyer()
                .verify(password.toCharArray(), pendingHash.get().toCharArray())
                .verified;
    String hash = BCrypt.withDefaults().hashToString(BCRYPT_COST, password.toCharArray());
    String code = Secrets.digits(6);
    Outcome outcome =
        db.inTransaction(
            tx -> {
              users.lockEmail(
                  tx,
                  email); // check-then-insert: nobody else decides for this address until we commit
              Optional<Users.UserRow> user = users.byEmail(tx, email);
              String userId;
              if (user.isEmpty()) {
                userId = UUID.randomUUID().toString();
                users.insert(tx, userId, email, hash, null, null, now);
              } else if (user.get().verifiedAt() != null) {
                return Outcome.ALREADY_REGISTERED;
              } else {
                userId = user.get().id();
                Optional<String> stillPending = users.pendingPasswordHash(tx, email, now);
                if (stillPending.isPresent()) {
                  if (!samePassword || !stillPending.equals(pendingHash)) {
                    return Outcome.PENDING_WITH_ANOTHER_PASSWORD;
                  }
                  // the same person asking again: a new code, the password unchanged
                } else {
                  users.setPasswordHash(tx, userId, hash);
                }
              }
              replaceCode(tx, userId, code, now);
              return Outcome.CODE_SENT;
            });
    switch (outcome) {
      case CODE_SENT ->
          mailer.send(
              email,
              "Your facesearch verification code",
              "Your verification code is " + code + ". It is valid for 15 minutes.\n");
      case ALREADY_REGISTERED ->
          mailer.send(
              email,
              "facesearch registration",
              "Someone tried to register this address, which already has an account. If it was you, sign in instead.\n");
      case PENDING_WITH_ANOTHER_PASSWORD ->
          mailer.send(
              email,
              "facesearch registration",
              "Someone tried to register this address again, with another password, while an earlier registration is "
                  + "waiting for its code. Nothing was changed. If it was you, use the code sent earlier, or register "
                  + "again once it has expired (15 minutes after it was sent).\n");
    }
  }

  /** What a registration did; every case answers the caller the same, only the mail differs. */
  private enum Outcome {
    CODE_SENT,
    ALREADY_REGISTERED,
    PENDING_WITH_ANOTHER_PASSWORD
  }

  public Verified verify(String rawEmail, String code) throws RegistrationException {
    String email = rawEmail == null ? "" : rawEmail.strip().toLowerCase(Locale.ROOT);
    if (code == null || code.isBlank()) {
      throw RegistrationException.of("code", "This field is required.");
    }
    Instant now = clock.instant();
    // Empty when the code is wrong: the transaction still commits, so the failed try is counted.
    java.util.Optional<Verified> outcome =
        db.inTransaction(
            tx -> {
              users.lockEmail(
                  tx, email); // the try counter and the code's use are read, then written
              Optional<Users.UserRow> user = users.byEmail(tx, email);
              if (user.isEmpty()) {
                return java.util.Optional.<Verified>empty();
              }
              String userId = user.get().id();
              Optional<Users.CodeRow> pending = users.newestUnusedCode(tx, userId);
              if (pending.isEmpty()
                  || pending.get().failedTries() >= MAX_TRIES
                  || pending.get().expiresAt().isBefore(now)) {
                return java.util.Optional.<Verified>empty();
              }
              if (!java.security.MessageDigest.isEqual(
                  pending.get().codeSha256().getBytes(StandardCharsets.US_ASCII),
                  Secrets.sha256(code.strip()).getBytes(StandardCharsets.US_ASCII))) {
                users.countFailedTry(tx, pending.get().id());
                return java.util.Optional.<Verified>empty();
              }
              users.markCodeUsed(tx, pending.get().id(), now);
              return java.util.Optional.of(createAccount(tx, userId, email, now));
            });
    return outcome.orElseThrow(() -> RegistrationException.of("code", "Invalid or expired code."));
  }

  private Verified createAccount(Tx tx, String userId, String email, Instant now) {
    Application app = accountStore.insertApplication(tx, email, "Default application");
    accounts.setMetered(tx, app.organizationId(), true);
    users.markVerified(tx, userId, app.organizationId(), now);
    if (freeCredits > 0) {
      credits.add(tx, app.organizationId(), freeCredits, "free_balance", "registration");
    }
    AccountStore.NewKey key = accountStore.insertKey(tx, app.id());
    String access = issueToken(tx, "access", userId, app.organizationId(), now);
    String refresh = issueToken(tx, "refresh", userId, app.organizationId(), now);
    return new Verified(
        access, refresh, ACCESS_LIFETIME.toSeconds(), app.organizationId(), email, app, key.key());
  }

  /**
   * Creates a verified console user for an existing organization (the operator's own, which is not created by
   * registration); same password policy. Fails when the address is taken.
   */
  public void createUser(String rawEmail, String password, String organizationId)
      throws RegistrationException {
    String email = rawEmail == null ? "" : rawEmail.strip().toLowerCase(Locale.ROOT);
    if (!EMAIL.matcher(email).matches()) {
      throw RegistrationException.of("email", "Enter a valid email address.");
    }
    String problem = passwordProblem(password, email);
    if (problem != null) {
      throw RegistrationException.of("password", problem);
    }
    String hash = BCrypt.withDefaults().hashToString(BCRYPT_COST, password.toCharArray());
    boolean created =
        db.inTransaction(
            tx -> {
              users.lockEmail(tx, email); // check-then-insert
              if (users.byEmail(tx, email).isPresent()) {
                return false;
              }
              Instant now = clock.instant();
              users.insert(tx, UUID.randomUUID().toString(), email, hash, organizationId, now, now);
              return true;
            });
    if (!created) {
      throw RegistrationException.of("email", "A user with this address exists.");
    }
  }

  /** Tokens of a signed-in user. */
  public record Tokens(
      String accessToken,
      String refreshToken,
      long expiresIn,
      String organizationId,
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
    Optional<User> user =
        db.read(tx -> users.byEmail(tx, email))
            .map(u -> new User(u.id(), u.passwordHash(), u.organizationId()));
    // a hash is checked even for an unknown address, so that timing does not tell which addresses
    // exist
    String hash =
        user.map(User::hash).orElse("$2a$12$C6UzMDM.H6dfI/f/IKxGhuUwbsCsnL1gRS4KbMcQ0kDr1mJcyoHqe");
    boolean ok =
        BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified
            && user.isPresent();
    if (!ok) {
      throw RegistrationException.of("detail", "Invalid email or password.");
    }
    if (user.get().organizationId() == null) {
      throw RegistrationException.of(
          "detail", "Verify the email address first (verify-email, or resend-otp).");
    }
    Instant now = clock.instant();
    return db.inTransaction(tx -> tokens(tx, user.get().id(), user.get().organizationId(), now));
  }

  /** New tokens for an unexpired, unrevoked refresh token, which is used up (rotation); empty when it is not one. */
  public Optional<Tokens> refresh(String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    String hash = Secrets.sha256(refreshToken.strip());
    return db.inTransaction(
        tx -> {
          Optional<Users.TokenRow> token = users.unrevokedToken(tx, hash, "refresh");
          if (token.isEmpty() || !token.get().expiresAt().isAfter(now)) {
            return Optional.<Tokens>empty();
          }
          if (!users.revokeToken(tx, hash, now)) {
            return Optional
                .<Tokens>
                    empty(); // used up by a concurrent refresh: rotation gives one pair per token
          }
          return Optional.of(tokens(tx, token.get().userId(), token.get().organizationId(), now));
        });
  }

  private Tokens tokens(Tx tx, String userId, String organizationId, Instant now) {
    String access = issueToken(tx, "access", userId, organizationId, now);
    String refresh = issueToken(tx, "refresh", userId, organizationId, now);
    String name = accounts.organizationName(tx, organizationId).orElse(null);
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
    boolean sent =
        db.inTransaction(
            tx -> {
              users.lockEmail(tx, email); // the cooldown is read, then a code written
              Optional<Users.UserRow> user = users.byEmail(tx, email);
              if (user.isEmpty() || user.get().verifiedAt() != null) {
                return false;
              }
              Optional<Instant> last = users.newestCodeIssuedAt(tx, user.get().id());
              if (last.isPresent() && last.get().plus(RESEND_COOLDOWN).isAfter(now)) {
                return false;
              }
              replaceCode(tx, user.get().id(), code, now);
              return true;
            });
    if (sent) {
      mailer.send(
          email,
          "Your facesearch verification code",
          "Your verification code is " + code + ". It is valid for 15 minutes.\n");
    }
  }

  /** The organization an unexpired, unrevoked access token acts for, or null. */
  public String organizationForAccessToken(String token) {
    if (token == null || token.isBlank()) {
      return null;
    }
    Instant now = clock.instant();
    return db.read(tx -> users.unrevokedToken(tx, Secrets.sha256(token.strip()), "access"))
        .filter(t -> t.expiresAt().isAfter(now))
        .map(Users.TokenRow::organizationId)
        .orElse(null);
  }

  /** A new token of {@code kind} (access or refresh), stored as its SHA-256; its lifetime starts {@code now}. */
  private String issueToken(Tx tx, String kind, String userId, String organizationId, Instant now) {
    boolean access = kind.equals("access");
    String token = Secrets.random(access ? "fsa_" : "fsr_", 40);
    users.insertToken(
        tx,
        Secrets.sha256(token),
        kind,
        userId,
        organizationId,
        now.plus(access ? ACCESS_LIFETIME : REFRESH_LIFETIME),
        now);
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
    if (!password.chars().anyMatch(Character::isUpperCase)
        || !password.chars().anyMatch(Character::isLowerCase)
        || !password.chars().anyMatch(Character::isDigit)
        || password.chars().allMatch(Character::isLetterOrDigit)) {
      return "The password must contain an uppercase letter, a lowercase letter, a digit and a special character.";
    }
    if (password.equalsIgnoreCase(email)) {
      return "The password must not be the email address.";
    }
    return null;
  }

  /** The user's one pending code becomes {@code code} (stored as its SHA-256), valid for {@link #CODE_LIFETIME}. */
  private void replaceCode(Tx tx, String userId, String code, Instant now) {
    users.replaceCode(
        tx,
        UUID.randomUUID().toString(),
        userId,
        Secrets.sha256(code),
        now.plus(CODE_LIFETIME),
        now);
  }
}
