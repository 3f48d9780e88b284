package io.facesearch.cli;

import io.facesearch.accounts.AppSettings;
import io.facesearch.embed.FaceEmbedder;
import io.facesearch.eval.DetPlot;
import io.facesearch.eval.FaceSamples;
import io.facesearch.eval.LfwEvaluation;
import io.facesearch.eval.LfwPairs;
import io.facesearch.eval.OpenSetIdentification;
import io.facesearch.gallery.GalleryTruth;
import io.facesearch.gallery.LuceneGallery;
import io.facesearch.pipeline.FaceModels;
import io.facesearch.pipeline.FacePipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facesearch eval lfw --images DIR --pairs FILE}: verification accuracy on an LFW-style benchmark. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Measure accuracy.",
    subcommands = {EvalCommand.Lfw.class, EvalCommand.Calibrate.class, EvalCommand.Identify.class})
final class EvalCommand {

  @Command(
      name = "lfw",
      mixinStandardHelpOptions = true,
      description =
          "k-fold verification accuracy, TAR at FAR 1e-2/1e-3, EER on an LFW-style pairs file.")
  static final class Lfw implements Callable<Integer> {

    @Option(
        names = "--images",
        required = true,
        description = "Folder holding <Name>/<Name>_NNNN.jpg.")
    Path images;

    @Option(
        names = "--pairs",
        required = true,
        description = "Pairs file in LFW pairs.txt format (any number of folds).")
    Path pairs;

    @Option(
        names = "--threads",
        description = "Images embedded in parallel (default: number of cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(
        names = "--cache",
        description =
            "Embedding cache of eval identify for this folder (default: used when "
                + "~/.cache/facesearch/eval/<folder>.bin exists; only with the default pipeline options).")
    Path cache;

    @Mixin PipelineOptions pipelineOptions;

    @Override
    public Integer call() throws Exception {
      LfwPairs pairList = LfwPairs.read(pairs);
      System.out.printf(
          "%d pairs in %d folds, %d images; embedding with %s%n",
          pairList.pairs().size(),
          pairList.folds(),
          pairList.images().size(),
          pipelineOptions.channelOrder + (pipelineOptions.flip ? "+flip" : ""));
      LfwEvaluation.Result r;
      String model;
      Path cacheFile = cache != null ? cache : defaultCache(images);
      if (Files.isRegularFile(cacheFile)
          && !pipelineOptions.flip
          && pipelineOptions.channelOrder == FaceEmbedder.ChannelOrder.BGR) {
        FaceModels models = FaceModels.load(FaceModels.locate(), 1);
        try (FacePipeline pipeline =
            new FacePipeline(models, FaceEmbedder.ChannelOrder.BGR, false)) {
          FaceEmbedder flip =
              new FaceEmbedder(models.feature(), FaceEmbedder.ChannelOrder.BGR, true);
          java.util.Map<String, float[]> byPath = new java.util.HashMap<>();
          for (FaceSamples.Sample s :
              FaceSamples.load(pipeline, flip, images, cacheFile, threads, System.out)) {
            byPath.put(s.path(), s.plain());
          }
          r = LfwEvaluation.run(pairList, byPath::get);
          model = pipeline.embeddingModelId();
        }
      } else {
        try (FacePipeline pipeline = pipelineOptions.load()) {
          r = new LfwEvaluation(pipeline, threads).run(images, pairList, System.out);
          model = pipeline.embeddingModelId();
        }
      }
      System.out.printf(Locale.ROOT, "model: %s%n", model);
      System.out.printf(
          Locale.ROOT,
          "accuracy (%d-fold, threshold chosen on the other folds): %.4f +- %.4f%n",
          pairList.folds(),
          r.accuracy().mean(),
          r.accuracy().std());
      System.out.printf(
          Locale.ROOT,
          "TAR at FAR 1e-2: %.4f (threshold %.4f)%n",
          r.tarAtFar1e2(),
          r.thresholdAtFar1e2());
      System.out.printf(
          Locale.ROOT,
          "TAR at FAR 1e-3: %.4f (threshold %.4f)%n",
          r.tarAtFar1e3(),
          r.thresholdAtFar1e3());
      System.out.printf(Locale.ROOT, "  (FAR over %d impostor image pairs)%n", r.impostorPairs());
      System.out.printf(Locale.ROOT, "EER: %.4f%n", r.eer());
      System.out.printf(
          Locale.ROOT,
          "detection failures: %d of %d images (their pairs count as errors)%n",
          r.failures(),
          r.images());
      LfwEvaluation.FaceMatchDefault fm = r.faceMatch();
      System.out.printf(
          Locale.ROOT,
          "face-match at its default decline threshold 30 (cosine %.4f): accuracy %.4f, "
              + "FMR %.4f (file's impostor pairs), %.5f (all impostor image pairs), TMR %.4f%n",
          fm.cosineAt30(),
          fm.accuracy(),
          fm.fmr(),
          fm.fmrAllImpostors(),
          fm.tmr());
      System.out.printf(
          Locale.ROOT,
          "best single cosine threshold over all pairs: %.3f (accuracy %.4f)%n",
          fm.bestCosine(),
          fm.bestAccuracy());
      if (!Double.isNaN(r.imagesPerSecond())) {
        System.out.printf(
            Locale.ROOT,
            "throughput: %.1f images/s with %d threads%n",
            r.imagesPerSecond(),
            threads);
      }
      System.out.println(
          r.summaryLine()
              + String.format(
                  Locale.ROOT,
                  " face_match_accuracy_at_30=%.4f face_match_fmr_at_30=%.4f face_match_tmr_at_30=%.4f",
                  fm.accuracy(),
                  fm.fmr(),
                  fm.tmr()));
      return 0;
    }
  }

