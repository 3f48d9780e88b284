package io.facesearch.enrollment;

import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.StoredFace;
import io.facesearch.store.Database;
import io.facesearch.store.Faces;
import io.facesearch.store.GalleryOutbox;
import io.facesearch.store.Tx;
import java.time.Clock;
import java.util.ArrayList;
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
 */
public final class Enrollments {

  private static final Logger LOG = LoggerFactory.getLogger(Enrollments.class);
  private static final int STRIPES = 64;
  private static final int DRAIN_BATCH = 500;

  /** What one {@link #drain} did. */
  public record Drained(int applied, int failed) {}

  private final Database db;
  private final Faces faces;
  private final GalleryOutbox outbox;
  private final Gallery gallery;
  private final Clock clock;
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

  /** Outbox rows written by each transaction run through {@link #inTransaction}, applied after its commit. */
  private final Map<Tx, List<Long>> written = new ConcurrentHashMap<>();

  public Enrollments(Database db, Faces faces, GalleryOutbox outbox, Gallery gallery, Clock clock) {
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
    long row = outbox.append(tx, faceId, clock.instant());
    List<Long> rows = written.get(tx);
    if (rows != null) {
      rows.add(row);
    } // else: a transaction not run by inTransaction; the background drain applies the row
  }

  /**
   * Applies every pending outbox row, oldest first, stopping at the first failure (the gallery is likely down: the
   * next pass retries). Run by serve's background drain, and at start.
   */
  public Drained drain() {
    int applied = 0;
    while (true) {
      List<GalleryOutbox.Pending> batch = db.read(tx -> outbox.oldest(tx, DRAIN_BATCH));
      if (batch.isEmpty()) {
        return new Drained(applied, 0);
      }
      for (GalleryOutbox.Pending row : batch) {
        if (!tryApply(row.id())) {
          return new Drained(applied, 1);
        }
        applied++;
      }
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
      if (truth.isPresent()) {
        gallery.add(
            truth.get()); // adds, or replaces the face with its current flags, model and embedding
      } else {
        gallery.remove(faceId); // false when the gallery never had it: fine
      }
      db.inTransaction(
          tx -> {
            outbox.delete(tx, rowId);
            return null;
          });
    } finally {
      lock.unlock();
    }
  }
}
