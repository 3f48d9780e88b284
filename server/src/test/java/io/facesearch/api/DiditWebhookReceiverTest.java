package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import io.facesearch.testing.OptionalTool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Webhooks as a receiver written from Didit's documentation verifies them (the Python program
 * {@code clients/didit_webhook_receiver.py}: X-Signature over the raw body, X-Signature-V2 over the re-encoded body,
 * X-Signature-Simple, X-Timestamp freshness), sent to destinations made with Didit's {@code /v3/webhook/destinations/}
 * API, with Didit's payload fields and types.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class DiditWebhookReceiverTest {

  @Parameter Dialect dialect;

  private TestServer server;
  private Process receiver;
  private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  private int port;

  @BeforeEach
  void start() throws Exception {
    OptionalTool.require(
        canRun("python3"),
        "python3",
        "the Didit webhook receiver test is skipped; install python3");
    server = new TestServer(dialect);
  }

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.destroy();
    }
    if (server != null) {
      server.close();
    }
  }

  private void startReceiver(String secret) throws Exception {
    Path script = Path.of(getClass().getResource("/clients/didit_webhook_receiver.py").toURI());
    receiver =
        new ProcessBuilder("python3", script.toString(), secret).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(
            new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    assertNotNull(first, "the receiver did not start");
    assertTrue(first.startsWith("PORT "), first);
    port = Integer.parseInt(first.substring(5).strip());
    Thread reader =
        new Thread(
            () -> {
              try {
                for (String line; (line = out.readLine()) != null; ) {
                  received.add(Http.JSON.readTree(line));
                }
              } catch (Exception e) {
                // the receiver stopped
              }
            },
            "didit-receiver-output");
    reader.setDaemon(true);
    reader.start();
  }

  @Test
  void a_saved_search_reaches_a_destination_with_all_three_didit_signatures_verified()
      throws Exception {
    HttpResponse<String> created =
        Http.send(
            "POST",
            server.url("/v3/webhook/destinations/"),
            server.apiKey,
            "{\"label\": \"main\", \"url\": \"http://127.0.0.1:9/placeholder\", \"subscribed_events\": [\"status.updated\"]}");
    assertEquals(201, created.statusCode(), created.body());
    JsonNode d = Http.json(created);
    UUID.fromString(d.get("uuid").asText());
    assertEquals("main", d.get("label").asText());
    assertTrue(d.get("enabled").isBoolean() && d.get("enabled").asBoolean());
    assertEquals("v3", d.get("webhook_version").asText());
    assertTrue(d.get("subscribed_events").isArray());
    assertEquals("status.updated", d.get("subscribed_events").get(0).asText());
    assertTrue(
        d.get("secret_shared_key").isTextual()
            && d.get("secret_shared_key").asText().length() >= 32);
    assertTrue(d.get("created_at").isTextual());
    String uuid = d.get("uuid").asText();
    startReceiver(d.get("secret_shared_key").asText());
    HttpResponse<String> patched =
        Http.send(
            "PATCH",
            server.url("/v3/webhook/destinations/" + uuid + "/"),
            server.apiKey,
            "{\"url\": \"http://127.0.0.1:" + port + "/didit\"}");
    assertEquals(200, patched.statusCode(), patched.body());
    assertEquals(
        "main", Http.json(patched).get("label").asText(), "a PATCH keeps what it does not name");

    // Accents and a CJK name in vendor_data and metadata: the raw body and its re-encoding must
    // both verify.
    HttpResponse<String> search =
        Http.post(
            server.url("/v3/face-search/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "u.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA))
                .field("vendor_data", "José-Müller-日本")
                .field("metadata", "{\"flow\": \"sign-up\", \"score\": 70.0}"));
    assertEquals(200, search.statusCode(), search.body());
    String requestId = Http.json(search).get("request_id").asText();
    assertEquals(1, server.services.webhooks().deliverDue());

    JsonNode r = received.poll(30, TimeUnit.SECONDS);
    assertNotNull(r, "nothing received");
    assertTrue(r.get("raw").asBoolean(), "X-Signature (raw body) verifies: " + r);
    assertTrue(r.get("v2").asBoolean(), "X-Signature-V2 verifies: " + r);
    assertTrue(r.get("simple").asBoolean(), "X-Signature-Simple verifies: " + r);
    assertTrue(r.get("fresh").asBoolean(), "X-Timestamp is now: " + r);
    JsonNode body = r.get("body");
    assertEquals("status.updated", body.get("webhook_type").asText());
    UUID.fromString(body.get("event_id").asText());
    assertEquals(requestId, body.get("session_id").asText());
    assertEquals("Approved", body.get("status").asText());
    assertTrue(body.get("created_at").isIntegralNumber(), "created_at in Unix seconds: " + body);
    assertTrue(body.get("timestamp").isIntegralNumber());
    assertEquals("José-Müller-日本", body.get("vendor_data").asText());
    assertEquals("sign-up", body.get("metadata").get("flow").asText());
    JsonNode decision = body.get("decision");
    assertEquals(requestId, decision.get("session_id").asText());
    assertEquals("Approved", decision.get("status").asText());
    assertTrue(decision.get("session_number").isIntegralNumber());
    assertEquals("FACE_SEARCH", decision.get("features").get(0).asText());
    assertEquals("sign-up", decision.get("metadata").get("flow").asText());
    assertTrue(decision.get("face_search").get("matches").isArray());

    // The decision route answers the same object the webhook carried.
    JsonNode viaRoute =
        Http.json(Http.get(server.url("/v3/session/" + requestId + "/decision/"), server.apiKey));
    assertEquals(decision, viaRoute);
  }

  @Test
  void destinations_are_listed_paginated_disabled_unsubscribed_and_deleted_as_didits()
      throws Exception {
    String first = create("{\"url\": \"http://127.0.0.1:9/a\"}");
    create("{\"url\": \"http://127.0.0.1:9/b\", \"enabled\": false}");
    JsonNode page =
        Http.json(Http.get(server.url("/v3/webhook/destinations/?limit=1"), server.apiKey));
    assertEquals(2, page.get("count").asInt());
    assertTrue(page.get("next").asText().contains("offset=1"), page.toString());
    assertTrue(page.get("previous").isNull());
    assertEquals(1, page.get("results").size());
    JsonNode all = Http.json(Http.get(server.url("/v3/webhook/destinations/"), server.apiKey));
    assertEquals(2, all.get("results").size());
    assertEquals(
        2, all.get("results").get(0).get("subscribed_events").size(), "both events by default");
    assertFalse(all.get("results").get(1).get("enabled").asBoolean());

    HttpResponse<String> bad =
        Http.send(
            "POST",
            server.url("/v3/webhook/destinations/"),
            server.apiKey,
            "{\"url\": \"http://127.0.0.1:9/c\", \"subscribed_events\": [\"user.status.updated\"]}");
    assertEquals(400, bad.statusCode());
    assertTrue(Http.json(bad).get("subscribed_events").isArray());
    assertEquals(
        400,
        Http.send("POST", server.url("/v3/webhook/destinations/"), server.apiKey, "{}")
            .statusCode());

    assertEquals(
        204,
        Http.send(
                "DELETE",
                server.url("/v3/webhook/destinations/" + first + "/"),
                server.apiKey,
                null)
            .statusCode());
    assertEquals(
        404,
        Http.get(server.url("/v3/webhook/destinations/" + first + "/"), server.apiKey)
            .statusCode());

    // The disabled destination gets nothing.
    Http.post(
        server.url("/v3/face-search/"),
        server.apiKey,
        new Multipart()
            .file("user_image", "u.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA)));
    assertEquals(0, server.services.webhooks().deliverDue());
  }

  private String create(String json) {
    HttpResponse<String> r =
        Http.send("POST", server.url("/v3/webhook/destinations/"), server.apiKey, json);
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).get("uuid").asText();
  }

  private static boolean canRun(String program) {
    try {
      Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
