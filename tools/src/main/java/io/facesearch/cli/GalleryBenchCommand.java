package io.facesearch.cli;

import io.facesearch.gallery.bench.Background;
import io.facesearch.gallery.bench.GalleryBenchmark;
import io.facesearch.gallery.bench.GalleryBenchmarkConfig;
import io.facesearch.gallery.bench.GalleryComparison;
import io.facesearch.gallery.bench.ImpostorScores;
import io.facesearch.gallery.bench.LabelledEmbeddings;
import io.facesearch.gallery.bench.MatedPair;
import io.facesearch.gallery.bench.SolrBenchmarkConfig;
import io.facesearch.gallery.bench.SolrHnsw;
import io.facesearch.gallery.solr.SolrGalleryConfig;
import io.facesearch.image.ImageDecoder;
import io.facesearch.image.ImageRejectedException;
import io.facesearch.pipeline.Analysis;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.search.SimilarityScale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facesearch bench gallery --faces N}: builds a gallery of N faces and measures build, memory, latency, recall
 * and rank-1 mate rate. The mated pairs are real: the first two photos of each LFW person with two or more. The rest
 * of the gallery and the random queries are synthetic, by default face-like (a Gaussian fitted to the embeddings of
 * every LFW photo, see {@link Background}), or uniformly random unit vectors with {@code --background uniform}.
 * The LFW embeddings are cached in {@code --embeddings} and reused while the model id is the same.
 *
 * <p>{@code --index solr|both} also (or only) measures the SolrCloud gallery (one node, one shard, in a JVM of its
 * own) with the same faces and queries; the last lines are the key=value summaries, Solr's first (prefixed
 * {@code solr}), the embedded gallery's last.
 */
@Command(
    name = "gallery",
    mixinStandardHelpOptions = true,
    description = "1:N search benchmark of the face gallery.")
final class GalleryBenchCommand implements Callable<Integer> {

  @Option(names = "--faces", required = true, description = "Gallery size N.")
  int faces;

  @Option(
      names = "--images",
      description =
          "LFW-style folder of <Name>/<Name>_NNNN.jpg for the mated pairs "
              + "(default: ../shared/data/lfw-dev/images).")
  Path images = Path.of("../shared/data/lfw-dev/images");

  @Option(
      names = "--embeddings",
      description =
          "Cache of the embeddings of --images (default: "
              + "target/bench-gallery-embeddings.bin); computed when missing or made by another model.")
  Path embeddingsCache = Path.of("target/bench-gallery-embeddings.bin");

  @Option(
      names = "--mated",
      description = "Mated pairs at most: one per person with two or more photos (default: 1000).")
  int mated = 1000;

  @Option(names = "--background", description = "Synthetic faces: face-like (default) or uniform.")
  String background = "face-like";

  @Option(
      names = "--candidates",
      split = ",",
      description =
          "Candidate counts (candidates re-scored with byte "
              + "vectors) to measure besides the default.")
  int[] sweep = new int[0];

  @Option(
      names = "--dir",
      description = "Where the index is built; emptied first (default: target/bench-gallery).")
  Path dir = Path.of("target/bench-gallery");

  @Option(
      names = "--reuse-index",
      description =
          "Open the index left in --dir by an earlier run with the same "
              + "settings instead of building it (build time is then not measured).")
  boolean reuseIndex;

  @Option(
      names = "--seed",
      description = "Seed of the synthetic vectors and queries (default: 42).")
  long seed = 42;

  @Option(
      names = "--index",
      description =
          "Which gallery to measure: lucene (the embedded gallery, default), solr (a one-node SolrCloud of "
              + "solr-runner, one shard) or both, over the same faces, queries and exact oracle.")
  IndexChoice index = IndexChoice.lucene;

  @Option(
      names = "--solr-dir",
      description =
          "Folder of the SolrCloud of --index solr|both; emptied first (default: target/bench-gallery-solr).")
  Path solrDir = Path.of("target/bench-gallery-solr");

  @Option(
      names = "--solr-heap",
      description =
          "Heap of the Solr JVM (default: 3g; the vectors are read through the page cache).")
  String solrHeap = "3g";

  @Option(
      names = "--solr-candidates",
      description =
          "Candidate count (knn topK) of the Solr headline figures (default: the gallery's default).")
  int solrCandidates = SolrGalleryConfig.DEFAULT_CANDIDATES;

  @Option(
      names = "--solr-sweep",
      split = ",",
      description = "Further Solr candidate counts to measure.")
  int[] solrSweep = new int[0];

  @Option(
      names = "--solr-no-optimize",
      description =
          "Measure the Solr index as a node's fill leaves it, after Solr's own merges settle (up to 15 minutes),"
              + " instead of merged into one segment first.")
  boolean solrNoOptimize;

