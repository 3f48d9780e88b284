package io.facesearch.eval;

import java.util.Arrays;

/**
 * Face verification figures from similarity scores: k-fold accuracy, TAR at a fixed FAR, equal-error rate.
 *
 * <p>Terms: a genuine pair shows one person twice, an impostor pair two people. At threshold t a pair is
 * accepted when its score is >= t. FAR (false accept rate) is the share of impostor pairs accepted, TAR
 * (true accept rate) the share of genuine pairs accepted; the EER is the error rate where FAR equals
 * 1 - TAR.
 */
public final class VerificationMetrics {

  private VerificationMetrics() {}

  /** Mean and standard deviation of the per-fold accuracies, and the thresholds chosen. */
  public record FoldAccuracy(double mean, double std, double[] perFold, double[] thresholds) {}

  /**
   * k-fold accuracy: for each fold, the threshold that maximises accuracy on the other folds is applied to
   * it. {@code failed[i]} marks a pair whose images could not both be embedded; it counts as an error.
   */
  public static FoldAccuracy kFoldAccuracy(
      float[] scores, boolean[] genuine, boolean[] failed, int[] fold, int folds) {
    double[] perFold = new double[folds];
    double[] thresholds = new double[folds];
    for (int f = 0; f < folds; f++) {
      double best = -1;
      double bestT = 0;
      for (double t : candidateThresholds(scores, failed, fold, f)) {
        double acc = accuracy(scores, genuine, failed, fold, f, t, false);
        if (acc > best) {
          best = acc;
          bestT = t;
        }
      }
      thresholds[f] = bestT;
      perFold[f] = accuracy(scores, genuine, failed, fold, f, bestT, true);
    }
    double mean = Arrays.stream(perFold).average().orElse(0);
    double var =
        Arrays.stream(perFold).map(a -> (a - mean) * (a - mean)).sum() / Math.max(1, folds);
    return new FoldAccuracy(mean, Math.sqrt(var), perFold, thresholds);
  }

  /**
   * The lowest threshold whose FAR over {@code impostorScores} is at most {@code far}: the smallest t such
   * that at most floor(far * n) impostor scores are >= t.
   */
  public static float thresholdAtFar(float[] sortedImpostorScores, double far) {
    int n = sortedImpostorScores.length;
    int allowed = (int) Math.floor(far * n);
    // Accepting the top `allowed` impostors: threshold just above the (allowed+1)-th highest score.
    float next = sortedImpostorScores[n - 1 - allowed];
    return Math.nextUp(next);
  }

  /** Share of {@code genuineScores} at or above {@code threshold}. */
  public static double acceptRate(float[] scores, float threshold) {
    int accepted = 0;
    for (float s : scores) {
      if (s >= threshold) {
        accepted++;
      }
    }
    return scores.length == 0 ? 0 : (double) accepted / scores.length;
  }

  /** Equal-error rate: the threshold sweep point where FAR and FRR (= 1 - TAR) are closest, their mean. */
  public static double equalErrorRate(float[] genuineScores, float[] impostorScores) {
    float[] g = genuineScores.clone();
    float[] im = impostorScores.clone();
    Arrays.sort(g);
    Arrays.sort(im);
    double best = Double.MAX_VALUE;
    double eer = 1;
    float[] all = new float[g.length + im.length];
    System.arraycopy(g, 0, all, 0, g.length);
    System.arraycopy(im, 0, all, g.length, im.length);
    Arrays.sort(all);
    for (float t : all) {
      double frr = (double) countBelow(g, t) / g.length;
      double far = 1.0 - (double) countBelow(im, t) / im.length;
      if (Math.abs(far - frr) < best) {
        best = Math.abs(far - frr);
        eer = (far + frr) / 2;
      }
    }
    return eer;
  }

  /** Number of values in sorted {@code a} strictly below {@code t}. */
  static int countBelow(float[] sorted, float t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static double[] candidateThresholds(
      float[] scores, boolean[] failed, int[] fold, int testFold) {
    float[] train = new float[scores.length];
    int n = 0;
    for (int i = 0; i < scores.length; i++) {
      if (fold[i] != testFold && !failed[i]) {
        train[n++] = scores[i];
      }
    }
    float[] sorted = Arrays.copyOf(train, n);
    Arrays.sort(sorted);
    double[] candidates = new double[n + 1];
    for (int i = 0; i < n; i++) {
      candidates[i] = i == 0 ? sorted[0] - 1e-4 : (sorted[i - 1] + sorted[i]) / 2.0;
    }
    candidates[n] = n == 0 ? 0 : sorted[n - 1] + 1e-4;
    return candidates;
  }

  private static double accuracy(
      float[] scores,
      boolean[] genuine,
      boolean[] failed,
      int[] fold,
      int f,
      double t,
      boolean onFold) {
    int right = 0;
    int total = 0;
    for (int i = 0; i < scores.length; i++) {
      if ((fold[i] == f) != onFold) {
        continue;
      }
      total++;
      if (!failed[i] && (scores[i] >= t) == genuine[i]) {
        right++;
      }
    }
    return total == 0 ? 0 : (double) right / total;
  }
}
