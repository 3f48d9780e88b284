package io.facesearch.gallery.sketch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;
import org.junit.jupiter.api.Test;

/**
 * The sketch scan on its own, without Lucene's index: the estimate against the exact dot product, and the equality
 * of its code paths (unrolled 512-bit scan without a filter, generic scan with one). Seeds are pinned and printed.
 */
class BinarySketchesTest {

  private static final int DIMS = 512;

  /**
   * The scores of stages 2, 3 and 4 against the exact dot product, for vectors at cosine 0 to 0.9 from the query,
   * all on one side of it: their centroid is long, so the correction factors vary and stage 2 uses each vector's.
   * Stage 2, the RaBitQ estimate with a 4-bit query, is unbiased with an error of about {@code 1/sqrt(d)}
   * (measured: mean absolute error 0.022, largest of 4,000 0.142); its mean must stay under 0.03 and every error
   * under 0.2 (a wrong rotation, centroid or bit order gives errors near 0.5; the mean factor here gave 0.060 and
   * 0.243). Stage 3, the byte vectors' dot product, measured mean 0.0004 and largest 0.0016: the mean must stay
   * under 0.002 and every error under 0.01. Stage 4, the float query against the 12-bit copy, is what a search
   * reports: every error must stay under {@link SketchScanVectorsFormat#fineScoreError}. A search offers every
   * vector (its k is all of them) with stage 4's score.
   */
  @Test
  void the_estimates_are_within_tolerance_of_the_exact_dot_product() {
    long seed = 20_261_127L;
    System.out.println("the_estimates_are_within_tolerance_of_the_exact_dot_product: seed=" + seed);
    SplittableRandom random = new SplittableRandom(seed);
    float[] query = unit(random);
    float[][] vectors = new float[4000][];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = near(query, (i % 10) / 10.0, random); // cosines 0, 0.1, .., 0.9
    }
    BinarySketches sketches = sketch(vectors);
    assertTrue(sketches.factorBytes != null, "each vector's factor");
    assertStagesWithinTolerance(query, vectors, sketches);
  }

  /**
   * The same tolerances where the vectors lie on both sides of the query (cosines -0.9 to 0.9), as faces spread
   * around a short centroid do: the factors hardly vary and stage 2 uses their mean.
   */
  @Test
  void the_estimates_with_the_mean_factor_are_within_tolerance_of_the_exact_dot_product() {
    long seed = 20_261_128L;
    System.out.println(
        "the_estimates_with_the_mean_factor_are_within_tolerance_of_the_exact_dot_product: seed="
            + seed);
    SplittableRandom random = new SplittableRandom(seed);
    float[] query = unit(random);
    float[][] vectors = new float[4000][];
    for (int i = 0; i < vectors.length; i++) {
      double cosine = (i % 10) / 10.0;
      vectors[i] = near(query, i % 20 < 10 ? cosine : -cosine, random);
    }
    BinarySketches sketches = sketch(vectors);
    assertTrue(sketches.factorBytes == null, "the mean factor");
    assertStagesWithinTolerance(query, vectors, sketches);
  }

  private static void assertStagesWithinTolerance(
      float[] query, float[][] vectors, BinarySketches sketches) {
    int n = vectors.length;
    double[] sumError = new double[3];
    double[] maxError = new double[3];
    for (int i = 0; i < n; i++) {
      double exact = dot(query, vectors[i]);
      double[] errors = {
        Math.abs(sketches.estimate(query, i) - exact),
        Math.abs(sketches.byteEstimate(query, i) - exact),
        Math.abs(sketches.fineScore(query, i) - exact)
      };
      for (int stage = 0; stage < 3; stage++) {
        sumError[stage] += errors[stage];
        maxError[stage] = Math.max(maxError[stage], errors[stage]);
      }
    }
    System.out.printf(
        "stage 2 error: mean %.4f max %.4f; stage 3 error: mean %.5f max %.5f;"
            + " stage 4 error: mean %.6f max %.6f%n",
        sumError[0] / n, maxError[0], sumError[1] / n, maxError[1], sumError[2] / n, maxError[2]);
    assertTrue(sumError[0] / n < 0.03, "stage 2 mean absolute error " + sumError[0] / n);
    assertTrue(maxError[0] < 0.2, "stage 2 max absolute error " + maxError[0]);
    assertTrue(sumError[1] / n < 0.002, "stage 3 mean absolute error " + sumError[1] / n);
    assertTrue(maxError[1] < 0.01, "stage 3 max absolute error " + maxError[1]);
    assertTrue(
        maxError[2] < SketchScanVectorsFormat.fineScoreError(DIMS),
        "stage 4 max absolute error " + maxError[2]);

    TopKnnCollector all = new TopKnnCollector(n, Integer.MAX_VALUE);
    sketches.search(query, all, null, null); // a shortlist of every vector: all are offered
    TopDocs offered = all.topDocs();
    assertEquals(n, offered.scoreDocs.length, "every vector offered");
    for (ScoreDoc hit : offered.scoreDocs) {
      assertEquals((1 + sketches.fineScore(query, hit.doc)) / 2, hit.score, 1e-6, "doc " + hit.doc);
    }
  }

  /** The selection that cuts a shortlist keeps exactly the largest keys, for every size cut to. */
  @Test
  void selecting_the_largest_keys_keeps_exactly_the_largest() {
    long seed = 20_261_131L;
    System.out.println("selecting_the_largest_keys_keeps_exactly_the_largest: seed=" + seed);
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 200; round++) {
      int n = 1 + random.nextInt(2000);
      long[] keys = random.longs(n).distinct().toArray();
      for (int i = 0; i < keys.length && round % 2 == 0; i++) {
        keys[i] = ((long) random.nextInt(50) << 32) | i; // many equal estimates, distinct ordinals
      }
      int k = 1 + random.nextInt(keys.length);
      long[] sorted = keys.clone();
      Arrays.sort(sorted);
      TopKeys.selectLargest(keys, keys.length, k);
      long[] kept = Arrays.copyOf(keys, k);
      Arrays.sort(kept);
      assertArrayEquals(
          Arrays.copyOfRange(sorted, sorted.length - k, sorted.length),
          kept,
          "n=" + keys.length + " k=" + k);
    }
  }

  /**
   * The gallery's tests use 64-d vectors, whose entries are larger and so coarser in 12 bits: the score a search
   * reports stays within {@link SketchScanVectorsFormat#fineScoreError} of the exact dot product there too,
   * for a vector and itself as well, and for an odd dimension (the last residual byte half used).
   */
  @Test
  void the_reported_score_is_within_its_bound_for_64_and_33_dimensions() {
    long seed = 20_261_130L;
    System.out.println(
        "the_reported_score_is_within_its_bound_for_64_and_33_dimensions: seed=" + seed);
    SplittableRandom random = new SplittableRandom(seed);
    for (int dims : new int[] {64, 33}) {
      float[] query = unit(dims, random);
      int n = 4000;
      float[][] vectors = new float[n][];
      for (int i = 0; i < n; i++) {
        vectors[i] = i == 0 ? query.clone() : near(query, (i % 10) / 10.0, random);
      }
      BinarySketches sketches = sketch(vectors);
      double max = 0;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, Math.abs(sketches.fineScore(query, i) - dot(query, vectors[i])));
      }
      System.out.printf(
          "%d-d: stage 4 max error %.6f; the query with itself %.6f%n",
          dims, max, sketches.fineScore(query, 0));
      assertTrue(
          max < SketchScanVectorsFormat.fineScoreError(dims),
          dims + "-d: stage 4 max error " + max);
    }
  }

  /**
   * 100,000 vectors (two chunks and more, so the helper thread takes part): a filter that accepts every document
   * goes through the generic scan, no filter through the unrolled one; both must offer the same vectors with the
   * same scores. A filter accepting every other document must offer only those.
   */
  @Test
  void the_filtered_and_unfiltered_scans_offer_the_same_candidates() {
    long seed = 20_261_128L;
    System.out.println("the_filtered_and_unfiltered_scans_offer_the_same_candidates: seed=" + seed);
    SplittableRandom random = new SplittableRandom(seed);
    int n = 100_000;
    float[][] vectors = unitVectors(n, random);
    BinarySketches sketches = sketch(vectors);
    for (int q = 0; q < 5; q++) {
      float[] query = near(vectors[random.nextInt(n)], 0.6, random);
      TopKnnCollector unfiltered = new TopKnnCollector(50, Integer.MAX_VALUE);
      sketches.search(query, unfiltered, null, null);
      TopKnnCollector everything = new TopKnnCollector(50, Integer.MAX_VALUE);
      sketches.search(query, everything, new Bits.MatchAllBits(n), null);
      assertArrayEquals(docs(unfiltered.topDocs()), docs(everything.topDocs()), "query " + q);
      assertEquals(unfiltered.visitedCount(), everything.visitedCount());

      Bits even =
          new Bits() {
            @Override
            public boolean get(int index) {
              return index % 2 == 0;
            }

            @Override
            public int length() {
              return n;
            }
          };
      TopKnnCollector filtered = new TopKnnCollector(50, Integer.MAX_VALUE);
      sketches.search(query, filtered, even, null);
      assertEquals(50, filtered.topDocs().scoreDocs.length);
      for (int doc : docs(filtered.topDocs())) {
        assertEquals(0, doc % 2, "query " + q + " offered an odd document");
      }
      assertEquals(n / 2, filtered.visitedCount(), "visited = accepted");
    }
  }

  /**
   * Searches running at once share the one helper thread (and run alone when it is busy): each must offer what
   * the same search offers when it runs alone. 4 threads × 8 queries over 100,000 vectors.
   */
  @Test
  void searches_in_parallel_offer_what_they_offer_alone() throws Exception {
    long seed = 20_261_129L;
    System.out.println("searches_in_parallel_offer_what_they_offer_alone: seed=" + seed);
    SplittableRandom random = new SplittableRandom(seed);
    int n = 100_000;
    float[][] vectors = unitVectors(n, random);
    BinarySketches sketches = sketch(vectors);
    float[][] queries = new float[32][];
    int[][] alone = new int[queries.length][];
    for (int q = 0; q < queries.length; q++) {
      queries[q] = near(vectors[random.nextInt(n)], 0.5, random);
      TopKnnCollector collector = new TopKnnCollector(20, Integer.MAX_VALUE);
      sketches.search(queries[q], collector, null, null);
      alone[q] = docs(collector.topDocs());
    }
    int[][] together = new int[queries.length][];
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int q = thread; q < queries.length; q += 4) {
                    TopKnnCollector collector = new TopKnnCollector(20, Integer.MAX_VALUE);
                    sketches.search(queries[q], collector, null, null);
                    together[q] = docs(collector.topDocs());
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    for (int q = 0; q < queries.length; q++) {
      assertArrayEquals(alone[q], together[q], "query " + q);
    }
  }

  static float[][] unitVectors(int n, SplittableRandom random) {
    float[][] vectors = new float[n][];
    for (int i = 0; i < n; i++) {
      vectors[i] = unit(random);
    }
    return vectors;
  }

  static BinarySketches sketch(float[][] vectors) {
    int n = vectors.length;
    int dims = vectors[0].length;
    float[] centroid = new float[dims];
    for (float[] v : vectors) {
      for (int i = 0; i < dims; i++) {
        centroid[i] += v[i] / n;
      }
    }
    HadamardRotation rotation = new HadamardRotation(dims);
    int words = SketchCodec.words(dims);
    long[] codes = new long[n * words];
    float[] factors = new float[n];
    float[] scratch = new float[rotation.padded()];
    byte[] bytes = new byte[n * dims];
    float[] byteScales = new float[n];
    int residualBytes = SketchCodec.residualBytes(dims);
    byte[] residuals = new byte[n * residualBytes];
    for (int i = 0; i < n; i++) {
      factors[i] = SketchCodec.encode(rotation, vectors[i], centroid, scratch, codes, i * words);
      byteScales[i] =
          SketchCodec.quantize(vectors[i], bytes, i * dims, residuals, i * residualBytes);
    }
    return new BinarySketches(dims, centroid, codes, factors, bytes, byteScales, residuals);
  }

  private static int[] docs(TopDocs top) {
    int[] docs = Arrays.stream(top.scoreDocs).mapToInt(d -> d.doc).toArray();
    Arrays.sort(docs);
    return docs;
  }

  static float[] unit(SplittableRandom random) {
    return unit(DIMS, random);
  }

  static float[] unit(int dims, SplittableRandom random) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return VectorUtil.l2normalize(v);
  }

  /** A unit vector at cosine about {@code cosine} from the unit vector {@code x}. */
  static float[] near(float[] x, double cosine, SplittableRandom random) {
    int dims = x.length;
    float[] noise = unit(dims, random);
    double along = dot(noise, x);
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      noise[i] -= (float) (along * x[i]); // orthogonal to x
    }
    VectorUtil.l2normalize(noise);
    double sine = Math.sqrt(1 - cosine * cosine);
    for (int i = 0; i < dims; i++) {
      v[i] = (float) (cosine * x[i] + sine * noise[i]);
    }
    return VectorUtil.l2normalize(v);
  }

  static float dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return (float) s;
  }
}
