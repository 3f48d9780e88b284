package io.facesearch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Database#runAlone} on real PostgreSQL with two nodes (two pools on one database): a pass runs on one node
 * at a time, the lock ends with the pass, and a node that dies holding it frees it.
 */
class SingletonJobsTest {

  private Database a;
  private Database b;

  @AfterEach
  void close() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  void a_pass_runs_on_one_node_at_a_time() throws Exception {
    String url = TestPostgres.database();
    a = Database.postgres(url, "facesearch", "");
    b = Database.postgres(url, "facesearch", "");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    ExecutorService nodeA = Executors.newSingleThreadExecutor();
    try {
      Future<Boolean> passOnA =
          nodeA.submit(
              () ->
                  a.runAlone(
                      SingletonJob.RETENTION,
                      () -> {
                        started.countDown();
                        await(finish);
                      }));
      started.await();
      AtomicInteger ranOnB = new AtomicInteger();
      assertFalse(
          b.runAlone(SingletonJob.RETENTION, ranOnB::incrementAndGet),
          "B does not run a pass while A runs one");
      assertTrue(
          b.runAlone(SingletonJob.ERASURE_PURGE, ranOnB::incrementAndGet),
          "another job is not held by A's");
      finish.countDown();
      assertTrue(passOnA.get());
      assertTrue(
          b.runAlone(SingletonJob.RETENTION, ranOnB::incrementAndGet), "free once A's pass ended");
      assertEquals(2, ranOnB.get());
    } finally {
      finish.countDown();
      nodeA.shutdownNow();
    }
  }

  @Test
  void a_node_that_dies_during_a_pass_frees_the_job() throws Exception {
    String url = TestPostgres.database();
    b = Database.postgres(url, "facesearch", "");
    // The dying node's session holds the job's lock as runAlone takes it ...
    Connection dying = DriverManager.getConnection(url, "facesearch", "");
    try (PreparedStatement q = dying.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
      q.setInt(1, Tx.KeySpace.SINGLETON_JOBS.id);
      q.setInt(2, SingletonJob.RETENTION.key);
      try (ResultSet r = q.executeQuery()) {
        assertTrue(r.next() && r.getBoolean(1));
      }
    }
    AtomicInteger ran = new AtomicInteger();
    assertFalse(b.runAlone(SingletonJob.RETENTION, ran::incrementAndGet));
    // ... and its connection ends with it: PostgreSQL frees the lock as the session's backend exits
    // (shortly after the close, which does not wait for it).
    dying.close();
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    while (!b.runAlone(SingletonJob.RETENTION, ran::incrementAndGet)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, ran.get(), "the job ran once the dead node's session ended");
  }

  @Test
  void a_failed_pass_releases_the_job() {
    String url = TestPostgres.database();
    a = Database.postgres(url, "facesearch", "");
    b = Database.postgres(url, "facesearch", "");
    try {
      a.runAlone(
          SingletonJob.ERASURE_PURGE,
          () -> {
            throw new IllegalStateException("injected");
          });
    } catch (IllegalStateException expected) {
      // the pass failed
    }
    assertTrue(b.runAlone(SingletonJob.ERASURE_PURGE, () -> {}));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
