package io.facesearch.cli;

import io.facesearch.eval.LfwEvaluation;
import io.facesearch.eval.LfwPairs;
import io.facesearch.pipeline.FacePipeline;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facesearch eval lfw --images DIR --pairs FILE}: verification accuracy on an LFW-style benchmark. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Measure accuracy.",
    subcommands = {EvalCommand.Lfw.class, EvalCommand.Calibrate.class})
final class EvalCommand {

  @Command(name = "lfw", mixinStandardHelpOptions = true,
      description = "k-fold verification accuracy, TAR at FAR 1e-2/1e-3, EER on an LFW-style pairs file.")
  static final class Lfw implements Callable<Integer> {

    @Option(names = "--images", required = true, description = "Folder holding <Name>/<Name>_NNNN.jpg.")
    Path images;

    @Option(names = "--pairs", required = true, description = "Pairs file in LFW pairs.txt format (any number of folds).")
    Path pairs;

    @Option(names = "--threads", description = "Images embedded in parallel (default: number of cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Mixin
    PipelineOptions pipelineOptions;

    @Override
    public Integer call() throws Exception {
      LfwPairs pairList = LfwPairs.read(pairs);
      System.out.printf("%d pairs in %d folds, %d images; embedding with %s%n", pairList.pairs().size(),
          pairList.folds(), pairList.images().size(), pipelineOptions.channelOrder + (pipelineOptions.flip ? "+flip" : ""));
      try (FacePipeline pipeline = pipelineOptions.load()) {
        LfwEvaluation.Result r = new LfwEvaluation(pipeline, threads).run(images, pairList, System.out);
        System.out.printf(Locale.ROOT, "model: %s%n", pipeline.embeddingModelId());
        System.out.printf(Locale.ROOT, "accuracy (%d-fold, threshold chosen on the other folds): %.4f +- %.4f%n",
            pairList.folds(), r.accuracy().mean(), r.accuracy().std());
        System.out.printf(Locale.ROOT, "TAR at FAR 1e-2: %.4f (threshold %.4f)%n", r.tarAtFar1e2(), r.thresholdAtFar1e2());
        System.out.printf(Locale.ROOT, "TAR at FAR 1e-3: %.4f (threshold %.4f)%n", r.tarAtFar1e3(), r.thresholdAtFar1e3());
        System.out.printf(Locale.ROOT, "  (FAR over %d impostor image pairs)%n", r.impostorPairs());
        System.out.printf(Locale.ROOT, "EER: %.4f%n", r.eer());
        System.out.printf(Locale.ROOT, "detection failures: %d of %d images (their pairs count as errors)%n",
            r.failures(), r.images());
        System.out.printf(Locale.ROOT, "throughput: %.1f images/s with %d threads%n", r.imagesPerSecond(), threads);
        System.out.println(r.summaryLine());
      }
      return 0;
    }
  }

  @Command(name = "calibrate", mixinStandardHelpOptions = true,
      description = "False-match rate of cosine thresholds over every impostor pair of an LFW-style folder, "
          + "and where similarity_percentage 70 and 90 fall.")
  static final class Calibrate implements Callable<Integer> {

    @Option(names = "--images", required = true, description = "Folder holding <Name>/<Name>_NNNN.jpg.")
    Path images;

    @Option(names = "--threads", description = "Images embedded in parallel (default: number of cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Mixin
    PipelineOptions pipelineOptions;

    @Override
    public Integer call() throws Exception {
      try (FacePipeline pipeline = pipelineOptions.load()) {
        io.facesearch.eval.Calibration.Result r =
            new io.facesearch.eval.Calibration(pipeline, threads).run(images, System.out);
        io.facesearch.eval.Calibration.print(r, System.out);
        StringBuilder summary = new StringBuilder();
        for (double pct : new double[] {50, 70, 90}) {
          float cos = io.facesearch.search.SimilarityScale.cosine(pct);
          System.out.printf(Locale.ROOT, "similarity_percentage %.0f = cosine %.4f: FMR %.2e, TMR %.4f%n", pct, cos,
              r.fmrAt(cos), r.tmrAt(cos));
          summary.append(String.format(Locale.ROOT, "fmr_at_%.0f=%.2e tmr_at_%.0f=%.4f ", pct, r.fmrAt(cos), pct, r.tmrAt(cos)));
        }
        System.out.println(summary.append(String.format(Locale.ROOT, "impostor_pairs=%d genuine_pairs=%d failures=%d",
            r.impostorPairs(), r.genuinePairs(), r.failures())));
      }
      return 0;
    }
  }
}
