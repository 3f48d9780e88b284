package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Application;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code POST /v3/face-search/} end to end: the real service over HTTP, real photos from ../shared/data,
 * a fresh data folder per test; every test once with the truth in SQLite and once in PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class FaceSearchApiTest {

  @Parameter Dialect dialect;

  static final String OBAMA = "face_recognition_examples/examples/obama.jpg";
  static final String OBAMA_OTHER_PHOTO = "face_recognition_examples/examples/obama2.jpg";
  static final String BIDEN = "face_recognition_examples/examples/biden.jpg";
  static final String STRANGER = "deepface_tests/identities/id05/img16.jpg";
  static final String GROUP = "insightface_samples/python-package/insightface/data/images/t1.jpg";
  static final String NO_FACE = "opencv-doc_examples/no_face/fruits.jpg";

  private TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dialect);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void search_puts_another_photo_of_an_enrolled_person_in_review_as_a_duplicate() {
    String enrolled = enroll(server.apiKey, OBAMA, "Barack Obama", "P1234567");
    JsonNode body = search(server.apiKey, OBAMA_OTHER_PHOTO, "save_api_request", "false");
    JsonNode fs = body.get("face_search");
    assertEquals("In Review", fs.get("status").asText(), body.toString());
    assertEquals(1, fs.get("total_matches").asInt());
    JsonNode match = fs.get("matches").get(0);
    assertEquals(enrolled, match.get("session_id").asText());
    assertEquals("session", match.get("source").asText());
    assertEquals("Approved", match.get("status").asText());
    assertEquals("*****567", match.get("user_details").get("document_number").asText());
    assertEquals("Barack Obama", match.get("user_details").get("name").asText());
    assertTrue(match.get("similarity_percentage").asDouble() >= 90, match.toString());
    assertFalse(match.get("is_blocklisted").asBoolean());
    JsonNode warning = warning(fs, "DUPLICATED_FACE");
    assertEquals(enrolled, warning.get("additional_data").get("duplicated_session_id").asText());
    assertEquals("warning", warning.get("log_type").asText());
    assertEquals(1, fs.get("user_image").get("entities").size());
    JsonNode entity = fs.get("user_image").get("entities").get(0);
    assertTrue(entity.get("age").asText().matches("\\d+\\.\\d"));
    assertTrue(entity.get("gender").asText().matches("male|female"));
    assertEquals(4, entity.get("bbox").size());
  }

  @Test
  void a_stranger_is_approved_with_no_matches() {
    enroll(server.apiKey, OBAMA, "Barack Obama", null);
    enroll(server.apiKey, BIDEN, "Joe Biden", null);
    JsonNode fs = search(server.apiKey, STRANGER).get("face_search");
    assertEquals("Approved", fs.get("status").asText(), fs.toString());
    assertEquals(0, fs.get("total_matches").asInt());
    assertEquals(0, fs.get("matches").size());
    assertEquals(0, fs.get("warnings").size());
  }

  @Test
  void a_group_photo_warns_of_multiple_faces_and_is_declined_when_the_application_forbids_them() {
    JsonNode fs = search(server.apiKey, GROUP, "save_api_request", "false").get("face_search");
    assertEquals("warning", warning(fs, "MULTIPLE_FACES_DETECTED").get("log_type").asText());
    assertEquals(6, fs.get("user_image").get("entities").size());
    assertEquals("Approved", fs.get("status").asText());

    Application app = server.services.accounts().defaultApplication().orElseThrow();
    server
        .services
        .accounts()
        .updateSettings(app.id(), app.settings().withAllowMultipleFaces(false));
    JsonNode declined =
        search(server.apiKey, GROUP, "save_api_request", "false").get("face_search");
    assertEquals("Declined", declined.get("status").asText());
    assertEquals("error", warning(declined, "MULTIPLE_FACES_DETECTED").get("log_type").asText());
    long sessions = countSessions();
    HttpResponse<String> enrolled =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart().file("user_image", "g.jpg", "image/jpeg", TestData.bytes(GROUP)));
    assertEquals(
        400, enrolled.statusCode(), "nor is a group photo enrolled then: " + enrolled.body());
    assertTrue(
        Http.json(enrolled).get("user_image").get(0).asText().startsWith("More than one face"));
    assertEquals(sessions, countSessions());
  }

  @Test
  void a_rotated_photo_with_rotate_image_reports_its_best_angle_and_still_matches() {
    enroll(server.apiKey, "deepface_tests/identities/id01/img2.jpg", "id01", null);
    JsonNode fs =
        search(
                server.apiKey,
                "derived/rotated/id01/img1_rot270ccw.jpg",
                "rotate_image",
                "true",
                "save_api_request",
                "false")
            .get("face_search");
    assertEquals(270, fs.get("user_image").get("best_angle").asInt(), fs.toString());
    assertEquals("In Review", fs.get("status").asText(), fs.toString());
  }

  @Test
  void a_photo_without_a_face_is_declined_with_no_face_detected() {
    JsonNode fs = search(server.apiKey, NO_FACE).get("face_search");
    assertEquals("Declined", fs.get("status").asText());
    assertEquals("error", warning(fs, "NO_FACE_DETECTED").get("log_type").asText());
    assertEquals(0, fs.get("user_image").get("entities").size());
  }

  @Test
  void bad_requests_get_400_and_store_nothing() throws IOException {
    enroll(server.apiKey, OBAMA, null, null);
    long sessions = countSessions();
    long faces = server.services.faces().count(defaultApp().id());
    List<Path> files = imageFiles();
    byte[] jpeg = TestData.bytes(OBAMA);
    assertField(
        post(new Multipart().field("vendor_data", "x")), "user_image", "This field is required.");
    assertField(
        post(
            new Multipart()
                .file("user_image", "a.pdf", "application/pdf", "%PDF-1.7\n".getBytes())),
        "user_image",
        "Unsupported image format");
    assertField(
        post(new Multipart().file("user_image", "a.gif", "image/gif", "GIF89a....".getBytes())),
        "user_image",
        "Unsupported image format");
    assertField(
        post(new Multipart().file("user_image", "e.jpg", "image/jpeg", new byte[0])),
        "user_image",
        "empty");
    assertField(
        post(
            new Multipart()
                .file("user_image", "t.jpg", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2))),
        "user_image",
        "corrupt");
    assertField(
        post(
            new Multipart()
                .file(
                    "user_image", "b.jpg", "image/jpeg", Arrays.copyOf(jpeg, 5 * 1024 * 1024 + 1))),
        "user_image",
        "larger than 5 MB");
    assertField(
        post(
            new Multipart()
                .file("user_image", "o.jpg", "image/jpeg", jpeg)
                .field("search_type", "everything")),
        "search_type",
        "not a valid choice");
    assertField(
        post(
            new Multipart()
                .file("user_image", "o.jpg", "image/jpeg", jpeg)
                .field("rotate_image", "perhaps")),
        "rotate_image",
        "boolean");
    assertField(
        post(
            new Multipart()
                .file("user_image", "o.jpg", "image/jpeg", jpeg)
                .field("metadata", "{not json")),
        "metadata",
        "JSON");
    HttpResponse<String> huge =
        post(
            new Multipart()
                .file("user_image", "h.jpg", "image/jpeg", Arrays.copyOf(jpeg, 11 * 1024 * 1024)));
    assertEquals(
        400,
        huge.statusCode(),
        "an 11 MB upload is refused by the multipart parser: " + huge.body());
    assertTrue(Http.json(huge).has("detail"));
    assertEquals(sessions, countSessions());
    assertEquals(faces, server.services.faces().count(defaultApp().id()));
    assertEquals(files, imageFiles());
  }

  @Test
  void missing_or_wrong_api_keys_get_401_with_a_detail() {
    Multipart form =
        new Multipart().file("user_image", "o.jpg", "image/jpeg", TestData.bytes(OBAMA));
    HttpResponse<String> none = Http.post(server.url("/v3/face-search/"), null, form);
    assertEquals(401, none.statusCode());
    assertTrue(Http.json(none).get("detail").asText().length() > 0);
    HttpResponse<String> wrong = Http.post(server.url("/v3/face-search/"), "fsk_not_a_key", form);
    assertEquals(401, wrong.statusCode());
    assertEquals("Invalid API key.", Http.json(wrong).get("detail").asText());
    assertEquals(401, Http.get(server.url("/v3/session/x/decision/"), "fsk_nope").statusCode());
  }

  @Test
  void text_fields_count_characters_not_utf16_units() {
    String emoji = "\uD83D\uDE00".repeat(600); // 600 characters, 1,200 UTF-16 units
    HttpResponse<String> ok =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "o.jpg", "image/jpeg", TestData.bytes(OBAMA))
                .field("vendor_data", emoji));
    assertEquals(201, ok.statusCode(), ok.body());
    HttpResponse<String> tooLong =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "o.jpg", "image/jpeg", TestData.bytes(OBAMA))
                .field("vendor_data", "x".repeat(1025)));
    assertEquals(400, tooLong.statusCode(), tooLong.body());
    assertTrue(Http.json(tooLong).has("vendor_data"));
  }

  @Test
  void a_wrong_method_gets_405_with_a_detail() {
    HttpResponse<String> r = Http.get(server.url("/v3/face-search/"), server.apiKey);
    assertEquals(405, r.statusCode(), r.body());
    assertEquals("Method \"GET\" not allowed.", Http.json(r).get("detail").asText());
    assertEquals(404, Http.get(server.url("/v3/no-such-route/"), server.apiKey).statusCode());
  }

  @Test
  void a_refused_upload_gets_its_401_even_when_the_server_answers_before_reading_it() {
    // The key is checked before the body is read; the answer must still reach a client that is
    // sending megabytes.
    byte[] photo = TestData.bytes(OBAMA);
    Multipart form =
        new Multipart()
            .file("user_image", "o.jpg", "image/jpeg", Arrays.copyOf(photo, 4 * 1024 * 1024));
    for (int attempt = 0; attempt < 20; attempt++) {
      HttpResponse<String> wrong = Http.post(server.url("/v3/face-search/"), "fsk_not_a_key", form);
      assertEquals(401, wrong.statusCode(), "attempt " + attempt);
      assertEquals("Invalid API key.", Http.json(wrong).get("detail").asText());
    }
    // and the connection the client reuses still works
    assertEquals(
        "Approved",
        search(server.apiKey, OBAMA, "save_api_request", "false")
            .get("face_search")
            .get("status")
            .asText());
  }

  @Test
  void save_api_request_false_leaves_no_trace() throws IOException {
    long sessions = countSessions();
    List<Path> files = imageFiles();
    JsonNode body = search(server.apiKey, OBAMA, "save_api_request", "false");
    assertEquals("Approved", body.get("face_search").get("status").asText());
    assertEquals(sessions, countSessions());
    assertEquals(0, server.services.faces().count(defaultApp().id()));
    assertEquals(files, imageFiles());
    assertEquals(
        404,
        Http.get(
                server.url("/v3/session/" + body.get("request_id").asText() + "/decision/"),
                server.apiKey)
            .statusCode());
    // and the next search finds nothing
    assertEquals(
        0,
        search(server.apiKey, OBAMA_OTHER_PHOTO, "save_api_request", "false")
            .get("face_search")
            .get("total_matches")
            .asInt());
  }

  @Test
  void a_saved_search_becomes_an_api_session_that_later_searches_do_not_match_by_default() {
    JsonNode first = search(server.apiKey, OBAMA, "vendor_data", "user-1");
    String sessionId = first.get("request_id").asText();
    assertEquals("user-1", first.get("vendor_data").asText());
    HttpResponse<String> decision =
        Http.get(server.url("/v3/session/" + sessionId + "/decision/"), server.apiKey);
    assertEquals(200, decision.statusCode(), decision.body());
    JsonNode d = Http.json(decision);
    assertEquals("api", d.get("session_type").asText());
    assertEquals("Approved", d.get("status").asText());
    assertEquals(1, d.get("session_number").asLong());
    assertEquals(first.get("face_search"), d.get("face_search"));

    // The same person searching again is not his own duplicate (as Didit: saved API searches are
    // not candidates).
    JsonNode again =
        search(server.apiKey, OBAMA_OTHER_PHOTO, "save_api_request", "false").get("face_search");
    assertEquals("Approved", again.get("status").asText(), again.toString());
    assertEquals(0, again.get("total_matches").asInt(), again.toString());

    // With the application setting search_api_sessions, the saved searches are candidates.
    server
        .services
        .accounts()
        .updateSettings(defaultApp().id(), defaultApp().settings().withSearchApiSessions(true));
    JsonNode second = search(server.apiKey, OBAMA_OTHER_PHOTO, "save_api_request", "false");
    JsonNode match = second.get("face_search").get("matches").get(0);
    assertEquals(sessionId, match.get("session_id").asText());
    assertEquals("api", match.get("source").asText());
    assertEquals("user-1", match.get("vendor_data").asText());
  }

  @Test
  void sessions_in_review_are_candidates_only_when_the_application_says_so() {
    HttpResponse<String> r =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "photo.jpg", "image/jpeg", TestData.bytes(OBAMA))
                .field("status", "In Review"));
    assertEquals(201, r.statusCode(), r.body());
    JsonNode fs =
        search(server.apiKey, OBAMA_OTHER_PHOTO, "save_api_request", "false").get("face_search");
    assertEquals("Approved", fs.get("status").asText(), fs.toString());
    assertEquals(0, fs.get("threshold").get("candidate_faces").asInt(), fs.toString());

    server
        .services
        .accounts()
        .updateSettings(
            defaultApp().id(), defaultApp().settings().withSearchUnapprovedSessions(true));
    fs = search(server.apiKey, OBAMA_OTHER_PHOTO, "save_api_request", "false").get("face_search");
    assertEquals("In Review", fs.get("status").asText(), fs.toString());
    assertEquals(
        Http.json(r).get("session_id").asText(),
        fs.get("matches").get(0).get("session_id").asText());
  }

  @Test
  void an_operator_threshold_wins_over_the_gallery_size_threshold() {
    enroll(server.apiKey, OBAMA, "Barack Obama", null);
    JsonNode automatic =
        search(server.apiKey, BIDEN, "save_api_request", "false").get("face_search");
    assertEquals("gallery_size", automatic.get("threshold").get("origin").asText());
    assertEquals(
        70.0,
        automatic.get("threshold").get("similarity_threshold").asDouble(),
        "the floor for one face");
    server
        .services
        .accounts()
        .updateSettings(defaultApp().id(), defaultApp().settings().withSimilarityThreshold(95));
    JsonNode set =
        search(server.apiKey, OBAMA_OTHER_PHOTO, "save_api_request", "false").get("face_search");
    assertEquals("operator", set.get("threshold").get("origin").asText());
    assertEquals(95.0, set.get("threshold").get("similarity_threshold").asDouble());
    assertEquals(1, set.get("threshold").get("candidate_faces").asInt());
  }

  @Test
  void match_image_urls_work_once_signed_and_fail_when_altered_expired_or_foreign() {
    MutableClock clock = new MutableClock();
    server.close();
    server = new TestServer(clock, dialect);
    enroll(server.apiKey, OBAMA, "Barack Obama", null);
    String url =
        search(server.apiKey, OBAMA_OTHER_PHOTO, "save_api_request", "false")
            .get("face_search")
            .get("matches")
            .get(0)
            .get("match_image_url")
            .asText();
    HttpResponse<byte[]> ok = Http.getBytes(URI.create(url));
    assertEquals(200, ok.statusCode());
    assertEquals((byte) 0xFF, ok.body()[0], "a JPEG");
    assertEquals((byte) 0xD8, ok.body()[1], "a JPEG");

    assertForbidden(url.replaceAll("sig=[^&]+", "sig=AAAA"));
    assertForbidden(url.replaceAll("expires=(\\d+)", "expires=9$1"));
    Application other = server.services.accounts().createApplication("Other org", "Other app");
    assertForbidden(url.replaceAll("app=[^&]+", "app=" + other.id()));
    clock.advance(java.time.Duration.ofMinutes(61));
    assertForbidden(url);
  }

  @Test
  void tenants_never_see_each_others_faces_or_sessions() {
    AccountStore accounts = server.services.accounts();
    Application other = accounts.createApplication("Other org", "Other app");
    String otherKey = accounts.createKey(other.id()).key();
    String enrolled = enroll(server.apiKey, OBAMA, "Barack Obama", null);

    JsonNode fromOther =
        search(otherKey, OBAMA_OTHER_PHOTO, "save_api_request", "false").get("face_search");
    assertEquals("Approved", fromOther.get("status").asText());
    assertEquals(0, fromOther.get("total_matches").asInt());
    assertEquals(
        404, Http.get(server.url("/v3/session/" + enrolled + "/decision/"), otherKey).statusCode());
    assertEquals(
        200,
        Http.get(server.url("/v3/session/" + enrolled + "/decision/"), server.apiKey).statusCode());
  }

  @Test
  void enrolling_a_photo_without_a_face_or_verified_in_the_future_gives_400_and_creates_nothing() {
    long sessions = countSessions();
    HttpResponse<String> r =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart().file("user_image", "f.jpg", "image/jpeg", TestData.bytes(NO_FACE)));
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(Http.json(r).get("user_image").get(0).asText().contains("No face"));
    assertEquals(sessions, countSessions());
    HttpResponse<String> future =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "o.jpg", "image/jpeg", TestData.bytes(OBAMA))
                .field("verification_date", "9999-12-31"));
    assertEquals(400, future.statusCode(), future.body());
    assertTrue(Http.json(future).has("verification_date"));
    assertEquals(sessions, countSessions());
  }

  @Test
  void openapi_document_lists_exactly_the_fields_of_real_answers() {
    HttpResponse<String> r = Http.get(server.url("/openapi.json"), null);
    assertEquals(200, r.statusCode());
    JsonNode doc = Http.json(r);
    enroll(server.apiKey, OBAMA, "Barack Obama", "P1234567");
    JsonNode answer = search(server.apiKey, OBAMA_OTHER_PHOTO, "save_api_request", "false");
    JsonNode fs = answer.get("face_search");
    assertSameFields(doc.at("/components/schemas/FaceSearchResponse/required"), answer, "response");
    assertSameFields(
        doc.at("/components/schemas/FaceSearchResponse/properties/face_search/required"),
        fs,
        "face_search");
    assertSameFields(
        doc.at(
            "/components/schemas/FaceSearchResponse/properties/face_search/properties/user_image/required"),
        fs.get("user_image"),
        "user_image");
    assertSameFields(
        doc.at("/components/schemas/Match/required"), fs.get("matches").get(0), "match");
    assertSameFields(
        doc.at("/components/schemas/Entity/required"),
        fs.get("user_image").get("entities").get(0),
        "entity");
    assertSameFields(
        doc.at("/components/schemas/Warning/required"), fs.get("warnings").get(0), "warning");
  }

  private static void assertSameFields(JsonNode required, JsonNode actual, String what) {
    List<String> documented = new ArrayList<>();
    required.forEach(n -> documented.add(n.asText()));
    List<String> present = new ArrayList<>();
    actual.fieldNames().forEachRemaining(present::add);
    assertEquals(documented.stream().sorted().toList(), present.stream().sorted().toList(), what);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private String enroll(String key, String photo, String name, String documentNumber) {
    Multipart form =
        new Multipart()
            .file("user_image", "photo.jpg", "image/jpeg", TestData.bytes(photo))
            .field("vendor_data", "enrolled-" + name);
    if (name != null) {
      form.field("name", name);
    }
    if (documentNumber != null) {
      form.field("document_type", "P").field("document_number", documentNumber);
    }
    HttpResponse<String> r = Http.post(server.url("/v3/sessions/"), key, form);
    assertEquals(201, r.statusCode(), photo + ": " + r.body());
    return Http.json(r).get("session_id").asText();
  }

  private JsonNode search(String key, String photo, String... fields) {
    Multipart form =
        new Multipart().file("user_image", "selfie.jpg", "image/jpeg", TestData.bytes(photo));
    for (int i = 0; i < fields.length; i += 2) {
      form.field(fields[i], fields[i + 1]);
    }
    HttpResponse<String> r = Http.post(server.url("/v3/face-search/"), key, form);
    assertEquals(200, r.statusCode(), photo + ": " + r.body());
    return Http.json(r);
  }

  private HttpResponse<String> post(Multipart form) {
    return Http.post(server.url("/v3/face-search/"), server.apiKey, form);
  }

  private static JsonNode warning(JsonNode faceSearch, String risk) {
    for (JsonNode w : faceSearch.get("warnings")) {
      if (w.get("risk").asText().equals(risk)) {
        return w;
      }
    }
    throw new AssertionError("no " + risk + " in " + faceSearch.get("warnings"));
  }

  private static void assertField(HttpResponse<String> r, String field, String fragment) {
    assertEquals(400, r.statusCode(), r.body());
    JsonNode body = Http.json(r);
    assertTrue(body.has(field) && body.get(field).get(0).asText().contains(fragment), r.body());
  }

  private static void assertForbidden(String url) {
    HttpResponse<byte[]> r = Http.getBytes(URI.create(url));
    assertEquals(403, r.statusCode(), url);
    assertTrue(new String(r.body()).contains("detail"));
  }

  private Application defaultApp() {
    return server.services.accounts().defaultApplication().orElseThrow();
  }

  private long countSessions() {
    return server.services.db().read(tx -> server.services.sessions().count(tx, defaultApp().id()));
  }

  private List<Path> imageFiles() throws IOException {
    Path images = server.data.resolve("images");
    if (!Files.exists(images)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(images)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** A clock the test moves forward. */
  static final class MutableClock extends java.time.Clock {
    private java.time.Instant now = java.time.Instant.now();

    void advance(java.time.Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }
}
