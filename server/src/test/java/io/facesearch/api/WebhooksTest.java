package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.facesearch.accounts.Application;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import io.facesearch.webhooks.WebhookSignature;
import io.facesearch.webhooks.WebhookTargets;
import io.facesearch.webhooks.Webhooks;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Webhooks to a real local HTTP receiver: signed, retried after a failure, and not lost across a restart.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class WebhooksTest {

  @Parameter Dialect dialect;

  static final String SECRET = "whsec-test-0123456789";

  /** One received delivery. */
  record Received(String body, String timestamp, String signature) {}

  private HttpServer receiver;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger failStatus = new AtomicInteger(500);
  private final AtomicInteger calls = new AtomicInteger();

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          int status;
          calls.incrementAndGet();
          if (failuresLeft.getAndDecrement() > 0) {
            status = failStatus.get();
          } else {
            status = 200;
            received.add(
                new Received(
                    new String(body, StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("X-Timestamp"),
                    exchange.getRequestHeaders().getFirst("X-Signature")));
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
  }

  private String hookUrl() {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  @Test
  void a_status_change_is_delivered_signed_and_retried_after_the_receiver_fails_once()
      throws Exception {
    FaceSearchApiTest.MutableClock clock = new FaceSearchApiTest.MutableClock();
    try (TestServer server = new TestServer(clock, dialect)) {
      Application app = server.services.accounts().defaultApplication().orElseThrow();
      server.services.webhooks().configure(app.id(), hookUrl(), SECRET);
      failuresLeft.set(1);
      String session = enroll(server);

      assertEquals(
          0, server.services.webhooks().deliverDue(), "the receiver fails the first attempt");
      assertEquals(0, received.size());
      assertEquals(0, server.services.webhooks().deliverDue(), "not due again before its backoff");
      clock.advance(Duration.ofSeconds(59));
      assertEquals(
          0, server.services.webhooks().deliverDue(), "Didit retries about a minute later");
      clock.advance(Duration.ofSeconds(2));
      assertEquals(1, server.services.webhooks().deliverDue());

      assertEquals(1, received.size());
      Received r = received.getFirst();
      assertEquals(
          WebhookSignature.hmac(SECRET, r.body()),
          r.signature(),
          "Didit's X-Signature: HMAC-SHA256 over the raw body");
      JsonNode body = Http.JSON.readTree(r.body());
      assertEquals("status.updated", body.get("webhook_type").asText());
      assertEquals(session, body.get("session_id").asText());
      assertEquals("Approved", body.get("status").asText());

      Http.send(
          "POST",
          server.url("/v3/blocklist/add/"),
          server.apiKey,
          "{\"session_id\": \"" + session + "\", \"blocklist_face\": true}");
      server.services.webhooks().deliverDue();
      assertEquals(
          "data.updated", Http.JSON.readTree(received.get(1).body()).get("webhook_type").asText());
    }
  }

  @Test
  void a_failing_receiver_gets_didits_three_attempts_a_minute_then_four_minutes_apart()
      throws Exception {
    FaceSearchApiTest.MutableClock clock = new FaceSearchApiTest.MutableClock();
    try (TestServer server = new TestServer(clock, dialect)) {
      Application app = server.services.accounts().defaultApplication().orElseThrow();
      Webhooks webhooks = server.services.webhooks();
      webhooks.configure(app.id(), hookUrl(), SECRET);
      failuresLeft.set(100);
      enroll(server);
      webhooks.deliverDue();
      assertEquals(1, calls.get());
      clock.advance(Duration.ofSeconds(61));
      webhooks.deliverDue();
      assertEquals(2, calls.get(), "first retry after about a minute");
      clock.advance(Duration.ofSeconds(200));
      webhooks.deliverDue();
      assertEquals(2, calls.get(), "the second retry waits about four minutes");
      clock.advance(Duration.ofSeconds(41));
      webhooks.deliverDue();
      assertEquals(3, calls.get());
      clock.advance(Duration.ofHours(2));
      webhooks.deliverDue();
      assertEquals(
          3, calls.get(), "an initial attempt and two retries, then the delivery has failed");

      failStatus.set(400); // not a 5xx, 404 or timeout: Didit does not retry it
      enroll(server);
      webhooks.deliverDue();
      clock.advance(Duration.ofHours(2));
      webhooks.deliverDue();
      assertEquals(4, calls.get());

      failStatus.set(404); // a 404 is retried
      enroll(server);
      webhooks.deliverDue();
      clock.advance(Duration.ofSeconds(61));
      webhooks.deliverDue();
      assertEquals(6, calls.get());
    }
  }

  @Test
  void changing_the_url_keeps_the_secret_and_no_webhook_is_ever_set_without_one() throws Exception {
    try (TestServer server = new TestServer(dialect)) {
      Application app = server.services.accounts().defaultApplication().orElseThrow();
      Webhooks webhooks = server.services.webhooks();
      assertThrows(
          IllegalArgumentException.class,
          () -> webhooks.configure(app.id(), hookUrl(), null),
          "no secret");
      assertThrows(
          IllegalArgumentException.class,
          () -> webhooks.configure(app.id(), hookUrl(), "too-short"));
      webhooks.configure(app.id(), "http://127.0.0.1:9/old-hook", SECRET);
      webhooks.configure(
          app.id(), hookUrl(), null); // as the console's settings form does with an empty secret
      enroll(server);
      assertEquals(1, webhooks.deliverDue());
      Received r = received.getFirst();
      assertEquals(WebhookSignature.hmac(SECRET, r.body()), r.signature());

      webhooks.remove(app.id());
      assertNull(webhooks.url(app.id()));
      assertThrows(
          IllegalArgumentException.class,
          () -> webhooks.configure(app.id(), hookUrl(), null),
          "removing the webhook removed its secret");
    }
  }

  @Test
  void a_self_registered_organizations_webhook_never_reaches_a_local_address() throws Exception {
    FaceSearchApiTest.MutableClock clock = new FaceSearchApiTest.MutableClock();
    try (TestServer server = new TestServer(clock, dialect)) {
      Application app = server.services.accounts().defaultApplication().orElseThrow();
      server.services.webhooks().configure(app.id(), hookUrl(), SECRET);
      server
          .services
          .credits()
          .setMetered(app.organizationId(), true); // as a registered organization is
      enroll(server);
      assertEquals(0, server.services.webhooks().deliverDue());
      assertEquals(0, received.size(), "127.0.0.1 was not called");

      server
          .services
          .credits()
          .setMetered(app.organizationId(), false); // the operator's own: any address
      clock.advance(Duration.ofSeconds(61));
      assertEquals(1, server.services.webhooks().deliverDue());
      assertEquals(1, received.size());
    }
    for (String local :
        List.of(
            "http://127.0.0.1/",
            "http://169.254.169.254/latest",
            "http://10.1.2.3/",
            "http://192.168.0.1/",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2002:7f00:1::]/",
            "http://198.18.0.1/",
            "http://[::ffff:127.0.0.1]/")) {
      assertNotNull(WebhookTargets.problem(URI.create(local)), local);
    }
    assertNull(WebhookTargets.problem(URI.create("http://93.184.215.14/hook")), "a public address");
  }

  @Test
  void an_undelivered_event_survives_a_restart() throws Exception {
    FaceSearchApiTest.MutableClock clock = new FaceSearchApiTest.MutableClock();
    TestServer first = new TestServer(clock, dialect);
    Application app = first.services.accounts().defaultApplication().orElseThrow();
    first.services.webhooks().configure(app.id(), hookUrl(), SECRET);
    String session = enroll(first);
    HttpResponse<String> patched =
        Http.send(
            "PATCH",
            first.url("/v3/session/" + session + "/update-status/"),
            first.apiKey,
            "{\"new_status\": \"Declined\", \"comment\": \"review\"}");
    assertEquals(200, patched.statusCode());
    first.close(); // nothing was sent: the process "stopped" with two events in the outbox

    try (TestServer again = first.restarted(clock)) {
      assertEquals(2, again.services.webhooks().deliverDue());
    }
    assertEquals(2, received.size());
    JsonNode last = Http.JSON.readTree(received.get(1).body());
    assertEquals("Declined", last.get("status").asText());
    assertTrue(
        received.stream()
            .allMatch(r -> WebhookSignature.hmac(SECRET, r.body()).equals(r.signature())));
  }

  private static String enroll(TestServer s) {
    HttpResponse<String> r =
        Http.post(
            s.url("/v3/sessions/"),
            s.apiKey,
            new Multipart()
                .file("user_image", "p.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA))
                .field("vendor_data", "u-1"));
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).get("session_id").asText();
  }
}
