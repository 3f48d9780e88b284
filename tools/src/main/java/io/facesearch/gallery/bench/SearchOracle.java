package io.facesearch.gallery.bench;

import io.facesearch.gallery.ExactGallery;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.GalleryQuery;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.lucene.util.VectorUtil;

/**
 * The queries of a gallery benchmark and what exact brute-force search ({@link ExactGallery}) answers to them:
 * computed once per run, so that every index measured in the run (the embedded Lucene gallery, the Solr gallery) is
 * compared with the same oracle.
 *
 * @param queries        random background vectors first, then the probes (whose mates are faces 0..probes-1)
 * @param randoms        how many of {@code queries} are random
 * @param exactTop10     per query, the face ids of the exact top 10, best first
 * @param strongMates    per probe: its mate is at or above the match threshold
 * @param exactP50Ms     exact search latency at k=10, one thread
 * @param exactP99Ms     likewise, 99th percentile
 */
record SearchOracle(
    float[][] queries,
    int randoms,
    String[][] exactTop10,
    boolean[] strongMates,
    double exactP50Ms,
    double exactP99Ms) {

  static final GalleryFilter FILTER = GalleryFilter.tenant(SyntheticGalleryTruth.APPLICATION_ID);

  /**
   * Loads every face of {@code truth} into an exact gallery (2 KB of heap per 512-d face, released on return),
   * answers the queries and times {@code cfg.exactLatencyQueries()} of them.
   */
  static SearchOracle compute(
      GalleryBenchmarkConfig cfg,
      SyntheticGalleryTruth truth,
      List<MatedPair> mated,
      Background background,
      PrintStream out) {
    float[][] queries = queries(cfg, mated, background);
    out.println("exact baseline: loading");
    ExactGallery exact = new ExactGallery(cfg.gallery().dimensions());
    truth.forEachFace(exact::add);
    String[][] top = new String[queries.length][];
    IntStream.range(0, queries.length)
        .parallel()
        .forEach(
            i ->
                top[i] =
                    exact.search(top10(queries[i])).stream()
                        .map(GalleryMatch::faceId)
                        .toArray(String[]::new));
    double[] latency = new double[Math.min(cfg.exactLatencyQueries(), queries.length)];
    for (int i = 0; i < latency.length; i++) {
      long t = System.nanoTime();
      exact.search(top10(queries[i]));
      latency[i] = (System.nanoTime() - t) / 1e6;
    }
    double p50 = GalleryBenchmark.percentile(latency, 50);
    double p99 = GalleryBenchmark.percentile(latency, 99);
    out.printf(
        Locale.ROOT,
        "exact baseline: p50 %.2f ms, p99 %.2f ms (%d queries, k=10)%n",
        p50,
        p99,
        latency.length);
    return new SearchOracle(
        queries, cfg.randomQueries(), top, strongMates(mated, cfg.matchThreshold()), p50, p99);
  }

  static GalleryQuery top10(float[] vector) {
    return new GalleryQuery(vector, SyntheticGalleryTruth.MODEL_ID, 10, -1f, FILTER);
  }

  /** Random queries (new background vectors) first, then the probes (whose mates are faces 0..probes-1). */
  private static float[][] queries(
      GalleryBenchmarkConfig cfg, List<MatedPair> mated, Background background) {
    float[][] queries = new float[cfg.randomQueries() + mated.size()][];
    SplittableRandom seeds = new SplittableRandom(cfg.seed() ^ 0x5DEECE66DL);
    for (int i = 0; i < cfg.randomQueries(); i++) {
      queries[i] = background.vector(seeds.nextLong());
    }
    for (int i = 0; i < mated.size(); i++) {
      queries[cfg.randomQueries() + i] = mated.get(i).probe();
    }
    return queries;
  }

  private static boolean[] strongMates(List<MatedPair> mated, double matchThreshold) {
    boolean[] strong = new boolean[mated.size()];
    for (int i = 0; i < strong.length; i++) {
      strong[i] =
          VectorUtil.dotProduct(mated.get(i).probe(), mated.get(i).mate()) >= matchThreshold;
    }
    return strong;
  }
}
