package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.pipeline.TestData;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Face lists over HTTP: base64 face uploads that searches find with source "list_entry". */
class ListsApiTest {

  static final String BIDEN_OTHER_PHOTO = "face_recognition_examples/examples/knn_examples/train/biden/biden2.jpg";
  private TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer();
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

    JsonNode lists = Http.json(Http.get(server.url("/v3/lists/"), server.apiKey));
    assertEquals(1, lists.get(0).get("entries_count").asInt());
    JsonNode entries = Http.json(Http.get(server.url("/v3/lists/" + list + "/entries/"), server.apiKey));
    assertEquals("chargeback ring", entries.get(0).get("comment").asText());

    assertEquals(204, Http.send("DELETE", server.url("/v3/lists/" + list + "/entries/" + entry.get("uuid").asText() + "/"),
        server.apiKey, null).statusCode());
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
    HttpResponse<String> unblock = Http.send("POST", server.url("/v3/blocklist/remove/"), server.apiKey,
        "{\"session_id\": \"" + entrySession + "\", \"unblock_face\": true}");
    assertEquals(404, unblock.statusCode(), unblock.body());
    assertEquals(404, Http.send("PATCH", server.url("/v3/session/" + entrySession + "/update-status/"),
        server.apiKey, "{\"new_status\": \"Approved\"}").statusCode());
    assertEquals(404, Http.get(server.url("/v3/session/" + entrySession + "/decision/"), server.apiKey).statusCode());
    assertEquals(404, Http.send("DELETE", server.url("/v3/session/" + entrySession + "/delete/"), server.apiKey, null)
        .statusCode());
    JsonNode fs = search(FaceSearchApiTest.OBAMA_OTHER_PHOTO);
    assertEquals("Declined", fs.get("status").asText(), "the entry is still on its blocklist: " + fs);
  }

  @Test
  void bad_uploads_get_400_and_unknown_lists_404() {
    String list = createList("L", "blocklist");
    HttpResponse<String> notBase64 = Http.send("POST", server.url("/v3/lists/" + list + "/entries/face-upload/"),
        server.apiKey, "{\"image\": \"***\"}");
    assertEquals(400, notBase64.statusCode());
    HttpResponse<String> noFace = Http.send("POST", server.url("/v3/lists/" + list + "/entries/face-upload/"),
        server.apiKey, "{\"image\": \"" + b64(FaceSearchApiTest.NO_FACE) + "\"}");
    assertEquals(400, noFace.statusCode());
    assertTrue(Http.json(noFace).has("image"));
    HttpResponse<String> twoPeople = Http.send("POST", server.url("/v3/lists/" + list + "/entries/face-upload/"),
        server.apiKey, "{\"image\": \"" + b64("face_recognition_examples/examples/two_people.jpg") + "\"}");
    assertEquals(400, twoPeople.statusCode(), "a list entry is one person: " + twoPeople.body());
    assertTrue(Http.json(twoPeople).get("image").get(0).asText().startsWith("More than one face"));
    assertEquals(0, Http.json(Http.get(server.url("/v3/lists/" + list + "/entries/"), server.apiKey)).size());
    assertEquals(404, Http.send("POST", server.url("/v3/lists/nope/entries/face-upload/"), server.apiKey,
        "{\"image\": \"" + b64(FaceSearchApiTest.OBAMA) + "\"}").statusCode());
    assertEquals(400, Http.send("POST", server.url("/v3/lists/"), server.apiKey,
        "{\"name\": \"x\", \"list_type\": \"graylist\"}").statusCode());
  }

  private String createList(String name, String type) {
    HttpResponse<String> r = Http.send("POST", server.url("/v3/lists/"), server.apiKey,
        "{\"name\": \"" + name + "\", \"list_type\": \"" + type + "\"}");
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).get("uuid").asText();
  }

  private JsonNode upload(String list, String photo, String comment) {
    String body = "{\"image\": \"" + b64(photo) + "\"" + (comment == null ? "" : ", \"comment\": \"" + comment + "\"") + "}";
    HttpResponse<String> r = Http.send("POST", server.url("/v3/lists/" + list + "/entries/face-upload/"), server.apiKey, body);
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r);
  }

  private JsonNode search(String photo) {
    HttpResponse<String> r = Http.post(server.url("/v3/face-search/"), server.apiKey, new Multipart()
        .file("user_image", "s.jpg", "image/jpeg", TestData.bytes(photo)).field("save_api_request", "false"));
    assertEquals(200, r.statusCode(), r.body());
    return Http.json(r).get("face_search");
  }

  private static String b64(String photo) {
    return Base64.getEncoder().encodeToString(TestData.bytes(photo));
  }
}
