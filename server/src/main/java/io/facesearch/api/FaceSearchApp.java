package io.facesearch.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.console.ConsoleErrorPage;
import io.facesearch.console.ConsoleRoutes;
import io.facesearch.image.ImageDecoder;
import io.facesearch.ratelimit.RateLimits;
import io.facesearch.search.Companions;
import io.facesearch.services.Services;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service: the route table, and the one place where errors become responses.
 *
 * <p>Every error body is JSON in Didit's shapes ({@link ApiException}); an unexpected exception is logged
 * (class and message only, never request content) and answered with a bare 500.
 */
public final class FaceSearchApp {

  private static final Logger LOG = LoggerFactory.getLogger(FaceSearchApp.class);

  /** The detail of a 503 while the database cannot be reached (cluster mode: PostgreSQL restarting or away). */
  static final String DATABASE_UNREACHABLE =
      "The service is temporarily unavailable: its database cannot be reached. Try again shortly.";

  /** Largest request body read: a 5 MB image with room for multipart framing and the other fields. */
  private static final long MAX_REQUEST_BYTES = 12L * 1024 * 1024;

  private FaceSearchApp() {}

  /** Request limits; see {@link Gate}. */
  public record Limits(int writesPerMinute, int readsPerMinute, int registrationsPerHour) {
    public static final Limits DEFAULTS = new Limits(300, 600, 5);
  }

  /** Sign-ins, code resends and token refreshes per client address and minute. */
  static final int SIGN_INS_PER_MINUTE = 20;

