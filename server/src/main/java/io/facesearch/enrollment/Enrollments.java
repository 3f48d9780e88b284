package io.facesearch.enrollment;

import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.StoredFace;
import io.facesearch.store.Database;
import io.facesearch.store.Faces;
import io.facesearch.store.GalleryOutbox;
import io.facesearch.store.Lease;
import io.facesearch.store.NodeId;
import io.facesearch.store.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of "truth first, then gallery": every change of an enrolled face goes through here.
 *
 * <p>{@link #enroll}, {@link #setFlags} and {@link #remove} write the truth (the {@code faces} table) and a
 * {@code gallery_outbox} row naming the face, in the caller's transaction. A transaction run by {@link #inTransaction}
 * applies its rows to the {@link Gallery} right after the commit; a row that could not be applied (the gallery
 * failed) stays, and {@link #drain} (run in the background by serve) retries it until it succeeds. The request that
 * made the change answers as if the gallery write had worked: the change is saved, only its visibility to searches
 * waits for the gallery.
 *
 * <p>Applying a row for face F means "make the gallery hold F as the truth has it now": present in the truth, F is
 * added (or replaced) with its current flags and embedding; absent, F is removed. So a row may be applied twice, and
 * rows may be applied in any order; applications of rows for the same face never overlap (a lock per face stripe),
 * and each reads the truth after the commit that wrote its row, so the last one applied leaves the truth's state.
 *
 * <p>Several nodes on one database (and one shared gallery): the stripe locks exclude within a node only, so an
 * application of a row checks its work: after writing the face as it read it, it reads the truth again and, if the
 * face changed meanwhile (another node committed a change and may have written the gallery before this node's
 * older write arrived), writes again, until the truth it wrote is the truth it reads after the write. Whichever
 * gallery write comes last was thus checked against a truth read after it, and a change committed after that read
 * has its own row, applied after its commit. Rows are claimed ({@link Lease}) so that nodes rarely do the same work
 * twice: by the writing node from its commit, by a node's {@link #drain} otherwise; a node that dies leaves its
 * claims to expire, and its rows to the other nodes' drains.
 */
public final class Enrollments {

  private static final Logger LOG = LoggerFactory.getLogger(Enrollments.class);
  private static final int STRIPES = 64;
  private static final int DRAIN_BATCH = 100;

  /** How long the writing node's claim on its rows holds: it applies them right after its commit. */
  static final Duration COMMIT_LEASE = Duration.ofMinutes(1);

  /** How long a drain's claim on a batch holds: ample for {@value #DRAIN_BATCH} gallery writes. */
  static final Duration DRAIN_LEASE = Duration.ofMinutes(5);

  /** Gallery writes of one row at most while the face keeps changing under them (then the drain retries). */
  private static final int MAX_WRITES = 5;

  /** What one {@link #drain} did. */
  public record Drained(int applied, int failed) {}

  private final Database db;
  private final Faces faces;
  private final GalleryOutbox outbox;
  private final Gallery gallery;
  private final Clock clock;
  private final NodeId node;
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

  /** Outbox rows written by each transaction run through {@link #inTransaction}, applied after its commit. */
  private final Map<Tx, List<Long>> written = new ConcurrentHashMap<>();

  public Enrollments(Database db, Faces faces, GalleryOutbox outbox, Gallery gallery, Clock clock) {
    this(db, faces, outbox, gallery, clock, NodeId.random());
  }

  /** The enrollments of node {@code node}, which claims the outbox rows it applies under that id. */
  public Enrollments(
      Database db, Faces faces, GalleryOutbox outbox, Gallery gallery, Clock clock, NodeId node) {
    this.node = node;
    this.db = db;
    this.faces = faces;
    this.outbox = outbox;
    this.gallery = gallery;
    this.clock = clock;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /**
   * Runs {@code work} in one write transaction, then applies the outbox rows it wrote to the gallery. A gallery
   * failure is logged and left to {@link #drain}: it never fails the call, whose changes are committed.
   */
  public <T> T inTransaction(Database.TxWork<T> work) {
    List<Long> rows = new ArrayList<>();
    T result =
        db.inTransaction(
            tx -> {
              written.put(tx, rows);
              try {
                return work.apply(tx);
              } finally {
                written.remove(tx);
              }
            });
    for (long row : rows) {
      tryApply(row);
    }
    return result;
  }

  /** Stores a new face (its truth) and queues its addition to the gallery. */
  public void enroll(Tx tx, StoredFace face) {
    faces.insert(tx, face);
    queue(tx, face.faceId());
  }

  /** Sets a face's flags and queues the same change of the gallery; false when there is no such face. */
  public boolean setFlags(Tx tx, String faceId, FaceFlags flags) {
    boolean changed = faces.updateFlags(tx, faceId, flags);
    if (changed) {
      queue(tx, faceId);
    }
    return changed;
  }

  /** Replaces a face's embedding (re-embedding by another model) and queues the same change of the gallery. */
  public boolean reembed(Tx tx, String faceId, String modelId, float[] embedding) {
    boolean changed = faces.updateEmbedding(tx, faceId, modelId, embedding);
    if (changed) {
      queue(tx, faceId);
    }
    return changed;
  }

  /**
   * Deletes a face from the truth (it may already be gone, e.g. by the cascade of its session's deletion) and
   * queues its removal from the gallery.
   */
  public void remove(Tx tx, String faceId) {
    faces.delete(tx, faceId);
    queue(tx, faceId);
  }

  private void queue(Tx tx, String faceId) {
    List<Long> rows = written.get(tx);
    Instant now = clock.instant();
    if (rows != null) {
      // applied by this node right after the commit: claimed for it from the start
      rows.add(outbox.append(tx, faceId, now, Lease.of(node, now, COMMIT_LEASE)));
    } else {
      // a transaction not run by inTransaction: the background drain (of any node) applies the row
      outbox.append(tx, faceId, now, null);
    }
  }

  /**
   * Applies the pending outbox rows that no node holds a claim on, oldest first, claiming them in batches; stops at
   * the first failure (the gallery is likely down: the next pass retries), giving the rest of its batch back. Run
   * by serve's background drain.
   */
  public Drained drain() {
    int applied = 0;
    while (true) {
      Instant now = clock.instant();
      Lease lease = Lease.of(node, now, DRAIN_LEASE);
      List<GalleryOutbox.Pending> batch =
          db.inTransaction(tx -> outbox.claimOldest(tx, lease, now, DRAIN_BATCH));
      if (batch.isEmpty()) {
        return new Drained(applied, 0);
      }
      for (int i = 0; i < batch.size(); i++) {
        if (!tryApply(batch.get(i).id())) {
          release(batch.subList(i + 1, batch.size()));
          return new Drained(applied, 1);
        }
        applied++;
      }
    }
  }

  /**
   * Applies every pending outbox row once, oldest first, whoever claims it, stopping at the first failure: what a
   * node does at start (a process that served this data folder before may have died holding claims; applying a
   * row another node also applies is harmless). Rows written meanwhile are left to {@link #drain}.
   */
  public Drained drainAll() {
    int applied = 0;
    long after = 0;
    while (true) {
      long from = after;
      List<GalleryOutbox.Pending> batch = db.read(tx -> outbox.after(tx, from, DRAIN_BATCH));
      if (batch.isEmpty()) {
        return new Drained(applied, 0);
      }
      for (GalleryOutbox.Pending row : batch) {
        if (!tryApply(row.id())) {
          return new Drained(applied, 1);
        }
        applied++;
        after = row.id();
      }
    }
  }

  private void release(List<GalleryOutbox.Pending> rows) {
    if (rows.isEmpty()) {
      return;
    }
    try {
      db.inTransaction(
          tx -> {
            for (GalleryOutbox.Pending row : rows) {
              outbox.release(tx, row.id(), node);
            }
            return null;
          });
    } catch (RuntimeException e) {
      LOG.warn("gallery outbox: claims left to expire: {}", e.getMessage());
    }
  }

  /** The number of outbox rows not yet applied. */
  public long pending() {
    return db.read(outbox::count);
  }

  /** Applies one row; false (logged, recorded on the row) when the gallery failed. */
  private boolean tryApply(long rowId) {
    try {
      apply(rowId);
      return true;
    } catch (RuntimeException e) {
      LOG.warn("gallery write failed, left to the background drain: {}", e.toString());
      try {
        db.inTransaction(
            tx -> {
              outbox.failed(tx, rowId, String.valueOf(e.getMessage()));
              return null;
            });
      } catch (RuntimeException ignored) {
        // the row stays as it was; the drain retries it anyway
      }
      return false;
    }
  }

  /** Applies one outbox row (nothing when it is gone); package-private for the order test. */
  void apply(long rowId) {
    Optional<GalleryOutbox.Pending> row = db.read(tx -> outbox.find(tx, rowId));
    if (row.isEmpty()) {
      return; // applied by someone else meanwhile
    }
    String faceId = row.get().faceId();
    ReentrantLock lock = stripes[Math.floorMod(faceId.hashCode(), STRIPES)];
    lock.lock();
    try {
      Optional<StoredFace> truth = db.read(tx -> faces.find(tx, faceId));
      for (int writes = 1; ; writes++) {
        write(faceId, truth);
        Optional<StoredFace> after = db.read(tx -> faces.find(tx, faceId));
        if (sameState(truth, after)) {
          break; // what the gallery was last given by this node is the truth read after it
        }
        if (writes == MAX_WRITES) {
          throw new IllegalStateException(
              "the face changed during each of " + MAX_WRITES + " gallery writes");
        }
        truth = after; // another node changed the face meanwhile: write its state too
      }
      db.inTransaction(
          tx -> {
            outbox.delete(tx, rowId, node, clock.instant());
            return null;
          });
    } finally {
      lock.unlock();
    }
  }

  private void write(String faceId, Optional<StoredFace> truth) {
    if (truth.isPresent()) {
      gallery.add(
          truth.get()); // adds, or replaces the face with its current flags, model and embedding
    } else {
      gallery.remove(faceId); // false when the gallery never had it: fine
    }
  }

  /** Whether two reads of one face's truth found the same state (the embedding compared by value). */
  private static boolean sameState(Optional<StoredFace> a, Optional<StoredFace> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() && b.isEmpty();
    }
    StoredFace x = a.get();
    StoredFace y = b.get();
    return x.state().equals(y.state())
        && x.ownerId().equals(y.ownerId())
        && x.source() == y.source()
        && Arrays.equals(x.embedding(), y.embedding());
  }
}
