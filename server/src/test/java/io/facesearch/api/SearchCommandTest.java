package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.cli.Main;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * {@code ./facesearch search PHOTO --url URL --api-key KEY} against a real server, as Didit's search_faces.py.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class SearchCommandTest {

  @Parameter Dialect dialect;

  @Test
  void search_prints_the_decision_and_the_matches_of_a_photo() {
    try (TestServer server = new TestServer(dialect)) {
      HttpResponse<String> enrolled =
          Http.post(
              server.url("/v3/sessions/"),
              server.apiKey,
              new Multipart()
                  .file(
                      "user_image", "o.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA))
                  .field("vendor_data", "user-obama"));
      String session = Http.json(enrolled).get("session_id").asText();
      String url = "http://127.0.0.1:" + server.app.port();
      String photo = TestData.file(FaceSearchApiTest.OBAMA_OTHER_PHOTO).toString();

      Run r =
          run(
              "search",
              photo,
              "--url",
              url,
              "--api-key",
              server.apiKey,
              "--vendor-data",
              "cli-user",
              "--rotate");
      assertEquals(0, r.code(), r.err());
      assertTrue(
          r.out().startsWith("status: In Review   total_matches: 1   request_id: "), r.out());
      assertTrue(r.out().contains("warning: DUPLICATED_FACE"), r.out());
      assertTrue(
          r.out()
              .lines()
              .anyMatch(
                  l ->
                      l.startsWith("1 ")
                          && l.contains(session)
                          && l.contains("user-obama")
                          && l.contains("session")),
          r.out());
      assertTrue(r.out().strip().endsWith("status=In_Review total_matches=1 matches=1"), r.out());
      String requestId =
          r.out().lines().findFirst().orElseThrow().replaceAll(".*request_id: ", "").strip();
      assertEquals(
          "cli-user",
          Http.json(Http.get(server.url("/v3/session/" + requestId + "/decision/"), server.apiKey))
              .get("vendor_data")
              .asText(),
          "the call was saved with its vendor_data");

      Run json =
          run("search", photo, "--url", url, "--api-key", server.apiKey, "--json", "--no-save");
      assertEquals(0, json.code(), json.err());
      assertTrue(json.out().strip().startsWith("{\"request_id\""), json.out());

      Run badKey = run("search", photo, "--url", url, "--api-key", "wrong");
      assertEquals(2, badKey.code());
      assertTrue(badKey.err().startsWith("error: HTTP 401"), badKey.err());
      Run noPhoto = run("search", "/nowhere.jpg", "--url", url, "--api-key", server.apiKey);
      assertEquals(2, noPhoto.code());
      assertTrue(noPhoto.err().startsWith("error: no such photo"), noPhoto.err());
    }
  }

  record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
