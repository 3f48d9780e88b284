package io.facesearch.gallery;

import io.facesearch.gallery.sketch.SketchScanVectorsFormat;
import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link LuceneGallery}.
 *
 * @param dimensions          entries per embedding (512)
 * @param searchCandidates    how many candidates (at least k) a search considers: the sketch scan's best by its
 *                            estimate, scored again with byte vectors (the best of them by their 12-bit copies,
 *                            {@link #collected})
 * @param indexingThreads     threads that add documents during {@link LuceneGallery#rebuild}
 * @param scanThreads         helper threads of the sketch scan
 *                            ({@link io.facesearch.gallery.sketch.ParallelScan}), owned by the gallery: started when
 *                            it opens, stopped when it closes; 0 scans on the searching thread alone
 * @param ramBufferMb         IndexWriter RAM buffer; larger means fewer, larger flushed segments
 * @param commitInterval      how often pending writes are committed (fsync) in the background; the truth is
 *                            durable, an uncommitted write lost in a crash is repaired from it by a
 *                            {@link GalleryReconciler}
 * @param mergeAfterRebuild   merge into one segment after a rebuild (one scan per search instead of one per segment)
 */
public record LuceneGalleryConfig(
    int dimensions,
    int searchCandidates,
    int indexingThreads,
    int scanThreads,
    double ramBufferMb,
    Duration commitInterval,
    boolean mergeAfterRebuild) {

  public static final int DEFAULT_DIMENSIONS = 512;

  /**
   * Candidates a search considers by default. At a million faces: recall@10 0.9919 at 600 and 0.9892 at 500
   * (docs/performance.md).
   */
  public static final int DEFAULT_SEARCH_CANDIDATES = 600;

  public LuceneGalleryConfig {
    if (dimensions < 1 || dimensions > 4096) {
      throw new IllegalArgumentException("dimensions must be in [1, 4096]: " + dimensions);
    }
    if (searchCandidates < 1 || indexingThreads < 1 || scanThreads < 0) {
      throw new IllegalArgumentException(
          "searchCandidates and indexingThreads must be positive, scanThreads " + "at least 0");
    }
    Objects.requireNonNull(commitInterval, "commitInterval");
  }

  /**
   * The measured defaults (see docs/performance.md, section Gallery): a scan helper per core beyond the searching
   * thread's.
   */
  public static LuceneGalleryConfig defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new LuceneGalleryConfig(
        DEFAULT_DIMENSIONS,
        DEFAULT_SEARCH_CANDIDATES,
        cores,
        cores - 1,
        256,
        Duration.ofSeconds(10),
        true);
  }

  public LuceneGalleryConfig withSearchCandidates(int searchCandidates) {
    return new LuceneGalleryConfig(
        dimensions,
        searchCandidates,
        indexingThreads,
        scanThreads,
        ramBufferMb,
        commitInterval,
        mergeAfterRebuild);
  }

  public LuceneGalleryConfig withDimensions(int dimensions) {
    return new LuceneGalleryConfig(
        dimensions,
        searchCandidates,
        indexingThreads,
        scanThreads,
        ramBufferMb,
        commitInterval,
        mergeAfterRebuild);
  }

  public LuceneGalleryConfig withCommitInterval(Duration commitInterval) {
    return new LuceneGalleryConfig(
        dimensions,
        searchCandidates,
        indexingThreads,
        scanThreads,
        ramBufferMb,
        commitInterval,
        mergeAfterRebuild);
  }

  public LuceneGalleryConfig withRamBufferMb(double ramBufferMb) {
    return new LuceneGalleryConfig(
        dimensions,
        searchCandidates,
        indexingThreads,
        scanThreads,
        ramBufferMb,
        commitInterval,
        mergeAfterRebuild);
  }

  public LuceneGalleryConfig withScanThreads(int scanThreads) {
    return new LuceneGalleryConfig(
        dimensions,
        searchCandidates,
        indexingThreads,
        scanThreads,
        ramBufferMb,
        commitInterval,
        mergeAfterRebuild);
  }

  /**
   * The k of a search's Lucene query. The sketch scan ranks its candidates by their byte vectors and scores the
   * best k + 16 of them with their 12-bit copies: the 16 hold the hits whose byte score is within twice
   * {@link SketchScanVectorsFormat#BYTE_SCORE_ERROR} of the k-th (the finer score may reorder those) and ties with
   * the k-th, broken by face id.
   */
  static int collected(int k, int candidates) {
    return Math.min(candidates, k + 16);
  }

  /** What the index on disk must have been written with to be reused; a change rebuilds it. */
  public String vectorsDescription() {
    return SketchScanVectorsFormat.NAME;
  }
}