  /**
   * The app on {@code s} with the {@code console}'s routes; {@code publicUrl} (may be null) is the origin used in
   * absolute URLs. Built by the composition root ({@code io.facesearch.app.Node}); {@code clock} is the node's;
   * {@code rateLimits} keeps the counts of {@code limits} (in this process, or shared by the nodes of a cluster).
   */
  public static Javalin create(
      Services s,
      String publicUrl,
      Limits limits,
      RateLimits rateLimits,
      Clock clock,
      ConsoleRoutes console) {
    ObjectMapper json = new ObjectMapper();
    UploadReader uploads = new UploadReader(new ImageDecoder(), ImageDecoder.DEFAULT_MAX_BYTES);
    Origins origins = new Origins(publicUrl);
    Gate gate =
        new Gate(
            s.accounts(),
            s.registration(),
            rateLimits.limiter("writes", limits.writesPerMinute(), Duration.ofMinutes(1)),
            rateLimits.limiter("reads", limits.readsPerMinute(), Duration.ofMinutes(1)),
            s.metrics());
    AccountsHandler accountsHandler =
        new AccountsHandler(
            s.registration(),
            rateLimits.limiter("registrations", limits.registrationsPerHour(), Duration.ofHours(1)),
            rateLimits.limiter("sign-ins", SIGN_INS_PER_MINUTE, Duration.ofMinutes(1)),
            json);
    BillingHandler billing = new BillingHandler(s.credits(), s.prices(), s.topUps(), json, origins);
    AnalyzeHandler analyze = new AnalyzeHandler(s.pipeline(), uploads, s.credits());
    FaceSearchHandler faceSearch =
        new FaceSearchHandler(
            s.search(), uploads, s.urls(), json, origins, s.credits(), s.prices());
    SessionHandler sessions = new SessionHandler(s.search(), uploads, s.review(), json, clock);
    ImageHandler images = new ImageHandler(s.images(), s.urls());
    ReviewHandler review = new ReviewHandler(s.review(), s.lists(), json);
    ListsHandler lists = new ListsHandler(s.lists(), new ImageDecoder(), json);
    MetricsHandler metrics = new MetricsHandler(s);
    WebhookDestinationsHandler destinations = new WebhookDestinationsHandler(s.webhooks(), json);
    CompanionHandler companions =
        new CompanionHandler(
            new Companions(s.pipeline(), s.gallery()),
            s.search(),
            uploads,
            s.credits(),
            s.prices(),
            json,
            clock);

    java.util.concurrent.atomic.AtomicReference<Javalin> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    Javalin created =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jsonMapper(new JavalinJackson(json, false));
              config.http.maxRequestSize = MAX_REQUEST_BYTES;
              config.http.prefer405over404 =
                  true; // a known path with the wrong method: 405 and Allow
              config.jetty.multipartConfig.maxFileSize(10, SizeUnit.MB);
              config.jetty.multipartConfig.maxTotalRequestSize(12, SizeUnit.MB);
              config.jetty.multipartConfig.maxInMemoryFileSize(12, SizeUnit.MB);
              // Slow clients (a header line or a body byte every few seconds) are answered 408 and
              // cut within ~10 s.
              config.jetty.modifyServer(
                  server -> {
                    server.addBean(
                        new SlowClientGuard(
                            server, SlowClientGuard.Limits.DEFAULTS, Duration.ofSeconds(1)));
                    server.setErrorHandler(
                        new ProtocolErrorHandler()); // Jetty's own answers to malformed HTTP: JSON,
                    // 4xx
                  });

              config.requestLogger.http(
                  (ctx, ms) -> {
                    String route = routeOf(ctx, self.get());
                    s.metrics()
                        .request(
                            ctx.method().name(),
                            route,
                            ctx.statusCode(),
                            Duration.ofNanos((long) (ms * 1e6)));
                    if (ctx.statusCode() == 429
                        && route.startsWith("/auth/")) { // the /v3 limits count themselves in Gate
                      s.metrics()
                          .rateLimitRefusal(
                              route.endsWith("/register/") ? "registrations" : "sign-ins");
                    }
                  });

              // ---- Routes
              // -------------------------------------------------------------------------------
              config.routes.get(
                  "/health",
                  ctx ->
                      ctx.json(
                          Map.of(
                              "status", "ok", "embedding_model", s.pipeline().embeddingModelId())));
              config.routes.get(
                  "/system/healthcheck", // Didit's health route, an alias
                  ctx ->
                      ctx.json(
                          Map.of(
                              "status", "ok", "embedding_model", s.pipeline().embeddingModelId())));
              config.routes.get(
                  "/metrics", metrics::handle); // Prometheus: loopback, or an operator's API key
              config.routes.get(
                  "/openapi.json",
                  ctx -> ctx.contentType("application/json").result(OpenApi.document()));
              config.routes.before("/v1/*", gate::check); // API key, then rate limits
              config.routes.post(
                  "/v1/analyze",
                  analyze::handle); // operator's diagnostic: unmetered organizations only

              config.routes.post("/auth/v2/programmatic/register/", accountsHandler::register);
              config.routes.post("/auth/v2/programmatic/verify-email/", accountsHandler::verify);
              config.routes.post("/auth/v2/programmatic/login/", accountsHandler::login);
              config.routes.post("/auth/v2/programmatic/resend-otp/", accountsHandler::resend);
              config.routes.post("/auth/v2/programmatic/refresh/", accountsHandler::refresh);

              config.routes.before(
                  "/v3/*", gate::check); // API key or access token, then rate limits
              config.routes.post("/v3/face-search/", faceSearch::handle);
              config.routes.post("/v3/face-match/", companions::faceMatch);
              config.routes.post("/v3/passive-liveness/", companions::passiveLiveness);
              config.routes.post("/v3/age-estimation/", companions::ageEstimation);
              config.routes.post("/v3/sessions/", sessions::enroll);
              config.routes.get("/v3/sessions/", review::list);
              config.routes.get("/v3/session/{session_id}/decision/", sessions::decision);
              config.routes.patch("/v3/session/{session_id}/update-status/", review::updateStatus);
              config.routes.delete("/v3/session/{session_id}/delete/", review::erase);
              config.routes.post("/v3/blocklist/add/", review::blocklistAdd);
              config.routes.post("/v3/blocklist/remove/", review::blocklistRemove);
              config.routes.get("/v3/lists/", lists::all);
              config.routes.post("/v3/lists/", lists::create);
              config.routes.get("/v3/lists/{list_uuid}/", lists::get);
              config.routes.patch("/v3/lists/{list_uuid}/", lists::update);
              config.routes.delete("/v3/lists/{list_uuid}/", lists::delete);
              config.routes.get("/v3/lists/{list_uuid}/entries/", lists::entries);
              config.routes.post("/v3/lists/{list_uuid}/entries/", lists::createEntry);
              config.routes.post("/v3/lists/{list_uuid}/entries/face-upload/", lists::faceUpload);
              config.routes.get("/v3/lists/{list_uuid}/entries/{entry_uuid}/", lists::entry);
              config.routes.patch(
                  "/v3/lists/{list_uuid}/entries/{entry_uuid}/", lists::updateEntry);
              config.routes.delete(
                  "/v3/lists/{list_uuid}/entries/{entry_uuid}/", lists::removeEntry);
              config.routes.get("/v3/images/{file}", images::handle); // signed URL, no API key
              config.routes.get("/v3/billing/balance/", billing::balance);
              config.routes.post("/v3/billing/top-up/", billing::topUp);
              config.routes.get(
                  "/v3/billing/top-up/{checkout_id}/", billing::checkout); // checkout_session_url
              config.routes.get("/v3/webhook/destinations/", destinations::list);
              config.routes.post("/v3/webhook/destinations/", destinations::create);
              config.routes.get("/v3/webhook/destinations/{destination_uuid}/", destinations::get);
              config.routes.patch(
                  "/v3/webhook/destinations/{destination_uuid}/", destinations::update);
              config.routes.delete(
                  "/v3/webhook/destinations/{destination_uuid}/", destinations::delete);

              // ---- Console ----
              console.register(config.routes); // the Business Console at /console/

              // ---- Errors
              // -------------------------------------------------------------------------------
              config.routes.exception(
                  ApiException.class, (e, ctx) -> answer(ctx, e.status(), e.body()));
              config.routes.exception(
                  jakarta.servlet.ServletException.class,
                  (e, ctx) -> {
                    // Jetty's multipart parser refuses bodies over its limits (or malformed) with a
                    // wrapped 400.
                    if (e.getCause() instanceof org.eclipse.jetty.http.BadMessageException bad) {
                      answer(
                          ctx,
                          bad.getCode() >= 400 && bad.getCode() < 500 ? bad.getCode() : 400,
                          Map.of(
                              "detail",
                              "Malformed or too large multipart request (files at most 5 MB, text fields at "
                                  + "most 1,024 characters)."));
                    } else if (clientWentAway(e)) {
                      LOG.info(
                          "request on {} {} ended: the client connection failed while its body was read",
                          ctx.method(),
                          ctx.path());
                      answer(
                          ctx,
                          408,
                          Map.of("detail", "Request timeout: the request was sent too slowly."));
                    } else {
                      LOG.error(
                          "unhandled {} on {} {}: {}",
                          e.getClass().getName(),
                          ctx.method(),
                          ctx.path(),
                          e.getMessage());
                      answer(ctx, 500, Map.of("detail", "Internal server error."));
                    }
                  });
              config.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> answer(ctx, e.getStatus(), Map.of("detail", e.getMessage())));
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    if (e instanceof java.nio.charset.UnsupportedCharsetException
                        || e instanceof java.nio.charset.IllegalCharsetNameException) {
                      answer(ctx, 400, Map.of("detail", "Unsupported charset in Content-Type."));
                      return;
                    }
                    if (clientWentAway(e)) {
                      LOG.info(
                          "request on {} {} ended: the client connection failed while its body was read",
                          ctx.method(),
                          ctx.path());
                      answer(
                          ctx,
                          408,
                          Map.of("detail", "Request timeout: the request was sent too slowly."));
                      return;
                    }
                    if (databaseUnreachable(e)) {
                      LOG.warn(
                          "request on {} {} refused with 503: the database cannot be reached",
                          ctx.method(),
                          ctx.path());
                      ctx.header("Retry-After", "5");
                      answer(ctx, 503, Map.of("detail", DATABASE_UNREACHABLE));
                      return;
                    }
                    LOG.error(
                        "unhandled {} on {} {}: {}",
                        e.getClass().getName(),
                        ctx.method(),
                        ctx.path(),
                        e.getMessage());
                    answer(ctx, 500, Map.of("detail", "Internal server error."));
                  });
              config.routes.error(
                  405,
                  ctx ->
                      answer(
                          ctx,
                          405,
                          Map.of("detail", "Method \"" + ctx.method() + "\" not allowed.")));
              config.routes.error(
                  404,
                  ctx -> {
                    if (ctx.result() == null || ctx.result().isEmpty()) {
                      answer(ctx, 404, Map.of("detail", "Not found."));
                    }
                  });
            });
    self.set(created);
    return created;
  }

  /**
   * An error answer. What is left of the request body is read and dropped first: an upload refused before it was
   * read (a wrong key, a rate limit) would otherwise make Jetty close the connection under a client still sending,
   * which then sees a reset instead of this answer. Bodies over the request limit are not read; their connection
   * closes.
   */
  private static void answer(Context ctx, int status, Map<String, ?> body) {
    discardUnreadBody(ctx);
    if (ctx.path().startsWith("/console")) { // a person in a browser: a page, not JSON
      ctx.status(status)
          .html(
              ConsoleErrorPage.html(
                  status,
                  body.get("detail") instanceof String detail
                      ? detail
                      : "That request could not be handled."));
      return;
    }
    ctx.status(status).json(body);
  }

  /**
   * The route template a request matched (never the raw path, which holds ids), also for a request a before-handler
   * refused (a wrong key, a rate limit); "unmatched" for paths no route has, so that labels stay few.
   */
  private static String routeOf(Context ctx, Javalin app) {
    try {
      io.javalin.router.Endpoint e = ctx.endpoints().matchedHttpEndpoint();
      if (e != null) {
        return e.path;
      }
      io.javalin.router.ParsedEndpoint p =
          app.unsafe.internalRouter.findFirstHttpHandlerEntry(ctx.method(), ctx.path());
      return p == null ? "unmatched" : p.endpoint.path;
    } catch (RuntimeException none) {
      return "unmatched";
    }
  }

  /** The request body could not be read because the connection failed (cut as too slow, or closed by the client). */
  /** Whether {@code e} comes from a database that cannot be reached right now (a passing outage, not a bug). */
  private static boolean databaseUnreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.facesearch.store.StoreException store && store.databaseUnreachable()) {
        return true;
      }
    }
    return false;
  }

  private static boolean clientWentAway(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.eclipse.jetty.io.EofException
          || t instanceof java.util.concurrent.TimeoutException
          || t instanceof java.nio.channels.ClosedChannelException) {
        return true;
      }
    }
    return false;
  }

  private static void discardUnreadBody(Context ctx) {
    long declared = ctx.req().getContentLengthLong(); // -1 when chunked
    if (declared == 0 || declared > MAX_REQUEST_BYTES) {
      return;
    }
    try {
      InputStream in = ctx.req().getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long left = MAX_REQUEST_BYTES;
      for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
        left -= n;
      }
    } catch (IOException | RuntimeException e) {
      // already read (a parsed multipart body) or the client went away: nothing left to drop
    }
  }
}
