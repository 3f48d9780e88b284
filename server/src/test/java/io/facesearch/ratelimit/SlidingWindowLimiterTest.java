package io.facesearch.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SlidingWindowLimiterTest {

  /** A clock the test moves. */
  private static final class ManualClock extends Clock {
    long millis = 1_800_000_000_000L;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void keys_idle_for_a_window_are_forgotten_and_active_ones_keep_their_count() {
    ManualClock clock = new ManualClock();
    SlidingWindowLimiter limiter = new SlidingWindowLimiter(3, Duration.ofMinutes(1), clock);
    for (int i = 0; i < 3; i++) {
      assertTrue(limiter.acquire("busy").allowed());
    }
    for (int i = 0; i < 10_000; i++) { // 10,000 addresses, one registration each
      limiter.acquire("ip-" + i);
    }
    assertFalse(limiter.acquire("busy").allowed(), "the busy key is still at its limit");

    clock.millis += 61_000;
    for (int i = 0; i < SlidingWindowLimiter.SWEEP_EVERY; i++) {
      limiter.acquire("late-" + (i % 2));
    }
    assertEquals(
        2, limiter.trackedKeys(), "only the two keys with events in the last minute are kept");
    assertTrue(limiter.acquire("busy").allowed(), "a forgotten key starts again");
  }
}
