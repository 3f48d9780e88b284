package io.facesearch.ratelimit;

/**
 * Whether one more event of a key is allowed now, with what the {@code X-RateLimit-*} headers tell the client. A
 * limiter allows at most its {@code limit} events per key in a window; how windows are drawn is the
 * implementation's ({@link SlidingWindowLimiter}: any window; the shared buckets of cluster mode: consecutive
 * windows from a key's first event). Keys are opaque: a caller passes a hash or an id, never a raw secret.
 */
public interface RateLimiter {

  /**
   * The answer for one event.
   *
   * @param limit the events allowed per window
   * @param remaining events still allowed in the current window after this one (0 when refused)
   * @param resetEpochSeconds when (epoch seconds, rounded up) the next slot frees
   * @param retryAfterSeconds for a refused event, seconds (at least 1) until one would be accepted; else 0
   */
  record Decision(
      boolean allowed, int limit, int remaining, long resetEpochSeconds, long retryAfterSeconds) {}

  /** Counts one event of {@code key} if the limit allows it, and says so. */
  Decision acquire(String key);
}
