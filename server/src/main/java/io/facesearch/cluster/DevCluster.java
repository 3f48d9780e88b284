package io.facesearch.cluster;

import io.facesearch.accounts.AccountStore;
import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.gallery.solr.SolrCloudProcess;
import io.facesearch.gallery.solr.SolrGallery;
import io.facesearch.gallery.solr.SolrGalleryConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Cluster mode on one machine, for trying and testing it: a {@link ThrowawayPostgres} (the truth), a 2-node SolrCloud
 * in a JVM of its own ({@link SolrCloudProcess}; the collection made with 2 replicas of its one shard, so that either
 * Solr node answers alone) and N facesearch nodes ({@link FacesearchNodeProcess}) on consecutive loopback ports, all
 * in one folder: {@code postgres/}, {@code solr/}, {@code node-1/} ... Starting on a folder of an earlier run reuses
 * its database (and its faces); Solr starts empty every time and the nodes rebuild the gallery from the database. {@link #close} stops everything, nodes first.
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
   * A cluster not started yet: {@link #start(PrintStream)} starts it, and {@link #close} (e.g. from a shutdown hook
   * registered in between) stops whatever has started, even while {@code start} is still running.
   */
  public static DevCluster of(Settings settings) {
    return new DevCluster(settings);
  }

  /** {@link #of} and {@link #start(PrintStream)}: a running cluster, or nothing left running. */
  public static DevCluster start(Settings settings, PrintStream progress) {
    DevCluster cluster = of(settings);
    cluster.start(progress);
    return cluster;
  }

  /**
   * Starts PostgreSQL, SolrCloud and the nodes (the first alone, so that one node creates the schema, the rest
   * together), and creates an API key for the default application; on any failure, or when {@link #close} is
   * called meanwhile, stops what it had started and throws.
   *
   * @param progress where a line per step goes
   */
  public void start(PrintStream progress) {
    start(progress, cluster -> {});
  }

  /**
   * Work on the running PostgreSQL and SolrCloud before any facesearch node starts and before the API key is made,
   * e.g. moving an embedded data folder in ({@code ClusterMigration}), which wants a database without an
   * installation of its own.
   */
  @FunctionalInterface
  public interface BeforeNodes {
    void run(DevCluster cluster) throws IOException;
  }

  /**
   * {@link #start(PrintStream)}, running {@code beforeNodes} once PostgreSQL and SolrCloud are up and the collection
   * exists, before the API key is made and the nodes start; its failure stops everything, like any other.
   */
  public void start(PrintStream progress, BeforeNodes beforeNodes) {
    try {
      startAll(progress, beforeNodes);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the dev cluster", e);
    } catch (IOException e) {
      close();
      throw new IllegalStateException("cannot start the dev cluster: " + e.getMessage(), e);
    }
  }

  private void startAll(PrintStream progress, BeforeNodes beforeNodes)
      throws IOException, InterruptedException {
    Path data = settings.data().toAbsolutePath().normalize();
    long t0 = System.nanoTime();
    ThrowawayPostgres pg =
        ThrowawayPostgres.start(data.resolve("postgres"), settings.postgresPort());
    synchronized (this) {
      postgres = pg;
      requireOpen();
    }
    if (!pg.hasDatabase(DATABASE)) {
      pg.createDatabase(DATABASE);
    }
    progress.printf("PostgreSQL on %s (%d ms)%n", databaseUrl(), millisSince(t0));

    long t1 = System.nanoTime();
    // MiniSolrCloudCluster starts only on empty node folders, and its ZooKeeper is new at every
    // start: an
    // earlier run's Solr is dropped, and the nodes rebuild the gallery from the truth when they
    // start.
    deleteTree(data.resolve("solr").resolve("cluster"));
    SolrCloudProcess cloud = SolrCloudProcess.start(data.resolve("solr"), SOLR_NODES);
    synchronized (this) {
      solr = cloud;
      requireOpen();
    }
    try (SolrGallery created = SolrGallery.open(galleryConfig())) {
      progress.printf(
          "SolrCloud of %d nodes, zkHost %s, collection %s (%d ms)%n",
          SOLR_NODES, cloud.zkHost(), created.config().collection(), millisSince(t1));
    }

    beforeNodes.run(this);

    Path first = Files.createDirectories(data.resolve("node-1"));
    apiKey = createApiKey(first);

    long t2 = System.nanoTime();
    for (int i = 0; i < settings.nodes(); i++) {
      FacesearchNodeProcess node =
          FacesearchNodeProcess.launch(nodeSettings(data, i, cloud.zkHost()));
      synchronized (this) {
        nodes.add(node);
        requireOpen();
      }
      if (i == 0) {
        node.awaitHealthy(FacesearchNodeProcess.DEFAULT_STARTUP); // alone: it migrates the schema
      }
    }
    for (FacesearchNodeProcess node : nodes()) {
      node.awaitHealthy(FacesearchNodeProcess.DEFAULT_STARTUP);
    }
    progress.printf("facesearch nodes up: %d (%d ms)%n", settings.nodes(), millisSince(t2));
  }

  /** Throws when {@link #close} was called while starting; the caller's cleanup then stops the new part. */
  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the dev cluster was stopped while it started");
    }
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

  private FacesearchNodeProcess.Settings nodeSettings(Path data, int index, String zkHost) {
    return new FacesearchNodeProcess.Settings(
        settings.firstPort() + index,
        data.resolve("node-" + (index + 1)),
        databaseUrl(),
        ThrowawayPostgres.USER,
        zkHost,
        settings.nodeHeap(),
        settings.serveOptions());
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** The JDBC URL of the truth. */
  public String databaseUrl() {
    return postgres.url(DATABASE);
  }

  /**
   * The gallery the nodes use: the default collection, one shard with a replica on each Solr node; only once SolrCloud
   * has started.
   */
  public SolrGalleryConfig galleryConfig() {
    return new SolrGalleryConfig(
        solr().zkHost(),
        SolrGalleryConfig.DEFAULT_COLLECTION,
        1,
        SOLR_NODES,
        SolrGalleryConfig.DEFAULT_CANDIDATES);
  }

  public synchronized ThrowawayPostgres postgres() {
    return postgres;
  }

  public synchronized SolrCloudProcess solr() {
    return solr;
  }

  /** The facesearch nodes, in port order. */
  public synchronized List<FacesearchNodeProcess> nodes() {
    return List.copyOf(nodes);
  }

  /** An API key of the default application, made at {@link #start}. */
  public String apiKey() {
    return apiKey;
  }

  /**
   * Stops the nodes (in order, together), then SolrCloud, then PostgreSQL: whatever of them has started. Safe to call
   * twice and from another thread while {@link #start} runs; never throws.
   */
  @Override
  public synchronized void close() {
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
    nodes.clear();
    if (solr != null) {
      try {
        solr.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        System.err.println("SolrCloud did not stop: " + e.getMessage());
      }
      solr = null;
    }
    if (postgres != null) {
      postgres.close();
    }
  }
}