  @Option(
      names = "--solr-hnsw",
      paramLabel = "M/BEAM",
      converter = SolrHnswConverter.class,
      description =
          "HNSW parameters of the Solr vector field for this run, e.g. 32/200 (default: the shipped configset's)."
              + " A variant of the shipped configset is uploaded for the run's collection.")
  SolrHnsw solrHnsw = SolrHnsw.shipped();

  /** Reads {@code --solr-hnsw}. */
  static final class SolrHnswConverter implements CommandLine.ITypeConverter<SolrHnsw> {
    @Override
    public SolrHnsw convert(String value) {
      return SolrHnsw.parse(value);
    }
  }

  /** The galleries {@code --index} chooses. */
  enum IndexChoice {
    lucene,
    solr,
    both
  }

  @Mixin PipelineOptions pipelineOptions;

  @Override
  public Integer call() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, load average: %s, max heap %d MB%n",
        Runtime.getRuntime().availableProcessors(),
        MachineLoad.loadAverage(),
        Runtime.getRuntime().maxMemory() >> 20);
    LabelledEmbeddings real = realEmbeddings();
    List<MatedPair> pairs = real.matedPairs(mated);
    System.out.printf(
        Locale.ROOT,
        "real embeddings: %d photos of %s; %d mated pairs (first two photos of a person)%n",
        real.vectors().size(),
        images,
        pairs.size());
    System.out.printf(
        Locale.ROOT,
        "real impostor scores (one photo per person): %s%n",
        ImpostorScores.of(real.onePerPerson()).describe());
    GalleryBenchmarkConfig defaults = GalleryBenchmarkConfig.defaults(faces, dir);
    Background synthetic = Background.named(background, real.vectors());
    GalleryBenchmarkConfig cfg =
        new GalleryBenchmarkConfig(
            faces,
            seed,
            dir,
            defaults.gallery(),
            defaults.randomQueries(),
            defaults.exactLatencyQueries(),
            sweep,
            SimilarityScale.cosine(70),
            reuseIndex);
    Optional<SolrBenchmarkConfig> solr =
        index == IndexChoice.lucene
            ? Optional.empty()
            : Optional.of(
                new SolrBenchmarkConfig(
                    solrDir,
                    "-Xmx" + solrHeap,
                    solrCandidates,
                    solrSweep,
                    !solrNoOptimize,
                    solrHnsw));
    GalleryComparison result =
        GalleryBenchmark.compare(
            cfg, index != IndexChoice.solr, solr, pairs, synthetic, System.out);
    System.out.printf(Locale.ROOT, "load average after: %s%n", MachineLoad.loadAverage());
    result.solr().ifPresent(r -> System.out.println(r.summaryLine()));
    result.lucene().ifPresent(r -> System.out.println(r.summaryLine()));
    return 0;
  }

  /** The embedding of the largest face of every photo of {@link #images}, from the cache when it is current. */
  private LabelledEmbeddings realEmbeddings() throws IOException {
    try (FacePipeline pipeline = pipelineOptions.load()) {
      String modelId = pipeline.embeddingModelId();
      if (Files.exists(embeddingsCache)) {
        LabelledEmbeddings cached = LabelledEmbeddings.read(embeddingsCache);
        if (cached.modelId().equals(modelId)) {
          return cached;
        }
      }
      ImageDecoder decoder = new ImageDecoder();
      List<String> people = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      List<Path> folders;
      try (Stream<Path> s = Files.list(images)) {
        folders = s.filter(Files::isDirectory).sorted().toList();
      }
      for (Path person : folders) {
        List<Path> photos;
        try (Stream<Path> s = Files.list(person)) {
          photos = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        for (Path photo : photos) {
          float[] embedding = embed(pipeline, decoder, photo);
          if (embedding != null) {
            people.add(person.getFileName().toString());
            vectors.add(embedding);
          }
        }
      }
      LabelledEmbeddings computed = new LabelledEmbeddings(modelId, people, vectors);
      Files.createDirectories(embeddingsCache.toAbsolutePath().getParent());
      computed.write(embeddingsCache);
      return computed;
    }
  }

  private static float[] embed(FacePipeline pipeline, ImageDecoder decoder, Path photo) {
    try {
      Analysis a = pipeline.analyze(decoder.decode(Files.readAllBytes(photo)), false);
      return a.hasFace() ? a.largestFace().embedding().vector() : null;
    } catch (IOException | ImageRejectedException | RuntimeException e) {
      return null; // unreadable photos are skipped, as in eval lfw
    }
  }
}
