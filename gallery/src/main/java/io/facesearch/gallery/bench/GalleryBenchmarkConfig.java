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
 * @param gallery             HNSW and quantisation settings; {@code searchCandidates} gives the headline figures
 * @param randomQueries       random unit query vectors, in addition to the probes
 * @param exactLatencyQueries queries timed against the exact brute-force baseline
 * @param candidateSweep      further values of HNSW {@code ef} (search candidates) to report, may be empty
 */
public record GalleryBenchmarkConfig(
        int faces,
        long seed,
        Path indexDir,
        LuceneGalleryConfig gallery,
        int randomQueries,
        int exactLatencyQueries,
        int[] candidateSweep) {

    public GalleryBenchmarkConfig {
        Objects.requireNonNull(indexDir, "indexDir");
        Objects.requireNonNull(gallery, "gallery");
        candidateSweep = candidateSweep == null ? new int[0] : candidateSweep.clone();
        if (faces < 1 || randomQueries < 0 || exactLatencyQueries < 1) {
            throw new IllegalArgumentException("faces and exactLatencyQueries must be positive");
        }
    }

    /** The defaults for {@code facesearch bench gallery --faces N}. */
    public static GalleryBenchmarkConfig defaults(int faces, Path indexDir) {
        LuceneGalleryConfig gallery = LuceneGalleryConfig.defaults().withRamBufferMb(1024);
        return new GalleryBenchmarkConfig(faces, 42L, indexDir, gallery, 1000, 200, new int[0]);
    }
}
