package io.facesearch.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.sessions.Session;
import io.facesearch.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed webhooks from a durable outbox ({@code webhook_deliveries}).
 *
 * <p>{@link #enqueue} runs inside the transaction of the change it reports, so an event exists exactly when
 * its change committed, and survives restarts. {@link #deliverDue} (run every second by serve) POSTs due
 * deliveries: a 2xx answer marks them delivered; anything else schedules a retry after 2^attempts seconds
 * (capped at one hour), and after {@value #MAX_ATTEMPTS} attempts the delivery is marked failed. Events:
 * {@code status.updated} (a session got or changed its status) and {@code data.updated} (its face's blocklist
 * state changed). Body: {@code {"webhook_type", "session_id", "session_number", "status", "vendor_data",
 * "created_at", "timestamp"}}; signature: {@link WebhookSignature}.
 */
public final class Webhooks {

  private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
  static final int MAX_ATTEMPTS = 10;
  static final Duration MAX_BACKOFF = Duration.ofHours(1);

  private final Database db;
  private final SecretBox box;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public Webhooks(Database db, SecretBox box, Clock clock) {
    this.db = db;
    this.box = box;
    this.clock = clock;
  }

  /** Shortest signing secret accepted. */
  public static final int MIN_SECRET_LENGTH = 16;

  /**
   * Sets the application's webhook. A null {@code secret} keeps the one stored; there must be one: deliveries are
   * always signed.
   *
   * @throws IllegalArgumentException when the secret is shorter than {@value #MIN_SECRET_LENGTH} characters, or
   *     null with none stored
   */
  public void configure(String applicationId, String url, String secret) {
    if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException("a webhook secret needs at least " + MIN_SECRET_LENGTH + " characters");
    }
    db.inTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "UPDATE applications SET webhook_url = ?, webhook_secret_encrypted = COALESCE(?, webhook_secret_encrypted) "
              + "WHERE id = ? AND COALESCE(?, webhook_secret_encrypted) IS NOT NULL")) {
        String sealed = secret == null ? null : box.seal(secret);
        q.setString(1, url);
        q.setString(2, sealed);
        q.setString(3, applicationId);
        q.setString(4, sealed);
        if (q.executeUpdate() != 1) {
          throw new IllegalArgumentException("no webhook secret is stored for this application: give one");
        }
        return null;
      }
    });
  }

  /** Removes the application's webhook and its secret. */
  public void remove(String applicationId) {
    db.inTransaction(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "UPDATE applications SET webhook_url = NULL, webhook_secret_encrypted = NULL WHERE id = ?")) {
        q.setString(1, applicationId);
        return q.executeUpdate();
      }
    });
  }

  /** Whether the application has a signing secret stored. */
  public boolean hasSecret(String applicationId) {
    return secret(applicationId) != null;
  }

  /** The configured URL, or null. */
  public String url(String applicationId) {
    return db.read(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT webhook_url FROM applications WHERE id = ?")) {
        q.setString(1, applicationId);
        try (ResultSet r = q.executeQuery()) {
          return r.next() ? r.getString(1) : null;
        }
      }
    });
  }

  /** Records an event about {@code s} in the caller's transaction; nothing when no webhook is configured. */
  public void enqueue(Connection c, String type, Session s) throws SQLException {
    if (s.type() == io.facesearch.sessions.SessionType.LIST_ENTRY) {
      return; // list entries are not sessions an integrator tracks
    }
    String url;
    try (PreparedStatement q = c.prepareStatement("SELECT webhook_url FROM applications WHERE id = ?")) {
      q.setString(1, s.applicationId());
      try (ResultSet r = q.executeQuery()) {
        url = r.next() ? r.getString(1) : null;
      }
    }
    if (url == null || url.isBlank()) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("webhook_type", type);
    body.put("session_id", s.id());
    body.put("session_number", s.sessionNumber());
    body.put("status", s.status().wireName());
    body.put("vendor_data", s.vendorData());
    body.put("created_at", s.createdAt().toString());
    body.put("timestamp", clock.instant().getEpochSecond());
    String text;
    try {
      text = json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    try (PreparedStatement q = c.prepareStatement("INSERT INTO webhook_deliveries (id, application_id, webhook_type, "
        + "url, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      q.setString(1, UUID.randomUUID().toString());
      q.setString(2, s.applicationId());
      q.setString(3, type);
      q.setString(4, url);
      q.setString(5, text);
      q.setString(6, clock.instant().toString());
      q.setString(7, clock.instant().toString());
      q.executeUpdate();
    }
  }

  private record Due(String id, String applicationId, String url, String body, int attempts) {}

  /** Sends every due delivery once; returns how many were delivered. */
  public int deliverDue() {
    List<Due> due = db.read(c -> {
      List<Due> out = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT id, application_id, url, body, attempts FROM webhook_deliveries "
          + "WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? ORDER BY created_at LIMIT 100")) {
        q.setString(1, clock.instant().toString());
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            out.add(new Due(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5)));
          }
        }
      }
      return out;
    });
    int delivered = 0;
    for (Due d : due) {
      String error = send(d);
      delivered += record(d, error) ? 1 : 0;
    }
    return delivered;
  }

  /** Null on success, else what went wrong. */
  private String send(Due d) {
    String secret = secret(d.applicationId());
    if (secret == null) {
      return "no signing secret: set one (deliveries are never sent unsigned)";
    }
    String problem = targetProblem(d.applicationId(), d.url());
    if (problem != null) {
      return "not sent: " + problem;
    }
    long ts = clock.instant().getEpochSecond();
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(d.url())).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json").header("X-Timestamp", Long.toString(ts))
          .POST(HttpRequest.BodyPublishers.ofString(d.body()));
      b.header("X-Signature", WebhookSignature.sign(secret, ts, d.body()));
      HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() / 100 == 2 ? null : "HTTP " + r.statusCode();
    } catch (java.io.IOException | IllegalArgumentException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private boolean record(Due d, String error) {
    Instant now = clock.instant();
    int attempts = d.attempts() + 1;
    db.inTransaction(c -> {
      if (error == null) {
        try (PreparedStatement q = c.prepareStatement(
            "UPDATE webhook_deliveries SET attempts = ?, delivered_at = ?, last_error = NULL WHERE id = ?")) {
          q.setInt(1, attempts);
          q.setString(2, now.toString());
          q.setString(3, d.id());
          return q.executeUpdate();
        }
      }
      Duration backoff = Duration.ofSeconds(1L << Math.min(attempts, 12));
      if (backoff.compareTo(MAX_BACKOFF) > 0) {
        backoff = MAX_BACKOFF;
      }
      try (PreparedStatement q = c.prepareStatement("UPDATE webhook_deliveries SET attempts = ?, last_error = ?, "
          + "next_attempt_at = ?, failed_at = ? WHERE id = ?")) {
        q.setInt(1, attempts);
        q.setString(2, error);
        q.setString(3, now.plus(backoff).toString());
        q.setString(4, attempts >= MAX_ATTEMPTS ? now.toString() : null);
        q.setString(5, d.id());
        return q.executeUpdate();
      }
    });
    if (error != null) {
      LOG.warn("webhook delivery {} attempt {} failed: {}", d.id(), attempts, error);
    }
    return error == null;
  }

  /**
   * Why the application may not send to {@code url} (null when it may): an application of a metered
   * (self-registered) organization reaches only public addresses, see {@link WebhookTargets}. Checked when the URL is
   * saved and before each delivery.
   */
  public String targetProblem(String applicationId, String url) {
    return metered(applicationId) ? WebhookTargets.problem(URI.create(url)) : null;
  }

  private boolean metered(String applicationId) {
    return db.read(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT o.metered FROM applications a JOIN organizations o "
          + "ON o.id = a.organization_id WHERE a.id = ?")) {
        q.setString(1, applicationId);
        try (ResultSet r = q.executeQuery()) {
          return r.next() && r.getInt(1) != 0;
        }
      }
    });
  }

  private String secret(String applicationId) {
    String sealed = db.read(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT webhook_secret_encrypted FROM applications WHERE id = ?")) {
        q.setString(1, applicationId);
        try (ResultSet r = q.executeQuery()) {
          return r.next() ? r.getString(1) : null;
        }
      }
    });
    return sealed == null ? null : box.open(sealed);
  }
}
