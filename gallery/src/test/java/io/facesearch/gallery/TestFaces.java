package io.facesearch.gallery;

import java.time.Instant;
import java.util.SplittableRandom;

/** Random faces for tests, all drawn from one seeded generator. */
final class TestFaces {

  static final int DIMS = 64;
  static final String MODEL = "test-model";

  private final SplittableRandom random;
  private final int dims;
  private int next;

  TestFaces(long seed, int dims) {
    this.random = new SplittableRandom(seed);
    this.dims = dims;
  }

  TestFaces(long seed) {
    this(seed, DIMS);
  }

  SplittableRandom random() {
    return random;
  }

  float[] unitVector() {
    float[] v = new float[dims];
    for (int d = 0; d < dims; d++) {
      v[d] = (float) random.nextGaussian();
    }
    return normalize(v);
  }

  /** A unit vector whose cosine similarity with {@code center} is about {@code similarity}. */
  float[] near(float[] center, double similarity) {
    double noiseNorm = Math.sqrt(1 / (similarity * similarity) - 1);
    float[] noise = unitVector();
    float[] v = new float[dims];
    for (int d = 0; d < dims; d++) {
      v[d] = center[d] + (float) noiseNorm * noise[d];
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

  FaceFlags randomFlags() {
    return new FaceFlags(
        random.nextInt(4) == 0,
        random.nextInt(8) == 0,
        random.nextBoolean(),
        random.nextInt(10) != 0);
  }

  FaceSource randomSource() {
    FaceSource[] all = FaceSource.values();
    return all[random.nextInt(all.length)];
  }

  StoredFace face(String applicationId) {
    return face(applicationId, unitVector());
  }

  StoredFace face(String applicationId, float[] embedding) {
    FaceFlags flags = randomFlags();
    int n = next++;
    return new StoredFace(
        "face-" + n,
        applicationId,
        "session-" + (n / 3),
        randomSource(),
        flags.blocklisted(),
        flags.allowlisted(),
        flags.approved(),
        flags.searchable(),
        MODEL,
        Instant.ofEpochSecond(1_700_000_000L + n, n * 1000L),
        embedding);
  }

  /** A face that every tenant filter accepts: searchable, approved, from a session. */
  StoredFace plainFace(String applicationId, float[] embedding) {
    int n = next++;
    return new StoredFace(
        "face-" + n,
        applicationId,
        "session-" + n,
        FaceSource.SESSION,
        false,
        false,
        true,
        true,
        MODEL,
        Instant.ofEpochSecond(1_700_000_000L + n),
        embedding);
  }

  GalleryFilter randomFilter(String applicationId) {
    java.util.EnumSet<FaceSource> excluded = java.util.EnumSet.noneOf(FaceSource.class);
    if (random.nextInt(3) == 0) {
      excluded.add(randomSource());
    }
    return new GalleryFilter(applicationId, random.nextInt(3) == 0, excluded);
  }
}
