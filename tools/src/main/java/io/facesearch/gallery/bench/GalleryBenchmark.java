package io.facesearch.gallery.bench;

import io.facesearch.gallery.ExactGallery;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.GalleryQuery;
import io.facesearch.gallery.LuceneGallery;
import io.facesearch.gallery.LuceneGalleryConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Builds a {@link LuceneGallery} of N faces and measures it against exact brute-force search ({@link ExactGallery})
 * in the same run. Not a test: {@code facesearch bench gallery --faces N} calls {@link #run} with real mated pairs;
 * {@link #main} runs it from a cached embeddings file, or with synthetic pairs.
 *
 * <p>The gallery holds the mates of the mated pairs plus N - mates {@link Background} vectors, all in one tenant.
 * The queries are new background vectors and the probes. Figures:
 * <ul>
 * <li>build: opening the gallery on an empty directory, i.e. the rebuild from the truth, merge and commit
 *     included;</li>
 * <li>RAM per face: the JVM heap growth (used heap after full GCs, before opening and after building and warming
 *     up; the sketch scan's sketches and 12-bit vectors live there) plus the index files every search reads and
 *     that must stay memory-resident: vector metadata ({@code .vem*}). The float vectors are read only by merges
 *     and for the few hits at a boundary re-scored with them, so they count as disk, not RAM;</li>
 * <li>disk per face: all index files;</li>
 * <li>latency: one search at a time on one thread, after a warm-up, at k=5, at k=10 and as the service searches
 *     ({@link #SERVICE_K} at the match threshold). Each query is searched the three ways one after the other, the
 *     first of them taking turns, so that all three see the same machine: on the development VM the speed of
 *     memory drifts within seconds, and timing each way in a pass of its own had made whichever pass ran first
 *     look slower by up to 0.4 ms;</li>
 * <li>recall@10: mean share of the exact top 10 (by face id) found in the gallery's top 10;</li>
 * <li>rank-1 mate: among probes whose mate exact search ranks first, the share the gallery ranks first.</li>
 * </ul>
 * Its callers (this class's {@code main}, {@code facesearch bench gallery}) print the key=value summary of
 * {@link GalleryBenchmarkResult#summaryLine()} as their last line.
 */
public final class GalleryBenchmark {

  private static final int WARMUP_QUERIES = 200;

  /** The k of the service's searches ({@code FaceSearchService.MAX_COUNTED}), timed at the match threshold. */
  static final int SERVICE_K = 100;

  private GalleryBenchmark() {}

  public static GalleryBenchmarkResult run(
      GalleryBenchmarkConfig cfg, List<MatedPair> mated, Background background, PrintStream out) {
    return compare(cfg, true, Optional.empty(), mated, background, out).lucene().orElseThrow();
  }

  /**
   * Measures the embedded gallery (when {@code lucene}) and the Solr gallery (when {@code solr} is given) over the
   * same faces and queries, against one exact oracle computed first.
   */
  public static GalleryComparison compare(
      GalleryBenchmarkConfig cfg,
      boolean lucene,
      Optional<SolrBenchmarkConfig> solr,
      List<MatedPair> mated,
      Background background,
      PrintStream out) {
    LuceneGalleryConfig galleryConfig = cfg.gallery();
    out.printf(
        Locale.ROOT,
        "gallery benchmark: faces=%d mated_pairs=%d random_queries=%d index=%s "
            + "candidates=%d cores=%d max_heap_mb=%d%n",
        cfg.faces(),
        mated.size(),
        cfg.randomQueries(),
        galleryConfig.vectorsDescription(),
        galleryConfig.searchCandidates(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    out.printf(
        Locale.ROOT,
        "background: %s; impostor scores of 2,000 of its vectors: %s%n",
        background.describe(),
        ImpostorScores.of(background, 2000).describe());
    SyntheticGalleryTruth truth =
        new SyntheticGalleryTruth(cfg.faces(), mated, cfg.seed(), background);
    SearchOracle oracle = SearchOracle.compute(cfg, truth, mated, background, out);
    usedHeapAfterGc(); // let the exact gallery's 2 KB per face go before the heap is measured
    // Solr first: its build is the long one, and its figures are the new ones when a run is cut
    // short.
    Optional<SolrBenchmarkResult> solrResult =
        solr.map(s -> SolrIndexBenchmark.run(s, cfg, truth, oracle, out));
    Optional<GalleryBenchmarkResult> embedded =
        lucene ? Optional.of(lucene(cfg, truth, oracle, out)) : Optional.empty();
    return new GalleryComparison(embedded, solrResult);
  }

  private static GalleryBenchmarkResult lucene(
      GalleryBenchmarkConfig cfg,
      SyntheticGalleryTruth truth,
      SearchOracle oracle,
      PrintStream out) {
    LuceneGalleryConfig galleryConfig = cfg.gallery();
    if (!cfg.reuseIndex()) {
      emptyIndexFolder(cfg.indexDir());
    }
    out.println("embedded (Lucene) gallery:");
    long heapBefore = usedHeapAfterGc();
    long start = System.nanoTime();
    try (LuceneGallery gallery = LuceneGallery.open(cfg.indexDir(), truth, galleryConfig)) {
      double buildSeconds = (System.nanoTime() - start) / 1e9;
      if (cfg.reuseIndex()) {
        out.printf(
            Locale.ROOT, "build: not measured, existing index opened in %.1f s%n", buildSeconds);
        buildSeconds = Double.NaN;
      } else {
        out.printf(
            Locale.ROOT, "build: %.1f s, %.0f faces/s%n", buildSeconds, cfg.faces() / buildSeconds);
      }

      float[][] queries = oracle.queries();
      for (int i = 0; i < Math.min(WARMUP_QUERIES, queries.length); i++) {
        gallery.search(SearchOracle.top10(queries[i]));
      }
      long heapAfter = usedHeapAfterGc();
      double heapPerFace = Math.max(0, heapAfter - heapBefore) / (double) cfg.faces();
      IndexFiles files = IndexFiles.measure(cfg.indexDir(), galleryConfig);
      double residentPerFace = files.residentBytes() / (double) cfg.faces();
      double diskPerFace = files.totalBytes() / (double) cfg.faces();
      out.printf(Locale.ROOT, "index files (bytes per face): %s%n", files.describe(cfg.faces()));
      out.printf(
          Locale.ROOT,
          "ram per face: heap %.0f + resident files %.0f = %.0f bytes; disk %.0f bytes%n",
          heapPerFace,
          residentPerFace,
          heapPerFace + residentPerFace,
          diskPerFace);

      printSweepHeader(cfg, out);
      List<GalleryBenchmarkResult.SearchFigures> sweep = new ArrayList<>();
      GalleryBenchmarkResult.SearchFigures headline = null;
      for (int candidates :
          candidateValues(galleryConfig.searchCandidates(), cfg.candidateSweep())) {
        GalleryBenchmarkResult.SearchFigures figures =
            measure(
                query -> gallery.search(query, candidates),
                candidates,
                oracle,
                (float) cfg.matchThreshold());
        sweep.add(figures);
        if (candidates == galleryConfig.searchCandidates()) {
          headline = figures;
        }
        printSweepRow(figures, out);
      }
      return new GalleryBenchmarkResult(
          cfg.faces(),
          buildSeconds,
          cfg.faces() / buildSeconds,
          heapPerFace,
          residentPerFace,
          heapPerFace + residentPerFace,
          diskPerFace,
          galleryConfig.searchCandidates(),
          headline,
          oracle.exactP50Ms(),
          oracle.exactP99Ms(),
          List.copyOf(sweep)); // the caller prints result.summaryLine() last
    }
  }

  static void printSweepHeader(GalleryBenchmarkConfig cfg, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "candidates  p50_k5_ms  p99_k5_ms  p50_k10_ms  p99_k10_ms  recall10_random  "
            + "recall10_probes  rank1_mate  rank1_mate_at_or_above_%.4f  p50_service_ms  p99_service_ms "
            + "(k=%d, at or above %.4f)%n",
        cfg.matchThreshold(),
        SERVICE_K,
        cfg.matchThreshold());
  }

  static void printSweepRow(GalleryBenchmarkResult.SearchFigures figures, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%10d  %9.3f  %9.3f  %10.3f  %10.3f  %15.4f  %15.4f  %10.4f (%d eligible)"
            + "  %10.4f (%d eligible)  %14.3f  %14.3f%n",
        figures.candidates(),
        figures.p50K5Ms(),
        figures.p99K5Ms(),
        figures.p50K10Ms(),
        figures.p99K10Ms(),
        figures.recallAt10Random(),
        figures.recallAt10Probes(),
        figures.rank1Mate(),
        figures.rank1MateEligible(),
        figures.rank1StrongMate(),
        figures.rank1StrongMateEligible(),
        figures.p50ServiceMs(),
        figures.p99ServiceMs());
  }

  static int[] candidateValues(int headline, int[] sweep) {
    return IntStream.concat(IntStream.of(headline), Arrays.stream(sweep))
        .distinct()
        .sorted()
        .toArray();
  }

  /**
   * Searches every query of {@code oracle} three ways (k=10, k=5, as the service does) with {@code search}, after a
   * warm-up, and compares the top 10 with the exact one.
   *
   * @param candidates the candidate count {@code search} uses, only reported
   */
  static GalleryBenchmarkResult.SearchFigures measure(
      Function<GalleryQuery, List<GalleryMatch>> search,
      int candidates,
      SearchOracle oracle,
      float matchThreshold) {
    float[][] queries = oracle.queries();
    int randoms = oracle.randoms();
    String[][] exactTop10 = oracle.exactTop10();
    boolean[] strongMate = oracle.strongMates();
    GalleryFilter filter = SearchOracle.FILTER;
    for (int i = 0; i < Math.min(WARMUP_QUERIES, queries.length); i++) {
      search.apply(SearchOracle.top10(queries[i]));
    }
    double[] latencyK10 = new double[queries.length];
    double[] latencyK5 = new double[queries.length];
    double[] latencyService = new double[queries.length];
    double[][] latencies = {
      latencyK10, latencyK5, latencyService
    }; // the three ways to search, in this order
    double recallRandom = 0;
    double recallProbes = 0;
    int eligible = 0;
    int mateFirst = 0;
    int strongEligible = 0;
    int strongMateFirst = 0;
    for (int i = 0; i < queries.length; i++) {
      GalleryQuery[] ways = {
        new GalleryQuery(queries[i], SyntheticGalleryTruth.MODEL_ID, 10, -1f, filter),
        new GalleryQuery(queries[i], SyntheticGalleryTruth.MODEL_ID, 5, -1f, filter),
        new GalleryQuery(
            queries[i], SyntheticGalleryTruth.MODEL_ID, SERVICE_K, matchThreshold, filter)
      };
      List<GalleryMatch> matches = List.of(); // the top 10
      for (int turn = 0; turn < ways.length; turn++) {
        int way = (i + turn) % ways.length;
        long t = System.nanoTime();
        List<GalleryMatch> found = search.apply(ways[way]);
        latencies[way][i] = (System.nanoTime() - t) / 1e6;
        if (way == 0) {
          matches = found;
        }
      }
      double recall = recall(matches, exactTop10[i]);
      if (i < randoms) {
        recallRandom += recall;
      } else {
        recallProbes += recall;
        String mateId = SyntheticGalleryTruth.mateId(i - randoms);
        if (exactTop10[i].length > 0 && exactTop10[i][0].equals(mateId)) {
          boolean first = !matches.isEmpty() && matches.get(0).faceId().equals(mateId);
          eligible++;
          mateFirst += first ? 1 : 0;
          if (strongMate[i - randoms]) {
            strongEligible++;
            strongMateFirst += first ? 1 : 0;
          }
        }
      }
    }
    int probes = queries.length - randoms;
    return new GalleryBenchmarkResult.SearchFigures(
        candidates,
        percentile(latencyK5, 50),
        percentile(latencyK5, 99),
        percentile(latencyK10, 50),
        percentile(latencyK10, 99),
        randoms == 0 ? Double.NaN : recallRandom / randoms,
        probes == 0 ? Double.NaN : recallProbes / probes,
        queries.length == 0 ? Double.NaN : (recallRandom + recallProbes) / queries.length,
        eligible == 0 ? Double.NaN : mateFirst / (double) eligible,
        eligible,
        strongEligible == 0 ? Double.NaN : strongMateFirst / (double) strongEligible,
        strongEligible,
        percentile(latencyService, 50),
        percentile(latencyService, 99));
  }

  private static double recall(List<GalleryMatch> matches, String[] exact) {
    if (exact.length == 0) {
      return 1;
    }
    Set<String> expected = new HashSet<>(Arrays.asList(exact));
    int found = 0;
    for (GalleryMatch match : matches) {
      if (expected.contains(match.faceId())) {
        found++;
      }
    }
    return found / (double) exact.length;
  }

  static double percentile(double[] values, double percentile) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Empties the index folder of an earlier run. Only a folder that holds nothing but Lucene index files is
   * emptied: a mistyped {@code --dir} (a data folder, a home folder) is refused, not wiped.
   */
  private static void emptyIndexFolder(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.list(dir)) {
      for (Path p : paths.toList()) {
        String name = p.getFileName().toString();
        boolean indexFile =
            Files.isRegularFile(p)
                && (name.startsWith("_")
                    || name.startsWith("segments")
                    || name.startsWith("pending_segments")
                    || name.equals("write.lock"));
        if (!indexFile) {
          throw new IllegalArgumentException(
              dir
                  + " holds "
                  + name
                  + ", which is not a Lucene index file: "
                  + "give a new or empty folder (or one an earlier run made) as --dir");
        }
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty " + dir, e);
    }
  }

  /** Sizes of the index files by extension. */
  private record IndexFiles(TreeMap<String, Long> bytesByExtension, LuceneGalleryConfig config) {

    static IndexFiles measure(Path dir, LuceneGalleryConfig config) {
      TreeMap<String, Long> sizes = new TreeMap<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) {
          String name = file.getFileName().toString();
          int dot = name.lastIndexOf('.');
          String ext = dot < 0 ? name : name.substring(dot + 1);
          if (ext.startsWith("segments") || name.startsWith("segments")) {
            ext = "segments";
          }
          sizes.merge(ext, Files.size(file), Long::sum);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new IndexFiles(sizes, config);
    }

    long totalBytes() {
      return bytesByExtension.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The files every search reads through the page cache: vector metadata. The sketch scan's {@code .fsk} is
     * read onto the heap when a segment opens and is counted there.
     */
    long residentBytes() {
      long bytes = 0;
      for (var e : bytesByExtension.entrySet()) {
        String ext = e.getKey();
        if (ext.startsWith("vem")) {
          bytes += e.getValue();
        }
      }
      return bytes;
    }

    String describe(int faces) {
      StringBuilder sb = new StringBuilder();
      for (var e : bytesByExtension.entrySet()) {
        sb.append(
            String.format(Locale.ROOT, "%s=%.1f ", e.getKey(), e.getValue() / (double) faces));
      }
      return sb.toString().trim();
    }
  }

  /**
   * Runs the benchmark without the face pipeline. With {@code --embeddings FILE} (a {@link LabelledEmbeddings}
   * file, as {@code facesearch bench gallery} caches it) the mated pairs are real and the background is fitted to
   * the real embeddings; without it the probe is a uniformly random unit vector and the mate is
   * {@code normalize(probe + noise)} with the noise scaled so that their cosine similarity is about
   * {@code --mate-similarity}. {@code --background uniform} forces a uniform background. Options:
   * {@code --faces N --mated P --queries Q --candidates C --sweep C1,C2,..
   * --mate-similarity S --seed S --ram-mb MB --dir PATH --embeddings FILE --background uniform|face-like
   * --reuse-index true|false}.
   */
  public static void main(String[] args) throws IOException {
    int faces = 100_000;
    int matedCount = 1000;
    double mateSimilarity = 0.5;
    GalleryBenchmarkConfig defaults =
        GalleryBenchmarkConfig.defaults(faces, Path.of("target/bench-gallery"));
    LuceneGalleryConfig gallery = defaults.gallery();
    long seed = defaults.seed();
    int queries = defaults.randomQueries();
    int[] sweep = new int[0];
    Path dir = defaults.indexDir();
    int candidates = gallery.searchCandidates();
    Path embeddingsFile = null;
    String backgroundName = null;
    boolean reuse = false;
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--faces" -> faces = Integer.parseInt(value);
        case "--mated" -> matedCount = Integer.parseInt(value);
        case "--queries" -> queries = Integer.parseInt(value);
        case "--candidates" -> candidates = Integer.parseInt(value);
        case "--sweep" ->
            sweep = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
        case "--mate-similarity" -> mateSimilarity = Double.parseDouble(value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--ram-mb" -> gallery = gallery.withRamBufferMb(Double.parseDouble(value));
        case "--dir" -> dir = Path.of(value);
        case "--embeddings" -> embeddingsFile = Path.of(value);
        case "--background" -> backgroundName = value;
        case "--reuse-index" -> reuse = Boolean.parseBoolean(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    gallery = gallery.withSearchCandidates(candidates);
    List<MatedPair> mated;
    Background background;
    if (embeddingsFile != null) {
      LabelledEmbeddings real = LabelledEmbeddings.read(embeddingsFile);
      mated = real.matedPairs(matedCount);
      background =
          Background.named(backgroundName == null ? "face-like" : backgroundName, real.vectors());
      System.out.printf(
          Locale.ROOT,
          "real embeddings: %d (%s), %d mated pairs; impostor scores of one photo "
              + "per person: %s%n",
          real.vectors().size(),
          real.modelId(),
          mated.size(),
          ImpostorScores.of(real.onePerPerson()).describe());
    } else {
      if ("face-like".equals(backgroundName)) {
        throw new IllegalArgumentException("--background face-like needs --embeddings FILE");
      }
      mated = syntheticMatedPairs(matedCount, mateSimilarity, seed + 1, gallery.dimensions());
      background = Background.uniform(gallery.dimensions());
    }
    GalleryBenchmarkConfig cfg =
        new GalleryBenchmarkConfig(
            faces,
            seed,
            dir,
            gallery,
            queries,
            defaults.exactLatencyQueries(),
            sweep,
            defaults.matchThreshold(),
            reuse);
    System.out.println(run(cfg, mated, background, System.out).summaryLine());
  }

  /** Pairs whose cosine similarity is about {@code similarity}: mate = normalize(probe + noise). */
  public static List<MatedPair> syntheticMatedPairs(
      int count, double similarity, long seed, int dims) {
    // For a unit probe and independent noise of norm r, cos(probe, probe + noise) ~ 1 / sqrt(1 +
    // r^2).
    double noiseNorm = Math.sqrt(1 / (similarity * similarity) - 1);
    SplittableRandom random = new SplittableRandom(seed);
    List<MatedPair> pairs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      float[] probe = SyntheticGalleryTruth.randomUnitVector(random.nextLong(), dims);
      float[] noise = SyntheticGalleryTruth.randomUnitVector(random.nextLong(), dims);
      float[] mate = new float[dims];
      for (int d = 0; d < dims; d++) {
        mate[d] = probe[d] + (float) noiseNorm * noise[d];
      }
      pairs.add(new MatedPair(probe, SyntheticGalleryTruth.normalize(mate)));
    }
    return pairs;
  }
}
