package io.facesearch.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.accounts.AccountStore;
import io.facesearch.accounts.Application;
import io.facesearch.enrollment.Enrollments;
import io.facesearch.gallery.ExactGallery;
import io.facesearch.gallery.Gallery;
import io.facesearch.images.FileImageStore;
import io.facesearch.store.Database;
import io.facesearch.store.ErasurePurges;
import io.facesearch.store.Faces;
import io.facesearch.store.GalleryOutbox;
import io.facesearch.store.Sessions;
import io.facesearch.testing.HookedGallery;
import io.facesearch.testing.TestPostgres;
import io.facesearch.testing.TestSessions;
import io.facesearch.webhooks.SecretBox;
import io.facesearch.webhooks.Webhooks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The erasure purge with two nodes on one PostgreSQL database and one shared gallery: while one node purges, the
 * other does not start a pass of its own; an erasure made meanwhile is purged at the next pass; and what a node
 * erased is purged by another when that node dies first (the due purge is marked in the erasure's transaction).
 */
class ErasurePurgeAcrossNodesTest {

  @TempDir Path dir;
  private Database dbA;
  private Database dbB;

  @AfterEach
  void close() {
    if (dbA != null) {
      dbA.close();
    }
    if (dbB != null) {
      dbB.close();
    }
  }

  @Test
  void a_purge_runs_on_one_node_at_a_time_and_an_erasure_made_during_it_is_purged_at_the_next()
      throws Exception {
    String url = TestPostgres.database();
    dbA = Database.postgres(url, "facesearch", "");
    dbB = Database.postgres(url, "facesearch", "");
    PurgeWatch watch = new PurgeWatch();
    Gallery shared = HookedGallery.beforePurges(new ExactGallery(4), watch::pass);
    SessionReview a = review(dbA, shared);
    SessionReview b = review(dbB, shared);
    assertTrue(a.purgeErased(), "a node's first pass runs");
    assertTrue(b.purgeErased(), "a node's first pass runs");
    assertFalse(b.purgeErased(), "then a pass runs only when an erasure marked one due");
    Application app = application(dbA);
    assertTrue(b.erase(app, newSession(dbB, app, 1)));

    watch.started = new CountDownLatch(1);
    watch.hold = new CountDownLatch(1);
    ExecutorService nodeA = Executors.newSingleThreadExecutor();
    try {
      Future<Boolean> passOnA = nodeA.submit(a::purgeErased);
      assertTrue(watch.started.await(30, TimeUnit.SECONDS), "A's pass started");
      assertFalse(b.purgeErased(), "B starts no pass while A purges");
      assertEquals(3, watch.passes.get(), "one pass at a time");
      assertTrue(b.erase(app, newSession(dbB, app, 2)), "an erasure while A purges");
      watch.hold.countDown();
      assertTrue(passOnA.get());
    } finally {
      watch.hold.countDown();
      nodeA.shutdownNow();
    }
    assertTrue(b.purgeErased(), "the erasure made during A's pass is purged by the next pass");
    assertEquals(4, watch.passes.get());
    assertFalse(b.purgeErased(), "nothing left to purge");
  }

  @Test
  void an_erasure_by_a_node_that_died_before_purging_it_is_purged_by_another_node() {
    String url = TestPostgres.database();
    dbA = Database.postgres(url, "facesearch", "");
    dbB = Database.postgres(url, "facesearch", "");
    PurgeWatch watch = new PurgeWatch();
    Gallery shared = HookedGallery.beforePurges(new ExactGallery(4), watch::pass);
    SessionReview a = review(dbA, shared);
    SessionReview b = review(dbB, shared);
    assertTrue(b.purgeErased(), "B's first pass, before A erases anything");
    Application app = application(dbA);

    assertTrue(a.erase(app, newSession(dbA, app, 1)));
    dbA.close(); // A dies before its next pass
    dbA = null;

    assertTrue(b.purgeErased(), "B purges what A erased");
    assertEquals(2, watch.passes.get());
    assertFalse(b.purgeErased(), "once");
  }

  private static Application application(Database db) {
    return new AccountStore(db, Clock.systemUTC()).bootstrapIfEmpty().orElseThrow().application();
  }

  /** A new session of {@code app} with no face, numbered {@code number}: something to erase. */
  private static String newSession(Database db, Application app, long number) {
    String id = UUID.randomUUID().toString();
    Instant now = Instant.now();
    db.inTransaction(
        tx -> new Sessions().insert(tx, TestSessions.approved(id, app.id(), number, now)));
    return id;
  }

  private SessionReview review(Database db, Gallery gallery) {
    Faces faces = new Faces();
    Clock clock = Clock.systemUTC();
    return new SessionReview(
        db,
        new Sessions(),
        faces,
        new Enrollments(db, faces, new GalleryOutbox(), gallery, clock),
        gallery,
        new FileImageStore(dir),
        new ErasurePurges(),
        new Webhooks(db, new SecretBox(new byte[32]), clock),
        clock);
  }

  /**
   * The shared gallery's purges: counted, {@link #started} opened by the next one, and while {@link #hold} is closed,
   * each waits before it runs.
   */
  static final class PurgeWatch {
    volatile CountDownLatch started = new CountDownLatch(1);
    final AtomicInteger passes = new AtomicInteger();
    volatile CountDownLatch hold = new CountDownLatch(0);

    void pass() {
      passes.incrementAndGet();
      started.countDown();
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
