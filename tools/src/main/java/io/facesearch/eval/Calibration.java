package io.facesearch.eval;

import io.facesearch.pipeline.FacePipeline;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures the false-match rate of cosine thresholds over every impostor image pair of an LFW-style folder
 * (all pairs of photos of different people), and the true-match rate over every genuine pair: the data behind
 * {@code SimilarityScale}'s anchors.
 */
public final class Calibration {

  /** False-match rates at which thresholds are reported. */
  public static final double[] FMRS = {1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6};

  public record Result(
      int images,
      int failures,
      long impostorPairs,
      long genuinePairs,
      float[] thresholds,
      double[] tmrAtThresholds,
      float[] sortedImpostors,
      float[] sortedGenuine) {

    /** Share of impostor pairs at or above a cosine threshold. */
    public double fmrAt(float cosine) {
      return 1.0
          - (double) VerificationMetrics.countBelow(sortedImpostors, cosine)
              / sortedImpostors.length;
    }

    /** Share of genuine pairs at or above a cosine threshold. */
    public double tmrAt(float cosine) {
      return 1.0
          - (double) VerificationMetrics.countBelow(sortedGenuine, cosine) / sortedGenuine.length;
    }
  }

  private final LfwEvaluation evaluation;

  /** The {@code count} highest impostor pairs: their people and cosine (names only, never embeddings). */
  public static List<String> topImpostorPairs(
      List<String> images, float[][] embeddings, int count, boolean cleanImpostors) {
    record Pair(float score, String a, String b) {}
    java.util.PriorityQueue<Pair> best =
        new java.util.PriorityQueue<>(java.util.Comparator.comparingDouble(Pair::score));
    for (int i = 0; i < images.size(); i++) {
      for (int j = i + 1; j < images.size(); j++) {
        String pa = LfwPairs.person(images.get(i));
        String pb = LfwPairs.person(images.get(j));
        if (embeddings[i] == null
            || embeddings[j] == null
            || pa.equals(pb)
            || (cleanImpostors && NameVariants.sameName(pa, pb))) {
          continue;
        }
        float s = 0;
        for (int k = 0; k < embeddings[i].length; k++) {
          s += embeddings[i][k] * embeddings[j][k];
        }
        if (best.size() < count || s > best.peek().score()) {
          best.add(new Pair(s, images.get(i), images.get(j)));
          if (best.size() > count) {
            best.poll();
          }
        }
      }
    }
    List<Pair> sorted = new ArrayList<>(best);
    sorted.sort(java.util.Comparator.comparingDouble((Pair p) -> -p.score()));
    return sorted.stream()
        .map(p -> String.format(Locale.ROOT, "%.4f %s %s", p.score(), p.a(), p.b()))
        .toList();
  }

  public Calibration(FacePipeline pipeline, int threads) {
    this.evaluation = new LfwEvaluation(pipeline, threads);
  }

  public Result run(Path imageDir, PrintStream log) throws IOException, InterruptedException {
    List<String> images = FaceSamples.listImages(imageDir);
    return run(images, evaluation.embedAll(imageDir, images, log), false);
  }

  /**
   * The figures from embeddings made before; with {@code cleanImpostors}, pairs of two people that LFW files under
   * {@link NameVariants} of one name are left out of the impostors (they are often the same person).
   */
  public static Result run(List<String> images, float[][] embeddings, boolean cleanImpostors) {
    int failures = (int) Arrays.stream(embeddings).filter(e -> e == null).count();
    float[] impostors =
        LfwEvaluation.allImpostorScores(
            images, embeddings, cleanImpostors ? NameVariants::sameName : (a, b) -> false);
    Arrays.sort(impostors);
    List<Float> genuine = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      for (int j = i + 1; j < images.size(); j++) {
        if (embeddings[i] != null
            && embeddings[j] != null
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
    return new Result(
        images.size(), failures, impostors.length, g.length, thresholds, tmr, impostors, g);
  }

  public static void print(Result r, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%d images (%d without a face), %d impostor pairs, %d genuine pairs%n",
        r.images(),
        r.failures(),
        r.impostorPairs(),
        r.genuinePairs());
    out.printf(Locale.ROOT, "%-8s %-10s %s%n", "FMR", "cosine", "TMR");
    for (int i = 0; i < FMRS.length; i++) {
      out.printf(
          Locale.ROOT, "%-8.0e %-10.4f %.4f%n", FMRS[i], r.thresholds()[i], r.tmrAtThresholds()[i]);
    }
  }
}
