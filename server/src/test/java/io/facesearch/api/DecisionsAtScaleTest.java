package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.billing.Prices;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decisions that must stay right as the gallery grows, end to end over HTTP with real LFW photos from
 * {@code ../shared/data/lfw-dev}: the blocklist is never crowded out, strangers are not sent to review in a gallery
 * of hundreds of real faces at the default settings.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class DecisionsAtScaleTest {

  @Parameter Dialect dialect;

  static final String POWELL_1 = "lfw-dev/images/Colin_Powell/Colin_Powell_0001.jpg";
  static final String POWELL_2 = "lfw-dev/images/Colin_Powell/Colin_Powell_0002.jpg";

  private TestServer server;

  @BeforeEach
  void start() {
    // 300 enrollments and 21 searches can come faster than the default 300 writes a minute on an
    // idle machine.
    server =
        TestServer.with(
            Prices.DEFAULTS, null, new FaceSearchApp.Limits(10_000, 10_000, 5), dialect);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void a_blocklisted_face_behind_five_look_alikes_is_declined() {
    for (int i = 0;
        i < 6;
        i++) { // six approved sessions of one photo: they score 100 against that photo
      enroll(POWELL_1);
    }
    String blocked = enroll(POWELL_2);
    HttpResponse<String> add =
        Http.send(
            "POST",
            server.url("/v3/blocklist/add/"),
            server.apiKey,
            "{\"session_id\": \"" + blocked + "\", \"blocklist_face\": true}");
    assertEquals(200, add.statusCode(), add.body());

    JsonNode fs = search(POWELL_1).get("face_search");
    assertEquals("Declined", fs.get("status").asText(), fs.toString());
    assertTrue(risks(fs).stream().anyMatch(r -> r.endsWith("FACE_IN_BLOCKLIST")), fs.toString());
    JsonNode matches = fs.get("matches");
    assertEquals(6, matches.size(), "the best five and the blocklisted one that decided: " + fs);
    assertTrue(matches.get(5).get("is_blocklisted").asBoolean(), fs.toString());
    assertEquals(blocked, matches.get(5).get("session_id").asText());

    JsonNode liveness =
        Http.json(
                Http.post(
                    server.url("/v3/passive-liveness/"),
                    server.apiKey,
                    new Multipart()
                        .file("user_image", "u.jpg", "image/jpeg", TestData.bytes(POWELL_1))))
            .get("liveness");
    assertEquals("Declined", liveness.get("status").asText(), liveness.toString());
    assertTrue(
        risks(liveness).stream().anyMatch(r -> r.endsWith("FACE_IN_BLOCKLIST")),
        liveness.toString());
  }

  @Test
  void strangers_are_approved_against_a_gallery_of_three_hundred_real_faces_at_default_settings()
      throws IOException {
    List<Path> people = people();
    for (Path person : people.subList(0, 300)) {
      enroll(firstPhoto(person));
    }
    List<String> strangers = new ArrayList<>();
    for (Path person : people.subList(people.size() - 20, people.size())) {
      strangers.add(firstPhoto(person));
    }
    int reviewed = 0;
    JsonNode last = null;
    for (String stranger : strangers) {
      last = search(stranger, "save_api_request", "false").get("face_search");
      if (!last.get("status").asText().equals("Approved")) {
        reviewed++;
        System.out.println("stranger sent to review: " + stranger + " " + last.get("matches"));
      }
    }
    JsonNode threshold = last.get("threshold");
    assertEquals("gallery_size", threshold.get("origin").asText());
    assertEquals(300, threshold.get("candidate_faces").asLong());
    assertTrue(threshold.get("expected_review_rate").asDouble() <= 0.01, threshold.toString());
    // With the old fixed threshold 70 (pairwise FMR 1e-3) about a quarter of them would be sent to
    // review.
    assertTrue(
        reviewed <= 1, reviewed + " of 20 strangers sent to review at threshold " + threshold);
    assertEquals(
        "Approved",
        search(strangers.get(0), "save_api_request", "false")
            .get("face_search")
            .get("status")
            .asText(),
        "the first stranger");
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** The LFW people folders, sorted by name. */
  private static List<Path> people() throws IOException {
    try (Stream<Path> s = Files.list(TestData.file("lfw-dev/images"))) {
      return s.filter(Files::isDirectory).sorted().toList();
    }
  }

  private static String firstPhoto(Path person) throws IOException {
    try (Stream<Path> s = Files.list(person)) {
      Path first = s.sorted().findFirst().orElseThrow();
      return TestData.root().relativize(first).toString().replace('\\', '/');
    }
  }

  private String enroll(String photo) {
    HttpResponse<String> r =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "photo.jpg", "image/jpeg", TestData.bytes(photo))
                .field("status", "Approved"));
    assertEquals(201, r.statusCode(), photo + ": " + r.body());
    return Http.json(r).get("session_id").asText();
  }

  private JsonNode search(String photo, String... fields) {
    Multipart form =
        new Multipart().file("user_image", "selfie.jpg", "image/jpeg", TestData.bytes(photo));
    for (int i = 0; i < fields.length; i += 2) {
      form.field(fields[i], fields[i + 1]);
    }
    HttpResponse<String> r = Http.post(server.url("/v3/face-search/"), server.apiKey, form);
    assertEquals(200, r.statusCode(), photo + ": " + r.body());
    return Http.json(r);
  }

  private static List<String> risks(JsonNode section) {
    List<String> out = new ArrayList<>();
    section.get("warnings").forEach(w -> out.add(w.get("risk").asText()));
    return out;
  }
}
