package io.facesearch.cli;

import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.bench.AnswerComparison;
import io.facesearch.bench.HttpLoadBenchmark;
import io.facesearch.bench.HttpLoadGenerator;
import io.facesearch.bench.SyntheticFaceSeeder;
import io.facesearch.cluster.DevCluster;
import io.facesearch.cluster.FacesearchNodeProcess;
import io.facesearch.cluster.ThrowawayPostgres;
import io.facesearch.migration.ClusterMigration;
import io.facesearch.migration.ClusterTarget;
import io.facesearch.migration.MigrationReport;
import io.facesearch.pipeline.FacePipeline;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facesearch bench http}: latency and throughput of {@code POST /v3/face-search/} over real HTTP on loopback
 * with N enrolled faces, per client concurrency (see {@link HttpLoadBenchmark}).
 *
 * <p>With {@code --cluster-nodes N}, the same data folder is then moved into a {@link DevCluster} (a throwaway
 * PostgreSQL, a 2-node SolrCloud and N facesearch node processes) with {@link ClusterMigration} before its nodes start,
 * and the same photos, key and levels are sent round-robin over the nodes; per level the command prints the ratio
 * cluster/embedded of p50 latency and of throughput. Every process runs on this machine's cores, so the ratio says
 * what cluster mode costs here, not what a cluster of machines would serve.
 */
@Command(
    name = "http",
    mixinStandardHelpOptions = true,
    description =
        "Load benchmark of POST /v3/face-search/ over HTTP on 127.0.0.1 with N enrolled faces.")
final class HttpBenchCommand implements Callable<Integer> {

  @Option(
      names = "--faces",
      description = "Gallery size N, including the enrolled real photos (default: 100000).")
  int faces = 100_000;

  @Option(
      names = "--concurrency",
      split = ",",
      description = "Client threads per level (default: 1,2,8).")
  int[] concurrency = {1, 2, 8};

  @Option(
      names = "--requests",
      description = "Timed requests per concurrency level (default: 300).")
  int requests = 300;

  @Option(
      names = "--jit-warmup",
      description =
          "Untimed requests once before the first level, at the highest "
              + "concurrency, until the JIT has compiled the request path (default: 300).")
  int jitWarmup = 300;

  @Option(names = "--warmup", description = "Untimed requests before each level (default: 30).")
  int warmup = 30;

  @Option(
      names = "--data",
      description =
          "Data folder; reused as is when it already has faces "
              + "(default: a fresh folder under target/, deleted afterwards unless --keep-data).")
  Path data;

  @Option(names = "--keep-data", description = "Keep the fresh data folder (to rerun with --data).")
  boolean keepData;

  @Option(
      names = "--photos",
      description =
          "LFW-style folder <Name>/<Name>_NNNN.jpg of query photos "
              + "(default: ../shared/data/lfw-dev/images).")
  Path photos = Path.of("../shared/data/lfw-dev/images");

  @Option(
      names = "--photo-count",
      description = "Query photos preloaded and cycled over (default: 300).")
  int photoCount = 300;

  @Option(
      names = "--mates",
      description =
          "People enrolled with a real photo whose other photo is a query " + "(default: 50).")
  int mates = 50;

  @Option(
      names = "--gallery-load",
      description =
          "How synthetic faces reach the gallery: REBUILD (one bulk "
              + "rebuild, default) or ADD (one add per face, as live enrollments).")
  SyntheticFaceSeeder.GalleryLoad galleryLoad = SyntheticFaceSeeder.GalleryLoad.REBUILD;

  @Option(
      names = "--profile-samples",
      description =
          "Photos of the in-process per-stage profile after the HTTP "
              + "levels; 0 skips it (default: 100).")
  int profileSamples = 100;

  @Option(names = "--seed", description = "Seed of the synthetic vectors (default: 42).")
  long seed = 42;

