package io.facesearch.enrollment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facesearch.accounts.AccountStore;
import io.facesearch.gallery.ExactGallery;
import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.StoredFace;
import io.facesearch.store.Database;
import io.facesearch.store.Faces;
import io.facesearch.store.GalleryOutbox;
import io.facesearch.store.Lease;
import io.facesearch.store.NodeId;
import io.facesearch.store.Sessions;
import io.facesearch.testing.HookedGallery;
import io.facesearch.testing.TestClock;
import io.facesearch.testing.TestPostgres;
import io.facesearch.testing.TestSessions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gallery outbox with two nodes on one PostgreSQL database and one shared gallery (as SolrCloud is to the
 * nodes; here the exact in-memory gallery, behind a wrapper that makes writes slow and counts them): rows left
 * claimed by a node that died are applied by another once the lease ends; two nodes changing one face at the same
 * time leave the gallery as the truth has it; two draining nodes apply each row once.
 */
class GalleryOutboxAcrossNodesTest {

  private final TestClock clock = new TestClock();
  private final ExactGallery shared = new ExactGallery(4);
  private final WriteCounter counter = new WriteCounter();
  private final Gallery gallery = HookedGallery.beforeWrites(shared, counter::arrive);
  private final Faces faces = new Faces();
  private final GalleryOutbox outbox = new GalleryOutbox();
  private Database dbA;
  private Database dbB;
  private Enrollments a;
  private Enrollments b;
  private String app;
  private String session;

  @BeforeEach
  void open() {
    String url = TestPostgres.database();
    dbA = Database.postgres(url, "facesearch", "");
    dbB = Database.postgres(url, "facesearch", "");
    a = new Enrollments(dbA, faces, outbox, gallery, clock, NodeId.random());
    b = new Enrollments(dbB, faces, outbox, gallery, clock, NodeId.random());
    app = new AccountStore(dbA, clock).bootstrapIfEmpty().orElseThrow().application().id();
    session = UUID.randomUUID().toString();
    dbA.inTransaction(
        tx -> {
          new Sessions().insert(tx, TestSessions.approved(session, app, 0, clock.instant()));
          return null;
        });
  }

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
  void rows_claimed_by_a_node_that_died_are_applied_by_another_once_the_lease_ends() {
    List<StoredFace> enrolled = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      enrolled.add(face(new Random(i)));
    }
    // The dying node: its change committed, its rows claimed, and then nothing (no gallery write).
    NodeId dead = NodeId.random();
    dbA.inTransaction(
        tx -> {
          for (StoredFace f : enrolled) {
            a.enroll(tx, f); // outside Enrollments.inTransaction: written, not applied
          }
          return null;
        });
    int claimed =
        dbA.inTransaction(
                tx ->
                    outbox.claimOldest(
                        tx,
                        Lease.of(dead, clock.instant(), Enrollments.DRAIN_LEASE),
                        clock.instant(),
                        100))
            .size();
    assertEquals(3, claimed);

