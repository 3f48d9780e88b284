package io.facesearch.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code limit} events per key in any window of {@code window} (a sliding log: each key keeps the
 * times of its last {@code limit} accepted events in a ring; an event is accepted when the oldest of them
 * has left the window). Memory: {@code limit} longs per active key; every {@value #SWEEP_EVERY} events, keys
 * with no event in the last window are forgotten (registrations are keyed by client address, which a caller
 * can vary at will). A key forgotten just as it acquires may have that one event uncounted.
 *
 * <p>The embedded node's limiter ({@link RateLimits#inMemory}): its guarantee (no window of that length, wherever
 * it starts, holds more than {@code limit} events) is stricter than a token bucket's, which lets up to twice the
 * limit through around a refill. A decision's reset is when the oldest counted event leaves the window.
 */
public final class SlidingWindowLimiter implements RateLimiter {

  private final int limit;
  private final long windowMillis;
  private final Clock clock;
  private final ConcurrentHashMap<String, Ring> rings = new ConcurrentHashMap<>();
  private final AtomicLong events = new AtomicLong();

  static final int SWEEP_EVERY = 4096;

  public SlidingWindowLimiter(int limit, Duration window, Clock clock) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    this.limit = limit;
    this.windowMillis = window.toMillis();
    this.clock = clock;
  }

  @Override
  public Decision acquire(String key) {
    long now = clock.millis();
    if (events.incrementAndGet() % SWEEP_EVERY == 0) {
      forgetIdle(now);
    }
    Ring ring = rings.computeIfAbsent(key, k -> new Ring(limit));
    synchronized (ring) {
      long oldest = ring.times[ring.next];
      boolean full = ring.count == limit;
      if (full && oldest > now - windowMillis) {
        long reset = oldest + windowMillis;
        return new Decision(
            false, limit, 0, ceilSeconds(reset), Math.max(1, ceilSeconds(reset - now)));
      }
      ring.times[ring.next] = now;
      ring.next = (ring.next + 1) % limit;
      ring.count = Math.min(limit, ring.count + 1);
      int inWindow = 0;
      long earliest = now;
      for (int i = 0; i < ring.count; i++) {
        long t = ring.times[i];
        if (t > now - windowMillis) {
          inWindow++;
          earliest = Math.min(earliest, t);
        }
      }
      return new Decision(true, limit, limit - inWindow, ceilSeconds(earliest + windowMillis), 0);
    }
  }

  /** How many keys are tracked. */
  int trackedKeys() {
    return rings.size();
  }

  private void forgetIdle(long now) {
    rings
        .values()
        .removeIf(
            ring -> {
              synchronized (ring) {
                return ring.times[(ring.next + limit - 1) % limit]
                    <= now - windowMillis; // its newest event
              }
            });
  }

  private static long ceilSeconds(long millis) {
    return (millis + 999) / 1000;
  }

  private static final class Ring {
    final long[] times;
    int next;
    int count;

    Ring(int size) {
      times = new long[size];
    }
  }
}
