package io.facesearch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.ratelimit.RateLimiter;
import io.facesearch.ratelimit.SlidingWindowLimiter;
import io.facesearch.testing.TestClock;
import io.facesearch.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode's rate limits on a real PostgreSQL: two nodes (two connection pools on one database, each with its
 * own {@link SharedBuckets}) count one key's events together, exactly.
 */
class SharedBucketsTest {

  @TempDir Path dir;

  private final List<Database> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(Database::close);
  }

  /** {@code n} nodes' pools on one new database. */
  private List<Database> nodes(int n) {
    String url = TestPostgres.database();
    List<Database> dbs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Database db = Database.postgres(url, "facesearch", "");
      opened.add(db);
      dbs.add(db);
    }
    return dbs;
  }

  @Test
  void two_nodes_allow_exactly_the_limit_of_one_key_between_them_under_concurrency()
      throws Exception {
    TestClock clock = new TestClock(); // frozen: no window ends during a test by accident
    List<Database> dbs = nodes(2);
    int limit = 25;
    List<RateLimiter> limiters =
        List.of(
            SharedBuckets.on(dbs.get(0), clock).limiter("writes", limit, Duration.ofMinutes(1)),
            SharedBuckets.on(dbs.get(1), clock).limiter("writes", limit, Duration.ofMinutes(1)));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<List<RateLimiter.Decision>>> calls = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      RateLimiter limiter = limiters.get(t % 2); // two threads on each node
      calls.add(
          pool.submit(
              () -> {
                List<RateLimiter.Decision> ds = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                  ds.add(limiter.acquire("key:one-hashed-api-key"));
                }
                return ds;
              }));
    }
    List<RateLimiter.Decision> all = new ArrayList<>();
    for (Future<List<RateLimiter.Decision>> c : calls) {
      all.addAll(c.get());
    }
    pool.shutdown();

    List<RateLimiter.Decision> allowed =
        all.stream().filter(RateLimiter.Decision::allowed).toList();
    assertEquals(limit, allowed.size(), "80 events on two nodes, a limit of 25");
    int[] remaining = allowed.stream().mapToInt(RateLimiter.Decision::remaining).sorted().toArray();
    int[] expected = new int[limit];
    Arrays.setAll(expected, i -> i);
    assertTrue(
        Arrays.equals(expected, remaining),
        "each allowed event saw its own count: " + Arrays.toString(remaining));
    for (RateLimiter.Decision refused : all) {
      if (!refused.allowed()) {
        assertEquals(0, refused.remaining());
        assertTrue(
            refused.retryAfterSeconds() >= 1 && refused.retryAfterSeconds() <= 60,
            "Retry-After " + refused.retryAfterSeconds());
        assertEquals(limit, refused.limit());
      }
    }
  }

  @Test
  void a_window_later_the_key_is_allowed_again_and_keys_and_limiters_count_apart() {
    TestClock clock = new TestClock(); // frozen: no window ends during a test by accident
    List<Database> dbs = nodes(2);
    RateLimiter a = SharedBuckets.on(dbs.get(0), clock).limiter("reads", 2, Duration.ofMinutes(1));
    RateLimiter b = SharedBuckets.on(dbs.get(1), clock).limiter("reads", 2, Duration.ofMinutes(1));
    RateLimiter writes =
        SharedBuckets.on(dbs.get(1), clock).limiter("writes", 2, Duration.ofMinutes(1));

    RateLimiter.Decision first = a.acquire("k");
    assertTrue(first.allowed());
    assertEquals(1, first.remaining());
    assertEquals(
        (clock.millis() + 60_000 + 999) / 1000,
        first.resetEpochSeconds(),
        "the window's slots come back a minute after it began");
    assertTrue(b.acquire("k").allowed());
    clock.advance(Duration.ofSeconds(20));
    RateLimiter.Decision refused = a.acquire("k");
    assertFalse(refused.allowed());
    assertEquals(40, refused.retryAfterSeconds(), "the window began 20 s ago");
    assertTrue(b.acquire("other key").allowed(), "another key has a bucket of its own");
    assertTrue(writes.acquire("k").allowed(), "another limiter has buckets of its own");

    clock.advance(Duration.ofSeconds(40));
    assertTrue(b.acquire("k").allowed(), "a window later the key may call again");
    assertTrue(a.acquire("k").allowed());
    assertFalse(b.acquire("k").allowed());
  }

  @Test
  void other_limits_count_in_buckets_of_their_own() {
    TestClock clock = new TestClock(); // frozen: no window ends during a test by accident
    Database db = nodes(1).getFirst();
    SharedBuckets buckets = SharedBuckets.on(db, clock);
    RateLimiter one = buckets.limiter("registrations", 1, Duration.ofHours(1));
    assertTrue(one.acquire("ip:10.0.0.1").allowed());
    assertFalse(one.acquire("ip:10.0.0.1").allowed());
    RateLimiter three = buckets.limiter("registrations", 3, Duration.ofHours(1));
    RateLimiter.Decision raised = three.acquire("ip:10.0.0.1");
    assertTrue(
        raised.allowed(), "a node started with a higher limit does not inherit a full count");
    assertEquals(2, raised.remaining());
  }

  @Test
  void no_raw_key_is_stored_and_full_buckets_are_deleted() throws Exception {
    Database db = nodes(1).getFirst();
    SharedBuckets buckets =
        SharedBuckets.on(db, Clock.systemUTC(), Duration.ZERO, SharedBuckets.SWEEP_EVERY);
    String apiKey = "fsk_live_0123456789abcdef";
    buckets.limiter("reads", 5, Duration.ofSeconds(1)).acquire("key:" + apiKey);
    buckets.limiter("registrations", 5, Duration.ofHours(1)).acquire("ip:192.0.2.7");
    List<String> ids = ids(db);
    assertEquals(2, ids.size(), ids.toString());
    for (String id : ids) {
      assertFalse(id.contains(apiKey) || id.contains("0123456789"), id);
      assertFalse(id.contains("192.0.2.7"), id);
    }
    Thread.sleep(1_500); // the one-second bucket is full again
    assertEquals(1, buckets.removeExpired(), "only the full bucket is deleted");
    assertEquals(1, ids(db).size());
    assertTrue(ids(db).getFirst().startsWith("registrations/5/3600/"), ids(db).toString());
  }

  @Test
  void a_node_deletes_expired_buckets_as_events_come() throws Exception {
    Database db = nodes(1).getFirst();
    SharedBuckets buckets = SharedBuckets.on(db, Clock.systemUTC(), Duration.ZERO, 10);
    RateLimiter perSecond = buckets.limiter("sign-ins", 3, Duration.ofSeconds(1));
    for (int i = 0; i < 5; i++) {
      perSecond.acquire("ip:10.0.0." + i); // five addresses, one event each
    }
    assertEquals(5, ids(db).size());
    Thread.sleep(1_500); // their buckets are full again
    for (int i = 0; i < 4; i++) {
      perSecond.acquire("ip:10.0.1.1");
    }
    assertEquals(5 + 1, ids(db).size(), "nine events: no sweep yet");
    perSecond.acquire("ip:10.0.1.1"); // the tenth event sweeps
    assertEquals(1, ids(db).size(), "only the active address keeps its bucket");
  }

  @Test
  void the_embedded_database_has_no_shared_buckets() {
    Database sqlite = Database.sqlite(dir);
    opened.add(sqlite);
    assertThrows(IllegalArgumentException.class, () -> SharedBuckets.on(sqlite, Clock.systemUTC()));
  }

  /**
   * What the PostgreSQL limiter adds to a request: the median and 99th percentile of 1,000 acquires on one key (and
   * beside it the in-process limiter's), printed for the report; the count must still be exact.
   */
  @Test
  void a_thousand_acquires_allow_exactly_the_limit_and_print_their_latency() {
    Database db = nodes(1).getFirst();
    RateLimiter shared =
        SharedBuckets.on(db, Clock.systemUTC()).limiter("reads", 600, Duration.ofHours(1));
    RateLimiter local = new SlidingWindowLimiter(600, Duration.ofHours(1), Clock.systemUTC());
    for (int i = 0; i < 50; i++) { // warm the pool and the JIT
      shared.acquire("warm-up");
    }
    long[] sharedNanos = new long[1000];
    long[] localNanos = new long[1000];
    int allowed = time(() -> shared.acquire("key:measured"), sharedNanos);
    int allowedLocally = time(() -> local.acquire("key:measured"), localNanos);
    assertEquals(600, allowed);
    assertEquals(600, allowedLocally);
    System.out.printf(
        "rate limiter latency over 1,000 acquires: PostgreSQL median %.0f us, p99 %.0f us;"
            + " in process median %.1f us, p99 %.1f us%n",
        percentile(sharedNanos, 0.5) / 1e3,
        percentile(sharedNanos, 0.99) / 1e3,
        percentile(localNanos, 0.5) / 1e3,
        percentile(localNanos, 0.99) / 1e3);
  }

  private static int time(Supplier<RateLimiter.Decision> acquire, long[] nanos) {
    int allowed = 0;
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      boolean ok = acquire.get().allowed();
      nanos[i] = System.nanoTime() - start;
      allowed += ok ? 1 : 0;
    }
    return allowed;
  }

  private static double percentile(long[] nanos, double p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
  }

  private static List<String> ids(Database db) {
    return RawSql.read(
        db,
        c -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement q = c.prepareStatement("SELECT id FROM rate_limit_buckets");
              ResultSet r = q.executeQuery()) {
            while (r.next()) {
              ids.add(r.getString(1));
            }
          }
          return ids;
        });
  }
}
