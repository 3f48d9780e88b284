package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.accounts.Application;
import io.facesearch.pipeline.TestData;
import io.facesearch.sessions.Retention;
import io.facesearch.store.Dialect;
import io.facesearch.store.RawSql;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reviewing sessions over HTTP: status changes, the blocklist, erasure, listing and retention; with the truth (and
 * the images) in SQLite and files, and in PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class ReviewApiTest {

  @Parameter Dialect dialect;
  private TestServer server;
  private final FaceSearchApiTest.MutableClock clock = new FaceSearchApiTest.MutableClock();

  private void start() {
    server = new TestServer(clock, dialect);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void blocklist_add_and_remove_flip_a_search_between_declined_and_in_review() {
    start();
    String session = enroll(FaceSearchApiTest.OBAMA, "obama");
    assertEquals("In Review", status(search(FaceSearchApiTest.OBAMA_OTHER_PHOTO)));

    HttpResponse<String> add =
        Http.send(
            "POST",
            server.url("/v3/blocklist/add/"),
            server.apiKey,
            "{\"session_id\": \"" + session + "\", \"blocklist_face\": true}");
    assertEquals(200, add.statusCode(), add.body());
    assertEquals("Successfully updated blocklist.", Http.json(add).get("message").asText());
    JsonNode declined = search(FaceSearchApiTest.OBAMA_OTHER_PHOTO);
    assertEquals("Declined", status(declined));
    JsonNode warning = declined.at("/face_search/warnings/0");
    assertEquals("FACE_IN_BLOCKLIST", warning.get("risk").asText());
    assertEquals(session, warning.at("/additional_data/blocklisted_session_id").asText());
    assertTrue(declined.at("/face_search/matches/0/is_blocklisted").asBoolean());

    HttpResponse<String> remove =
        Http.send(
            "POST",
            server.url("/v3/blocklist/remove/"),
            server.apiKey,
            "{\"session_id\": \"" + session + "\", \"unblock_face\": true}");
    assertEquals("Successfully removed from blocklist.", Http.json(remove).get("message").asText());
    assertEquals("In Review", status(search(FaceSearchApiTest.OBAMA_OTHER_PHOTO)));
    assertEquals(
        404,
        Http.send(
                "POST",
                server.url("/v3/blocklist/add/"),
                server.apiKey,
                "{\"session_id\": \"nope\", \"blocklist_face\": true}")
            .statusCode());
    String faceless =
        search(FaceSearchApiTest.NO_FACE, "save_api_request", "true").get("request_id").asText();
    HttpResponse<String> nothing =
        Http.send(
            "POST",
            server.url("/v3/blocklist/add/"),
            server.apiKey,
            "{\"session_id\": \"" + faceless + "\", \"blocklist_face\": true}");
    assertEquals(
        400,
        nothing.statusCode(),
        "a session without a face has nothing to blocklist: " + nothing.body());
    assertTrue(Http.json(nothing).has("session_id"));
  }

  @Test
  void blocklist_flags_default_to_false_as_didits() {
    start();
    String session = enroll(FaceSearchApiTest.OBAMA, "obama");
    HttpResponse<String> add =
        Http.send(
            "POST",
            server.url("/v3/blocklist/add/"),
            server.apiKey,
            "{\"session_id\": \"" + session + "\", \"blocklist_document\": true}");
    assertEquals(200, add.statusCode(), add.body());
    assertEquals(
        "In Review",
        status(search(FaceSearchApiTest.OBAMA_OTHER_PHOTO)),
        "blocklist_face absent: false");
    Http.send(
        "POST",
        server.url("/v3/blocklist/add/"),
        server.apiKey,
        "{\"session_id\": \"" + session + "\", \"blocklist_face\": true}");
    Http.send(
        "POST",
        server.url("/v3/blocklist/remove/"),
        server.apiKey,
        "{\"session_id\": \"" + session + "\"}");
    assertEquals(
        "Declined",
        status(search(FaceSearchApiTest.OBAMA_OTHER_PHOTO)),
        "unblock_face absent: false");
  }

  @Test
  void erasing_a_session_removes_its_face_from_search_and_its_files_from_disk() throws Exception {
    start();
    String session = enroll(FaceSearchApiTest.OBAMA, "obama");
    Application app = server.services.accounts().defaultApplication().orElseThrow();
    Path image = server.data.resolve("images").resolve(app.id()).resolve(session + ".jpg");
    assertTrue(server.services.images().read(app.id(), session).isPresent(), "image stored");
    assertEquals(dialect == Dialect.SQLITE, Files.exists(image), "a file only beside SQLite");
    assertEquals(
        1, search(FaceSearchApiTest.OBAMA_OTHER_PHOTO).at("/face_search/total_matches").asInt());

    assertEquals(
        204,
        Http.send("DELETE", server.url("/v3/session/" + session + "/delete/"), server.apiKey, null)
            .statusCode());
    assertEquals(
        0, search(FaceSearchApiTest.OBAMA_OTHER_PHOTO).at("/face_search/total_matches").asInt());
    assertFalse(Files.exists(image), "image file erased");
    assertFalse(server.services.images().read(app.id(), session).isPresent(), "image erased");
    assertEquals(0, server.services.faces().count(app.id()), "embedding erased from SQL");
    assertEquals(0, server.services.gallery().count(app.id()), "face erased from the gallery");
    assertEquals(
        404,
        Http.get(server.url("/v3/session/" + session + "/decision/"), server.apiKey).statusCode());
    assertEquals(
        404,
        Http.send("DELETE", server.url("/v3/session/" + session + "/delete/"), server.apiKey, null)
            .statusCode());
  }

  @Test
  void erasing_a_session_takes_its_personal_data_out_of_the_saved_searches_that_matched_it() {
    start();
    HttpResponse<String> enrolled =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "p.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA))
                .field("vendor_data", "obama-vendor-1")
                .field("name", "Barack Obama")
                .field("document_number", "PP7654321"));
    assertEquals(201, enrolled.statusCode(), enrolled.body());
    String session = Http.json(enrolled).get("session_id").asText();
    String search =
        search(FaceSearchApiTest.OBAMA_OTHER_PHOTO, "save_api_request", "true")
            .get("request_id")
            .asText();
    URI decision = server.url("/v3/session/" + search + "/decision/");
    assertTrue(
        Http.get(decision, server.apiKey).body().contains("obama-vendor-1"),
        "the match copies the data");

    assertEquals(
        204,
        Http.send("DELETE", server.url("/v3/session/" + session + "/delete/"), server.apiKey, null)
            .statusCode());
    HttpResponse<String> after = Http.get(decision, server.apiKey);
    assertEquals(200, after.statusCode(), "the search itself is not erased");
    JsonNode match = Http.json(after).at("/face_search/matches/0");
    assertEquals(session, match.get("session_id").asText(), "that it matched is kept");
    assertTrue(
        match.get("vendor_data").isNull()
            && match.get("user_details").isNull()
            && match.get("match_image_url").isNull(),
        match.toString());
    for (String personal : List.of("obama-vendor-1", "Barack", "******321")) {
      assertFalse(after.body().contains(personal), personal + " in " + after.body());
    }
    String saved =
        RawSql.read(
            server.services.db(),
            c -> { // the one stored copy of the answer, as on disk
              try (var q = c.prepareStatement("SELECT decision_json FROM sessions WHERE id = ?")) {
                q.setString(1, search);
                try (var r = q.executeQuery()) {
                  return r.next() ? r.getString(1) : "";
                }
              }
            });
    assertTrue(
        saved.contains(session) && !saved.contains("obama-vendor-1") && !saved.contains("Barack"),
        saved);
  }

  @Test
  void a_review_comment_must_be_a_short_string_and_a_date_as_date_to_counts_that_whole_day() {
    start();
    String session = enroll(FaceSearchApiTest.OBAMA, "obama");
    URI update = server.url("/v3/session/" + session + "/update-status/");
    HttpResponse<String> huge =
        Http.send(
            "PATCH",
            update,
            server.apiKey,
            "{\"new_status\": \"Declined\", \"comment\": \"" + "c".repeat(5000) + "\"}");
    assertEquals(400, huge.statusCode(), huge.body());
    assertTrue(Http.json(huge).has("comment"));
    HttpResponse<String> object =
        Http.send(
            "PATCH",
            update,
            server.apiKey,
            "{\"new_status\": \"Declined\", \"comment\": {\"a\": 1}}");
    assertEquals(400, object.statusCode(), object.body());
    assertEquals(
        "Approved",
        Http.json(Http.get(server.url("/v3/session/" + session + "/decision/"), server.apiKey))
            .get("status")
            .asText(),
        "refused changes changed nothing");

    String today = clock.instant().atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
    JsonNode page =
        Http.json(
            Http.get(
                server.url("/v3/sessions/?date_from=" + today + "&date_to=" + today),
                server.apiKey));
    assertEquals(1, page.get("count").asInt(), page.toString());
  }

  @Test
  void a_reviewer_decision_is_kept_and_with_auto_blocklist_declines_the_next_search() {
    start();
    Application app = server.services.accounts().defaultApplication().orElseThrow();
    server
        .services
        .accounts()
        .updateSettings(app.id(), app.settings().withAutoBlocklistDeclined(true));
    String session =
        Http.json(
                Http.post(
                    server.url("/v3/face-search/"),
                    server.apiKey,
                    new Multipart()
                        .file(
                            "user_image",
                            "a.jpg",
                            "image/jpeg",
                            TestData.bytes(FaceSearchApiTest.OBAMA))))
            .get("request_id")
            .asText();
    HttpResponse<String> patched =
        Http.send(
            "PATCH",
            server.url("/v3/session/" + session + "/update-status/"),
            server.apiKey,
            "{\"new_status\": \"Declined\", \"comment\": \"fraud ring\"}");
    assertEquals(200, patched.statusCode(), patched.body());
    JsonNode decision =
        Http.json(Http.get(server.url("/v3/session/" + session + "/decision/"), server.apiKey));
    assertEquals("Declined", decision.get("status").asText());
    assertEquals("fraud ring", decision.get("status_reason").asText());
    assertEquals(
        "Declined", status(search(FaceSearchApiTest.OBAMA_OTHER_PHOTO)), "auto-blocklisted");
    assertEquals(
        400,
        Http.send(
                "PATCH",
                server.url("/v3/session/" + session + "/update-status/"),
                server.apiKey,
                "{\"new_status\": \"Maybe\"}")
            .statusCode());
  }

  @Test
  void sessions_are_listed_newest_first_with_filters_and_pages() {
    start();
    enroll(FaceSearchApiTest.OBAMA, "user-a");
    clock.advance(Duration.ofSeconds(5));
    enroll(FaceSearchApiTest.BIDEN, "user-b");
    clock.advance(Duration.ofSeconds(5));
    search(FaceSearchApiTest.NO_FACE, "save_api_request", "true"); // a Declined API session
    JsonNode all = list("");
    assertEquals(3, all.get("count").asInt());
    assertEquals("api", all.at("/results/0/session_type").asText(), "newest first");
    assertEquals(1, list("?status=Declined").get("count").asInt());
    assertEquals("user-b", list("?vendor_data=user-b").at("/results/0/vendor_data").asText());
    assertEquals(2, list("?session_type=enrolled").get("count").asInt());
    assertEquals(
        2,
        list("?status=Approved,In%20Review").get("count").asInt(),
        "Didit's comma-separated statuses");
    assertEquals(
        400,
        Http.get(server.url("/v3/sessions/?status=Approved,Maybe"), server.apiKey).statusCode());
    JsonNode first = list("?limit=2");
    assertTrue(first.get("previous").isNull());
    assertTrue(
        first.get("next").asText().endsWith("/v3/sessions/?limit=2&offset=2"), first.toString());
    JsonNode page2 = list("?limit=2&offset=2");
    assertEquals(3, page2.get("count").asInt());
    assertTrue(page2.get("next").isNull());
    assertTrue(page2.get("previous").asText().endsWith("/v3/sessions/?limit=2"), page2.toString());
    assertEquals(1, page2.get("results").size());
    JsonNode row = page2.at("/results/0");
    assertEquals("user-a", row.get("vendor_data").asText());
    assertTrue(row.get("session_number").isIntegralNumber());
    assertEquals("user", row.get("session_kind").asText());
    assertTrue(
        row.get("features").isArray()
            && row.has("session_url")
            && row.has("full_name")
            && row.has("portrait_image")
            && row.has("document_type")
            && row.has("country"),
        row.toString());
    assertEquals(400, Http.get(server.url("/v3/sessions/?limit=x"), server.apiKey).statusCode());
  }

  @Test
  void retention_erases_biometric_data_older_than_the_setting() {
    start();
    Application app = server.services.accounts().defaultApplication().orElseThrow();
    String old = enroll(FaceSearchApiTest.OBAMA, "old");
    String list =
        Http.json(
                Http.send(
                    "POST",
                    server.url("/v3/lists/"),
                    server.apiKey,
                    "{\"name\": \"fraud\", \"list_type\": \"blocklist\"}"))
            .get("uuid")
            .asText();
    assertEquals(
        201,
        Http.send(
                "POST",
                server.url("/v3/lists/" + list + "/entries/face-upload/"),
                server.apiKey,
                "{\"image\": \""
                    + java.util.Base64.getEncoder()
                        .encodeToString(TestData.bytes("deepface_tests/identities/id05/img16.jpg"))
                    + "\"}")
            .statusCode());
    clock.advance(Duration.ofDays(31));
    String recent = enroll(FaceSearchApiTest.BIDEN, "recent");
    server.services.accounts().updateSettings(app.id(), app.settings().withRetentionDays(30));
    assertEquals(
        1, new Retention(server.services.accounts(), server.services.review(), clock).runOnce());
    assertEquals(
        404, Http.get(server.url("/v3/session/" + old + "/decision/"), server.apiKey).statusCode());
    assertEquals(
        200,
        Http.get(server.url("/v3/session/" + recent + "/decision/"), server.apiKey).statusCode());
    assertEquals(
        2,
        server.services.faces().count(app.id()),
        "the recent session's face and the list entry's");
    assertEquals(
        1,
        Http.json(Http.get(server.url("/v3/lists/" + list + "/entries/"), server.apiKey))
            .get("count")
            .asInt(),
        "a face list keeps its entries until they are removed");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private String enroll(String photo, String vendorData) {
    HttpResponse<String> r =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "p.jpg", "image/jpeg", TestData.bytes(photo))
                .field("vendor_data", vendorData));
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).get("session_id").asText();
  }

  private JsonNode search(String photo, String... fields) {
    Multipart form =
        new Multipart().file("user_image", "s.jpg", "image/jpeg", TestData.bytes(photo));
    boolean saveGiven = false;
    for (int i = 0; i < fields.length; i += 2) {
      form.field(fields[i], fields[i + 1]);
      saveGiven |= fields[i].equals("save_api_request");
    }
    if (!saveGiven) {
      form.field("save_api_request", "false");
    }
    HttpResponse<String> r = Http.post(server.url("/v3/face-search/"), server.apiKey, form);
    assertEquals(200, r.statusCode(), r.body());
    return Http.json(r);
  }

  private static String status(JsonNode answer) {
    return answer.at("/face_search/status").asText();
  }

  private JsonNode list(String query) {
    HttpResponse<String> r = Http.get(server.url("/v3/sessions/" + query), server.apiKey);
    assertEquals(200, r.statusCode(), r.body());
    return Http.json(r);
  }
}
