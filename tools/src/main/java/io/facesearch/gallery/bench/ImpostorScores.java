package io.facesearch.gallery.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The spread of cosine similarities between embeddings of different people: how a background drawn by
 * {@link Background} compares with real faces. Every pair of the given vectors is scored, so they must all be of
 * different people.
 *
 * @param pairs     pairs scored
 * @param mean      mean cosine
 * @param sd        standard deviation of the cosine
 * @param above     for each of {@link #THRESHOLDS}, the share of pairs at or above it
 */
public record ImpostorScores(long pairs, double mean, double sd, double[] above) {

  /** Cosines reported; 0.3352 and 0.4769 are our model's FMR 1e-3 and 1.2e-5 on LFW (docs/accuracy.md). */
  public static final double[] THRESHOLDS = {0.2, 0.3352, 0.4769};

  public static ImpostorScores of(List<float[]> differentPeople) {
    long pairs = 0;
    double sum = 0;
    double sumSq = 0;
    long[] above = new long[THRESHOLDS.length];
    for (int a = 0; a < differentPeople.size(); a++) {
      float[] x = differentPeople.get(a);
      for (int b = a + 1; b < differentPeople.size(); b++) {
        float[] y = differentPeople.get(b);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
          s += x[i] * y[i];
        }
        pairs++;
        sum += s;
        sumSq += s * s;
        for (int t = 0; t < THRESHOLDS.length; t++) {
          if (s >= THRESHOLDS[t]) {
            above[t]++;
          }
        }
      }
    }
    double mean = sum / pairs;
    double[] shares = new double[above.length];
    for (int t = 0; t < above.length; t++) {
      shares[t] = above[t] / (double) pairs;
    }
    return new ImpostorScores(
        pairs, mean, Math.sqrt(Math.max(0, sumSq / pairs - mean * mean)), shares);
  }

  /** {@code count} vectors of {@code background}, from seeds that the gallery and the queries do not use. */
  public static ImpostorScores of(Background background, int count) {
    List<float[]> vectors = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      vectors.add(background.vector(0xC0FFEE_0000L + i));
    }
    return of(vectors);
  }

  public String describe() {
    StringBuilder sb =
        new StringBuilder(
            String.format(Locale.ROOT, "%d pairs: mean %.4f sd %.4f", pairs, mean, sd));
    for (int t = 0; t < THRESHOLDS.length; t++) {
      sb.append(String.format(Locale.ROOT, ", >=%.4f: %.2e", THRESHOLDS[t], above[t]));
    }
    return sb.toString();
  }
}
