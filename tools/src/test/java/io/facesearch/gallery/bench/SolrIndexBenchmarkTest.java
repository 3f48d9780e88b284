package io.facesearch.gallery.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.gallery.LuceneGalleryConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench gallery --index both} on a small gallery: a real SolrCloud (solr-runner, its own JVM) and the
 * embedded gallery measured over the same faces, queries and exact oracle in one run.
 */
class SolrIndexBenchmarkTest {

  private static final int FACES = 3000;
  private static final long SEED = 20261206L;

  @TempDir Path dir;

  /**
   * With 1,000 candidates in a gallery of 3,000 faces, both galleries are all but exact: recall@10 at least 0.99
   * and every probe's mate ranked first where exact search ranks it first. The Solr figures come from the Solr
   * process (a used heap, a resident set at least as large, an index holding at least the 2,048 bytes of each float
   * vector) and its summary line says what was measured. The run asks for HNSW parameters other than the shipped
   * ones, which the benchmark checks the collection's schema for before it builds.
   */
  @Test
  void solr_and_the_embedded_gallery_are_measured_against_one_exact_oracle() {
    System.out.println("SolrIndexBenchmarkTest seed=" + SEED);
    List<MatedPair> mated = GalleryBenchmark.syntheticMatedPairs(40, 0.6, SEED + 1, 512);
    GalleryBenchmarkConfig cfg =
        new GalleryBenchmarkConfig(
            FACES,
            SEED,
            dir.resolve("lucene"),
            LuceneGalleryConfig.defaults(),
            100,
            20,
            new int[0],
            GalleryBenchmarkConfig.DEFAULT_MATCH_THRESHOLD,
            false);
    SolrBenchmarkConfig solr =
        new SolrBenchmarkConfig(
            dir.resolve("solr"), "-Xmx512m", 1000, null, true, new SolrHnsw(24, 150));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    GalleryComparison result;
    try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      result =
          GalleryBenchmark.compare(
              cfg, true, Optional.of(solr), mated, Background.uniform(512), out);
    }
    System.out.print(log.toString(StandardCharsets.UTF_8));

    GalleryBenchmarkResult lucene = result.lucene().orElseThrow();
    SolrBenchmarkResult solrResult = result.solr().orElseThrow();
    assertTrue(lucene.headline().recallAt10() >= 0.99, "lucene recall " + lucene.headline());
    assertTrue(solrResult.headline().recallAt10() >= 0.99, "solr recall " + solrResult.headline());
    assertEquals(1.0, solrResult.headline().rank1Mate(), 1e-9);
    assertEquals(lucene.headline().rank1MateEligible(), solrResult.headline().rank1MateEligible());
    assertTrue(solrResult.facesPerSecond() > 0);
    assertTrue(solrResult.heapUsedBytes() > 0, "heap used " + solrResult.heapUsedBytes());
    assertTrue(solrResult.rssBytes() >= solrResult.heapUsedBytes());
    assertTrue(solrResult.diskBytesPerFace() >= 2048, "disk " + solrResult.diskBytesPerFace());
    assertTrue(solrResult.summaryLine().startsWith("solr faces=3000 "), solrResult.summaryLine());
    assertTrue(
        log.toString(StandardCharsets.UTF_8).contains("(HNSW M=24, beam 150; shipped: "),
        "the run names the variant");
  }
}
