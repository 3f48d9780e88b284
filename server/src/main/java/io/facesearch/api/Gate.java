package io.facesearch.api;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.ApiKey;
import io.facesearch.accounts.Application;
import io.facesearch.accounts.Registration;
import io.facesearch.metrics.Metrics;
import io.facesearch.ratelimit.RateLimiter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * The door of {@code /v3/*}: who is calling, and whether they may call now.
 *
 * <p>An API key ({@code x-api-key}) acts for one application; an access token ({@code Authorization: Bearer})
 * acts for an organization and is accepted only where {@code organizationOnly} routes allow it (billing).
 * Each API key gets two 60-second windows, one for writes (POST, PATCH, DELETE) and one for reads, counted in
 * this process or, in cluster mode, shared by every node ({@link io.facesearch.ratelimit.RateLimits});
 * the {@code X-RateLimit-*} headers are on every answer, and a refused call gets 429 with {@code Retry-After}.
 */
final class Gate {

  /** Who is calling: an application (API key) or only an organization (access token). */
  record Caller(Application application, String organizationId, String rateKey) {}

  private static final String CALLER = "facesearch.caller";

  private final Metrics metrics;
  private final AccountStore accounts;
  private final Registration registration;
  private final RateLimiter writes;
  private final RateLimiter reads;

  Gate(
      AccountStore accounts,
      Registration registration,
      RateLimiter writes,
      RateLimiter reads,
      Metrics metrics) {
    this.metrics = metrics;
    this.accounts = accounts;
    this.registration = registration;
    this.writes = writes;
    this.reads = reads;
  }

  /** Before-handler for {@code /v3/*} (except the signed image URLs). */
  void check(Context ctx) {
    if (ctx.path().startsWith("/v3/images/")) {
      return;
    }
    boolean write =
        ctx.method() == HandlerType.POST
            || ctx.method() == HandlerType.PATCH
            || ctx.method() == HandlerType.DELETE
            || ctx.method() == HandlerType.PUT;
    Caller caller;
    try {
      caller = identify(ctx);
    } catch (ApiException unauthorized) {
      // Unauthenticated calls count against their client address, and carry the headers as every
      // answer does.
      RateLimiter.Decision d = (write ? writes : reads).acquire("ip:" + ctx.ip());
      RateLimitHeaders.set(ctx, d);
      if (!d.allowed()) {
        throw ApiException.tooManyRequests(
            "Request was throttled. Expected available in " + d.retryAfterSeconds() + " seconds.");
      }
      throw unauthorized;
    }
    ctx.attribute(CALLER, caller);
    RateLimiter.Decision d = (write ? writes : reads).acquire(caller.rateKey());
    RateLimitHeaders.set(ctx, d);
    if (!d.allowed()) {
      metrics.rateLimitRefusal(write ? "writes" : "reads");
      throw ApiException.tooManyRequests(
          "Request was throttled. Expected available in " + d.retryAfterSeconds() + " seconds.");
    }
  }

  private Caller identify(Context ctx) {
    String key = ctx.header("x-api-key");
    if (key != null && !key.isBlank()) {
      Application app =
          accounts
              .authenticate(key)
              .orElseThrow(() -> ApiException.unauthorized("Invalid API key."));
      return new Caller(app, app.organizationId(), "key:" + ApiKey.sha256(key.strip()));
    }
    String auth = ctx.header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = auth.substring(7).strip();
      String org = registration.organizationForAccessToken(token);
      if (org == null) {
        throw ApiException.unauthorized("Invalid or expired access token.");
      }
      return new Caller(null, org, "token:" + ApiKey.sha256(token));
    }
    throw ApiException.unauthorized("Authentication credentials were not provided.");
  }

  /** The application of a call made with an API key; 401 for access tokens, which act for no application. */
  static Application application(Context ctx) {
    Caller c = caller(ctx);
    if (c.application() == null) {
      throw ApiException.unauthorized("This endpoint needs an API key (x-api-key).");
    }
    return c.application();
  }

  static Caller caller(Context ctx) {
    Caller c = ctx.attribute(CALLER);
    if (c == null) {
      throw new IllegalStateException("route is not behind Gate.check");
    }
    return c;
  }
}
