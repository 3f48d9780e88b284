package io.facesearch.gallery.bench;

import io.facesearch.gallery.LuceneGalleryConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link GalleryBenchmark} builds and measures.
 *
 * @param faces               gallery size N: the mates plus N - mates synthetic random unit vectors
 * @param seed                seed of the synthetic vectors and random queries
 * @param indexDir            where the index is built (emptied first)
 * @param gallery             the gallery's settings; {@code searchCandidates}
 *                            gives the headline figures
 * @param randomQueries       random unit query vectors, in addition to the probes
 * @param exactLatencyQueries queries timed against the exact brute-force baseline
 * @param candidateSweep      further numbers of search candidates (candidates re-scored with byte vectors) to
 *                            report, may be empty
 * @param matchThreshold      cosine at or above which the service reports a match (its default threshold, 70 %);
 *                            rank-1 mate is also reported over the mates at or above it
 * @param reuseIndex          open the index already in {@code indexDir} (built by an earlier run with the same
 *                            faces, seed, background and index settings) instead of building it; build time is then
 *                            not measured (NaN)
 */
public record GalleryBenchmarkConfig(
    int faces,
    long seed,
    Path indexDir,
    LuceneGalleryConfig gallery,
    int randomQueries,
    int exactLatencyQueries,
    int[] candidateSweep,
    double matchThreshold,
    boolean reuseIndex) {

  public GalleryBenchmarkConfig {
    Objects.requireNonNull(indexDir, "indexDir");
    Objects.requireNonNull(gallery, "gallery");
    candidateSweep = candidateSweep == null ? new int[0] : candidateSweep.clone();
    if (faces < 1 || randomQueries < 0 || exactLatencyQueries < 1) {
      throw new IllegalArgumentException("faces and exactLatencyQueries must be positive");
    }
  }

  /**
   * The defaults for {@code facesearch bench gallery --faces N}: the gallery's default settings, and an
   * IndexWriter RAM buffer of a third of the max heap (at most 3 GB) so that the build flushes few, large segments.
   * The exact baseline holds every float vector on the heap (2 KB per 512-d face): give 1M faces {@code -Xmx8g}.
   */
  public static GalleryBenchmarkConfig defaults(int faces, Path indexDir) {
    double ramBufferMb =
        Math.max(256, Math.min(3000, (Runtime.getRuntime().maxMemory() >> 20) / 3.0));
    LuceneGalleryConfig gallery = LuceneGalleryConfig.defaults().withRamBufferMb(ramBufferMb);
    return new GalleryBenchmarkConfig(
        faces, 42L, indexDir, gallery, 1000, 200, new int[0], DEFAULT_MATCH_THRESHOLD, false);
  }

  /** Our model's cosine at FMR 1e-3 on LFW, the service's default threshold of 70 % (docs/accuracy.md). */
  public static final double DEFAULT_MATCH_THRESHOLD = 0.3352;
}
