package io.facesearch.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.enrollment.Enrollments;
import io.facesearch.gallery.ExactGallery;
import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.GalleryQuery;
import io.facesearch.gallery.GalleryTruth;
import io.facesearch.gallery.StoredFace;
import io.facesearch.images.FileImageStore;
import io.facesearch.store.Database;
import io.facesearch.store.Faces;
import io.facesearch.store.GalleryOutbox;
import io.facesearch.store.Sessions;
import io.facesearch.testing.TestPostgres;
import io.facesearch.webhooks.SecretBox;
import io.facesearch.webhooks.Webhooks;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
    PurgeGallery shared = new PurgeGallery(new ExactGallery(4));
    SessionReview a = review(dbA, shared);
    SessionReview b = review(dbB, shared);

    shared.hold = new CountDownLatch(1);
    ExecutorService nodeA = Executors.newSingleThreadExecutor();
    try {
      Future<Boolean> passOnA = nodeA.submit(a::purgeErased);
      assertTrue(shared.started.await(30, TimeUnit.SECONDS), "A's pass started");
      assertFalse(b.purgeErased(), "B starts no pass while A purges");
      assertEquals(1, shared.passes.get(), "one pass at a time");
      shared.hold.countDown();
      assertTrue(passOnA.get());
    } finally {
      shared.hold.countDown();
      nodeA.shutdownNow();
    }
    assertTrue(b.purgeErased(), "B's erasures stayed pending: purged at its next pass");
    assertEquals(2, shared.passes.get());
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

  /** The shared gallery; its purge counts passes and, while {@link #hold} is closed, waits. */
  static final class PurgeGallery implements Gallery {
    final CountDownLatch started = new CountDownLatch(1);
    final AtomicInteger passes = new AtomicInteger();
    volatile CountDownLatch hold = new CountDownLatch(0);
    private final Gallery real;

    PurgeGallery(Gallery real) {
      this.real = real;
    }

    @Override
    public boolean purgeRemoved() {
      passes.incrementAndGet();
      started.countDown();
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return real.purgeRemoved();
    }

    @Override
    public void add(StoredFace face) {
      real.add(face);
    }

    @Override
    public boolean remove(String faceId) {
      return real.remove(faceId);
    }

    @Override
    public boolean update(String faceId, FaceFlags flags) {
      return real.update(faceId, flags);
    }

    @Override
    public List<GalleryMatch> search(GalleryQuery query) {
      return real.search(query);
    }

    @Override
    public void forEachState(Consumer<FaceState> action) {
      real.forEachState(action);
    }

    @Override
    public long count(String applicationId) {
      return real.count(applicationId);
    }

    @Override
    public long count(GalleryFilter filter) {
      return real.count(filter);
    }

    @Override
    public void rebuild(GalleryTruth truth) {
      real.rebuild(truth);
    }

    @Override
    public void commit() {
      real.commit();
    }

    @Override
    public void close() {
      real.close();
    }
  }
}
