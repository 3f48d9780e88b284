package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.facesearch.accounts.Application;
import io.facesearch.billing.Prices;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code GET /metrics} in Prometheus's text format after real calls, and Didit's health route.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class MetricsTest {

  @Parameter Dialect dialect;

  @Test
  void metrics_count_requests_stages_gallery_credits_webhooks_and_refusals() throws Exception {
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    try (TestServer server =
        TestServer.with(Prices.DEFAULTS, null, new FaceSearchApp.Limits(300, 4, 5), dialect)) {
      Application app = server.services.accounts().defaultApplication().orElseThrow();
      server.services.credits().setMetered(app.organizationId(), true);
      server.services.credits().add(app.organizationId(), 10, "grant", "metrics test");
      server
          .services
          .webhooks()
          .configure(
              app.id(),
              "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
              "whsec-metrics-0123456789");

      HttpResponse<String> search =
          Http.post(
              server.url("/v3/face-search/"),
              server.apiKey,
              new Multipart()
                  .file(
                      "user_image",
                      "u.jpg",
                      "image/jpeg",
                      TestData.bytes(FaceSearchApiTest.OBAMA)));
      assertEquals(200, search.statusCode(), search.body());
      assertEquals(401, Http.get(server.url("/v3/sessions/"), "wrong-key").statusCode());
      server
          .services
          .credits()
          .setMetered(app.organizationId(), false); // the operator's own may call loopback
      assertEquals(1, server.services.webhooks().deliverDue());
      int throttled = 0;
      for (int i = 0; i < 6; i++) {
        throttled +=
            Http.get(server.url("/v3/sessions/"), server.apiKey).statusCode() == 429 ? 1 : 0;
      }
      assertTrue(throttled > 0);

      HttpResponse<String> health = Http.get(server.url("/system/healthcheck"), null);
      assertEquals(200, health.statusCode());
      assertEquals("ok", Http.json(health).get("status").asText());

      HttpResponse<String> scraped = Http.get(server.url("/metrics"), null);
      assertEquals(200, scraped.statusCode());
      assertTrue(scraped.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
      String m = scraped.body();
      assertLine(
          m,
          "facesearch_http_requests_seconds_count\\{method=\"POST\",route=\"/v3/face-search/\",status=\"200\"\\} 1(\\.0)?");
      assertLine(
          m,
          "facesearch_http_requests_seconds_count\\{method=\"GET\",route=\"/v3/sessions/\",status=\"401\"\\} 1(\\.0)?");
      assertLine(
          m,
          "facesearch_http_requests_seconds_bucket\\{method=\"POST\",route=\"/v3/face-search/\",status=\"200\",le=\"[^\"]+\"\\} 1(\\.0)?");
      for (String stage : new String[] {"detect", "align", "embed", "attributes"}) {
        assertLine(
            m,
            "facesearch_pipeline_stage_seconds_count\\{stage=\""
                + stage
                + "\"\\} [1-9][0-9]*(\\.0)?");
      }
      assertLine(m, "facesearch_gallery_search_seconds_count [1-9][0-9]*(\\.0)?");
      assertLine(m, "facesearch_gallery_search_seconds_bucket\\{le=\"[^\"]+\"\\} [0-9.]+");
      assertLine(m, "facesearch_gallery_faces\\{application=\"" + app.id() + "\"\\} 1(\\.0)?");
      assertLine(m, "facesearch_credits_charged_total\\{endpoint=\"face-search\"\\} 1(\\.0)?");
      assertLine(m, "facesearch_webhook_deliveries_total\\{outcome=\"delivered\"\\} 1(\\.0)?");
      assertLine(
          m, "facesearch_rate_limit_refusals_total\\{limit=\"reads\"\\} " + throttled + "(\\.0)?");
    } finally {
      receiver.stop(0);
    }
  }

  private static void assertLine(String metrics, String regex) {
    assertTrue(
        Pattern.compile("^" + regex + "$", Pattern.MULTILINE).matcher(metrics).find(),
        "no line matching " + regex + " in:\n" + metrics);
  }
}
