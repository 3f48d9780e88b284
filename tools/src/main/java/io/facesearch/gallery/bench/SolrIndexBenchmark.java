package io.facesearch.gallery.bench;

import io.facesearch.gallery.solr.SolrCloudProcess;
import io.facesearch.gallery.solr.SolrGallery;
import io.facesearch.gallery.solr.SolrGalleryConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.solr.common.cloud.SolrZkClient;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * The Solr half of {@code bench gallery --index solr|both}: starts a one-node SolrCloud (solr-runner, a JVM of its
 * own, so that Solr's Lucene 9 never meets the gallery's Lucene 10), builds the benchmark's faces into a
 * {@link SolrGallery} of one shard and one replica, and measures it against the run's {@link SearchOracle} with the
 * same queries and figures as the embedded gallery. RAM is read from the Solr process itself: the used heap after a
 * full GC ({@code jcmd GC.run}, then Solr's metrics API) and the resident set ({@code /proc/PID/status}).
 */
final class SolrIndexBenchmark {

  private static final String COLLECTION = "bench";
  private static final String RUNNER_CLASS = "io.facesearch.solrrunner.SolrCloudRunner";
  private static final int WARMUP_QUERIES = 200;
  private static final Set<String> OWN_FILES = Set.of("cluster", "solr.log");

  private SolrIndexBenchmark() {}

  static SolrBenchmarkResult run(
      SolrBenchmarkConfig solr,
      GalleryBenchmarkConfig cfg,
      SyntheticGalleryTruth truth,
      SearchOracle oracle,
      PrintStream out) {
    emptySolrFolder(solr.dir());
    SolrHnsw shipped = SolrHnsw.shipped();
    out.printf(
        Locale.ROOT,
        "solr gallery: 1 node (%s), collection of 1 shard x 1 replica, configset %s (%s%s)%n",
        solr.heap(),
        SolrGallery.CONFIGSET,
        solr.hnsw(),
        solr.hnsw().equals(shipped) ? ", as shipped" : "; shipped: " + shipped + ", this run only");
    try (SolrCloudProcess cloud = SolrCloudProcess.start(solr.dir(), 1, solr.heap());
        SolrGallery gallery = openWith(cloud, solr)) {
      SolrHnsw used = collectionHnsw(cloud.nodes().get(0));
      if (!used.equals(solr.hnsw())) {
        throw new IllegalStateException(
            "the collection's vector field has "
                + used
                + ", not the "
                + solr.hnsw()
                + " asked for");
      }
      long start = System.nanoTime();
      gallery.rebuild(new ProgressTruth(truth, Math.max(1, cfg.faces() / 20), "solr build", out));
      double buildSeconds = (System.nanoTime() - start) / 1e9;
      out.printf(
          Locale.ROOT,
          "solr build: %.1f s, %.0f faces/s (load average %s)%n",
          buildSeconds,
          cfg.faces() / buildSeconds,
          loadAverage());

      double mergeSeconds = 0;
      if (solr.optimize()) {
        long mergeStart = System.nanoTime();
        forceMerge(cloud.nodes().get(0));
        mergeSeconds = (System.nanoTime() - mergeStart) / 1e9;
        out.printf(
            Locale.ROOT,
            "solr merge to one segment (optimize, as after a bulk load): %.1f s (load average %s)%n",
            mergeSeconds,
            loadAverage());
      } else {
        out.println(
            "solr: no optimize; measured as the build leaves it once Solr's own merges settle");
      }
      double waited = awaitMerges(solr.dir().resolve("cluster"), 900);
      out.printf(
          Locale.ROOT,
          "solr merges after the build: settled %.0f s later (load average %s)%n",
          waited,
          loadAverage());
      if (!solr.optimize()) {
        gallery.commit(); // a new searcher over the segments the background merges left
      }
      float[][] queries = oracle.queries();
      for (int i = 0; i < Math.min(WARMUP_QUERIES, queries.length); i++) {
        gallery.search(SearchOracle.top10(queries[i]));
      }
      long pid = runnerPid();
      long heapUsed = heapUsedAfterGc(pid, out);
      long rss = residentBytes(pid);
      TreeMap<String, Long> files = indexFiles(solr.dir().resolve("cluster"));
      long indexBytes = files.values().stream().mapToLong(Long::longValue).sum();
      out.printf(
          Locale.ROOT,
          "solr index files (bytes per face): %s; %d segments%n",
          describe(files, cfg.faces()),
          files.containsKey("si") ? segments(solr.dir().resolve("cluster")) : 0);
      out.printf(
          Locale.ROOT,
          "solr ram: heap used %.0f MB after a full GC (%.0f bytes per face), RSS %.0f MB (%.0f bytes per "
              + "face); disk: index %.1f MB (%.0f bytes per face)%n",
          heapUsed / 1048576.0,
          heapUsed / (double) cfg.faces(),
          rss / 1048576.0,
          rss / (double) cfg.faces(),
          indexBytes / 1048576.0,
          indexBytes / (double) cfg.faces());

      GalleryBenchmark.printSweepHeader(cfg, out);
      List<GalleryBenchmarkResult.SearchFigures> sweep = new ArrayList<>();
      GalleryBenchmarkResult.SearchFigures headline = null;
      for (int candidates :
          GalleryBenchmark.candidateValues(solr.candidates(), solr.candidateSweep())) {
        try (SolrGallery searcher = SolrGallery.open(config(cloud, candidates))) {
          GalleryBenchmarkResult.SearchFigures figures =
              GalleryBenchmark.measure(
                  searcher::search, candidates, oracle, (float) cfg.matchThreshold());
          sweep.add(figures);
          if (candidates == solr.candidates()) {
            headline = figures;
          }
          GalleryBenchmark.printSweepRow(figures, out);
        }
      }
      return new SolrBenchmarkResult(
          cfg.faces(),
          solr.heap(),
          buildSeconds,
          mergeSeconds,
          cfg.faces() / buildSeconds,
          heapUsed,
          rss,
          indexBytes,
          heapUsed / (double) cfg.faces(),
          rss / (double) cfg.faces(),
          indexBytes / (double) cfg.faces(),
          solr.candidates(),
          headline,
          List.copyOf(sweep));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * The run's gallery. With HNSW parameters other than the shipped ones, the variant configset is uploaded first
   * under the shipped configset's name: {@link SolrGallery#open} uploads its own only when that name is missing, and
   * so creates the collection with the variant. The cloud is this run's own, emptied before it started.
   */
  private static SolrGallery openWith(SolrCloudProcess cloud, SolrBenchmarkConfig solr)
      throws InterruptedException {
    if (!solr.hnsw().equals(SolrHnsw.shipped())) {
      try (SolrZkClient zk =
          new SolrZkClient.Builder()
              .withUrl(cloud.zkHost())
              .withTimeout(30, TimeUnit.SECONDS)
              .withConnTimeOut(30, TimeUnit.SECONDS)
              .build()) {
        String configset = "/configs/" + SolrGallery.CONFIGSET + "/";
        // The schema last, as SolrGallery does: its presence marks a complete upload.
        zk.makePath(
            configset + "solrconfig.xml",
            SolrHnsw.shippedFile("solrconfig.xml").getBytes(StandardCharsets.UTF_8),
            CreateMode.PERSISTENT,
            true);
        zk.makePath(
            configset + "schema.xml",
            solr.hnsw().schema().getBytes(StandardCharsets.UTF_8),
            CreateMode.PERSISTENT,
            true);
      } catch (KeeperException e) {
        throw new IllegalStateException("cannot upload the configset variant: " + e, e);
      }
    }
    return SolrGallery.open(config(cloud, solr.candidates()));
  }

  private static SolrGalleryConfig config(SolrCloudProcess cloud, int candidates) {
    return new SolrGalleryConfig(cloud.zkHost(), COLLECTION, 1, 1, candidates);
  }

  /** The solr-runner JVM this process started (its command line read from {@code /proc}). */
  private static long runnerPid() {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> commandLine(p.pid()).contains(RUNNER_CLASS))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("the solr-runner process was not found"))
        .pid();
  }

  private static String commandLine(long pid) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Forces a full GC in the Solr JVM ({@code jcmd PID GC.run}), then reads the used heap of its generations from
   * {@code jcmd PID GC.heap_info}; -1 (and a line saying why) when either fails, so that a long run keeps its other
   * figures.
   */
  private static long heapUsedAfterGc(long pid, PrintStream out) throws InterruptedException {
    try {
      jcmd(pid, "GC.run");
      long used = 0;
      boolean found = false;
      for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
        Matcher m = GENERATION_USED.matcher(line);
        if (m.find()) {
          used += Long.parseLong(m.group(1)) * 1024;
          found = true;
        }
      }
      if (!found) {
        out.println("solr ram: no generation in jcmd GC.heap_info; heap used not measured");
        return -1;
      }
      return used;
    } catch (IOException | RuntimeException e) {
      out.println("solr ram: heap used not measured: " + e);
      return -1;
    }
  }

  /**
   * A generation's line of {@code GC.heap_info} ("DefNew total 116352K, used 28585K [...", "Tenured total ...": the
   * Serial collector the runner uses); the indented lines under it are its spaces, and Metaspace has no total.
   */
  private static final Pattern GENERATION_USED =
      Pattern.compile("^\\S.*\\btotal\\s+\\d+K,\\s+used\\s+(\\d+)K");

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Process p =
        new ProcessBuilder(java.resolveSibling("jcmd").toString(), String.valueOf(pid), command)
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " " + command + " failed");
    }
    return output;
  }

  /**
   * Waits (at most {@code maxSeconds}) until the merges the build started are done: no temporary merge files and
   * the same segment files for 30 s, so that search, RAM and disk are measured on the index as it stays.
   */
  private static double awaitMerges(Path cluster, int maxSeconds)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    java.util.Set<String> last = Set.of();
    long stableSince = System.nanoTime();
    while ((System.nanoTime() - start) / 1e9 < maxSeconds) {
      java.util.Set<String> now;
      try (Stream<Path> paths = Files.walk(cluster)) {
        now =
            paths
                .filter(SolrIndexBenchmark::isIndexFile)
                .map(p -> p.getFileName().toString())
                .collect(java.util.stream.Collectors.toSet());
      }
      boolean merging = now.stream().anyMatch(n -> n.endsWith(".tmp"));
      if (merging || !now.equals(last)) {
        stableSince = System.nanoTime();
        last = now;
      } else if ((System.nanoTime() - stableSince) / 1e9 >= 30) {
        break;
      }
      Thread.sleep(2000);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Merges the collection into one segment ({@code optimize}) and waits for the new searcher. A rebuild leaves
   * dozens of small segments (a hard autoCommit every 15 s), each searched with its own HNSW graph and its own
   * topK; Solr's background merges would take hours to catch up on a loaded 2-core machine, so the benchmark
   * measures the index as it stands after a bulk load followed by an optimize, and times the optimize apart.
   */
  /** The collection's HNSW parameters, read back from Solr's schema API (attributes in either order). */
  private static SolrHnsw collectionHnsw(String nodeUrl) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    nodeUrl + "/" + COLLECTION + "/schema/fieldtypes/face_vector_512?wt=json"))
            .timeout(Duration.ofSeconds(30))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    Matcher m =
        Pattern.compile("\"hnswMaxConnections\"\\s*:\\s*\"?(\\d+)").matcher(response.body());
    Matcher beam = Pattern.compile("\"hnswBeamWidth\"\\s*:\\s*\"?(\\d+)").matcher(response.body());
    if (response.statusCode() != 200 || !m.find() || !beam.find()) {
      throw new IOException(
          "no HNSW parameters in the schema API's answer: HTTP "
              + response.statusCode()
              + " "
              + response.body());
    }
    return new SolrHnsw(Integer.parseInt(m.group(1)), Integer.parseInt(beam.group(1)));
  }

  private static void forceMerge(String nodeUrl) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    nodeUrl
                        + "/"
                        + COLLECTION
                        + "/update?optimize=true&maxSegments=1&waitSearcher=true&wt=json"))
            .timeout(Duration.ofHours(3))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("optimize failed: HTTP " + response.statusCode());
    }
  }

  /** VmRSS of /proc/PID/status, in bytes. */
  private static long residentBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        String[] f = line.substring("VmRSS:".length()).trim().split("\\s+");
        return Long.parseLong(f[0]) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for process " + pid);
  }

  /**
   * The bytes of the collection's index folders ({@code .../data/index*}) by file extension; the transaction log is
   * not counted.
   */
  private static TreeMap<String, Long> indexFiles(Path cluster) throws IOException {
    TreeMap<String, Long> sizes = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(cluster)) {
      for (Path p : paths.filter(SolrIndexBenchmark::isIndexFile).toList()) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext =
            name.startsWith("segments") ? "segments" : dot < 0 ? name : name.substring(dot + 1);
        sizes.merge(ext, Files.size(p), Long::sum);
      }
    }
    return sizes;
  }

  private static long segments(Path cluster) throws IOException {
    try (Stream<Path> paths = Files.walk(cluster)) {
      return paths
          .filter(SolrIndexBenchmark::isIndexFile)
          .filter(p -> p.getFileName().toString().endsWith(".si"))
          .count();
    }
  }

  private static boolean isIndexFile(Path p) {
    return Files.isRegularFile(p)
        && p.toString().contains(COLLECTION + "_shard")
        && p.getParent().getFileName().toString().startsWith("index");
  }

  private static String describe(TreeMap<String, Long> files, int faces) {
    StringBuilder sb = new StringBuilder();
    files.forEach(
        (ext, bytes) ->
            sb.append(String.format(Locale.ROOT, "%s=%.1f ", ext, bytes / (double) faces)));
    return sb.toString().trim();
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /**
   * Empties the Solr folder of an earlier run. Only a folder holding nothing but what this benchmark writes
   * ({@code cluster/}, {@code solr.log}) is emptied: a mistyped {@code --solr-dir} is refused, not wiped.
   */
  private static void emptySolrFolder(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.toList()) {
        if (!OWN_FILES.contains(p.getFileName().toString())) {
          throw new IllegalArgumentException(
              dir
                  + " holds "
                  + p.getFileName()
                  + ", which an earlier Solr benchmark did not write: give a new or empty folder");
        }
      }
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          if (!p.equals(dir)) {
            Files.delete(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + dir, e);
    }
  }
}
