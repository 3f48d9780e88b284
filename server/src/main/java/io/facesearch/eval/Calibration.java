package io.facesearch.eval;

import io.facesearch.pipeline.FacePipeline;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures the false-match rate of cosine thresholds over every impostor image pair of an LFW-style folder
 * (all pairs of photos of different people), and the true-match rate over every genuine pair: the data behind
 * {@code SimilarityScale}'s anchors.
 */
public final class Calibration {

  /** False-match rates at which thresholds are reported. */
  public static final double[] FMRS = {1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6};

  public record Result(int images, int failures, long impostorPairs, long genuinePairs, float[] thresholds,
                       double[] tmrAtThresholds, float[] sortedImpostors, float[] sortedGenuine) {

    /** Share of impostor pairs at or above a cosine threshold. */
    public double fmrAt(float cosine) {
      return 1.0 - (double) VerificationMetrics.countBelow(sortedImpostors, cosine) / sortedImpostors.length;
    }

    /** Share of genuine pairs at or above a cosine threshold. */
    public double tmrAt(float cosine) {
      return 1.0 - (double) VerificationMetrics.countBelow(sortedGenuine, cosine) / sortedGenuine.length;
    }
  }

  private final LfwEvaluation evaluation;

  public Calibration(FacePipeline pipeline, int threads) {
    this.evaluation = new LfwEvaluation(pipeline, threads);
  }

  public Result run(Path imageDir, PrintStream log) throws IOException, InterruptedException {
    List<String> images = new ArrayList<>();
    try (Stream<Path> files = Files.walk(imageDir, 2)) {
      files.filter(p -> p.toString().endsWith(".jpg")).sorted()
          .forEach(p -> images.add(imageDir.relativize(p).toString().replace('\\', '/')));
    }
    float[][] embeddings = evaluation.embedAll(imageDir, images, log);
    int failures = (int) Arrays.stream(embeddings).filter(e -> e == null).count();
    float[] impostors = LfwEvaluation.allImpostorScores(images, embeddings);
    Arrays.sort(impostors);
    List<Float> genuine = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      for (int j = i + 1; j < images.size(); j++) {
        if (embeddings[i] != null && embeddings[j] != null
            && LfwPairs.person(images.get(i)).equals(LfwPairs.person(images.get(j)))) {
          float s = 0;
          for (int k = 0; k < embeddings[i].length; k++) {
            s += embeddings[i][k] * embeddings[j][k];
          }
          genuine.add(s);
        }
      }
    }
    float[] g = new float[genuine.size()];
    for (int i = 0; i < g.length; i++) {
      g[i] = genuine.get(i);
    }
    Arrays.sort(g);
    float[] thresholds = new float[FMRS.length];
    double[] tmr = new double[FMRS.length];
    for (int i = 0; i < FMRS.length; i++) {
      thresholds[i] = VerificationMetrics.thresholdAtFar(impostors, FMRS[i]);
      tmr[i] = VerificationMetrics.acceptRate(g, thresholds[i]);
    }
    return new Result(images.size(), failures, impostors.length, g.length, thresholds, tmr, impostors, g);
  }

  public static void print(Result r, PrintStream out) {
    out.printf(Locale.ROOT, "%d images (%d without a face), %d impostor pairs, %d genuine pairs%n", r.images(),
        r.failures(), r.impostorPairs(), r.genuinePairs());
    out.printf(Locale.ROOT, "%-8s %-10s %s%n", "FMR", "cosine", "TMR");
    for (int i = 0; i < FMRS.length; i++) {
      out.printf(Locale.ROOT, "%-8.0e %-10.4f %.4f%n", FMRS[i], r.thresholds()[i], r.tmrAtThresholds()[i]);
    }
  }
}
