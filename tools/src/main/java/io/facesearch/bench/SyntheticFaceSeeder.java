package io.facesearch.bench;

import io.facesearch.accounts.Application;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.StoredFace;
import io.facesearch.services.Services;
import io.facesearch.sessions.Session;
import io.facesearch.sessions.SessionStatus;
import io.facesearch.sessions.SessionType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Enrolls synthetic faces fast, without the pipeline: per face one Approved enrolled session and one imported face
 * whose embedding is a random L2-normalised vector tagged with the pipeline's model id, written in batches of one SQL
 * transaction each, then indexed in the gallery.
 *
 * <p>Random unit vectors in 512 dimensions are nearly orthogonal to each other and to real embeddings (cosine about
 * 0 +- 0.05), so they never match a real photo: they only make the gallery as large as a real one.
 */
public final class SyntheticFaceSeeder {

  /** How the seeded faces reach the gallery. */
  public enum GalleryLoad {
    /** One {@code Gallery.rebuild} from the SQL truth at the end: bulk, multi-threaded, one merged segment. */
    REBUILD,
    /** {@code Gallery.add} per face after its batch commits, as live enrollments do (one refresh per face). */
    ADD
  }

  /**
   * What seeding took.
   *
   * @param faces        faces seeded
   * @param sqlNanos     vector generation and the SQL transactions
   * @param galleryNanos the gallery rebuild, or the sum of the gallery adds
   */
  public record Report(int faces, long sqlNanos, long galleryNanos) {
    public double totalSeconds() {
      return (sqlNanos + galleryNanos) / 1e9;
    }
  }

  /** Faces per SQL transaction. */
  static final int BATCH = 2_000;

  private static final int DIMENSIONS = 512;

  private final Services services;

  public SyntheticFaceSeeder(Services services) {
    this.services = services;
  }

  /** Seeds {@code count} faces in {@code app}; vectors are reproducible from {@code seed}. */
  public Report seed(Application app, int count, GalleryLoad load, long seed) {
    String modelId = services.pipeline().embeddingModelId();
    long sqlNanos = 0;
    long galleryNanos = 0;
    for (int from = 0; from < count; from += BATCH) {
      int to = Math.min(count, from + BATCH);
      long t0 = System.nanoTime();
      List<StoredFace> batch = newFaces(app, from, to, modelId, seed);
      services
          .db()
          .inTransaction(
              tx -> {
                for (StoredFace face : batch) {
                  services.sessions().insert(tx, sessionOf(face).row());
                  services.faces().rows().insert(tx, face);
                }
                return null;
              });
      long t1 = System.nanoTime();
      sqlNanos += t1 - t0;
      if (load == GalleryLoad.ADD) {
        for (StoredFace face : batch) {
          services.gallery().add(face);
        }
        galleryNanos += System.nanoTime() - t1;
      }
    }
    if (load == GalleryLoad.REBUILD) {
      long t0 = System.nanoTime();
      services.gallery().rebuild(services.faces());
      galleryNanos = System.nanoTime() - t0;
    }
    return new Report(count, sqlNanos, galleryNanos);
  }

  private static List<StoredFace> newFaces(
      Application app, int from, int to, String modelId, long seed) {
    Instant now = Instant.now();
    List<StoredFace> faces = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      faces.add(
          new StoredFace(
              UUID.randomUUID().toString(),
              app.id(),
              UUID.randomUUID().toString(),
              FaceSource.IMPORTED,
              false,
              false,
              true,
              true,
              modelId,
              now,
              randomUnitVector(seed * 0x9E3779B97F4A7C15L + i)));
    }
    return faces;
  }

  private static Session sessionOf(StoredFace face) {
    return new Session(
        face.ownerId(),
        face.applicationId(),
        0,
        SessionType.ENROLLED,
        SessionStatus.APPROVED,
        "synthetic",
        null,
        null,
        null,
        face.createdAt(),
        null,
        null,
        face.createdAt());
  }

  /** A uniformly random direction: normalised independent Gaussians. */
  static float[] randomUnitVector(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[DIMENSIONS];
    double squaredNorm = 0;
    for (int d = 0; d < DIMENSIONS; d++) {
      double x = random.nextGaussian();
      v[d] = (float) x;
      squaredNorm += x * x;
    }
    float scale = (float) (1 / Math.sqrt(squaredNorm));
    for (int d = 0; d < DIMENSIONS; d++) {
      v[d] *= scale;
    }
    return v;
  }
}
