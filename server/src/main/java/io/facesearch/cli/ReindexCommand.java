package io.facesearch.cli;

import io.facesearch.app.Node;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code facesearch reindex}: rebuilds the Lucene gallery of a data folder from the faces in its database. */
@Command(name = "reindex", mixinStandardHelpOptions = true,
    description = "Rebuild the gallery index from the database (the source of truth). Stop the server first.")
final class ReindexCommand implements Callable<Integer> {

  @Mixin
  DataOptions dataOptions;

  @Override
  public Integer call() {
    try (Node node = dataOptions.node()) {
      long start = System.nanoTime();
      node.reindexGallery();
      System.out.printf("reindexed %s in %.1f s%n", node.galleryDir(), (System.nanoTime() - start) / 1e9);
      return 0;
    }
  }
}
