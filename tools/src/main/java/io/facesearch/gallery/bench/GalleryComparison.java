package io.facesearch.gallery.bench;

import java.util.Objects;
import java.util.Optional;

/**
 * The figures of one {@code bench gallery} run: the embedded gallery's and the Solr gallery's, whichever were
 * measured, over the same faces, queries and exact oracle.
 */
public record GalleryComparison(
    Optional<GalleryBenchmarkResult> lucene, Optional<SolrBenchmarkResult> solr) {

  public GalleryComparison {
    Objects.requireNonNull(lucene, "lucene");
    Objects.requireNonNull(solr, "solr");
  }
}
