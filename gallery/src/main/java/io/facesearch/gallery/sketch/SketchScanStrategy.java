package io.facesearch.gallery.sketch;

import org.apache.lucene.search.knn.KnnSearchStrategy;

/**
 * How many candidates a search of {@link SketchScanVectorsFormat} considers, passed with a
 * {@link org.apache.lucene.search.KnnFloatVectorQuery}: the scan re-scores its best {@code candidates} by the sketch
 * estimate with the byte vectors and offers them all to the collector, which keeps the query's k best. Without this
 * strategy a search considers the collector's k candidates.
 */
public final class SketchScanStrategy extends KnnSearchStrategy {

    private final int candidates;

    /** @param candidates at least 1 */
    public SketchScanStrategy(int candidates) {
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be positive: " + candidates);
        }
        this.candidates = candidates;
    }

    public int candidates() {
        return candidates;
    }

    @Override
    public void nextVectorsBlock() {
        // one block: the scan visits every vector of a segment at once
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SketchScanStrategy that && that.candidates == candidates;
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
