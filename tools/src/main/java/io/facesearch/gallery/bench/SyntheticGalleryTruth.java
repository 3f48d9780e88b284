package io.facesearch.gallery.bench;

import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.GalleryTruth;
import io.facesearch.gallery.StoredFace;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The benchmark's gallery content, generated on the fly: face {@code i < mates.size()} is the mate of pair i (id
 * {@code mate-i}); every other face is a {@link Background} vector drawn from a seed derived from {@code i} (id
 * {@code face-i}), so streaming the faces twice yields the same vectors without holding them.
 */
final class SyntheticGalleryTruth implements GalleryTruth {

  static final String APPLICATION_ID = "bench";
  static final String MODEL_ID = "synthetic";

  private final int faces;
  private final List<MatedPair> mated;
  private final long seed;
  private final Background background;

  SyntheticGalleryTruth(int faces, List<MatedPair> mated, long seed, Background background) {
    if (mated.size() > faces) {
      throw new IllegalArgumentException(
          "more mated pairs (" + mated.size() + ") than faces (" + faces + ")");
    }
    this.faces = faces;
    this.mated = mated;
    this.seed = seed;
    this.background = background;
  }

  static String mateId(int pair) {
    return "mate-" + pair;
  }

  private String faceId(int i) {
    return i < mated.size() ? mateId(i) : "face-" + i;
  }

  private StoredFace face(int i) {
    float[] embedding =
        i < mated.size() ? mated.get(i).mate() : background.vector(seed * 0x9E3779B97F4A7C15L + i);
    return new StoredFace(
        faceId(i),
        APPLICATION_ID,
        "session-" + i,
        FaceSource.SESSION,
        false,
        false,
        true,
        true,
        MODEL_ID,
        Instant.EPOCH,
        embedding);
  }

  @Override
  public void forEachFaceState(Consumer<FaceState> action) {
    FaceFlags flags = new FaceFlags(false, false, true, true);
    for (int i = 0; i < faces; i++) {
      action.accept(new FaceState(faceId(i), flags, MODEL_ID));
    }
  }

  @Override
  public void forEachFace(Consumer<StoredFace> action) {
    for (int i = 0; i < faces; i++) {
      action.accept(face(i));
    }
  }

  @Override
  public void forEachFace(Collection<String> faceIds, Consumer<StoredFace> action) {
    for (String id : faceIds) {
      int i = Integer.parseInt(id.substring(id.indexOf('-') + 1));
      if (i < faces && faceId(i).equals(id)) {
        action.accept(face(i));
      }
    }
  }

  /** A uniformly random point on the unit sphere (normalised Gaussian vector). */
  static float[] randomUnitVector(long seed, int dimensions) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[dimensions];
    for (int d = 0; d < dimensions; d++) {
      v[d] = (float) random.nextGaussian();
    }
    return normalize(v);
  }

  static float[] normalize(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float inv = (float) (1 / Math.sqrt(sum));
    for (int d = 0; d < v.length; d++) {
      v[d] *= inv;
    }
    return v;
  }
}
