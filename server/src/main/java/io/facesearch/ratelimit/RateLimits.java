package io.facesearch.ratelimit;

import java.time.Clock;
import java.time.Duration;

/**
 * Where a node's limiters keep their counts: in this process (the embedded node), or shared by every node of a
 * cluster (in PostgreSQL, {@code io.facesearch.store.SharedBuckets}), so that a key's limit holds whichever node
 * it calls.
 */
@FunctionalInterface
public interface RateLimits {

  /**
   * A limiter of at most {@code limit} events per key per {@code window}. {@code name} (e.g. {@code "writes"})
   * keeps its keys apart from those of the node's other limiters.
   */
  RateLimiter limiter(String name, int limit, Duration window);

  /** Counts kept in this process: {@link SlidingWindowLimiter}s on {@code clock}. */
  static RateLimits inMemory(Clock clock) {
    return (name, limit, window) -> new SlidingWindowLimiter(limit, window, clock);
  }
}
