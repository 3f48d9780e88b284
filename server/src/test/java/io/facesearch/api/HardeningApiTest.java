package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.image.ImageBombs;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 20 over HTTP: hostile images, slow clients and the smaller defects, each on a real server.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class HardeningApiTest {

  @Parameter Dialect dialect;

  private static TestServer server;

  @BeforeParameterizedClassInvocation
  static void start(Dialect dialect) {
    server = new TestServer(dialect);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  // ---- 1. truncated lossless WebP
  // --------------------------------------------------------------------------------

  @Test
  void a_truncated_lossless_webp_gets_400_within_a_second_on_every_image_route() throws Exception {
    assumeTrue(ImageBombs.cwebpInstalled(), "cwebp not installed");
    String listId = createList();
    for (int cut : new int[] {138, 146}) {
      byte[] webp = ImageBombs.truncatedLosslessWebp(cut);
      for (String route : List.of("/v3/sessions/", "/v3/face-search/", "list face-upload")) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = upload(route, listId, webp, "image/webp");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(
            "truncated lossless WebP, %d bytes, %s: %d in %d ms%n", cut, route, r.statusCode(), ms);
        assertEquals(400, r.statusCode(), route + " " + cut + " bytes: " + r.body());
        assertTrue(ms < 1000, route + " " + cut + " bytes answered in " + ms + " ms");
      }
    }
  }

  // ---- 2. ICC bombs
  // ----------------------------------------------------------------------------------------------

  @Test
  void icc_profile_bombs_get_a_fast_400_and_allocate_under_100_mb() throws Exception {
    String listId = createList();
    List<byte[]> bombs =
        new java.util.ArrayList<>(
            List.of(
                ImageBombs.jpegWithIccDeclaring(0x7FFFFFFFL),
                ImageBombs.jpegWithIccDeclaring(0x70000000L)));
    if (ImageBombs.cwebpInstalled()) {
      bombs.add(ImageBombs.webpWithIccDeclaring(ImageBombs.losslessWebp(), 0x70000000L));
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (byte[] bomb : bombs) {
      for (String route : List.of("/v3/sessions/", "/v3/face-search/", "list face-upload")) {
        long allocated = threads.getTotalThreadAllocatedBytes();
        long t0 = System.nanoTime();
        HttpResponse<String> r = upload(route, listId, bomb, "image/jpeg");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long mb = (threads.getTotalThreadAllocatedBytes() - allocated) >> 20;
        System.out.printf(
            "ICC bomb (%d bytes), %s: %d in %d ms, %d MB allocated by the JVM%n",
            bomb.length, route, r.statusCode(), ms, mb);
        assertEquals(400, r.statusCode(), route + ": " + r.body());
        assertTrue(r.body().contains("corrupt"), r.body());
        assertTrue(ms < 1000, route + " answered in " + ms + " ms");
        assertTrue(mb < 100, route + " allocated " + mb + " MB in the whole JVM");
      }
    }
  }

  // ---- 4. slow clients
  // -------------------------------------------------------------------------------------------

  @Test
  void slow_clients_are_answered_408_and_cut_within_30_seconds() throws Exception {
    String headers = "POST /v3/sessions/ HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    String body =
        "POST /v3/sessions/ HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: "
            + server.apiKey
            + "\r\n"
            + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n";
    CompletableFuture<String> headerTrickle =
        CompletableFuture.supplyAsync(() -> trickle(headers, "X-A: b\r\n"));
    CompletableFuture<String> bodyTrickle = CompletableFuture.supplyAsync(() -> trickle(body, "a"));
    for (String outcome : List.of(headerTrickle.get(), bodyTrickle.get())) {
      System.out.println("slow client: " + outcome.lines().findFirst().orElse(""));
      assertTrue(outcome.startsWith("cut after"), outcome);
      int seconds = Integer.parseInt(outcome.replaceAll("(?s)cut after (\\d+) s.*", "$1"));
      assertTrue(seconds < 30, outcome);
      assertTrue(outcome.contains("HTTP/1.1 408"), outcome);
    }
  }

  /** Sends {@code start}, then {@code drip} every 5 s, until the server closes (at most 60 s). */
  private static String trickle(String start, String drip) {
    try (Socket s = new Socket("127.0.0.1", server.app.port())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      long t0 = System.nanoTime();
      out.write(start.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      while (System.nanoTime() - t0 < 60_000_000_000L) {
        try {
          byte[] buf = new byte[1024];
          int n = in.read(buf);
          if (n < 0) {
            return "cut after "
                + (System.nanoTime() - t0) / 1_000_000_000L
                + " s: "
                + got.toString(StandardCharsets.ISO_8859_1);
          }
          got.write(buf, 0, n);
        } catch (SocketTimeoutException fiveSeconds) {
          try {
            out.write(drip.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
          } catch (IOException closed) {
            return "cut after "
                + (System.nanoTime() - t0) / 1_000_000_000L
                + " s (write failed): "
                + got.toString(StandardCharsets.ISO_8859_1);
          }
        }
      }
      return "still connected after 60 s";
    } catch (IOException e) {
      return "failed: " + e;
    }
  }

  // ---- 5. smaller defects
  // ----------------------------------------------------------------------------------------

  @Test
  void match_image_urls_never_come_from_the_callers_host_header() throws Exception {
    HttpResponse<String> enrolled =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file(
                    "user_image", "o.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA)));
    assertEquals(201, enrolled.statusCode(), enrolled.body());
    String boundary = "hostcheck";
    ByteArrayOutputStream form = new ByteArrayOutputStream();
    form.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"user_image\"; filename=\"q.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    form.writeBytes(TestData.bytes(FaceSearchApiTest.OBAMA_OTHER_PHOTO));
    form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
    String answer =
        rawPost(
            "/v3/face-search/",
            "evil.example",
            "multipart/form-data; boundary=" + boundary,
            form.toByteArray());
    JsonNode json = Http.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    JsonNode matches = json.path("face_search").path("matches");
    assertTrue(matches.size() > 0, answer);
    String url = matches.get(0).path("match_image_url").asText();
    assertTrue(url.startsWith("http://127.0.0.1:" + server.app.port() + "/v3/images/"), url);
  }

  @Test
  void unauthorized_answers_carry_the_rate_limit_headers() {
    HttpResponse<String> r = Http.get(server.url("/v3/sessions/"), "fsk_wrong");
    assertEquals(401, r.statusCode());
    for (String h : List.of("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")) {
      assertTrue(r.headers().firstValue(h).isPresent(), h + " missing on 401");
    }
    HttpResponse<String> none = Http.get(server.url("/v3/sessions/"), null);
    assertEquals(401, none.statusCode());
    assertTrue(none.headers().firstValue("X-RateLimit-Remaining").isPresent());
  }

  @Test
  void five_mb_means_5_000_000_bytes() {
    byte[] photo = TestData.bytes(FaceSearchApiTest.OBAMA);
    HttpResponse<String> over =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "o.jpg", "image/jpeg", Arrays.copyOf(photo, 5_000_001)));
    assertEquals(400, over.statusCode(), over.body());
    assertTrue(over.body().contains("5 MB"), over.body());
    HttpResponse<String> at =
        Http.post(
            server.url("/v3/face-search/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "o.jpg", "image/jpeg", Arrays.copyOf(photo, 5_000_000))
                .field("save_api_request", "false"));
    assertEquals(
        200, at.statusCode(), "a JPEG padded to exactly 5,000,000 bytes is accepted: " + at.body());
  }

  @Test
  void json_bodies_with_trailing_garbage_are_refused() {
    for (String body :
        List.of(
            "{\"name\":\"x\"} garbage", "{\"name\":\"x\"}{\"name\":\"y\"}", "{\"name\":\"x\"}]")) {
      HttpResponse<String> r = Http.postJsonWithKey(server.url("/v3/lists/"), server.apiKey, body);
      assertEquals(400, r.statusCode(), body + " -> " + r.body());
    }
    HttpResponse<String> fine =
        Http.postJsonWithKey(server.url("/v3/lists/"), server.apiKey, "{\"name\":\"x\"}  \n");
    assertEquals(201, fine.statusCode(), fine.body());
  }

  @Test
  void metadata_must_be_a_json_object() {
    for (String metadata : List.of("[1,2]", "\"text\"", "42", "null", "{\"a\":1} trailing")) {
      HttpResponse<String> r =
          Http.post(
              server.url("/v3/face-search/"),
              server.apiKey,
              new Multipart()
                  .file(
                      "user_image", "o.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA))
                  .field("metadata", metadata)
                  .field("save_api_request", "false"));
      assertEquals(400, r.statusCode(), metadata + " -> " + r.body());
      assertNotNull(Http.json(r).get("metadata"), r.body());
    }
    HttpResponse<String> ok =
        Http.post(
            server.url("/v3/face-search/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "o.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA))
                .field("metadata", "{\"user\":\"u1\"}")
                .field("save_api_request", "false"));
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals("u1", Http.json(ok).path("metadata").path("user").asText());
  }

  @Test
  void enrollment_refuses_a_malformed_rotate_image_as_every_route_does() {
    HttpResponse<String> r =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "o.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA))
                .field("rotate_image", "sideways"));
    assertEquals(400, r.statusCode(), r.body());
    assertNotNull(Http.json(r).get("rotate_image"), r.body());
  }

  // ---- helpers
  // ---------------------------------------------------------------------------------------------------

  private static String createList() {
    HttpResponse<String> r =
        Http.postJsonWithKey(
            server.url("/v3/lists/"),
            server.apiKey,
            "{\"name\":\"bombs\",\"list_type\":\"blocklist\"}");
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).get("uuid").asText();
  }

  private static HttpResponse<String> upload(String route, String listId, byte[] image, String type)
      throws Exception {
    if (route.startsWith("list")) {
      return Http.postJsonWithKey(
          server.url("/v3/lists/" + listId + "/entries/face-upload/"),
          server.apiKey,
          Http.JSON.writeValueAsString(Map.of("image", Base64.getEncoder().encodeToString(image))));
    }
    return Http.post(
        server.url(route),
        server.apiKey,
        new Multipart().file("user_image", "x", type, image).field("save_api_request", "false"));
  }

  /** An HTTP/1.0 POST (no chunked answer) over a plain socket, to send a Host header the JDK client refuses. */
  private static String rawPost(String path, String host, String contentType, byte[] body)
      throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.app.port())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.0\r\nHost: "
                  + host
                  + "\r\nx-api-key: "
                  + server.apiKey
                  + "\r\nContent-Type: "
                  + contentType
                  + "\r\nContent-Length: "
                  + body.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