  /** The data set's name: the folder, or its parent for a folder named images (lfw-dev/images: lfw-dev). */
  static String dataName(Path images) {
    Path p = images.toAbsolutePath().normalize();
    return p.getFileName().toString().equals("images") && p.getParent() != null
        ? p.getParent().getFileName().toString()
        : p.getFileName().toString();
  }

  /** Where the embeddings of the photos of {@code images} are cached by default. */
  static Path defaultCache(Path images) {
    return Path.of(
        System.getProperty("user.home"),
        ".cache",
        "facesearch",
        "eval",
        images.toAbsolutePath().normalize().toString().replaceAll("[^A-Za-z0-9]+", "_") + ".bin");
  }

  @Command(
      name = "calibrate",
      mixinStandardHelpOptions = true,
      description =
          "False-match rate of cosine thresholds over every impostor pair of an LFW-style folder, "
              + "and where similarity_percentage 70 and 90 fall.")
  static final class Calibrate implements Callable<Integer> {

    @Option(
        names = "--images",
        required = true,
        description = "Folder holding <Name>/<Name>_NNNN.jpg.")
    Path images;

    @Option(
        names = "--clean-impostors",
        description =
            "Leave out pairs of two LFW names that may be one person "
                + "(name variants such as a middle name more or less).")
    boolean cleanImpostors;

    @Option(
        names = "--top",
        description = "Also print the N highest impostor pairs (people and cosine).")
    int top;

