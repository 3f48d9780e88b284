package io.facesearch.cluster;

import io.facesearch.accounts.AccountStore;
import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.gallery.solr.SolrCloudProcess;
import io.facesearch.gallery.solr.SolrGallery;
import io.facesearch.gallery.solr.SolrGalleryConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cluster mode on one machine, for trying and testing it: a {@link ThrowawayPostgres} (the truth), a 2-node SolrCloud
 * in a JVM of its own ({@link SolrCloudProcess}; the collection made with 2 replicas of its one shard, so that either
 * Solr node answers alone) and N facesearch nodes ({@link FacesearchNodeProcess}) on consecutive loopback ports, all
 * in one folder: {@code postgres/}, {@code solr/}, {@code node-1/} ... Starting on a folder of an earlier run reuses
 * its database (and its faces). {@link #close} stops everything, nodes first.
 */
public final class DevCluster implements AutoCloseable {

  /** The database of the truth in the throwaway PostgreSQL. */
  public static final String DATABASE = "facesearch";

  /** Solr nodes; the collection has one shard with a replica on each. */
  public static final int SOLR_NODES = 2;

  /**
   * What to start.
   *
   * @param data         the folder of everything (created if missing)
   * @param nodes        how many facesearch nodes
   * @param firstPort    the first node's port; the others follow
   * @param postgresPort PostgreSQL's loopback port
   * @param nodeHeap     each facesearch node's maximum heap, e.g. {@code "1g"}
   * @param serveOptions further {@code serve} options for every node
   */
  public record Settings(
      Path data,
      int nodes,
      int firstPort,
      int postgresPort,
      String nodeHeap,
      List<String> serveOptions) {
    public Settings {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(nodeHeap, "nodeHeap");
      if (nodes < 1) {
        throw new IllegalArgumentException("at least one node, got " + nodes);
      }
      serveOptions = List.copyOf(serveOptions);
    }
  }

  private final Settings settings;
  private final List<FacesearchNodeProcess> nodes = new ArrayList<>();
  private ThrowawayPostgres postgres;
  private SolrCloudProcess solr;
  private String apiKey;
  private boolean closed;

  private DevCluster(Settings settings) {
    this.settings = settings;
  }

  /**
   * Starts PostgreSQL, SolrCloud and the nodes (the first alone, so that one node creates the schema, the rest
   * together), and creates an API key for the default application; on any failure stops what it had started.
   *
   * @param progress where a line per step goes
   */
  public static DevCluster start(Settings settings, PrintStream progress) {
    DevCluster cluster = new DevCluster(settings);
    try {
      cluster.startAll(progress);
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    } catch (InterruptedException e) {
      cluster.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the dev cluster", e);
    } catch (IOException e) {
      cluster.close();
      throw new IllegalStateException("cannot start the dev cluster: " + e.getMessage(), e);
    }
  }

  private void startAll(PrintStream progress) throws IOException, InterruptedException {
    Path data = settings.data().toAbsolutePath().normalize();
    long t0 = System.nanoTime();
    postgres = ThrowawayPostgres.start(data.resolve("postgres"), settings.postgresPort());
    if (!postgres.hasDatabase(DATABASE)) {
      postgres.createDatabase(DATABASE);
    }
    progress.printf("PostgreSQL on %s (%d ms)%n", databaseUrl(), millisSince(t0));

    long t1 = System.nanoTime();
    solr = SolrCloudProcess.start(data.resolve("solr"), SOLR_NODES);
    try (SolrGallery created =
        SolrGallery.open(
            new SolrGalleryConfig(
                solr.zkHost(),
                SolrGalleryConfig.DEFAULT_COLLECTION,
                1,
                SOLR_NODES,
                SolrGalleryConfig.DEFAULT_CANDIDATES))) {
      progress.printf(
          "SolrCloud of %d nodes, zkHost %s, collection %s (%d ms)%n",
          SOLR_NODES, solr.zkHost(), created.config().collection(), millisSince(t1));
    }

    Path first = java.nio.file.Files.createDirectories(data.resolve("node-1"));
    apiKey = createApiKey(first);

    long t2 = System.nanoTime();
    nodes.add(FacesearchNodeProcess.start(nodeSettings(data, 0)));
    for (int i = 1; i < settings.nodes(); i++) {
      nodes.add(FacesearchNodeProcess.launch(nodeSettings(data, i)));
    }
    for (FacesearchNodeProcess node : nodes) {
      node.awaitHealthy(FacesearchNodeProcess.DEFAULT_STARTUP);
    }
    progress.printf("%d facesearch nodes up (%d ms)%n", nodes.size(), millisSince(t2));
  }

  /**
   * The default application's key: made by the first start's bootstrap, as {@code serve} does on an empty
   * database, or a new one on a database of an earlier run (keys are stored only as hashes).
   */
  private String createApiKey(Path dataDir) {
    try (Node node =
        Node.open(
            NodeSettings.of(dataDir)
                .withPostgres(new NodeSettings.Postgres(databaseUrl(), ThrowawayPostgres.USER, "")),
            Clock.systemUTC())) {
      AccountStore accounts = node.accounts();
      return accounts
          .bootstrapIfEmpty()
          .map(b -> b.key().key())
          .orElseGet(
              () -> accounts.createKey(accounts.defaultApplication().orElseThrow().id()).key());
    }
  }

  private FacesearchNodeProcess.Settings nodeSettings(Path data, int index) {
    return new FacesearchNodeProcess.Settings(
        settings.firstPort() + index,
        data.resolve("node-" + (index + 1)),
        databaseUrl(),
        ThrowawayPostgres.USER,
        solr.zkHost(),
        settings.nodeHeap(),
        settings.serveOptions());
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** The JDBC URL of the truth. */
  public String databaseUrl() {
    return postgres.url(DATABASE);
  }

  public ThrowawayPostgres postgres() {
    return postgres;
  }

  public SolrCloudProcess solr() {
    return solr;
  }

  /** The facesearch nodes, in port order. */
  public List<FacesearchNodeProcess> nodes() {
    return List.copyOf(nodes);
  }

  /** An API key of the default application, made at {@link #start}. */
  public String apiKey() {
    return apiKey;
  }

  /** Stops the nodes (in order, together), then SolrCloud, then PostgreSQL. Safe to call twice; never throws. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<Thread> stopping = new ArrayList<>();
    for (FacesearchNodeProcess node : nodes) {
      Thread t = new Thread(node::stop, "stop-node-" + node.settings().port());
      t.start();
      stopping.add(t);
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (solr != null) {
      try {
        solr.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        System.err.println("SolrCloud did not stop: " + e.getMessage());
      }
    }
    if (postgres != null) {
      postgres.close();
    }
  }
}
