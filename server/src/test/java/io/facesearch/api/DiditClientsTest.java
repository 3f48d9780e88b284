package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import io.facesearch.testing.OptionalTool;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Didit's documented client calls, run as the real programs they are (Python requests, and fetch + FormData
 * in Node, the WHATWG implementation browsers share), with only the host changed.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class DiditClientsTest {

  @Parameter Dialect dialect;

  private static TestServer server;
  private static String enrolled;

  @BeforeParameterizedClassInvocation
  static void start(Dialect dialect) {
    server = new TestServer(dialect);
    HttpResponse<String> r =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file(
                    "user_image",
                    "obama.jpg",
                    "image/jpeg",
                    TestData.bytes(FaceSearchApiTest.OBAMA)));
    assertEquals(201, r.statusCode(), r.body());
    enrolled = Http.json(r).get("session_id").asText();
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @Test
  void didits_python_requests_call_works_against_facesearch() throws Exception {
    OptionalTool.require(
        OptionalTool.pythonHas("requests"),
        "Python's requests",
        "the Python client test is skipped; install Debian's python3-requests (.ci/run does)");
    assertFindsTheEnrolledFace(run("python3", script("didit_face_search.py")));
  }

  @Test
  void didits_fetch_and_formdata_call_works_against_facesearch() throws Exception {
    assertFindsTheEnrolledFace(run("node", script("didit_face_search.mjs")));
  }

  private static void assertFindsTheEnrolledFace(String output) throws Exception {
    String[] lines = output.split("\n", 2);
    assertEquals("200", lines[0].strip(), output);
    JsonNode body = Http.JSON.readTree(lines[1]);
    assertEquals("user-123", body.get("vendor_data").asText());
    assertEquals("In Review", body.get("face_search").get("status").asText(), output);
    // save_api_request=true: each call also enrols its photo, so a later call may rank that first.
    boolean found = false;
    for (JsonNode m : body.get("face_search").get("matches")) {
      found |= m.get("session_id").asText().equals(enrolled);
    }
    assertTrue(found, output);
  }

  private static String run(String program, Path script) throws Exception {
    Process p =
        new ProcessBuilder(
                program,
                script.toString(),
                "http://127.0.0.1:" + server.app.port(),
                server.apiKey,
                TestData.file(FaceSearchApiTest.OBAMA_OTHER_PHOTO).toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), program + " timed out");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), program + ": " + out);
    return out;
  }

  private static Path script(String name) throws URISyntaxException {
    return Path.of(DiditClientsTest.class.getResource("/clients/" + name).toURI());
  }
}
