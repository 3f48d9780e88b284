package io.facesearch.gallery;

import io.facesearch.gallery.sketch.SketchScanStrategy;
import io.facesearch.gallery.sketch.SketchScanVectorsFormat;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene102.Lucene102HnswBinaryQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.search.knn.KnnSearchStrategy;

/**
 * Tuning of a {@link LuceneGallery}. HNSW terms map to fields as follows.
 *
 * @param dimensions          entries per embedding (512)
 * @param index               how the candidates of a search are found: {@link Index#SKETCH_SCAN} (the default) or
 *                            {@link Index#HNSW}; the HNSW fields below apply to HNSW only
 * @param maxConn             HNSW {@code M}: neighbours kept per node on upper layers; layer 0 keeps {@code 2M}
 * @param beamWidth           HNSW {@code efConstruction}: candidates explored when inserting a node
 * @param quantizationBits    what the graph search scores: 1 (the default: binary quantisation, Lucene's "BBQ",
 *                            one bit per entry plus per-vector corrections, 78 bytes for 512-d, scored against a
 *                            4-bit quantised query), 7 (int7 scalar quantisation, one byte per entry), 4 (int4,
 *                            half a byte) or 0 (no quantisation: the graph search reads the float32 vectors)
 * @param searchCandidates    how many candidates (at least k) a search considers: the sketch scan's best by its
 *                            estimate, scored again with byte vectors (the best of them by their 12-bit copies,
 *                            {@link #collected}), or HNSW {@code ef} (the graph search collects this many, all
 *                            re-scored with the float vectors)
 * @param indexingThreads     threads that add documents during {@link LuceneGallery#rebuild} and repair
 * @param mergeWorkers        threads that build the merged HNSW graph of one merge
 * @param ramBufferMb         IndexWriter RAM buffer; larger means fewer, larger flushed segments
 * @param commitInterval      how often pending writes are committed (fsync) in the background; the truth is
 *                            durable, an uncommitted write lost in a crash is repaired from it on open
 * @param mergeAfterRebuild   merge into one segment after a rebuild (fewest graphs to search)
 */
