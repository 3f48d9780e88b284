package io.facesearch.api;

import io.facesearch.ratelimit.RateLimiter;
import io.javalin.http.Context;

/** The {@code X-RateLimit-*} and {@code Retry-After} headers of a limiter decision. */
final class RateLimitHeaders {

  private RateLimitHeaders() {}

  static void set(Context ctx, RateLimiter.Decision d) {
    ctx.header("X-RateLimit-Limit", Integer.toString(d.limit()));
    ctx.header("X-RateLimit-Remaining", Integer.toString(d.remaining()));
    ctx.header("X-RateLimit-Reset", Long.toString(d.resetEpochSeconds()));
    if (!d.allowed()) {
      ctx.header("Retry-After", Long.toString(d.retryAfterSeconds()));
    }
  }
}
