package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.enrollment.GalleryFaults;
import io.facesearch.enrollment.OutboxDrain;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The enrollment owner under a failing gallery: a change that was saved (and charged) answers as usual, reaches the
 * gallery when the outbox drains, and survives a restart in between.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class GalleryOutboxTest {

  @Parameter Dialect dialect;

  @Test
  void a_face_saved_while_the_gallery_fails_is_answered_as_usual_and_found_once_the_outbox_drains()
      throws Exception {
    GalleryFaults gallery = new GalleryFaults();
    try (TestServer server = new TestServer(dialect, gallery::around)) {
      gallery.failing.set(true);
      String enrolled = enroll(server, FaceSearchApiTest.OBAMA);
      HttpResponse<String> saved =
          Http.post(
              server.url("/v3/face-search/"),
              server.apiKey,
              new Multipart()
                  .file(
                      "user_image", "p.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.BIDEN))
                  .field("save_api_request", "true"));
      assertEquals(
          200,
          saved.statusCode(),
          "a saved, charged search is not failed by the gallery: " + saved.body());
      assertTrue(gallery.refused.get() >= 2, "the gallery did refuse the writes");
      assertEquals(2, server.services.enrollments().pending(), "both faces wait in the outbox");
      assertNull(
          firstMatch(server, FaceSearchApiTest.OBAMA_OTHER_PHOTO),
          "not searchable before the drain");

      ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
      OutboxDrain drain =
          new OutboxDrain(
              server.services.enrollments(), Duration.ofMillis(50), Duration.ofMillis(400));
      try {
        drain.start(executor);
        waitUntil(
            () -> drain.currentDelay().compareTo(Duration.ofMillis(50)) > 0,
            "the drain backs off while failing");
        assertEquals(
            2, server.services.enrollments().pending(), "nothing is lost while the gallery fails");
        gallery.failing.set(false);
        waitUntil(
            () -> server.services.enrollments().pending() == 0,
            "the outbox drains once the gallery is back");
      } finally {
        drain.stop();
        executor.shutdownNow();
      }
      assertEquals(
          enrolled,
          firstMatch(server, FaceSearchApiTest.OBAMA_OTHER_PHOTO),
          "found after the drain");
    }
  }

  @Test
  void changes_pending_in_the_outbox_survive_a_restart() {
    GalleryFaults gallery = new GalleryFaults();
    TestServer first = new TestServer(dialect, gallery::around);
    String erased = enroll(first, FaceSearchApiTest.BIDEN);
    gallery.failing.set(true);
    String enrolled = enroll(first, FaceSearchApiTest.OBAMA);
    assertEquals(
        204,
        Http.send("DELETE", first.url("/v3/session/" + erased + "/delete/"), first.apiKey, null)
            .statusCode(),
        "an erasure is answered as usual too");
    assertEquals(2, first.services.enrollments().pending());
    first.close();

    try (TestServer again = first.restarted(Clock.systemUTC())) {
      assertEquals(0, again.services.enrollments().pending(), "the outbox is applied at start");
      assertEquals(
          enrolled,
          firstMatch(again, FaceSearchApiTest.OBAMA_OTHER_PHOTO),
          "the enrolled face is found");
      String app = again.services.accounts().defaultApplication().orElseThrow().id();
      assertEquals(1, again.services.gallery().count(app), "the erased face left the gallery");
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
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