public record LuceneGalleryConfig(
        int dimensions,
        Index index,
        int maxConn,
        int beamWidth,
        int quantizationBits,
        int searchCandidates,
        int indexingThreads,
        int mergeWorkers,
        double ramBufferMb,
        Duration commitInterval,
        boolean mergeAfterRebuild) {

    public static final int DEFAULT_DIMENSIONS = 512;
    /**
     * Candidates a search considers by default. At a million faces: recall@10 0.9919 at 600 and 0.9892 at 500 (stage
     * 1 keeping 10 per candidate, stage 2 with the mean factor), p50 1.5-2.2 ms at k=10 on a 2-core VM with
     * AVX-512, 5.6-6.5 ms on one with AVX2 only (docs/performance.md).
     */
    public static final int DEFAULT_SEARCH_CANDIDATES = 600;

    /** How a search finds and scores its candidates. */
    public enum Index {
        /**
         * Every face's 1-bit sketch is scanned ({@link SketchScanVectorsFormat}): near-exact at any size and under
         * any filter, cost linear in the faces (measured: about 2 ms per search of a million faces with two
         * threads, depending on the shared machine's load; see docs/performance.md).
         */
        SKETCH_SCAN,
        /** Lucene's HNSW graph over quantised vectors: sub-linear, but its recall falls as the gallery grows. */
        HNSW
    }

    public LuceneGalleryConfig {
        if (dimensions < 1 || dimensions > 4096) {
            throw new IllegalArgumentException("dimensions must be in [1, 4096]: " + dimensions);
        }
        Objects.requireNonNull(index, "index");
        if (quantizationBits != 0 && quantizationBits != 1 && quantizationBits != 4 && quantizationBits != 7) {
            throw new IllegalArgumentException("quantizationBits must be 0, 1, 4 or 7: " + quantizationBits);
        }
        if (maxConn < 2 || beamWidth < 1 || searchCandidates < 1 || indexingThreads < 1 || mergeWorkers < 1) {
            throw new IllegalArgumentException("maxConn, beamWidth, searchCandidates, threads must be positive");
        }
        Objects.requireNonNull(commitInterval, "commitInterval");
    }

    /** The measured defaults (see docs/performance.md, section Gallery). */
    public static LuceneGalleryConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new LuceneGalleryConfig(DEFAULT_DIMENSIONS, Index.SKETCH_SCAN, 32, 100, 1, DEFAULT_SEARCH_CANDIDATES,
                cores, cores, 256, Duration.ofSeconds(10), true);
    }

    public LuceneGalleryConfig withSketchScan() {
        return new LuceneGalleryConfig(dimensions, Index.SKETCH_SCAN, maxConn, beamWidth, quantizationBits,
                searchCandidates, indexingThreads, mergeWorkers, ramBufferMb, commitInterval, mergeAfterRebuild);
    }

    public LuceneGalleryConfig withHnsw(int maxConn, int beamWidth, int quantizationBits) {
        return new LuceneGalleryConfig(dimensions, Index.HNSW, maxConn, beamWidth, quantizationBits, searchCandidates,
                indexingThreads, mergeWorkers, ramBufferMb, commitInterval, mergeAfterRebuild);
    }

    public LuceneGalleryConfig withSearchCandidates(int searchCandidates) {
        return new LuceneGalleryConfig(dimensions, index, maxConn, beamWidth, quantizationBits, searchCandidates,
                indexingThreads, mergeWorkers, ramBufferMb, commitInterval, mergeAfterRebuild);
    }

    public LuceneGalleryConfig withDimensions(int dimensions) {
        return new LuceneGalleryConfig(dimensions, index, maxConn, beamWidth, quantizationBits, searchCandidates,
                indexingThreads, mergeWorkers, ramBufferMb, commitInterval, mergeAfterRebuild);
    }

    public LuceneGalleryConfig withCommitInterval(Duration commitInterval) {
        return new LuceneGalleryConfig(dimensions, index, maxConn, beamWidth, quantizationBits, searchCandidates,
                indexingThreads, mergeWorkers, ramBufferMb, commitInterval, mergeAfterRebuild);
    }

    public LuceneGalleryConfig withRamBufferMb(double ramBufferMb) {
        return new LuceneGalleryConfig(dimensions, index, maxConn, beamWidth, quantizationBits, searchCandidates,
                indexingThreads, mergeWorkers, ramBufferMb, commitInterval, mergeAfterRebuild);
    }

    /**
     * The k of a search's Lucene query. HNSW: all its candidates, all then re-scored with the exact float dot
     * product (its scores may be one-bit estimates). The sketch scan ranks its candidates by their byte vectors and
     * scores the best k + 16 of them with their 12-bit copies: the 16 hold the hits whose byte score is within
     * twice {@link SketchScanVectorsFormat#BYTE_SCORE_ERROR} of the k-th (the finer score may reorder those) and
     * ties with the k-th, broken by face id.
     */
    int collected(int k, int candidates) {
        return index == Index.SKETCH_SCAN ? Math.min(candidates, k + 16) : candidates;
    }

    /**
     * How a search for {@code candidates} tells the vectors format how many to consider when that is more than
     * the query's k: the sketch scan reads it from a {@link SketchScanStrategy}; HNSW's {@code ef} is the k.
     */
    KnnSearchStrategy searchStrategy(int candidates) {
        return index == Index.SKETCH_SCAN
                ? new SketchScanStrategy(candidates)
                : KnnSearchStrategy.Hnsw.DEFAULT;
    }

    /** What the index on disk must have been written with to be reused; a change rebuilds it. */
    public String vectorsDescription() {
        return index == Index.SKETCH_SCAN
                ? SketchScanVectorsFormat.NAME
                : "HNSW(M=" + maxConn + ",beamWidth=" + beamWidth + ",bits=" + quantizationBits + ")";
    }

    /**
     * The per-field vectors format of the {@code embedding} field. {@code mergeExecutor} is used when
     * {@link #mergeWorkers} is above 1.
     */
    KnnVectorsFormat vectorsFormat(ExecutorService mergeExecutor) {
        if (index == Index.SKETCH_SCAN) {
            return new SketchScanVectorsFormat();
        }
        int workers = mergeExecutor == null ? 1 : mergeWorkers;
        ExecutorService executor = workers == 1 ? null : mergeExecutor;
        if (quantizationBits == 0) {
            return new Lucene99HnswVectorsFormat(maxConn, beamWidth, workers, executor);
        }
        if (quantizationBits == 1) {
            return new Lucene102HnswBinaryQuantizedVectorsFormat(maxConn, beamWidth, workers, executor);
        }
        // confidenceInterval null: Lucene's default, 1 - 1/(dims + 1), for 7 bits; 4 bits requires dynamic (0).
        Float confidenceInterval = quantizationBits == 4 ? 0f : null;
        return new Lucene99HnswScalarQuantizedVectorsFormat(maxConn, beamWidth, workers, quantizationBits,
                quantizationBits == 4, confidenceInterval, executor);
    }
}
