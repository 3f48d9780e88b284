package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Face lists over HTTP: base64 face uploads that searches find with source "list_entry"; every test once with the
 * truth in SQLite and once in PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class ListsApiTest {

  @Parameter Dialect dialect;

  static final String BIDEN_OTHER_PHOTO =
      "face_recognition_examples/examples/knn_examples/train/biden/biden2.jpg";
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
  void a_face_uploaded_to_a_blocklist_declines_searches_until_its_entry_is_removed() {
    String list = createList("Known fraudsters", "blocklist");
    JsonNode entry = upload(list, FaceSearchApiTest.OBAMA, "chargeback ring");
    JsonNode fs = search(FaceSearchApiTest.OBAMA_OTHER_PHOTO);
    assertEquals("Declined", fs.get("status").asText(), fs.toString());
    JsonNode match = fs.at("/matches/0");
    assertEquals("list_entry", match.get("source").asText());
    assertTrue(match.get("is_blocklisted").asBoolean());
    assertEquals(entry.get("session_id").asText(), match.get("session_id").asText());

    JsonNode lists = Http.json(Http.get(server.url("/v3/lists/"), server.apiKey)).get("results");
    assertEquals(
        1, lists.get(1).get("entry_count").asInt(), "after the system face blocklist: " + lists);
    JsonNode entries =
        Http.json(Http.get(server.url("/v3/lists/" + list + "/entries/"), server.apiKey))
            .get("results");
    assertEquals("chargeback ring", entries.get(0).get("comment").asText());

    assertEquals(
        204,
        Http.send(
                "DELETE",
                server.url("/v3/lists/" + list + "/entries/" + entry.get("uuid").asText() + "/"),
                server.apiKey,
                null)
            .statusCode());
    assertEquals("Approved", search(FaceSearchApiTest.OBAMA_OTHER_PHOTO).get("status").asText());
  }

  @Test
  void an_allowlisted_face_is_reported_but_never_puts_a_search_in_review() {
    String list = createList("Staff", "allowlist");
    upload(list, FaceSearchApiTest.BIDEN, null);
    JsonNode fs = search(BIDEN_OTHER_PHOTO);
    assertEquals("Approved", fs.get("status").asText(), fs.toString());
    assertTrue(fs.at("/matches/0/is_allowlisted").asBoolean(), fs.toString());
    assertEquals("list_entry", fs.at("/matches/0/source").asText());
  }

  @Test
  void a_list_entry_is_changed_only_with_the_list_routes() {
    String list = createList("Known fraudsters", "blocklist");
    String entrySession = upload(list, FaceSearchApiTest.OBAMA, null).get("session_id").asText();
    HttpResponse<String> unblock =
        Http.send(
            "POST",
            server.url("/v3/blocklist/remove/"),
            server.apiKey,
            "{\"session_id\": \"" + entrySession + "\", \"unblock_face\": true}");
    assertEquals(404, unblock.statusCode(), unblock.body());
    assertEquals(
        404,
        Http.send(
                "PATCH",
                server.url("/v3/session/" + entrySession + "/update-status/"),
                server.apiKey,
                "{\"new_status\": \"Approved\"}")
            .statusCode());
    assertEquals(
        404,
        Http.get(server.url("/v3/session/" + entrySession + "/decision/"), server.apiKey)
            .statusCode());
    assertEquals(
        404,
        Http.send(
                "DELETE",
                server.url("/v3/session/" + entrySession + "/delete/"),
                server.apiKey,
                null)
            .statusCode());
    JsonNode fs = search(FaceSearchApiTest.OBAMA_OTHER_PHOTO);
    assertEquals(
        "Declined", fs.get("status").asText(), "the entry is still on its blocklist: " + fs);
  }

  @Test
  void bad_uploads_get_400_and_unknown_lists_404() {
    String list = createList("L", "blocklist");
    HttpResponse<String> notBase64 =
        Http.send(
            "POST",
            server.url("/v3/lists/" + list + "/entries/face-upload/"),
            server.apiKey,
            "{\"image\": \"***\"}");
    assertEquals(400, notBase64.statusCode());
    HttpResponse<String> noFace =
        Http.send(
            "POST",
            server.url("/v3/lists/" + list + "/entries/face-upload/"),
            server.apiKey,
            "{\"image\": \"" + b64(FaceSearchApiTest.NO_FACE) + "\"}");
    assertEquals(400, noFace.statusCode());
    assertTrue(Http.json(noFace).has("image"));
    HttpResponse<String> twoPeople =
        Http.send(
            "POST",
            server.url("/v3/lists/" + list + "/entries/face-upload/"),
            server.apiKey,
            "{\"image\": \"" + b64("face_recognition_examples/examples/two_people.jpg") + "\"}");
    assertEquals(400, twoPeople.statusCode(), "a list entry is one person: " + twoPeople.body());
    assertTrue(Http.json(twoPeople).get("image").get(0).asText().startsWith("More than one face"));
    assertEquals(
        0,
        Http.json(Http.get(server.url("/v3/lists/" + list + "/entries/"), server.apiKey))
            .get("count")
            .asInt());
    assertEquals(
        404,
        Http.send(
                "POST",
                server.url("/v3/lists/nope/entries/face-upload/"),
                server.apiKey,
                "{\"image\": \"" + b64(FaceSearchApiTest.OBAMA) + "\"}")
            .statusCode());
    assertEquals(
        400,
        Http.send(
                "POST",
                server.url("/v3/lists/"),
                server.apiKey,
                "{\"name\": \"x\", \"list_type\": \"graylist\"}")
            .statusCode());
  }

  @Test
  void lists_and_entries_have_didits_paginated_shapes_and_the_system_face_blocklist() {
    JsonNode page = Http.json(Http.get(server.url("/v3/lists/"), server.apiKey));
    assertEquals(1, page.get("count").asInt(), page.toString());
    assertTrue(page.get("next").isNull() && page.get("previous").isNull());
    JsonNode system = page.at("/results/0");
    assertTrue(system.get("is_system").asBoolean());
    assertEquals("blocklist", system.get("list_type").asText());
    assertEquals("face", system.get("entry_type").asText());
    assertTrue(system.get("entry_count").isIntegralNumber());
    assertTrue(
        system.has("description")
            && system.has("last_entry_added_at")
            && system.has("updated_at")
            && system.get("created_at").isTextual(),
        system.toString());
    String systemId = system.get("uuid").asText();
    assertEquals(
        400,
        Http.send(
                "PATCH",
                server.url("/v3/lists/" + systemId + "/"),
                server.apiKey,
                "{\"name\": \"renamed\"}")
            .statusCode(),
        "the system list is never renamed");
    assertEquals(
        400,
        Http.send("DELETE", server.url("/v3/lists/" + systemId + "/"), server.apiKey, null)
            .statusCode());

    HttpResponse<String> created =
        Http.send(
            "POST",
            server.url("/v3/lists/"),
            server.apiKey,
            "{\"name\": \"VIP\", \"description\": \"staff\", \"list_type\": \"allowlist\", \"entry_type\": \"face\"}");
    assertEquals(201, created.statusCode(), created.body());
    String vip = Http.json(created).get("uuid").asText();
    assertEquals("staff", Http.json(created).get("description").asText());
    assertEquals(
        400,
        Http.send(
                "POST",
                server.url("/v3/lists/"),
                server.apiKey,
                "{\"name\": \"e\", \"list_type\": \"allowlist\", \"entry_type\": \"email\"}")
            .statusCode());
    HttpResponse<String> renamed =
        Http.send(
            "PATCH", server.url("/v3/lists/" + vip + "/"), server.apiKey, "{\"name\": \"VIPs\"}");
    assertEquals("VIPs", Http.json(renamed).get("name").asText());
    assertEquals(
        "staff",
        Http.json(renamed).get("description").asText(),
        "a PATCH keeps what it does not name");
    assertEquals(
        "VIPs",
        Http.json(Http.get(server.url("/v3/lists/" + vip + "/"), server.apiKey))
            .get("name")
            .asText());
    assertEquals(
        1,
        Http.json(Http.get(server.url("/v3/lists/?list_type=allowlist"), server.apiKey))
            .get("count")
            .asInt());
    JsonNode first = Http.json(Http.get(server.url("/v3/lists/?limit=1"), server.apiKey));
    assertTrue(first.get("next").asText().contains("limit=1&offset=1"), first.toString());

    // An entry from a session (Didit's reference_session_id), read, changed and deleted by its
    // uuid.
    HttpResponse<String> enrolled =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file(
                    "user_image", "b.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.BIDEN)));
    String session = Http.json(enrolled).get("session_id").asText();
    long number = Http.json(enrolled).get("session_number").asLong();
    HttpResponse<String> added =
        Http.send(
            "POST",
            server.url("/v3/lists/" + systemId + "/entries/"),
            server.apiKey,
            "{\"reference_session_id\": \""
                + session
                + "\", \"display_label\": \"Joe\", \"comment\": \"fraud\", "
                + "\"metadata\": {\"case\": 7}}");
    assertEquals(201, added.statusCode(), added.body());
    JsonNode entry = Http.json(added);
    assertEquals(session, entry.get("reference_session_id").asText());
    assertEquals(number, entry.get("reference_session_number").asLong());
    assertEquals("Joe", entry.get("display_label").asText());
    assertEquals(7, entry.at("/metadata/case").asInt());
    assertTrue(
        entry.has("value")
            && entry.get("value").isNull()
            && entry.has("added_by")
            && entry.has("reference_object_uuid"),
        entry.toString());
    assertEquals(
        "Declined",
        search(BIDEN_OTHER_PHOTO).get("status").asText(),
        "the copied face is blocklisted");
    String entryUrl = "/v3/lists/" + systemId + "/entries/" + entry.get("uuid").asText() + "/";
    assertEquals(
        "Joe",
        Http.json(Http.get(server.url(entryUrl), server.apiKey)).get("display_label").asText());
    JsonNode changed =
        Http.json(
            Http.send("PATCH", server.url(entryUrl), server.apiKey, "{\"comment\": \"cleared\"}"));
    assertEquals("cleared", changed.get("comment").asText());
    assertEquals("Joe", changed.get("display_label").asText());
    JsonNode found =
        Http.json(
            Http.get(server.url("/v3/lists/" + systemId + "/entries/?search=joe"), server.apiKey));
    assertEquals(1, found.get("count").asInt());
    assertEquals(
        400,
        Http.send(
                "POST",
                server.url("/v3/lists/" + systemId + "/entries/"),
                server.apiKey,
                "{\"value\": \"a@b.c\"}")
            .statusCode());
    assertEquals(
        400,
        Http.send(
                "POST",
                server.url("/v3/lists/" + systemId + "/entries/"),
                server.apiKey,
                "{\"reference_session_id\": \"nope\"}")
            .statusCode());
    assertEquals(204, Http.send("DELETE", server.url(entryUrl), server.apiKey, null).statusCode());
    assertEquals(404, Http.get(server.url(entryUrl), server.apiKey).statusCode());
    assertEquals("In Review", search(BIDEN_OTHER_PHOTO).get("status").asText());

    assertEquals(
        204,
        Http.send("DELETE", server.url("/v3/lists/" + vip + "/"), server.apiKey, null)
            .statusCode());
    assertEquals(404, Http.get(server.url("/v3/lists/" + vip + "/"), server.apiKey).statusCode());
  }

  @Test
  void deleting_a_blocklisted_session_keeps_its_face_on_the_system_blocklist() {
    HttpResponse<String> enrolled =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart()
                .file(
                    "user_image", "o.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA)));
    String session = Http.json(enrolled).get("session_id").asText();
    Http.send(
        "POST",
        server.url("/v3/blocklist/add/"),
        server.apiKey,
        "{\"session_id\": \"" + session + "\", \"blocklist_face\": true}");
    assertEquals(
        204,
        Http.send("DELETE", server.url("/v3/session/" + session + "/delete/"), server.apiKey, null)
            .statusCode());
    assertEquals(
        404,
        Http.get(server.url("/v3/session/" + session + "/decision/"), server.apiKey).statusCode());
    JsonNode fs = search(FaceSearchApiTest.OBAMA_OTHER_PHOTO);
    assertEquals(
        "Declined", fs.get("status").asText(), "still blocked after the delete, as Didit: " + fs);
    JsonNode system = Http.json(Http.get(server.url("/v3/lists/"), server.apiKey)).at("/results/0");
    assertEquals(1, system.get("entry_count").asInt());
    JsonNode entry =
        Http.json(
                Http.get(
                    server.url("/v3/lists/" + system.get("uuid").asText() + "/entries/"),
                    server.apiKey))
            .at("/results/0");
    assertEquals(session, entry.get("reference_session_id").asText());
    assertTrue(fs.at("/matches/0/match_image_url").isNull(), "the deleted session's image is gone");
  }

  private String createList(String name, String type) {
    HttpResponse<String> r =
        Http.send(
            "POST",
            server.url("/v3/lists/"),
            server.apiKey,
            "{\"name\": \"" + name + "\", \"list_type\": \"" + type + "\"}");
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).get("uuid").asText();
  }

  private JsonNode upload(String list, String photo, String comment) {
    String body =
        "{\"image\": \""
            + b64(photo)
            + "\""
            + (comment == null ? "" : ", \"comment\": \"" + comment + "\"")
            + "}";
    HttpResponse<String> r =
        Http.send(
            "POST", server.url("/v3/lists/" + list + "/entries/face-upload/"), server.apiKey, body);
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r);
  }

  private JsonNode search(String photo) {
    HttpResponse<String> r =
        Http.post(
            server.url("/v3/face-search/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "s.jpg", "image/jpeg", TestData.bytes(photo))
                .field("save_api_request", "false"));
    assertEquals(200, r.statusCode(), r.body());
    return Http.json(r).get("face_search");
  }

  private static String b64(String photo) {
    return Base64.getEncoder().encodeToString(TestData.bytes(photo));
  }
}