    assertEquals(new Enrollments.Drained(0, 0), b.drain(), "the dead node's lease still holds");
    assertEquals(0, shared.count(app));
    clock.advance(Enrollments.DRAIN_LEASE);
    assertEquals(new Enrollments.Drained(3, 0), b.drain(), "taken over when the lease ended");
    assertEquals(3, shared.count(app), "every face the dead node committed is searchable");
    assertEquals(0, b.pending());
    assertEquals(new Enrollments.Drained(0, 0), a.drain());
  }

  @Test
  void a_changed_face_is_applied_by_the_node_that_changed_it_and_not_again_by_another_drain() {
    StoredFace f = face(new Random(7));
    a.inTransaction(
        tx -> {
          a.enroll(tx, f);
          return null;
        });
    assertEquals(1, shared.count(app));
    assertEquals(0, a.pending(), "applied right after the commit");
    int writes = counter.writes.get();
    assertEquals(new Enrollments.Drained(0, 0), b.drain());
    assertEquals(writes, counter.writes.get(), "no second write by another node");
  }

  @Test
  void two_nodes_changing_one_face_at_once_leave_the_gallery_as_the_truth_has_it()
      throws Exception {
    long seed = new Random().nextLong();
    System.out.println("GalleryOutboxAcrossNodesTest seed " + seed);
    Random random = new Random(seed);
    int rounds = 30;
    counter.slow = true;
    ExecutorService nodes = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < rounds; round++) {
        StoredFace f = face(random);
        a.inTransaction(
            tx -> {
              a.enroll(tx, f);
              return null;
            });
        CountDownLatch go = new CountDownLatch(1);
        Future<?> byA = nodes.submit(() -> flip(a, f.faceId(), go, true));
        Future<?> byB = nodes.submit(() -> flip(b, f.faceId(), go, false));
        go.countDown();
        byA.get();
        byB.get();
        boolean truth = dbA.read(tx -> faces.find(tx, f.faceId())).orElseThrow().blocklisted();
        assertEquals(
            truth,
            galleryFlags().get(f.faceId()).blocklisted(),
            "round " + round + ": the gallery holds the face's last committed flags");
      }
      // A row whose face the other node changed while it was applied can stay claimed (a lease of
      // its writer's)
      // when the re-reads run out; the drain applies it once the lease ends: nothing is lost.
      clock.advance(Enrollments.DRAIN_LEASE);
      a.drain();
      b.drain();
      assertEquals(0, a.pending() + b.pending(), "every row applied");
      for (var entry : galleryFlags().entrySet()) {
        boolean truth = dbA.read(tx -> faces.find(tx, entry.getKey())).orElseThrow().blocklisted();
        assertEquals(
            truth, entry.getValue().blocklisted(), "after the drain too: " + entry.getKey());
      }
    } finally {
      nodes.shutdownNow();
      counter.slow = false;
    }
  }

  @Test
  void two_draining_nodes_apply_each_row_once() throws Exception {
    int rows = 200;
    dbA.inTransaction(
        tx -> {
          for (int i = 0; i < rows; i++) {
            a.enroll(tx, face(new Random(1000 + i))); // left to the drains
          }
          return null;
        });
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService nodes = Executors.newFixedThreadPool(2);
    try {
      Future<Enrollments.Drained> byA =
          nodes.submit(
              () -> {
                go.await();
                return a.drain();
              });
      Future<Enrollments.Drained> byB =
          nodes.submit(
              () -> {
                go.await();
                return b.drain();
              });
      go.countDown();
      int applied = byA.get().applied() + byB.get().applied();
      System.out.println(
          "gallery outbox across nodes: applied "
              + applied
              + " rows with "
              + counter.writes.get()
              + " gallery writes");
      assertEquals(rows, applied, "each row applied by one node");
      assertEquals(rows, counter.writes.get(), "one gallery write per row");
      assertEquals(rows, shared.count(app));
      assertEquals(0, a.pending());
    } finally {
      nodes.shutdownNow();
    }
  }

  /** Sets the face's blocklisted flag to {@code value} through {@code node}, 5 times, as fast as it can. */
  private Void flip(Enrollments node, String faceId, CountDownLatch go, boolean value)
      throws InterruptedException {
    go.await();
    for (int i = 0; i < 5; i++) {
      boolean v = i % 2 == 0 ? value : !value;
      node.inTransaction(tx -> node.setFlags(tx, faceId, new FaceFlags(v, false, true, true)));
    }
    return null;
  }

  private Map<String, FaceFlags> galleryFlags() {
    Map<String, FaceFlags> flags = new HashMap<>();
    shared.forEachState(s -> flags.put(s.faceId(), s.flags()));
    return flags;
  }

  private StoredFace face(Random random) {
    float[] v = new float[4];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return new StoredFace(
        new UUID(random.nextLong(), random.nextLong()).toString(),
        app,
        session,
        FaceSource.SESSION,
        false,
        false,
        true,
        true,
        "test-model",
        Instant.parse("2026-01-01T00:00:00Z"),
        v);
  }

  /**
   * The shared gallery's writes as the nodes reach it: counted, and when {@link #slow} each waits a random 0-3 ms first
   * (as a remote index's latency varies), so that two nodes' writes of one face can overtake each other.
   */
  static final class WriteCounter {
    final AtomicInteger writes = new AtomicInteger();
    volatile boolean slow;

    void arrive() {
      writes.incrementAndGet();
      if (slow) {
        try {
          Thread.sleep(ThreadLocalRandom.current().nextInt(4));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
