package io.facesearch.testing;

import io.facesearch.app.NodeSettings;
import io.facesearch.gallery.solr.SolrCloudProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudLegacySolrClient;
import org.apache.solr.client.solrj.impl.CloudSolrClient;

/**
 * A throwaway SolrCloud for tests: one 2-node {@link SolrCloudProcess} (solr-runner's MiniSolrCloudCluster with an
 * embedded ZooKeeper, in a JVM of its own) per test JVM, started by the first test that asks and stopped (its folder
 * deleted) when the JVM exits. Each {@link #collection()} is an empty collection nobody else uses, so that every
 * server gets a gallery of its own: a new name (the node's SolrGallery creates it: 1 shard, 1 replica), or one that
 * an earlier server gave back with {@link #release}, emptied. Emptying a collection costs a fraction of creating
 * one, and the cloud does not grow a core per test.
 *
 * <p>Without solr-runner's build (a test run outside the reactor) a test is skipped with a notice, or fails under CI
 * ({@link OptionalTool}); {@code -Dfacesearch.solr.absent=1} simulates that.
 */
public final class TestSolr {

  private static final AtomicInteger COLLECTIONS = new AtomicInteger();
  private static SolrCloudProcess cloud;
  private static CloudSolrClient admin;
  private static final Queue<String> FREE = new ConcurrentLinkedQueue<>();

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

  /**
   * An empty collection of the test SolrCloud that no open server uses: one given back by {@link #release}, else a
   * new name (created when a gallery opens it).
   */
  public static NodeSettings.Solr collection() {
    String zkHost = zkHost();
    String free = FREE.poll();
    return new NodeSettings.Solr(
        zkHost,
        free != null
            ? free
            : "t" + ProcessHandle.current().pid() + "_" + COLLECTIONS.incrementAndGet(),
        1,
        1);
  }

  /**
   * Gives back the collection of a server that has closed: emptied (every document deleted and committed) for the
   * next {@link #collection()}. A collection that cannot be emptied is not reused.
   */
  public static void release(NodeSettings.Solr solr) {
    CloudSolrClient client = admin(solr.zkHost());
    if (client == null) {
      return;
    }
    try {
      if (!client.getClusterStateProvider().getClusterState().hasCollection(solr.collection())) {
        return; // the server never opened its gallery
      }
      client.deleteByQuery(solr.collection(), "*:*");
      client.commit(solr.collection(), true, true);
      FREE.add(solr.collection());
    } catch (SolrServerException | IOException | RuntimeException e) {
      System.err.println("test SolrCloud: emptying " + solr.collection() + " failed: " + e);
    }
  }

  /** Takes back a collection given back by {@link #release} for a restarted server of the same truth. */
  public static void reclaim(NodeSettings.Solr solr) {
    FREE.remove(solr.collection());
  }

  /** The admin client of the test SolrCloud, or null when {@code zkHost} is not its address. */
  private static synchronized CloudSolrClient admin(String zkHost) {
    if (cloud == null || !cloud.zkHost().equals(zkHost)) {
      return null;
    }
    if (admin == null) {
      admin = adminClient(zkHost);
    }
    return admin;
  }

  // CloudLegacySolrClient: SolrJ's client without Jetty 10 (see SolrGallery).
  @SuppressWarnings("deprecation")
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
