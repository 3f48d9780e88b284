package io.facesearch.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