  @Option(
      names = "--cluster-nodes",
      description =
          "After the embedded server, move the same data folder into a dev cluster of this many facesearch "
              + "nodes (PostgreSQL + 2-node SolrCloud) and measure it round-robin; 0: embedded only "
              + "(default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int clusterNodes;

  @Option(
      names = "--cluster-port",
      description = "The first cluster node's port; the others follow (default: ${DEFAULT-VALUE}).",
      defaultValue = "18081")
  int clusterPort;

  @Option(
      names = "--cluster-node-heap",
      description = "Each cluster node's maximum JVM heap (default: ${DEFAULT-VALUE}).",
      defaultValue = "1g")
  String clusterNodeHeap;

  @Mixin PipelineOptions pipelineOptions;

  @Override
  public Integer call() throws Exception {
    if (clusterNodes < 0 || clusterNodes > 16) {
      throw new UserError("--cluster-nodes must be between 0 and 16");
    }
    if (clusterNodes > 0 && ThrowawayPostgres.binaries().isEmpty()) {
      throw new UserError(ThrowawayPostgres.MISSING);
    }
    HttpLoadBenchmark.Config cfg =
        new HttpLoadBenchmark.Config(
            faces,
            concurrency,
            requests,
            jitWarmup,
            warmup,
            mates,
            photoCount,
            galleryLoad,
            profileSamples,
            seed);
    boolean freshFolder = data == null;
    Path folder = freshFolder ? freshDataFolder() : data;
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, load average before: %s, max heap %d MB; the HTTP clients "
            + "run in this JVM on the same cores as the server%n",
        Runtime.getRuntime().availableProcessors(),
        MachineLoad.loadAverage(),
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(Locale.ROOT, "data: %s%n", folder.toAbsolutePath());
    HttpLoadBenchmark.Result result;
    HttpLoadBenchmark.Levels cluster = null;
    try {
      HttpLoadBenchmark.Prepared prepared;
      try (FacePipeline pipeline = pipelineOptions.load();
          Node node =
              Node.open(
                  NodeSettings.of(folder).withLimits(HttpLoadBenchmark.UNTHROTTLED),
                  Clock.systemUTC())) {
        node.services(pipeline);
        HttpLoadBenchmark bench = new HttpLoadBenchmark(node, System.out);
        prepared = bench.prepare(cfg, photos);
        result = bench.run(cfg, prepared);
      }
      if (clusterNodes > 0) {
        cluster = measureCluster(folder, prepared, cfg);
      }
    } finally {
      if (freshFolder && !keepData) {
        deleteTree(folder);
      }
    }
    System.out.printf(Locale.ROOT, "load average after: %s%n", MachineLoad.loadAverage());
    System.out.println(result.summaryLine());
    int errors = result.errors();
    if (cluster != null) {
      printRatios(result.levels(), cluster.levels());
      printAnswerDifferences(result.levels(), cluster.levels());
      for (HttpLoadGenerator.LevelResult level : cluster.levels()) {
        errors += level.errors();
      }
    }
    return errors == 0 ? 0 : 1;
  }

  /**
   * Starts a dev cluster in a fresh folder, moves {@code folder} into it before its nodes start, and runs the levels
   * round-robin over the nodes with the folder's key and photos; stops the cluster in every case.
   */
  private HttpLoadBenchmark.Levels measureCluster(
      Path folder, HttpLoadBenchmark.Prepared prepared, HttpLoadBenchmark.Config cfg)
      throws IOException, InterruptedException {
    Path clusterDir =
        Files.createTempDirectory(
            Files.createDirectories(Path.of("target")), "bench-http-cluster-");
    // A temporary folder is closed to other users; the throwaway PostgreSQL runs as postgres when
    // started by root and must reach its folder inside.
    Files.setPosixFilePermissions(clusterDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    int pgPort;
    try {
      pgPort = ThrowawayPostgres.freePort(5433, 100);
    } catch (IllegalStateException e) {
      throw new UserError(e.getMessage());
    }
    System.out.printf(
        Locale.ROOT,
        "cluster: %d facesearch node%s (heap %s each) on a throwaway PostgreSQL and a %d-node SolrCloud, "
            + "in %s%n",
        clusterNodes,
        clusterNodes == 1 ? "" : "s",
        clusterNodeHeap,
        DevCluster.SOLR_NODES,
        clusterDir.toAbsolutePath());
    DevCluster devCluster =
        DevCluster.of(
            new DevCluster.Settings(
                clusterDir,
                clusterNodes,
                clusterPort,
                pgPort,
                clusterNodeHeap,
                List.of(
                    "--writes-per-minute",
                    String.valueOf(HttpLoadBenchmark.UNTHROTTLED.writesPerMinute()),
                    "--reads-per-minute",
                    String.valueOf(HttpLoadBenchmark.UNTHROTTLED.readsPerMinute()))));
    Thread stopOnExit = new Thread(devCluster::close, "bench-http-cluster-stop");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    try {
      devCluster.start(System.out, started -> migrate(folder, started));
      List<URI> bases = devCluster.nodes().stream().map(FacesearchNodeProcess::url).toList();
      System.out.println(
          "cluster: CPU columns below count this JVM only (the clients); the nodes, Solr and PostgreSQL are "
              + "processes of their own on the same cores");
      return HttpLoadBenchmark.measure(
          System.out, bases, prepared.apiKey(), prepared.photos().queries(), cfg);
    } finally {
      devCluster.close();
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway; close() is idempotent
      }
      if (!keepData) {
        deleteTree(clusterDir);
      }
    }
  }

  /** Moves the embedded data folder into the started cluster's PostgreSQL and SolrCloud. */
  private static void migrate(Path folder, DevCluster cluster) throws IOException {
    long t0 = System.nanoTime();
    ClusterTarget target =
        new ClusterTarget(
            cluster.databaseUrl(), ThrowawayPostgres.USER, "", cluster.galleryConfig());
    MigrationReport report =
        new ClusterMigration(
                folder, target, line -> System.out.println("migrate: " + line), Clock.systemUTC())
            .run();
    if (!report.complete()) {
      throw new IllegalStateException("the migration into the cluster did not complete");
    }
    System.out.printf(
        Locale.ROOT,
        "migrated the data folder into the cluster in %.1f s%n",
        (System.nanoTime() - t0) / 1e9);
  }

  /** Per level, cluster over embedded: p50 latency and throughput. */
  private void printRatios(
      List<HttpLoadGenerator.LevelResult> embedded, List<HttpLoadGenerator.LevelResult> cluster) {
    System.out.printf(
        Locale.ROOT,
        "cluster/embedded, a ratio on this machine (%d cores): the %d node%s, 2 Solr nodes, PostgreSQL and "
            + "the clients share the same cores, so it is what cluster mode costs here, not a cluster's "
            + "capacity%n",
        Runtime.getRuntime().availableProcessors(),
        clusterNodes,
        clusterNodes == 1 ? "" : "s");
    System.out.printf(Locale.ROOT, "%5s %12s %12s%n", "conc", "p50 ratio", "req/s ratio");
    StringBuilder line = new StringBuilder("cluster_nodes=").append(clusterNodes);
    for (int i = 0; i < Math.min(embedded.size(), cluster.size()); i++) {
      HttpLoadGenerator.LevelResult e = embedded.get(i);
      HttpLoadGenerator.LevelResult c = cluster.get(i);
      double p50 = c.latency().medianMs() / e.latency().medianMs();
      double rps = c.requestsPerSecond() / e.requestsPerSecond();
      System.out.printf(Locale.ROOT, "%5d %12.2f %12.2f%n", e.concurrency(), p50, rps);
      line.append(
          String.format(
              Locale.ROOT,
              " c%d_p50_ms=%.1f c%d_rps=%.1f c%d_p50_ratio=%.2f c%d_rps_ratio=%.2f",
              c.concurrency(),
              c.latency().medianMs(),
              c.concurrency(),
              c.requestsPerSecond(),
              c.concurrency(),
              p50,
              c.concurrency(),
              rps));
    }
    System.out.println(line);
  }

  /** Differences printed per level at most; the count covers them all. */
  private static final int DIFFERENCES_SHOWN = 20;

  /**
   * Per level, how many query photos the cluster answered otherwise than the embedded server (status, decision or
   * matched sessions; {@link AnswerComparison}), and the first of them with both answers: session ids and
   * percentages only. The two runs send the same photos in the same order, so any difference is the deployments'.
   */
  private static void printAnswerDifferences(
      List<HttpLoadGenerator.LevelResult> embedded, List<HttpLoadGenerator.LevelResult> cluster) {
    StringBuilder line = new StringBuilder("answers");
    for (int i = 0; i < Math.min(embedded.size(), cluster.size()); i++) {
      HttpLoadGenerator.LevelResult e = embedded.get(i);
      HttpLoadGenerator.LevelResult c = cluster.get(i);
      AnswerComparison comparison = AnswerComparison.of(e.answers(), c.answers());
      System.out.printf(
          Locale.ROOT,
          "answers at concurrency %d: %d of %d photos answered differently by the cluster "
              + "(matched: embedded %d, cluster %d)%n",
          e.concurrency(),
          comparison.differences().size(),
          comparison.photos(),
          e.matched(),
          c.matched());
      for (AnswerComparison.Difference d :
          comparison
              .differences()
              .subList(0, Math.min(DIFFERENCES_SHOWN, comparison.differences().size()))) {
        System.out.printf(
            Locale.ROOT,
            "  photo %d: embedded %s, cluster %s%n",
            d.photo(),
            d.first().summary(),
            d.second().summary());
      }
      line.append(
          String.format(
              Locale.ROOT,
              " c%d_photos=%d c%d_differ=%d",
              e.concurrency(),
              comparison.photos(),
              e.concurrency(),
              comparison.differences().size()));
    }
    System.out.println(line);
  }

  private static Path freshDataFolder() throws IOException {
    Path parent = Files.createDirectories(Path.of("target"));
    return Files.createTempDirectory(parent, "bench-http-");
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