    @Option(
        names = "--threads",
        description = "Images embedded in parallel (default: number of cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Mixin PipelineOptions pipelineOptions;

    @Override
    public Integer call() throws Exception {
      io.facesearch.eval.Calibration.Result r;
      Path cacheFile = defaultCache(images);
      if (Files.isRegularFile(cacheFile)
          && !pipelineOptions.flip
          && pipelineOptions.channelOrder == FaceEmbedder.ChannelOrder.BGR) {
        FaceModels models = FaceModels.load(FaceModels.locate(), 1);
        List<FaceSamples.Sample> samples;
        try (FacePipeline pipeline =
            new FacePipeline(models, FaceEmbedder.ChannelOrder.BGR, false)) {
          FaceEmbedder flip =
              new FaceEmbedder(models.feature(), FaceEmbedder.ChannelOrder.BGR, true);
          samples = FaceSamples.load(pipeline, flip, images, cacheFile, threads, System.out);
        }
        List<String> paths = samples.stream().map(FaceSamples.Sample::path).toList();
        float[][] embeddings =
            samples.stream().map(FaceSamples.Sample::plain).toArray(float[][]::new);
        r = io.facesearch.eval.Calibration.run(paths, embeddings, cleanImpostors);
        if (top > 0) {
          System.out.println("highest impostor pairs (cosine, photos):");
          io.facesearch.eval.Calibration.topImpostorPairs(paths, embeddings, top, cleanImpostors)
              .forEach(line -> System.out.println("  " + line));
        }
      } else {
        if (cleanImpostors || top > 0) {
          throw new UserError(
              "--clean-impostors and --top need the embedding cache of eval identify for this folder");
        }
        try (FacePipeline pipeline = pipelineOptions.load()) {
          r = new io.facesearch.eval.Calibration(pipeline, threads).run(images, System.out);
        }
      }
      io.facesearch.eval.Calibration.print(r, System.out);
      StringBuilder summary = new StringBuilder();
      for (double pct : new double[] {50, 70, 90}) {
        float cos = io.facesearch.search.SimilarityScale.cosine(pct);
        System.out.printf(
            Locale.ROOT,
            "similarity_percentage %.0f = cosine %.4f: FMR %.2e, TMR %.4f%n",
            pct,
            cos,
            r.fmrAt(cos),
            r.tmrAt(cos));
        summary.append(
            String.format(
                Locale.ROOT,
                "fmr_at_%.0f=%.2e tmr_at_%.0f=%.4f ",
                pct,
                r.fmrAt(cos),
                pct,
                r.tmrAt(cos)));
      }
      System.out.println(
          summary.append(
              String.format(
                  Locale.ROOT,
                  "impostor_pairs=%d genuine_pairs=%d failures=%d",
                  r.impostorPairs(),
                  r.genuinePairs(),
                  r.failures())));
      return 0;
    }
  }

  @Command(
      name = "identify",
      mixinStandardHelpOptions = true,
      description =
          "Open-set 1:N identification on LFW-style folders through the product's gallery, threshold and "
              + "decision: rank-1, FNIR at FPIR, new-user review and duplicate catch rates at the default settings, a "
              + "projection to larger galleries, a CSV and a DET plot (PNG).")
  static final class Identify implements Callable<Integer> {

    @Option(
        names = "--images",
        required = true,
        description = "Folder holding <Name>/<Name>_NNNN.jpg.")
    Path images;

    @Option(
        names = "--seed",
        description = "Seed of the gallery split and of the photo choice (default: 19).")
    long seed = 19;

    @Option(
        names = "--gallery-share",
        description = "Share of the people enrolled in the gallery (default: 0.5).")
    double galleryShare = 0.5;

    @Option(
        names = "--out",
        description = "Folder for identify.csv and identify-det.png (default: eval-identify).")
    Path out = Path.of("eval-identify");

    @Option(
        names = "--cache",
        description =
            "Embedding cache file (default: ~/.cache/facesearch/eval/<folder>.bin); "
                + "it holds embeddings: keep it private.")
    Path cache;

    @Option(names = "--no-cache", description = "Embed every photo again and keep nothing.")
    boolean noCache;

    @Option(
        names = "--similarity-threshold",
        description =
            "An operator's similarity_threshold (default: none, the "
                + "threshold follows the gallery size as in the product's default settings).")
    Double similarityThreshold;

