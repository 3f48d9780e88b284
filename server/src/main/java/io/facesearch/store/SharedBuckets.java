package io.facesearch.store;

import io.facesearch.ratelimit.RateLimiter;
import io.facesearch.ratelimit.RateLimits;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate limits shared by every node of a cluster: one Bucket4j token bucket per limiter and key in PostgreSQL
 * (table {@code rate_limit_buckets}, migration V4), read and written in one transaction under {@code SELECT ...
 * FOR UPDATE} (Bucket4j's {@link PostgreSQLSelectForUpdateBasedProxyManager} on the {@link Database}'s pool), so
 * that concurrent events of one key on any number of nodes are counted one after the other and never more than
 * the limit are allowed.
 *
 * <p>Each bucket holds {@code limit} tokens and gets all of them back at once a window after its window began
 * ({@code refillIntervally}): at most {@code limit} events in each window, windows following each other from a
 * key's first event. That is the limit per window of the embedded {@code SlidingWindowLimiter}, but windows are
 * consecutive rather than sliding: around a refill, up to twice the limit may pass within one window's length.
 * Time is the node's {@link Clock} (nodes' clocks must agree to well under a window, as NTP keeps them).
 *
 * <p>Keys: a bucket's id is the limiter's name, limit and window and the base64url SHA-256 of the caller's key, so no
 * API key, token or client address is stored, and a node started with other limits counts in buckets of its own.
 * Growth: each write sets {@code expires_at} to the time the bucket is full again plus {@link #KEEP_AFTER_FULL}
 * (Bucket4j's {@code basedOnTimeForRefillingBucketUpToMax}); a full bucket is the same as none, and every {@value
 * #SWEEP_EVERY} events a node deletes the expired rows ({@code FOR UPDATE SKIP LOCKED}, safe on many nodes at once).
 */
public final class SharedBuckets implements RateLimits {

  /** Events between two deletions of expired buckets by this node. */
  static final int SWEEP_EVERY = 4096;

  /** How long a full bucket is kept before it may be deleted: room for clocks that differ between nodes. */
  static final Duration KEEP_AFTER_FULL = Duration.ofMinutes(1);

  private static final int DELETE_BATCH = 1000;

  private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
  private final Clock clock;
  private final int sweepEvery;
  private final AtomicLong events = new AtomicLong();

  private SharedBuckets(
      PostgreSQLSelectForUpdateBasedProxyManager<String> buckets, Clock clock, int sweepEvery) {
    this.buckets = buckets;
    this.clock = clock;
    this.sweepEvery = sweepEvery;
  }

  /** The shared buckets in {@code db}, which must be PostgreSQL, on the node's {@code clock}. */
  public static SharedBuckets on(Database db, Clock clock) {
    return on(db, clock, KEEP_AFTER_FULL, SWEEP_EVERY);
  }

  /**
   * As {@link #on(Database, Clock)}, keeping full buckets {@code keepAfterFull} before they may be deleted, and
   * deleting expired ones every {@code sweepEvery} events.
   */
  static SharedBuckets on(Database db, Clock clock, Duration keepAfterFull, int sweepEvery) {
    if (db.dialect() != Dialect.POSTGRESQL) {
      throw new IllegalArgumentException("shared rate limits need PostgreSQL, not " + db.dialect());
    }
    TimeMeter time =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return clock.millis() * 1_000_000L;
          }

          @Override
          public boolean isWallClockBased() {
            return true;
          }
        };
    return new SharedBuckets(
        Bucket4jPostgreSQL.selectForUpdateBasedBuilder(db.dataSource())
            .primaryKeyMapper(PrimaryKeyMapper.STRING)
            .table("rate_limit_buckets")
            .idColumn("id")
            .stateColumn("state")
            .expiresAtColumn("expires_at")
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(keepAfterFull))
            .clientClock(time)
            .build(),
        clock,
        sweepEvery);
  }

  @Override
  public RateLimiter limiter(String name, int limit, Duration window) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    BucketConfiguration configuration =
        BucketConfiguration.builder()
            .addLimit(
                bandwidth ->
                    bandwidth.capacity(limit).refillIntervally(limit, window).initialTokens(limit))
            .build();
    String prefix = name + "/" + limit + "/" + window.toSeconds() + "/";
    return key -> acquire(prefix + sha256(key), configuration, limit);
  }

  /**
   * Deletes the buckets that are full again (expired), in batches, and returns how many; nodes call it as they go
   * (every {@value #SWEEP_EVERY} events), and several may at once.
   */
  public int removeExpired() {
    try {
      int total = 0;
      for (int removed; (removed = buckets.removeExpired(DELETE_BATCH)) > 0; ) {
        total += removed;
        if (removed < DELETE_BATCH) {
          break;
        }
      }
      return total;
    } catch (RuntimeException e) {
      throw new StoreException("cannot delete expired rate limit buckets: " + e.getMessage(), e);
    }
  }

  private RateLimiter.Decision acquire(String id, BucketConfiguration configuration, int limit) {
    if (events.incrementAndGet() % sweepEvery == 0) {
      removeExpired();
    }
    ConsumptionProbe probe;
    try {
      probe = buckets.builder().build(id, () -> configuration).tryConsumeAndReturnRemaining(1);
    } catch (RuntimeException e) {
      throw new StoreException("cannot count against a rate limit: " + e.getMessage(), e);
    }
    long now = clock.millis();
    if (probe.isConsumed()) {
      return new RateLimiter.Decision(
          true,
          limit,
          (int) probe.getRemainingTokens(),
          ceilSeconds(now + nanosToMillis(probe.getNanosToWaitForReset())),
          0);
    }
    long waitMillis = nanosToMillis(probe.getNanosToWaitForRefill());
    return new RateLimiter.Decision(
        false, limit, 0, ceilSeconds(now + waitMillis), Math.max(1, ceilSeconds(waitMillis)));
  }

  private static long nanosToMillis(long nanos) {
    return (nanos + 999_999) / 1_000_000;
  }

  private static long ceilSeconds(long millis) {
    return (millis + 999) / 1000;
  }

  private static String sha256(String key) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
