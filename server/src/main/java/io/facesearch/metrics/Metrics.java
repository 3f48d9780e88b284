package io.facesearch.metrics;

import io.facesearch.pipeline.StageObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process's meters (Micrometer, scraped as Prometheus text at {@code GET /metrics}). Meter names follow
 * Prometheus conventions once rendered: {@code facesearch_http_requests_seconds{method,route,status}},
 * {@code facesearch_pipeline_stage_seconds{stage}}, {@code facesearch_gallery_search_seconds},
 * {@code facesearch_gallery_faces{application}}, {@code facesearch_credits_charged_total{endpoint}},
 * {@code facesearch_webhook_deliveries_total{outcome}}, {@code facesearch_rate_limit_refusals_total{limit}}.
 */
public final class Metrics implements StageObserver {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Long> galleryFaces = new ConcurrentHashMap<>();
  private final Map<String, Long> creditsCharged = new ConcurrentHashMap<>();

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** One answered HTTP request: {@code route} is the matched path template, never the raw path. */
  public void request(String method, String route, int status, Duration took) {
    Timer.builder("facesearch.http.requests")
        .description("HTTP requests by route and status")
        .tags("method", method, "route", route, "status", Integer.toString(status))
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
  }

  /** One gallery search. */
  public void gallerySearch(long nanos) {
    Timer.builder("facesearch.gallery.search")
        .description("Gallery (1:N) search time")
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  /** One webhook delivery attempt: {@code delivered}, {@code retrying} or {@code failed}. */
  public void webhookAttempt(String outcome) {
    Counter.builder("facesearch.webhook.deliveries")
        .description("Webhook delivery attempts by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** A request refused by a rate limit ({@code writes}, {@code reads}, {@code registrations}). */
  public void rateLimitRefusal(String limit) {
    Counter.builder("facesearch.rate.limit.refusals")
        .description("Requests refused by a rate limit")
        .tag("limit", limit)
        .register(registry)
        .increment();
  }

  /**
   * Sets the figures read from the database at each scrape: faces in the gallery per application, and credits
   * charged per endpoint since the ledger began (the ledger is the truth, so the counter survives restarts and never
   * counts a charge whose transaction rolled back).
   */
  public void refresh(
      Map<String, Long> galleryFacesByApplication, Map<String, Long> creditsChargedByEndpoint) {
    galleryFacesByApplication.forEach(
        (app, n) -> {
          if (galleryFaces.put(app, n) == null) {
            Gauge.builder("facesearch.gallery.faces", galleryFaces, m -> m.getOrDefault(app, 0L))
                .description("Faces in the gallery per application")
                .tag("application", app)
                .register(registry);
          }
        });
    creditsChargedByEndpoint.forEach(
        (endpoint, n) -> {
          if (creditsCharged.put(endpoint, n) == null) {
            FunctionCounter.builder(
                    "facesearch.credits.charged", creditsCharged, m -> m.getOrDefault(endpoint, 0L))
                .description("Credits charged, by endpoint")
                .tag("endpoint", endpoint)
                .register(registry);
          }
        });
  }

  @Override
  public void took(StageObserver.Stage stage, long nanos) {
    Timer.builder("facesearch.pipeline.stage")
        .description("Face pipeline time per stage")
        .tag("stage", stage.label())
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }
}
