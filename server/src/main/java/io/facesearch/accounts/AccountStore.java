package io.facesearch.accounts;

import io.facesearch.store.Accounts;
import io.facesearch.store.ApiKeys;
import io.facesearch.store.Database;
import io.facesearch.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Organizations, applications and API keys: the rules over repositories {@link Accounts} and {@link ApiKeys}
 * (a key is shown once and stored as its SHA-256; the first application is the operator's default).
 */
public final class AccountStore {

  /** A key as listed: never the key itself. */
  public record KeyInfo(
      String id, String applicationId, String prefix, Instant createdAt, Instant revokedAt) {
    public boolean active() {
      return revokedAt == null;
    }
  }

  /** A key just created: {@code key} is shown once and never stored. */
  public record NewKey(String id, String applicationId, String key) {}

  /** What first start created. */
  public record Bootstrap(Application application, NewKey key) {}

  private final Database db;
  private final Clock clock;
  private final Accounts accounts = new Accounts();
  private final ApiKeys keys = new ApiKeys();

  public AccountStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * On an empty database, creates the operator's default organization and application with one API key;
   * otherwise does nothing.
   */
  public Optional<Bootstrap> bootstrapIfEmpty() {
    return db.inTransaction(
        tx -> {
          if (accounts.countApplications(tx) > 0) {
            return Optional.empty();
          }
          Application app = insertApplication(tx, "Default organization", "Default application");
          return Optional.of(new Bootstrap(app, insertKey(tx, app.id())));
        });
  }

  /** A new organization with one application (used by tests and, later, registration). */
  public Application createApplication(String organizationName, String applicationName) {
    return db.inTransaction(tx -> insertApplication(tx, organizationName, applicationName));
  }

  public NewKey createKey(String applicationId) {
    return db.inTransaction(
        tx -> {
          if (accounts.application(tx, applicationId).isEmpty()) {
            throw new IllegalArgumentException("no application " + applicationId);
          }
          return insertKey(tx, applicationId);
        });
  }

  /** Revokes the key with this id or listed prefix; false when none matches or it was already revoked. */
  public boolean revokeKey(String idOrPrefix) {
    return db.inTransaction(tx -> keys.revoke(tx, idOrPrefix, clock.instant()));
  }

  public List<KeyInfo> listKeys() {
    return db.read(
        tx ->
            keys.all(tx).stream()
                .map(
                    k ->
                        new KeyInfo(
                            k.id(), k.applicationId(), k.prefix(), k.createdAt(), k.revokedAt()))
                .toList());
  }

  /** The application an active key belongs to. */
  public Optional<Application> authenticate(String key) {
    if (key == null || key.isBlank()) {
      return Optional.empty();
    }
    String hash = ApiKey.sha256(key.strip());
    return db.read(
            tx -> keys.applicationOfActiveKey(tx, hash).flatMap(id -> accounts.application(tx, id)))
        .map(AccountStore::application);
  }

  public Optional<Application> application(String applicationId) {
    return db.read(tx -> accounts.application(tx, applicationId)).map(AccountStore::application);
  }

  /** Every application (for scheduled work such as retention). */
  public List<Application> applications() {
    return db.read(accounts::applications).stream().map(AccountStore::application).toList();
  }

  public boolean organizationExists(String organizationId) {
    return db.read(tx -> accounts.organizationExists(tx, organizationId));
  }

  /** The first application created (the operator's default). */
  public Optional<Application> defaultApplication() {
    return db.read(accounts::firstApplication).map(AccountStore::application);
  }

  public void updateSettings(String applicationId, AppSettings settings) {
    Accounts.Settings stored =
        new Accounts.Settings(
            settings.operatorThreshold() ? settings.similarityThreshold() : 70,
            !settings.operatorThreshold(),
            settings.allowMultipleFaces(),
            settings.searchApiSessions(),
            settings.autoBlocklistDeclined(),
            settings.retentionDays(),
            settings.faceMatchDeclineThreshold(),
            settings.livenessDeclineThreshold(),
            settings.ageDeclineThreshold(),
            settings.targetReviewRate(),
            settings.searchUnapprovedSessions());
    db.inTransaction(
        tx -> {
          accounts.updateSettings(tx, applicationId, stored);
          return null;
        });
  }

  /** A new organization with one application, in the caller's transaction. */
  Application insertApplication(Tx tx, String organizationName, String applicationName) {
    Instant now = clock.instant();
    String orgId = UUID.randomUUID().toString();
    accounts.insertOrganization(tx, orgId, organizationName, now);
    Application app =
        new Application(
            UUID.randomUUID().toString(),
            orgId,
            applicationName,
            UUID.randomUUID().toString(),
            AppSettings.DEFAULTS);
    // similarity_threshold 70 is unused while threshold_automatic is 1 (its default)
    accounts.insertApplication(
        tx,
        new Accounts.ApplicationRow(
            app.id(),
            orgId,
            applicationName,
            app.clientId(),
            new Accounts.Settings(
                70,
                true,
                AppSettings.DEFAULTS.allowMultipleFaces(),
                AppSettings.DEFAULTS.searchApiSessions(),
                false,
                0,
                0,
                0,
                0,
                0,
                false)),
        now);
    return app;
  }

  /** A new key for the application, in the caller's transaction. */
  NewKey insertKey(Tx tx, String applicationId) {
    String key = ApiKey.generate();
    String id = UUID.randomUUID().toString();
    keys.insert(
        tx, id, applicationId, ApiKey.listedPrefix(key), ApiKey.sha256(key), clock.instant());
    return new NewKey(id, applicationId, key);
  }

  private static Application application(Accounts.ApplicationRow r) {
    Accounts.Settings s = r.settings();
    return new Application(
        r.id(),
        r.organizationId(),
        r.name(),
        r.clientId(),
        new AppSettings(
            s.thresholdAutomatic() ? AppSettings.AUTOMATIC : s.similarityThreshold(),
            s.allowMultipleFaces(),
            s.searchApiSessions(),
            s.autoBlocklistDeclined(),
            s.retentionDays(),
            s.faceMatchDeclineThreshold(),
            s.livenessDeclineThreshold(),
            s.ageDeclineThreshold(),
            s.targetReviewRate(),
            s.searchUnapprovedSessions()));
  }
}
