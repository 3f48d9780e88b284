package io.facesearch.gallery.sketch;

import org.apache.lucene.search.knn.KnnSearchStrategy;

/**
 * How many candidates a search of {@link SketchScanVectorsFormat} considers, passed with a
 * {@link org.apache.lucene.search.KnnFloatVectorQuery}: the scan re-scores its best {@code candidates} by the sketch
 * estimate with the byte vectors and offers them all to the collector, which keeps the query's k best. Without this
 * strategy a search considers the collector's k candidates. It also carries the gallery's {@link ParallelScan},
 * whose helpers the scan uses (the vectors format is instantiated by Lucene by name, so it cannot hold them).
 */
public final class SketchScanStrategy extends KnnSearchStrategy {

  private final int candidates;
  private final ParallelScan scan;

  /** @param candidates at least 1; the scan runs on the searching thread alone */
  public SketchScanStrategy(int candidates) {
    this(candidates, ParallelScan.NONE);
  }

  /**
   * @param candidates at least 1
   * @param scan       the helpers of the gallery searched
   */
  public SketchScanStrategy(int candidates, ParallelScan scan) {
    if (candidates < 1) {
      throw new IllegalArgumentException("candidates must be positive: " + candidates);
    }
    this.candidates = candidates;
    this.scan = java.util.Objects.requireNonNull(scan, "scan");
  }

  public int candidates() {
    return candidates;
  }

  ParallelScan scan() {
    return scan;
  }

  @Override
  public void nextVectorsBlock() {
    // one block: the scan visits every vector of a segment at once
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SketchScanStrategy that
        && that.candidates == candidates
        && that.scan == scan;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(candidates);
  }

  @Override
  public String toString() {
    return "SketchScanStrategy(candidates=" + candidates + ")";
  }
}
