package io.facesearch.testing;

import io.facesearch.app.NodeSettings;
import io.facesearch.gallery.solr.SolrCloudProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudLegacySolrClient;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;

/**
 * A throwaway SolrCloud for tests: one 2-node {@link SolrCloudProcess} (solr-runner's MiniSolrCloudCluster with an
 * embedded ZooKeeper, in a JVM of its own) per test JVM, started by the first test that asks and stopped (its folder
 * deleted) when the JVM exits. Each {@link #collection()} is a new collection name, so that every server gets an
 * empty gallery of its own (created by the node's SolrGallery: 1 shard, 1 replica); {@link #drop} deletes one in the
 * background when its server has closed, so that the cloud does not grow a core per test.
 *
 * <p>Without solr-runner's build (a test run outside the reactor) a test is skipped with a notice, or fails under CI
 * ({@link OptionalTool}); {@code -Dfacesearch.solr.absent=1} simulates that.
 */
public final class TestSolr {

  private static final AtomicInteger COLLECTIONS = new AtomicInteger();
  private static SolrCloudProcess cloud;
  private static CloudSolrClient admin;
  private static ExecutorService drops;

  private TestSolr() {}

  /** Skips the calling test (fails it under CI) unless the test SolrCloud can be started. */
  public static void require() {
    OptionalTool.require(
        System.getProperty("facesearch.solr.absent") == null && SolrCloudProcess.isRunnerBuilt(),
        "the test SolrCloud (solr-runner's build)",
        "run the tests through the reactor, e.g. ./mvnw -pl server -am verify");
  }

  /** The ZooKeeper address of the shared test SolrCloud, started at the first call. */
  public static synchronized String zkHost() {
    require();
    if (cloud == null) {
      cloud = start();
    }
    return cloud.zkHost();
  }

  /** A collection of the test SolrCloud that nobody has used yet (it is created when a gallery opens it). */
  public static NodeSettings.Solr collection() {
    String zkHost = zkHost();
    return new NodeSettings.Solr(
        zkHost, "t" + ProcessHandle.current().pid() + "_" + COLLECTIONS.incrementAndGet());
  }

  /**
   * Deletes {@code solr}'s collection in the background, if it exists (best effort: a test's result never depends
   * on it, and the cloud goes at the JVM's exit anyway).
   */
  public static synchronized void drop(NodeSettings.Solr solr) {
    if (cloud == null || !solr.zkHost().equals(cloud.zkHost())) {
      return;
    }
    if (admin == null) {
      admin = adminClient(cloud.zkHost());
      drops =
          Executors.newSingleThreadExecutor(
              Thread.ofPlatform().daemon().name("solr-drop").factory());
    }
    CloudSolrClient client = admin;
    drops.execute(
        () -> {
          try {
            if (client.getClusterState().hasCollection(solr.collection())) {
              CollectionAdminRequest.deleteCollection(solr.collection()).process(client);
            }
          } catch (SolrServerException | IOException | RuntimeException e) {
            System.err.println("test SolrCloud: dropping " + solr.collection() + " failed: " + e);
          }
        });
  }

  @SuppressWarnings(
      "deprecation") // CloudLegacySolrClient: SolrJ's client without Jetty 10 (see SolrGallery)
  private static CloudSolrClient adminClient(String zkHost) {
    int slash = zkHost.indexOf('/');
    List<String> hosts = List.of((slash < 0 ? zkHost : zkHost.substring(0, slash)).split(","));
    Optional<String> chroot = slash < 0 ? Optional.empty() : Optional.of(zkHost.substring(slash));
    return new CloudLegacySolrClient.Builder(hosts, chroot).build();
  }

  private static SolrCloudProcess start() {
    try {
      Path dir = Files.createTempDirectory("facesearch-solr-");
      SolrCloudProcess started = SolrCloudProcess.start(dir, 2, "-Xmx768m");
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
                  "test-solr-stop"));
      return started;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the test SolrCloud: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the test SolrCloud", e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); // best effort
    } catch (IOException e) {
      // left for the system's temp cleaning
    }
  }
}
