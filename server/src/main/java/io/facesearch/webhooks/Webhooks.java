package io.facesearch.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facesearch.metrics.Metrics;
import io.facesearch.store.Accounts;
import io.facesearch.store.Database;
import io.facesearch.store.Lease;
import io.facesearch.store.NodeId;
import io.facesearch.store.Tx;
import io.facesearch.store.WebhookDestinations;
import io.facesearch.store.WebhookOutbox;
import io.facesearch.store.WebhookOutbox.Due;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed webhooks from a durable outbox ({@code webhook_deliveries}).
 *
 * <p>{@link #enqueue} runs inside the transaction of the change it reports, so an event exists exactly when
 * its change committed, and survives restarts. {@link #deliverDue} (run every second by serve) POSTs due
 * deliveries: a 2xx answer marks them delivered; as Didit, a 5xx, a 404, a timeout or a refused connection is
 * retried about 1 and then 4 minutes later (three attempts in all), any other answer fails the delivery at once.
 * Events: {@code status.updated} (a session got or changed its status) and {@code data.updated} (its face's
 * blocklist state changed). Signatures: {@link WebhookSignature}.
 */
public final class Webhooks {

  private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

  /** Didit's schedule: the first attempt and two retries, about 1 and 4 minutes later. */
  static final int MAX_ATTEMPTS = 3;

  static final List<Duration> RETRY_AFTER =
      List.of(Duration.ofMinutes(1), Duration.ofMinutes(4), Duration.ofMinutes(4));
  static final String USER_AGENT = "facesearch-webhook/1.0";
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private final Database db;
  private final SecretBox box;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final WebhookDestinations destinations = new WebhookDestinations();
  private final WebhookOutbox outbox = new WebhookOutbox();
  private final Accounts accounts = new Accounts();
  private final Metrics metrics;
  private final NodeId node;

  public Webhooks(Database db, SecretBox box, Clock clock) {
    this(db, box, clock, new Metrics(), NodeId.random());
  }

  /** The webhooks of node {@code node}, which claims the deliveries it makes under that id. */
  public Webhooks(Database db, SecretBox box, Clock clock, Metrics metrics, NodeId node) {
    this.db = db;
    this.box = box;
    this.clock = clock;
    this.metrics = metrics;
    this.node = node;
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
      throw new IllegalArgumentException(
          "a webhook secret needs at least " + MIN_SECRET_LENGTH + " characters");
    }
    String sealed = secret == null ? null : box.seal(secret);
    db.inTransaction(
        tx -> {
          if (!accounts.setWebhook(tx, applicationId, url, sealed)) {
            throw new IllegalArgumentException(
                "no webhook secret is stored for this application: give one");
          }
          return null;
        });
  }

  /** Removes the application's webhook and its secret. */
  public void remove(String applicationId) {
    db.inTransaction(
        tx -> {
          accounts.removeWebhook(tx, applicationId);
          return null;
        });
  }

  /** Whether the application has a signing secret stored. */
  public boolean hasSecret(String applicationId) {
    return secret(applicationId) != null;
  }

  /** The configured URL, or null. */
  public String url(String applicationId) {
    return db.read(tx -> accounts.webhookUrl(tx, applicationId)).orElse(null);
  }

  /**
   * Records an event in the caller's transaction: one delivery to the application's own webhook (CLI, console) and
   * one to each enabled destination subscribed to its type; nothing when there is none. The body is Didit's:
   * {@code webhook_type, event_id, session_id, session_number, status, created_at} (Unix seconds), {@code
   * vendor_data} and {@code metadata} when set, and {@code decision} (the session's decision object); {@code
   * timestamp} is added at each attempt.
   */
  public void enqueue(Tx tx, WebhookEvent event) {
    List<Target> targets = new ArrayList<>();
    String own = accounts.webhookUrl(tx, event.applicationId()).orElse(null);
    if (own != null && !own.isBlank()) {
      targets.add(new Target(null, own));
    }
    for (WebhookDestinations.Row d : destinations.all(tx, event.applicationId())) {
      if (d.enabled() && events(d.subscribedEvents()).contains(event.type())) {
        targets.add(new Target(d.id(), d.url()));
      }
    }
    if (targets.isEmpty()) {
      return;
    }
    String eventId = UUID.randomUUID().toString();
    ObjectNode body = json.createObjectNode();
    body.put("webhook_type", event.type());
    body.put("event_id", eventId);
    body.put("session_id", event.sessionId());
    body.put("session_number", event.sessionNumber());
    body.put("status", event.status());
    body.put("created_at", event.createdAt().getEpochSecond());
    if (event.vendorData() != null) {
      body.put("vendor_data", event.vendorData());
    }
    if (event.metadata() != null) {
      body.set("metadata", event.metadata());
    }
    body.set("decision", event.decision());
    String text = text(body);
    Instant now = clock.instant();
    for (Target t : targets) {
      outbox.insert(
          tx,
          new WebhookOutbox.Delivery(
              UUID.randomUUID().toString(),
              event.applicationId(),
              event.type(),
              t.url(),
              text,
              t.destinationId(),
              eventId),
          now);
    }
  }

  private record Target(String destinationId, String url) {}

  /** What one attempt came to: null error when delivered; {@code retry} when Didit's rules retry it. */
  private record Attempt(String error, boolean retry) {}

  /**
   * Sends every due delivery once (at most {@value #PASS_LIMIT} in one pass); returns how many were delivered.
   *
   * <p>With several nodes on one database each delivery is attempted by one node at a time: this node claims a
   * batch of {@value #CLAIM_BATCH} due deliveries for {@link #LEASE} ({@link WebhookOutbox#claimDue}), attempts each
   * only while the lease has {@link #ATTEMPT_BOUND} left (an attempt never outlasts the lease, so no other node
   * can claim it while it is on the wire), and records the outcome only while it still holds the claim. A node that
   * dies leaves its claimed deliveries to another node once the lease ends. Receivers get each event at least once:
   * a node that dies after the receiver answered and before the outcome was recorded leaves the delivery to be sent
   * again (the {@code event_id} lets a receiver drop the repeat).
   */
  public int deliverDue() {
    int delivered = 0;
    int claimedInPass = 0;
    while (claimedInPass < PASS_LIMIT) {
      Instant now = clock.instant();
      Lease lease = Lease.of(node, now, LEASE);
      List<Due> due = db.inTransaction(tx -> outbox.claimDue(tx, lease, now, CLAIM_BATCH));
      if (due.isEmpty()) {
        break;
      }
      claimedInPass += due.size();
      for (Due d : due) {
        if (!lease.holdsFor(clock.instant(), ATTEMPT_BOUND)) {
          release(d); // not enough of the lease left for an attempt: claimed again at the next pass
          continue;
        }
        Attempt a = send(d);
        delivered += record(d, a) ? 1 : 0;
      }
    }
    return delivered;
  }

  /** Deliveries claimed at once; with {@link #ATTEMPT_BOUND} each, well within {@link #LEASE}. */
  static final int CLAIM_BATCH = 10;

  /** Deliveries claimed in one pass at most (the next pass, a second later, goes on). */
  static final int PASS_LIMIT = 100;

  /** How long a claim on deliveries holds. */
  static final Duration LEASE = Duration.ofMinutes(5);

  /**
   * What an attempt may take at most, with a margin for clocks that differ between nodes: connecting (5 s) and the
   * answer (10 s), see {@link #send}.
   */
  static final Duration ATTEMPT_BOUND = Duration.ofSeconds(45);

  private void release(Due d) {
    db.inTransaction(
        tx -> {
          outbox.release(tx, d.id(), node);
          return null;
        });
  }

  private Attempt send(Due d) {
    String secret = d.destinationId() == null ? secret(d.applicationId()) : destinationSecret(d);
    if (secret == null) {
      return new Attempt("no signing secret: set one (deliveries are never sent unsigned)", false);
    }
    String problem = targetProblem(d.applicationId(), d.url());
    if (problem != null) {
      return new Attempt("not sent: " + problem, true);
    }
    long ts = clock.instant().getEpochSecond();
    String body;
    try {
      ObjectNode event = (ObjectNode) json.readTree(d.body());
      event.put("timestamp", ts);
      body = text(event);
    } catch (JsonProcessingException | ClassCastException e) {
      return new Attempt("stored event is not a JSON object", false);
    }
    String signature = WebhookSignature.hmac(secret, body);
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(d.url()))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .header("User-Agent", USER_AGENT)
              .header("X-Timestamp", Long.toString(ts))
              .header("X-Signature", signature) // of the raw body
              .header(
                  "X-Signature-V2",
                  WebhookSignature.hmac(secret, WebhookSignature.canonical(json.readTree(body))))
              .header(
                  "X-Signature-Simple",
                  WebhookSignature.hmac(
                      secret, WebhookSignature.simpleMessage(json.readTree(body))))
              .POST(HttpRequest.BodyPublishers.ofString(body));
      HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
      int code = r.statusCode();
      return code / 100 == 2
          ? new Attempt(null, false)
          : new Attempt("HTTP " + code, code >= 500 || code == 404);
    } catch (java.io.IOException
        | IllegalArgumentException e) { // timeouts and refused connections included
      return new Attempt(e.getClass().getSimpleName() + ": " + e.getMessage(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Attempt("interrupted", true);
    }
  }

  private boolean record(Due d, Attempt a) {
    Instant now = clock.instant();
    int attempts = d.attempts() + 1;
    boolean delivered = a.error() == null;
    boolean failed = !delivered && (!a.retry() || attempts >= MAX_ATTEMPTS);
    metrics.webhookAttempt(delivered ? "delivered" : failed ? "failed" : "retrying");
    boolean held =
        db.inTransaction(
            tx -> {
              if (delivered) {
                return outbox.markDelivered(tx, d.id(), node, attempts, now);
              }
              Duration backoff = RETRY_AFTER.get(Math.min(attempts, RETRY_AFTER.size()) - 1);
              return outbox.markAttemptFailed(
                  tx, d.id(), node, attempts, a.error(), now.plus(backoff), failed ? now : null);
            });
    if (!held) {
      LOG.warn(
          "webhook delivery {}: the claim ended before the outcome was recorded; another node owns it",
          d.id());
    }
    if (!delivered) {
      LOG.warn(
          "webhook delivery {} attempt {} failed{}: {}",
          d.id(),
          attempts,
          failed ? " for good" : "",
          a.error());
    }
    return delivered;
  }

  // ---- Destinations (Didit's /v3/webhook/destinations/)
  // -------------------------------------------------------

  /** The events a destination may subscribe to. */
  public static final List<String> EVENTS = List.of("status.updated", "data.updated");

  /** A destination as the API shows it, with its signing secret (Didit's {@code secret_shared_key}). */
  public record Destination(
      String uuid,
      String label,
      String url,
      boolean enabled,
      String webhookVersion,
      List<String> subscribedEvents,
      String secretSharedKey,
      Instant createdAt,
      Instant updatedAt) {}

  /** The changes of a create or update; null fields keep the current value (or take the default). */
  public record DestinationChange(
      String label,
      String url,
      Boolean enabled,
      String webhookVersion,
      List<String> subscribedEvents) {}

  public List<Destination> destinations(String applicationId) {
    return db.read(tx -> destinations.all(tx, applicationId)).stream()
        .map(this::destination)
        .toList();
  }

  public java.util.Optional<Destination> destination(String applicationId, String id) {
    return db.read(tx -> destinations.find(tx, applicationId, id)).map(this::destination);
  }

  /** A new destination with a fresh 32-byte signing secret; {@code change.url()} is required. */
  public Destination createDestination(String applicationId, DestinationChange change) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    Instant now = clock.instant();
    WebhookDestinations.Row row =
        new WebhookDestinations.Row(
            UUID.randomUUID().toString(),
            applicationId,
            change.label(),
            change.url(),
            change.enabled() == null || change.enabled(),
            change.webhookVersion() == null ? "v3" : change.webhookVersion(),
            eventsJson(change.subscribedEvents() == null ? EVENTS : change.subscribedEvents()),
            box.seal(java.util.HexFormat.of().formatHex(raw)),
            now,
            now);
    db.inTransaction(
        tx -> {
          destinations.insert(tx, row);
          return null;
        });
    return destination(row);
  }

  public java.util.Optional<Destination> updateDestination(
      String applicationId, String id, DestinationChange change) {
    return db.inTransaction(
        tx ->
            destinations
                .find(tx, applicationId, id)
                .map(
                    old -> {
                      WebhookDestinations.Row row =
                          new WebhookDestinations.Row(
                              old.id(),
                              applicationId,
                              change.label() == null ? old.label() : change.label(),
                              change.url() == null ? old.url() : change.url(),
                              change.enabled() == null ? old.enabled() : change.enabled(),
                              change.webhookVersion() == null
                                  ? old.webhookVersion()
                                  : change.webhookVersion(),
                              change.subscribedEvents() == null
                                  ? old.subscribedEvents()
                                  : eventsJson(change.subscribedEvents()),
                              old.secretSealed(),
                              old.createdAt(),
                              clock.instant());
                      destinations.update(tx, row);
                      return destination(row);
                    }));
  }

  public boolean deleteDestination(String applicationId, String id) {
    return db.inTransaction(tx -> destinations.delete(tx, applicationId, id));
  }

  private Destination destination(WebhookDestinations.Row r) {
    return new Destination(
        r.id(),
        r.label(),
        r.url(),
        r.enabled(),
        r.webhookVersion(),
        events(r.subscribedEvents()),
        box.open(r.secretSealed()),
        r.createdAt(),
        r.updatedAt());
  }

  private String destinationSecret(Due d) {
    return db.read(tx -> destinations.find(tx, d.applicationId(), d.destinationId()))
        .map(r -> box.open(r.secretSealed()))
        .orElse(null);
  }

  private String text(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> events(String stored) {
    try {
      return List.of(json.readValue(stored, String[].class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("subscribed_events is not a JSON array", e);
    }
  }

  private String eventsJson(List<String> events) {
    try {
      return json.writeValueAsString(events);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
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
    return db.read(tx -> accounts.applicationMetered(tx, applicationId));
  }

  private String secret(String applicationId) {
    String sealed = db.read(tx -> accounts.webhookSecretSealed(tx, applicationId)).orElse(null);
    return sealed == null ? null : box.open(sealed);
  }
}
