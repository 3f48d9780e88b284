package io.facesearch.gallery.bench;

import java.util.List;
import java.util.Locale;

/**
 * The figures of one {@link GalleryBenchmark} run. Latencies are in milliseconds, one search at a time.
 *
 * @param ramBytesPerFace  {@code heapBytesPerFace + residentFileBytesPerFace}
 * @param residentFileBytesPerFace the index files a search reads on every query and that must therefore stay in
 *                         memory (page cache): vector metadata
 * @param rank1Mate        among probes whose mate exact search ranks first, the share the gallery ranks first
 * @param sweep            one row per number of search candidates measured, the headline one included
 */
public record GalleryBenchmarkResult(
    int faces,
    double buildSeconds,
    double facesPerSecond,
    double heapBytesPerFace,
    double residentFileBytesPerFace,
    double ramBytesPerFace,
    double diskBytesPerFace,
    int candidates,
    SearchFigures headline,
    double exactP50Ms,
    double exactP99Ms,
    List<SearchFigures> sweep) {

  /**
   * Search figures at one number of candidates.
   *
   * @param recallAt10Random recall@10 against exact search over random query vectors
   * @param recallAt10Probes recall@10 against exact search over the mated probes
   * @param recallAt10       over all queries
   * @param rank1MateEligible probes whose mate exact search ranks first
   * @param rank1StrongMate  {@code rank1Mate} over the eligible probes whose mate is at or above the match threshold
   *                         (those a search of the service would report as a match)
   * @param rank1StrongMateEligible how many probes that is
   * @param p50ServiceMs     a search as the service runs it: k = {@link GalleryBenchmark#SERVICE_K}, only matches at
   *                         or above the match threshold (timed after the k=10 and k=5 passes)
   */
  public record SearchFigures(
      int candidates,
      double p50K5Ms,
      double p99K5Ms,
      double p50K10Ms,
      double p99K10Ms,
      double recallAt10Random,
      double recallAt10Probes,
      double recallAt10,
      double rank1Mate,
      int rank1MateEligible,
      double rank1StrongMate,
      int rank1StrongMateEligible,
      double p50ServiceMs,
      double p99ServiceMs) {}

  /** The key=value line that ends the benchmark output. */
  public String summaryLine() {
    return String.format(
        Locale.ROOT,
        "faces=%d build_s=%.1f p50_ms=%.3f p99_ms=%.3f recall_at_10=%.4f rank1_mate=%.4f "
            + "ram_bytes_per_face=%.0f exact_p50_ms=%.2f faces_per_s=%.0f p50_k5_ms=%.3f p99_k5_ms=%.3f "
            + "recall_at_10_random=%.4f recall_at_10_probes=%.4f rank1_mate_eligible=%d "
            + "disk_bytes_per_face=%.0f heap_bytes_per_face=%.0f exact_p99_ms=%.2f candidates=%d "
            + "rank1_mate_at_match_threshold=%.4f rank1_mate_at_match_threshold_eligible=%d "
            + "p50_service_ms=%.3f p99_service_ms=%.3f",
        faces,
        buildSeconds,
        headline.p50K10Ms(),
        headline.p99K10Ms(),
        headline.recallAt10(),
        headline.rank1Mate(),
        ramBytesPerFace,
        exactP50Ms,
        facesPerSecond,
        headline.p50K5Ms(),
        headline.p99K5Ms(),
        headline.recallAt10Random(),
        headline.recallAt10Probes(),
        headline.rank1MateEligible(),
        diskBytesPerFace,
        heapBytesPerFace,
        exactP99Ms,
        candidates,
        headline.rank1StrongMate(),
        headline.rank1StrongMateEligible(),
        headline.p50ServiceMs(),
        headline.p99ServiceMs());
  }
}
