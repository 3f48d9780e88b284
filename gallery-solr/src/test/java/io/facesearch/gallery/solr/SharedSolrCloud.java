package io.facesearch.gallery.solr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one SolrCloud (2 nodes) of this module's tests: started by the first test class that asks, stopped when the
 * test JVM exits. A cluster start costs 10-30 s on a busy 2-core machine; each test class uses collections of its
 * own, so sharing the cluster changes no result.
 */
final class SharedSolrCloud {

  private static SolrCloudProcess cloud;

  private SharedSolrCloud() {}

  static synchronized SolrCloudProcess get() throws IOException, InterruptedException {
    if (cloud == null) {
      Path dir = Files.createTempDirectory("facesearch-solr-test");
      SolrCloudProcess started = SolrCloudProcess.start(dir, 2);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    delete(dir);
                  },
                  "solr-cloud-stop"));
      cloud = started;
    }
    return cloud;
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary folder: the OS cleans it eventually
    }
  }
}
