package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.billing.Prices;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The node runs on the one clock it is built with (app.Node): the API's date checks and rate-limit windows read it,
 * not the system clock.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class NodeClockTest {

  @Parameter Dialect dialect;

  @Test
  void a_verification_date_after_the_nodes_today_is_refused_and_one_before_it_accepted() {
    FaceSearchApiTest.MutableClock clock = new FaceSearchApiTest.MutableClock();
    clock.advance(Duration.between(clock.instant(), Instant.parse("2020-01-01T12:00:00Z")));
    try (TestServer server =
        TestServer.with(clock, Prices.DEFAULTS, null, FaceSearchApp.Limits.DEFAULTS, dialect)) {
      HttpResponse<String> future =
          Http.post(
              server.url("/v3/sessions/"),
              server.apiKey,
              new Multipart()
                  .file(
                      "user_image", "o.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA))
                  .field("verification_date", "2021-06-01"));
      assertEquals(
          400, future.statusCode(), "2021 is in the future on this node: " + future.body());
      assertTrue(Http.json(future).has("verification_date"), future.body());

      HttpResponse<String> past =
          Http.post(
              server.url("/v3/sessions/"),
              server.apiKey,
              new Multipart()
                  .file(
                      "user_image", "o.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA))
                  .field("verification_date", "2019-12-31"));
      assertEquals(201, past.statusCode(), past.body());
    }
  }

  @Test
  void the_write_limit_window_follows_the_nodes_clock() {
    FaceSearchApiTest.MutableClock clock = new FaceSearchApiTest.MutableClock();
    try (TestServer server =
        TestServer.with(
            clock, Prices.DEFAULTS, null, new FaceSearchApp.Limits(2, 600, 5), dialect)) {
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> r =
            Http.postJsonWithKey(server.url("/v3/lists/"), server.apiKey, "{}");
        assertTrue(
            r.statusCode() != 429, "write " + (i + 1) + " of 2 is within the limit: " + r.body());
      }
      assertEquals(
          429,
          Http.postJsonWithKey(server.url("/v3/lists/"), server.apiKey, "{}").statusCode(),
          "a third write in the same minute");
      clock.advance(Duration.ofSeconds(61));
      HttpResponse<String> later =
          Http.postJsonWithKey(server.url("/v3/lists/"), server.apiKey, "{}");
      assertTrue(
          later.statusCode() != 429,
          "a minute later on the node's clock, writes are allowed again: "
              + later.statusCode()
              + " "
              + later.body());
    }
  }
}
