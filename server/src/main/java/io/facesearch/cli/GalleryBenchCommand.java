package io.facesearch.cli;

import io.facesearch.gallery.bench.GalleryBenchmark;
import io.facesearch.gallery.bench.GalleryBenchmarkConfig;
import io.facesearch.gallery.bench.GalleryBenchmarkResult;
import io.facesearch.gallery.bench.MatedPair;
import io.facesearch.image.ImageDecoder;
import io.facesearch.pipeline.Analysis;
import io.facesearch.pipeline.FacePipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facesearch bench gallery --faces N}: builds a gallery of N faces (synthetic unit vectors plus real
 * LFW embeddings as mated pairs) and measures build, memory, latency, recall and rank-1 mate rate.
 */
@Command(name = "gallery", mixinStandardHelpOptions = true, description = "1:N search benchmark of the face gallery.")
final class GalleryBenchCommand implements Callable<Integer> {

  @Option(names = "--faces", required = true, description = "Gallery size N.")
  int faces;

  @Option(names = "--images", description = "LFW-style folder of <Name>/<Name>_NNNN.jpg for the mated pairs "
      + "(default: ../shared/data/lfw-dev/images).")
  Path images = Path.of("../shared/data/lfw-dev/images");

  @Option(names = "--mated", description = "Mated pairs at most: one per person with two or more photos (default: 1000).")
  int mated = 1000;

  @Option(names = "--dir", description = "Where the index is built; emptied first (default: target/bench-gallery).")
  Path dir = Path.of("target/bench-gallery");

  @Option(names = "--seed", description = "Seed of the synthetic vectors and queries (default: 42).")
  long seed = 42;

  @Mixin
  PipelineOptions pipelineOptions;

  @Override
  public Integer call() throws Exception {
    System.out.printf(Locale.ROOT, "machine: %d cores, load average: %s, max heap %d MB%n",
        Runtime.getRuntime().availableProcessors(), MachineLoad.loadAverage(), Runtime.getRuntime().maxMemory() >> 20);
    List<MatedPair> pairs;
    try (FacePipeline pipeline = pipelineOptions.load()) {
      pairs = matedPairs(pipeline);
    }
    System.out.printf(Locale.ROOT, "mated pairs: %d real LFW pairs (first two photos of a person)%n", pairs.size());
    GalleryBenchmarkConfig defaults = GalleryBenchmarkConfig.defaults(faces, dir);
    GalleryBenchmarkConfig cfg = new GalleryBenchmarkConfig(faces, seed, dir, defaults.gallery(),
        defaults.randomQueries(), defaults.exactLatencyQueries(), new int[0]);
    GalleryBenchmarkResult result = GalleryBenchmark.run(cfg, pairs, System.out);
    System.out.printf(Locale.ROOT, "load average after: %s%n", MachineLoad.loadAverage());
    System.out.println(result.summaryLine());
    return 0;
  }

  private List<MatedPair> matedPairs(FacePipeline pipeline) throws IOException {
    ImageDecoder decoder = new ImageDecoder();
    List<Path> people;
    try (Stream<Path> s = Files.list(images)) {
      people = s.filter(Files::isDirectory).sorted().toList();
    }
    List<MatedPair> pairs = new ArrayList<>();
    for (Path person : people) {
      if (pairs.size() >= mated) {
        break;
      }
      List<Path> photos;
      try (Stream<Path> s = Files.list(person)) {
        photos = s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(2).toList();
      }
      if (photos.size() < 2) {
        continue;
      }
      float[] probe = embed(pipeline, decoder, photos.get(0));
      float[] mate = embed(pipeline, decoder, photos.get(1));
      if (probe != null && mate != null) {
        pairs.add(new MatedPair(probe, mate));
      }
    }
    return pairs;
  }

  private static float[] embed(FacePipeline pipeline, ImageDecoder decoder, Path photo) {
    try {
      Analysis a = pipeline.analyze(decoder.decode(Files.readAllBytes(photo)), false);
      return a.hasFace() ? a.largestFace().embedding().vector() : null;
    } catch (Exception e) {
      return null;
    }
  }
}
