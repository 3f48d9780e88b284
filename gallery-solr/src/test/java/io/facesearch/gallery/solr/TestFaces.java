package io.facesearch.gallery.solr;

import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.StoredFace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/** Random 512-d faces for the tests, all drawn from one seeded generator. */
final class TestFaces {

  static final int DIMS = SolrGallery.DIMENSIONS;
  static final String MODEL = "test-model";
  static final String OTHER_MODEL = "other-model";

  /**
   * The standard deviations of a person's centre along each axis: {@code (d + 1)^-0.36}, a variance spectrum
   * decaying like {@code (d + 1)^-0.72}. Real face embeddings are not uniform on the sphere: between different
   * people our model's cosine similarities spread with sd of about 0.1 (uniform 512-d vectors: 0.044; see the
   * gallery benchmark's face-like background, fitted to LFW embeddings). This spectrum gives two people a cosine of
   * mean 0 and sd about 0.09, without the real embeddings (and their model) this module does not have.
   */
  private static final float[] SPREAD = new float[DIMS];

  static {
    for (int d = 0; d < DIMS; d++) {
      SPREAD[d] = (float) Math.pow(d + 1, -0.36);
    }
  }

  private final SplittableRandom random;
  private int next;

  TestFaces(long seed) {
    this.random = new SplittableRandom(seed);
  }

  SplittableRandom random() {
    return random;
  }

  float[] unitVector() {
    float[] v = new float[DIMS];
    for (int d = 0; d < DIMS; d++) {
      v[d] = (float) random.nextGaussian();
    }
    return normalize(v);
  }

  /** A unit vector whose cosine similarity with {@code center} is about {@code similarity}. */
  float[] near(float[] center, double similarity) {
    double noiseNorm = Math.sqrt(1 / (similarity * similarity) - 1);
    float[] noise = unitVector();
    float[] v = new float[DIMS];
    for (int d = 0; d < DIMS; d++) {
      v[d] = center[d] + (float) noiseNorm * noise[d];
    }
    return normalize(v);
  }

  /** A person's centre, face-like: a Gaussian of the variance spectrum {@link #SPREAD}, normalised. */
  float[] person() {
    float[] v = new float[DIMS];
    for (int d = 0; d < DIMS; d++) {
      v[d] = (float) random.nextGaussian() * SPREAD[d];
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

  /** A face with random flags, source and (one time in eight) the other model. */
  StoredFace face(String applicationId, float[] embedding) {
    FaceFlags flags = randomFlags();
    int n = next++;
    String model = random.nextInt(8) == 0 ? OTHER_MODEL : MODEL;
    return new StoredFace(
        "face-" + n,
        applicationId,
        "session-" + (n / 3),
        randomSource(),
        flags.blocklisted(),
        flags.allowlisted(),
        flags.approved(),
        flags.searchable(),
        model,
        Instant.ofEpochSecond(1_700_000_000L + n, n * 1000L),
        embedding);
  }

  /** A face that every tenant filter accepts: searchable, approved, from a session, of {@link #MODEL}. */
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

  /** A filter of any scope, excluding a random source one time in three. */
  GalleryFilter randomFilter(String applicationId) {
    EnumSet<FaceSource> excluded = EnumSet.noneOf(FaceSource.class);
    if (random.nextInt(3) == 0) {
      excluded.add(randomSource());
    }
    GalleryFilter.Scope[] scopes = GalleryFilter.Scope.values();
    return new GalleryFilter(applicationId, scopes[random.nextInt(scopes.length)], excluded);
  }

  /**
   * {@code people} people of {@code facesEach} plain faces each (cosine about 0.56 between two faces of a
   * person), alternately in tenant "tenant" and "other"; returns the centres of the people of "tenant".
   */
  List<float[]> clusteredInTwoTenants(List<StoredFace> into, int people, int facesEach) {
    List<float[]> tenantPeople = new ArrayList<>();
    for (int p = 0; p < people; p++) {
      float[] person = person();
      String tenant = p % 2 == 0 ? "tenant" : "other";
      if (p % 2 == 0) {
        tenantPeople.add(person);
      }
      for (int i = 0; i < facesEach; i++) {
        into.add(plainFace(tenant, near(person, 0.75)));
      }
    }
    return tenantPeople;
  }
}
