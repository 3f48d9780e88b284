package io.facesearch.cli;

import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.bench.HttpLoadBenchmark;
import io.facesearch.bench.SyntheticFaceSeeder;
import io.facesearch.pipeline.FacePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facesearch bench http}: latency and throughput of {@code POST /v3/face-search/} over real HTTP on loopback
 * with N enrolled faces, per client concurrency (see {@link HttpLoadBenchmark}).
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

  @Mixin PipelineOptions pipelineOptions;

  @Override
  public Integer call() throws Exception {
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
    try (FacePipeline pipeline = pipelineOptions.load();
        Node node =
            Node.open(
                NodeSettings.of(folder).withLimits(HttpLoadBenchmark.UNTHROTTLED),
                Clock.systemUTC())) {
      node.services(pipeline);
      result = new HttpLoadBenchmark(node, System.out).run(cfg, photos);
    } finally {
      if (freshFolder && !keepData) {
        deleteTree(folder);
      }
    }
    System.out.printf(Locale.ROOT, "load average after: %s%n", MachineLoad.loadAverage());
    System.out.println(result.summaryLine());
    return result.errors() == 0 ? 0 : 1;
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
