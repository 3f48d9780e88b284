package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.accounts.Application;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.StoredFace;
import io.facesearch.image.ImageDecoder;
import io.facesearch.pipeline.SharedPipeline;
import io.facesearch.pipeline.TestData;
import io.facesearch.sessions.Session;
import io.facesearch.sessions.SessionStatus;
import io.facesearch.sessions.SessionType;
import io.facesearch.store.Dialect;
import io.facesearch.store.RawSql;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The database is the truth: an acknowledged face survives a restart, and at start the gallery is repaired to
 * agree with the database after a crash between the SQL commit and the index write (or the reverse).
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class DurabilityTest {

  @Parameter Dialect dialect;

  @Test
  void an_enrolled_face_is_found_at_once_and_after_a_restart() {
    TestServer first = new TestServer(dialect);
    String enrolled = enroll(first, FaceSearchApiTest.OBAMA);
    assertEquals(
        enrolled, firstMatch(first, FaceSearchApiTest.OBAMA_OTHER_PHOTO), "read-your-writes");
    first.close();
    try (TestServer again = first.restarted(Clock.systemUTC())) {
      assertEquals(
          enrolled, firstMatch(again, FaceSearchApiTest.OBAMA_OTHER_PHOTO), "after restart");
    }
  }

  @Test
  void start_repairs_the_gallery_after_a_crash_between_database_and_index() throws Exception {
    TestServer first = new TestServer(dialect);
    String deletedBehindTheIndex = enroll(first, FaceSearchApiTest.BIDEN);
    // A face committed to the database whose gallery write never happened (the process died in
    // between).
    Application app = first.services.accounts().defaultApplication().orElseThrow();
    String sessionId = UUID.randomUUID().toString();
    float[] vector =
        SharedPipeline.get()
            .analyze(new ImageDecoder().decode(TestData.bytes(FaceSearchApiTest.OBAMA)), false)
            .largestFace()
            .embedding()
            .vector();
    first
        .services
        .db()
        .inTransaction(
            tx -> {
              first
                  .services
                  .sessions()
                  .insert(
                      tx,
                      new Session(
                              sessionId,
                              app.id(),
                              0,
                              SessionType.ENROLLED,
                              SessionStatus.APPROVED,
                              null,
                              null,
                              null,
                              null,
                              Instant.now(),
                              null,
                              null,
                              Instant.now(),
                              null)
                          .row());
              first
                  .services
                  .faces()
                  .rows()
                  .insert(
                      tx,
                      new StoredFace(
                          UUID.randomUUID().toString(),
                          app.id(),
                          sessionId,
                          FaceSource.SESSION,
                          false,
                          false,
                          true,
                          true,
                          SharedPipeline.get().embeddingModelId(),
                          Instant.now(),
                          vector));
              return null;
            });
    // And a face erased from the database while the index kept it.
    RawSql.write(
        first.services.db(),
        c -> {
          try (PreparedStatement q = c.prepareStatement("DELETE FROM sessions WHERE id = ?")) {
            q.setString(1, deletedBehindTheIndex);
            return q.executeUpdate();
          }
        });
    first.close();

    try (TestServer again = first.restarted(Clock.systemUTC())) {
      assertEquals(
          sessionId,
          firstMatch(again, FaceSearchApiTest.OBAMA_OTHER_PHOTO),
          "missing face added at start");
      assertEquals(
          1, again.services.gallery().count(app.id()), "only the crash-added face is left");
      assertEquals(
          null,
          firstMatch(
              again, "face_recognition_examples/examples/knn_examples/train/biden/biden2.jpg"));
    }
  }

  private static String enroll(TestServer s, String photo) {
    HttpResponse<String> r =
        Http.post(
            s.url("/v3/sessions/"),
            s.apiKey,
            new Multipart().file("user_image", "p.jpg", "image/jpeg", TestData.bytes(photo)));
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).get("session_id").asText();
  }

  /** The session id of the best match, or null. */
  private static String firstMatch(TestServer s, String photo) {
    HttpResponse<String> r =
        Http.post(
            s.url("/v3/face-search/"),
            s.apiKey,
            new Multipart()
                .file("user_image", "p.jpg", "image/jpeg", TestData.bytes(photo))
                .field("save_api_request", "false"));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode matches = Http.json(r).get("face_search").get("matches");
    return matches.isEmpty() ? null : matches.get(0).get("session_id").asText();
  }
}
