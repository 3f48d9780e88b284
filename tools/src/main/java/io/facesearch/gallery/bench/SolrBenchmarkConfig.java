package io.facesearch.gallery.bench;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@link SolrIndexBenchmark} runs the Solr gallery: a SolrCloud of one node (solr-runner, in a JVM of its own)
 * and a collection of one shard and one replica.
 *
 * @param dir            the SolrCloud's folder (its index, ZooKeeper data and {@code solr.log}); emptied first
 * @param heap           the Solr JVM's heap option, e.g. {@code -Xmx3g}
 * @param candidates     the headline candidate count (the knn query's topK)
 * @param candidateSweep further candidate counts to measure, may be empty
 * @param optimize       whether the built index is merged into one segment before it is measured (as after a bulk
 *                       load followed by an optimize); without it, the index is measured as a node's fill of an
 *                       empty collection leaves it: many segments, Solr's background merges allowed to settle
 * @param hnsw           the vector field's HNSW parameters; when they differ from the shipped configset's, this
 *                       run's collection uses a variant of it with these
 */
public record SolrBenchmarkConfig(
    Path dir, String heap, int candidates, int[] candidateSweep, boolean optimize, SolrHnsw hnsw) {

  public SolrBenchmarkConfig {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(heap, "heap");
    Objects.requireNonNull(hnsw, "hnsw");
    if (!heap.startsWith("-Xmx")) {
      throw new IllegalArgumentException("heap must be a -Xmx option, got " + heap);
    }
    if (candidates < 1) {
      throw new IllegalArgumentException("candidates must be positive, got " + candidates);
    }
    candidateSweep = candidateSweep == null ? new int[0] : candidateSweep.clone();
  }

  @Override
  public int[] candidateSweep() {
    return candidateSweep.clone();
  }
}
