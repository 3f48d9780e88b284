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
@Command(name = "eval", description = "Measure accuracy.", subcommands = {EvalCommand.Lfw.class})
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
}
