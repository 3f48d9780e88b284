package io.facesearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.gallery.bench.SolrHnsw;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code bench gallery}'s options are read, before anything is built. */
class GalleryBenchCommandTest {

  private static GalleryBenchCommand parse(String... args) {
    GalleryBenchCommand command = new GalleryBenchCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void the_solr_index_is_optimized_before_it_is_measured_unless_asked_not_to() {
    assertFalse(parse("--faces", "1000").solrNoOptimize, "optimized by default");
    assertTrue(parse("--faces", "1000", "--solr-no-optimize").solrNoOptimize);
  }

  @Test
  void the_solr_hnsw_parameters_are_the_shipped_configsets_unless_given() {
    SolrHnsw shipped = parse("--faces", "1000").solrHnsw;
    assertEquals(SolrHnsw.shipped(), shipped);
    assertEquals(new SolrHnsw(32, 200), parse("--faces", "1000", "--solr-hnsw", "32/200").solrHnsw);
    assertThrows(
        CommandLine.ParameterException.class,
        () -> parse("--faces", "1000", "--solr-hnsw", "32"),
        "M/BEAM needed");
    assertThrows(
        CommandLine.ParameterException.class,
        () -> parse("--faces", "1000", "--solr-hnsw", "1/200"));
  }

  @Test
  void a_solr_hnsw_variant_changes_only_the_vector_fields_parameters() {
    String shipped = SolrHnsw.shippedFile("schema.xml");
    String variant = new SolrHnsw(48, 300).schema();
    assertTrue(variant.contains("hnswMaxConnections=\"48\" hnswBeamWidth=\"300\""), variant);
    String[] shippedLines = shipped.split("\n");
    String[] variantLines = variant.split("\n");
    assertEquals(shippedLines.length, variantLines.length);
    int changed = 0;
    for (int i = 0; i < shippedLines.length; i++) {
      changed += shippedLines[i].equals(variantLines[i]) ? 0 : 1;
    }
    assertEquals(1, changed, "one line differs");
  }
}
