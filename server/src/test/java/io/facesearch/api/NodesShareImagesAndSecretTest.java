package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.facesearch.accounts.Application;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import io.facesearch.webhooks.WebhookSignature;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode: two nodes on one PostgreSQL database, each with its own data folder, share the face images and the
 * server secret. An image enrolled through node A is served by node B behind a URL that A signed, and a webhook
 * secret A stored signs the deliveries B makes. Real HTTP, real photos, real PostgreSQL.
 */
class NodesShareImagesAndSecretTest {

  private static final String SECRET = "whsec-shared-by-every-node";

  /** A delivery as the receiver saw it. */
  private record Received(String body, String signature) {}

  private TestServer a;
  private TestServer b;

  @BeforeEach
  void start() {
    a = new TestServer(Dialect.POSTGRESQL);
    b = TestServer.beside(a);
  }

  @AfterEach
  void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  private static String enroll(TestServer s, String photo) {
    HttpResponse<String> r =
        Http.post(
            s.url("/v3/sessions/"),
            s.apiKey,
            new Multipart().file("user_image", "p.jpg", "image/jpeg", TestData.bytes(photo)));
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).get("session_id").asText();
  }

  @Test
  void an_image_enrolled_on_one_node_is_served_by_the_other_behind_the_first_nodes_signature() {
    String session = enroll(a, FaceSearchApiTest.OBAMA);
    Application app = a.services.accounts().defaultApplication().orElseThrow();
    String signedByA = a.services.urls().sign(app.id(), session);

    HttpResponse<byte[]> fromB = Http.getBytes(b.url(signedByA));
    assertEquals(200, fromB.statusCode(), "node B accepts node A's signature");
    assertArrayEquals(
        a.services.images().read(app.id(), session).orElseThrow(),
        fromB.body(),
        "the image node A stored");
    assertEquals((byte) 0xFF, fromB.body()[0], "a JPEG");
    assertFalse(
        Files.exists(a.data.resolve("images")) || Files.exists(b.data.resolve("images")),
        "in the database, not in a node's data folder");

    HttpResponse<byte[]> altered =
        Http.getBytes(b.url(signedByA.replaceAll("sig=[^&]+", "sig=AAAA")));
    assertEquals(403, altered.statusCode(), "node B still checks the signature");
  }

  @Test
  void a_webhook_secret_stored_through_one_node_signs_the_deliveries_the_other_makes()
      throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = receiver(received);
    try {
      Application app = a.services.accounts().defaultApplication().orElseThrow();
      a.services
          .webhooks()
          .configure(
              app.id(), "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", SECRET);
      enroll(a, FaceSearchApiTest.OBAMA); // a status.updated event, queued by node A

      assertTrue(b.services.webhooks().deliverDue() >= 1, "node B delivers the queued event");
      assertEquals(1, received.size());
      Received delivery = received.get(0);
      assertEquals(
          WebhookSignature.hmac(SECRET, delivery.body()),
          delivery.signature(),
          "signed by node B with the secret node A encrypted");
    } finally {
      receiver.stop(0);
    }
  }

  /** A webhook receiver on a free port of this part's range (18800-18849) that keeps what it is sent. */
  private static HttpServer receiver(List<Received> received) throws IOException {
    for (int port = 18810; port < 18850; port++) {
      HttpServer server;
      try {
        server =
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      } catch (java.net.BindException inUse) {
        continue;
      }
      server.createContext(
          "/hook",
          exchange -> {
            received.add(
                new Received(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("X-Signature")));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
          });
      server.start();
      return server;
    }
    throw new IOException("no free port in 18810-18849");
  }
}
