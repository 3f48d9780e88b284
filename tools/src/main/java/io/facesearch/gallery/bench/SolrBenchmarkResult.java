package io.facesearch.gallery.bench;

import java.util.List;
import java.util.Locale;

/**
 * The figures of the Solr gallery in one {@code bench gallery} run (one Solr node, one shard, one replica).
 *
 * @param buildSeconds      {@code SolrGallery.rebuild} of every face: batches of 500 sent from one thread, then a
 *                          hard commit that opens a searcher
 * @param optimizeSeconds   the merge of the built index into one segment that follows (see SolrIndexBenchmark)
 * @param heapUsedBytes     the Solr JVM's used heap after a full GC, searches warmed up (ZooKeeper and the Solr
 *                          node share that JVM)
 * @param rssBytes          the resident set of the Solr process at the same moment (heap, code, and the mapped
 *                          index pages it touched)
 * @param indexBytes        the collection's index folder after the build (the transaction log excluded)
 * @param heapBytesPerFace  {@code heapUsedBytes / faces}
 * @param rssBytesPerFace   {@code rssBytes / faces}
 * @param diskBytesPerFace  {@code indexBytes / faces}
 * @param sweep             one row per candidate count measured, the headline one included
 */
public record SolrBenchmarkResult(
    int faces,
    String heap,
    double buildSeconds,
    double optimizeSeconds,
    double facesPerSecond,
    long heapUsedBytes,
    long rssBytes,
    long indexBytes,
    double heapBytesPerFace,
    double rssBytesPerFace,
    double diskBytesPerFace,
    int candidates,
    GalleryBenchmarkResult.SearchFigures headline,
    List<GalleryBenchmarkResult.SearchFigures> sweep) {

  /** The key=value line of the Solr gallery, printed before the embedded gallery's summary line. */
  public String summaryLine() {
    return String.format(
        Locale.ROOT,
        "solr faces=%d build_s=%.1f optimize_s=%.1f faces_per_s=%.0f p50_ms=%.3f p99_ms=%.3f recall_at_10=%.4f "
            + "rank1_mate=%.4f heap_used_mb=%.0f rss_mb=%.0f heap_bytes_per_face=%.0f "
            + "rss_bytes_per_face=%.0f disk_bytes_per_face=%.0f candidates=%d solr_heap=%s "
            + "recall_at_10_random=%.4f recall_at_10_probes=%.4f p50_service_ms=%.3f p99_service_ms=%.3f",
        faces,
        buildSeconds,
        optimizeSeconds,
        facesPerSecond,
        headline.p50K10Ms(),
        headline.p99K10Ms(),
        headline.recallAt10(),
        headline.rank1Mate(),
        heapUsedBytes / 1048576.0,
        rssBytes / 1048576.0,
        heapBytesPerFace,
        rssBytesPerFace,
        diskBytesPerFace,
        candidates,
        heap,
        headline.recallAt10Random(),
        headline.recallAt10Probes(),
        headline.p50ServiceMs(),
        headline.p99ServiceMs());
  }
}