    @Option(
        names = "--target-review-rate",
        description =
            "The application's target share of new people sent to "
                + "review (default: the product's, 0.01).")
    double targetReviewRate = AppSettings.DEFAULT_TARGET_REVIEW_RATE;

    @Option(
        names = "--tta-flip",
        description = "Experiment: search with flip test-time-augmented embeddings.")
    boolean ttaFlip;

    @Option(
        names = "--quality-gate",
        description =
            "Experiment: MIN_WIDTH,MIN_SHARPNESS,MAX_YAW; a probe below it is "
                + "matched only from similarity_percentage 90.")
    String qualityGate;

    @Option(
        names = "--hub-weight",
        description = "Experiment: gallery-side hub normalisation weight (0: none).")
    double hubWeight;

    @Option(
        names = "--threads",
        description = "Photos embedded in parallel (default: number of cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(
        names = "--model-threads",
        description = "ONNX Runtime threads per model call (default: 1).")
    int modelThreads = 1;

    @Override
    public Integer call() throws Exception {
      if (!(galleryShare > 0 && galleryShare < 1)) {
        throw new UserError("--gallery-share must be between 0 and 1, got " + galleryShare);
      }
      if (!java.nio.file.Files.isDirectory(images)) {
        throw new UserError("--images: no folder " + images);
      }
      OpenSetIdentification.QualityGate gate = null;
      if (qualityGate != null) {
        String[] v = qualityGate.split(",");
        if (v.length != 3) {
          throw new UserError(
              "--quality-gate takes MIN_WIDTH,MIN_SHARPNESS,MAX_YAW, got " + qualityGate);
        }
        gate =
            new OpenSetIdentification.QualityGate(
                Float.parseFloat(v[0]), Float.parseFloat(v[1]), Float.parseFloat(v[2]));
      }
      List<FaceSamples.Sample> samples;
      FaceModels models = FaceModels.load(FaceModels.locate(), modelThreads);
      try (FacePipeline pipeline = new FacePipeline(models, FaceEmbedder.ChannelOrder.BGR, false)) {
        FaceEmbedder flip = new FaceEmbedder(models.feature(), FaceEmbedder.ChannelOrder.BGR, true);
        Path cacheFile = noCache ? null : cache != null ? cache : defaultCache(images);
        samples = FaceSamples.load(pipeline, flip, images, cacheFile, threads, System.out);
      }
      java.nio.file.Files.createDirectories(out);
      Path indexDir = java.nio.file.Files.createTempDirectory("facesearch-identify-");
      OpenSetIdentification.Result r;
      try (LuceneGallery gallery = LuceneGallery.open(indexDir, EMPTY)) {
        AppSettings settings =
            AppSettings.DEFAULTS
                .withTargetReviewRate(targetReviewRate)
                .withSimilarityThreshold(
                    similarityThreshold == null ? AppSettings.AUTOMATIC : similarityThreshold);
        r =
            new OpenSetIdentification(
                    new OpenSetIdentification.Options(
                        seed, galleryShare, ttaFlip, gate, hubWeight, settings))
                .run(samples, gallery, "eval");
      } finally {
        try (var files = java.nio.file.Files.walk(indexDir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      long noFace = samples.stream().filter(s -> !s.hasFace()).count();
      System.out.printf(
          Locale.ROOT,
          "%d photos (%d without a face); seed %d, gallery share %.2f%s%s%s%n",
          samples.size(),
          noFace,
          seed,
          galleryShare,
          ttaFlip ? ", flip TTA" : "",
          gate != null ? ", quality gate " + qualityGate : "",
          hubWeight != 0 ? ", hub weight " + hubWeight : "");
      System.out.printf(
          Locale.ROOT,
          "gallery %d people (one photo each); %d mated probes, %d non-mated probes%n",
          r.gallery(),
          r.mated(),
          r.nonMated());
      System.out.printf(Locale.ROOT, "rank-1 identification rate: %.4f%n", r.rank1());
      for (int i = 0; i < OpenSetIdentification.FPIRS.length; i++) {
        System.out.printf(
            Locale.ROOT,
            "FNIR at FPIR %.0e: %.4f%n",
            OpenSetIdentification.FPIRS[i],
            r.fnirAtFpir()[i]);
      }
      System.out.printf(
          Locale.ROOT,
          "default settings: threshold %.1f (%s) for %d candidate faces, expected review "
              + "rate %.4f%n",
          r.threshold().percentage(),
          r.threshold().operatorSet() ? "operator" : "gallery size",
          r.threshold().candidateFaces(),
          r.threshold().expectedReviewRate());
      System.out.printf(
          Locale.ROOT,
          "  new people sent to review or declined: %.4f; duplicates caught: %.4f%s%n",
          r.newUserReviewRate(),
          r.duplicateCatchRate(),
          gate != null ? "; probes gated: " + r.gatedProbes() : "");
      System.out.printf(
          Locale.ROOT,
          "projection from this run's impostor tail (%d pairs, %.4f cosine per decade of "
              + "FMR beyond what they measure), stated as a projection:%n",
          r.impostorPairs(),
          r.tailSlope());
      System.out.printf(
          Locale.ROOT,
          "  %-12s %-10s %-14s %s%n",
          "gallery",
          "threshold",
          "review rate",
          "duplicates caught");
      for (OpenSetIdentification.Projection p : r.projections()) {
        System.out.printf(
            Locale.ROOT,
            "  %-12d %-10.1f %-14.4f %.4f%n",
            p.gallerySize(),
            p.thresholdPercentage(),
            p.newUserReviewRate(),
            p.duplicateCatchRate());
      }
      Path csv = out.resolve("identify.csv");
      Path png = out.resolve("identify-det.png");
      DetPlot.writeCsv(r.det(), csv);
      DetPlot.writePng(
          String.format(
              Locale.ROOT,
              "Open-set 1:N on %s: gallery %d, %d mated, %d non-mated",
              dataName(images),
              r.gallery(),
              r.mated(),
              r.nonMated()),
          r.det(),
          png);
      System.out.printf("wrote %s and %s%n", csv, png);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "rank1=%.4f", r.rank1()));
      String[] keys = {"fnir_at_fpir_1e-1", "fnir_at_fpir_1e-2", "fnir_at_fpir_1e-3"};
      for (int i = 0; i < keys.length; i++) {
        line.append(String.format(Locale.ROOT, " %s=%.4f", keys[i], r.fnirAtFpir()[i]));
      }
      line.append(
          String.format(
              Locale.ROOT,
              " threshold=%.1f new_user_review_rate=%.4f duplicate_catch_rate=%.4f "
                  + "gallery=%d mated=%d nonmated=%d seed=%d",
              r.threshold().percentage(),
              r.newUserReviewRate(),
              r.duplicateCatchRate(),
              r.gallery(),
              r.mated(),
              r.nonMated(),
              seed));
      for (OpenSetIdentification.Projection p : r.projections()) {
        line.append(
            String.format(
                Locale.ROOT,
                " projected_review_rate_%d=%.4f projected_catch_rate_%d=%.4f",
                p.gallerySize(),
                p.newUserReviewRate(),
                p.gallerySize(),
                p.duplicateCatchRate()));
      }
      System.out.println(line);
      return 0;
    }
  }

  /** The truth of an evaluation gallery: nothing durable, the run adds every face. */
  private static final GalleryTruth EMPTY =
      new GalleryTruth() {
        @Override
        public void forEachFaceState(
            java.util.function.Consumer<io.facesearch.gallery.FaceState> action) {}

        @Override
        public void forEachFace(
            java.util.function.Consumer<io.facesearch.gallery.StoredFace> action) {}

        @Override
        public void forEachFace(
            java.util.Collection<String> faceIds,
            java.util.function.Consumer<io.facesearch.gallery.StoredFace> action) {}
      };
}
