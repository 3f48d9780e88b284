package io.facesearch.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.enrollment.Enrollments;
import io.facesearch.gallery.ExactGallery;
import io.facesearch.gallery.Gallery;
import io.facesearch.images.FileImageStore;
import io.facesearch.store.Database;
import io.facesearch.store.Faces;
import io.facesearch.store.GalleryOutbox;
import io.facesearch.store.Sessions;
import io.facesearch.testing.HookedGallery;
import io.facesearch.testing.TestPostgres;
import io.facesearch.webhooks.SecretBox;
import io.facesearch.webhooks.Webhooks;
import java.nio.file.Path;
import java.time.Clock;
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
 * other does not start a pass of its own, keeps its erasures pending, and purges at its next pass.
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
  void a_purge_runs_on_one_node_at_a_time_and_the_other_keeps_its_erasures_pending()
      throws Exception {
    String url = TestPostgres.database();
    dbA = Database.postgres(url, "facesearch", "");
    dbB = Database.postgres(url, "facesearch", "");
    PurgeWatch watch = new PurgeWatch();
    Gallery shared = HookedGallery.beforePurges(new ExactGallery(4), watch::pass);
    SessionReview a = review(dbA, shared);
    SessionReview b = review(dbB, shared);

    watch.hold = new CountDownLatch(1);
    ExecutorService nodeA = Executors.newSingleThreadExecutor();
    try {
      Future<Boolean> passOnA = nodeA.submit(a::purgeErased);
      assertTrue(watch.started.await(30, TimeUnit.SECONDS), "A's pass started");
      assertFalse(b.purgeErased(), "B starts no pass while A purges");
      assertEquals(1, watch.passes.get(), "one pass at a time");
      watch.hold.countDown();
      assertTrue(passOnA.get());
    } finally {
      watch.hold.countDown();
      nodeA.shutdownNow();
    }
    assertTrue(b.purgeErased(), "B's erasures stayed pending: purged at its next pass");
    assertEquals(2, watch.passes.get());
    assertFalse(b.purgeErased(), "nothing left to purge");
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
        new Webhooks(db, new SecretBox(new byte[32]), clock),
        clock);
  }

  /** The shared gallery's purges: counted, and while {@link #hold} is closed, each waits before it runs. */
  static final class PurgeWatch {
    final CountDownLatch started = new CountDownLatch(1);
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
