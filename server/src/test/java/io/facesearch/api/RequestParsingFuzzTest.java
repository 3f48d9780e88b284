package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.facesearch.billing.Prices;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing (Jazzer) of the request parsing on a real server over HTTP: multipart bodies (Jetty's
 * parser and the form fields) and JSON bodies (Jackson and the field checks). Whatever the body, the answer is
 * never a 5xx and never later than 30 s.
 *
 * <p>Regression mode (the seeds in {@code RequestParsingFuzzTestInputs/}) in every build; fuzzing mode
 * ({@code JAZZER_FUZZ=1}) in the build's {@code fuzz-requests} execution.
 *
 * <p>SQLite only: it fuzzes the request parsing, the same code on both backends, which refuses a body before any
 * store work; the truth behind the routes is exercised on both backends by the parameterised API suites.
 */
class RequestParsingFuzzTest {

  private static TestServer server;
  private static String listId;

  private static synchronized TestServer server() {
    if (server == null) {
      server =
          TestServer.with(
              Prices.DEFAULTS, null, new FaceSearchApp.Limits(100_000_000, 100_000_000, 1_000_000));
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      listId =
          Http.json(
                  Http.postJsonWithKey(
                      server.url("/v3/lists/"),
                      server.apiKey,
                      "{\"name\":\"fuzz\",\"list_type\":\"blocklist\"}"))
              .get("uuid")
              .asText();
    }
    return server;
  }

  @FuzzTest(maxDuration = "60s")
  @DictionaryEntries({
    "--fz",
    "--fz--",
    "Content-Disposition: form-data; name=\"",
    "\"; filename=\"",
    "user_image",
    "vendor_data",
    "metadata",
    "rotate_image",
    "search_type",
    "save_api_request",
    "status",
    "verification_date",
    "{\"",
    "\":",
    "null",
    "true",
    "[",
    "]",
    "{}",
    "\"name\"",
    "\"image\"",
    "\"list_type\"",
    "\"comment\"",
    "\"session_id\"",
    "\"blocklist_face\""
  })
  void request_bodies_never_get_a_5xx(FuzzedDataProvider data) throws IOException {
    // Jazzer's SSRF detector: this test talks to its own server on loopback, and nowhere else.
    try (var loopbackOnly =
        BugDetectors.allowNetworkConnections(
            (host, port) -> host.equals("localhost") || host.equals("127.0.0.1"))) {
      exercise(data);
    }
  }

  private static void exercise(FuzzedDataProvider data) throws IOException {
    TestServer s = server();
    int route = data.consumeInt(0, 4);
    String path =
        switch (route) {
          case 0 -> "/v3/sessions/";
          case 1 -> "/v3/face-search/";
          case 2 -> "/v3/lists/";
          case 3 -> "/v3/lists/" + listId + "/entries/face-upload/";
          default -> "/v3/blocklist/add/";
        };
    String contentType = route < 2 ? "multipart/form-data; boundary=fz" : "application/json";
    byte[] body = data.consumeRemainingAsBytes();
    byte[] request = RawHttp.request("POST", path, s.apiKey, contentType, body);
    int status;
    try {
      status = RawHttp.exchange(s.app.port(), request, 30_000);
    } catch (SocketTimeoutException hang) {
      throw new AssertionError(
          "no answer in 30 s to "
              + path
              + ": "
              + new String(body, 0, Math.min(body.length, 200), StandardCharsets.ISO_8859_1));
    }
    assertTrue(
        status < 500,
        path
            + " answered "
            + status
            + " to "
            + new String(body, 0, Math.min(body.length, 200), StandardCharsets.ISO_8859_1));
  }
}
