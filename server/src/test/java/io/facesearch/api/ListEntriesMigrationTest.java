package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.accounts.ApiKey;
import io.facesearch.image.ImageDecoder;
import io.facesearch.pipeline.Face;
import io.facesearch.pipeline.SharedPipeline;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.PreV11DataFolder;
import io.facesearch.store.RawSql;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * V11 moves face-list entries out of hidden sessions: a data folder written the old way opens with its entries as
 * list entries that hold their faces, still decline a search, and no hidden session is left.
 *
 * <p>SQLite only, by nature: it migrates a data folder written before V11 of the SQLite migration set; the
 * PostgreSQL set starts at the schema after it and has no such history.
 */
class ListEntriesMigrationTest {

  @Test
  void
      a_data_folder_with_list_entries_stored_as_hidden_sessions_opens_with_them_as_searchable_list_entries()
          throws Exception {
    Path data = TempFolders.create("facesearch-v10");
    byte[] photo = TestData.bytes(FaceSearchApiTest.OBAMA);
    Face face = SharedPipeline.get().analyze(new ImageDecoder().decode(photo), false).largestFace();
    String key = ApiKey.generate();
    PreV11DataFolder.Written old =
        PreV11DataFolder.withBlocklistEntry(
            data,
            ApiKey.sha256(key),
            key,
            face.embedding().vector(),
            face.embedding().modelId(),
            photo);

    try (TestServer server = new TestServer(data, Clock.systemUTC(), key)) {
      long hidden =
          RawSql.read(
              server.services.db(),
              c -> {
                try (var q = c.prepareStatement("SELECT COUNT(*) FROM sessions");
                    var r = q.executeQuery()) {
                  r.next();
                  return r.getLong(1);
                }
              });
      assertEquals(0, hidden, "the hidden session is gone");
      assertEquals(
          0, server.services.enrollments().pending(), "the moved faces were re-applied at start");

      JsonNode entries =
          Http.json(Http.get(server.url("/v3/lists/" + old.listId() + "/entries/"), key))
              .get("results");
      assertEquals(1, entries.size(), entries.toString());
      JsonNode entry = entries.get(0);
      assertEquals(old.entryId(), entry.get("uuid").asText());
      assertEquals("chargeback ring", entry.get("comment").asText());
      assertEquals("Known", entry.get("display_label").asText());

      HttpResponse<String> r =
          Http.post(
              server.url("/v3/face-search/"),
              key,
              new Multipart()
                  .file(
                      "user_image",
                      "p.jpg",
                      "image/jpeg",
                      TestData.bytes(FaceSearchApiTest.OBAMA_OTHER_PHOTO))
                  .field("save_api_request", "false"));
      assertEquals(200, r.statusCode(), r.body());
      JsonNode fs = Http.json(r).get("face_search");
      assertEquals(
          "Declined", fs.get("status").asText(), "the blocklist entry still declines: " + fs);
      JsonNode match = fs.at("/matches/0");
      assertEquals("list_entry", match.get("source").asText());
      assertTrue(match.get("is_blocklisted").asBoolean());
      assertEquals(old.entryId(), match.get("session_id").asText(), "the match names the entry");
      String imageUrl = match.get("match_image_url").asText();
      assertEquals(
          200,
          Http.getBytes(java.net.URI.create(imageUrl)).statusCode(),
          "its image is kept: " + imageUrl);

      assertEquals(
          204,
          Http.send(
                  "DELETE",
                  server.url("/v3/lists/" + old.listId() + "/entries/" + old.entryId() + "/"),
                  key,
                  null)
              .statusCode());
      assertEquals(
          "Approved",
          Http.json(
                  Http.post(
                      server.url("/v3/face-search/"),
                      key,
                      new Multipart()
                          .file(
                              "user_image",
                              "p.jpg",
                              "image/jpeg",
                              TestData.bytes(FaceSearchApiTest.OBAMA_OTHER_PHOTO))
                          .field("save_api_request", "false")))
              .at("/face_search/status")
              .asText());
      assertTrue(
          !Files.exists(
              data.resolve("images")
                  .resolve(old.applicationId())
                  .resolve(old.hiddenSessionId() + ".jpg")),
          "removing the entry erased its image");
    }
  }
}
