package io.facesearch.search;

/**
 * The pairwise false-match rate (FMR) of a cosine threshold: the share of pairs of photos of two different people
 * whose embeddings are at least that similar. Measured by {@code facesearch eval calibrate --clean-impostors} over
 * every impostor pair of lfw-dev less the pairs of LFW name variants of one person (18,805,345 pairs, see
 * docs/accuracy.md); interpolated linearly in log10(FMR) between the measured anchors and, below
 * the smallest measurable rate, extrapolated with the mean slope of the measured tail (FMR 1e-3 .. 1e-6), an
 * exponential tail. The extrapolated part is a projection, not a measurement.
 */
public final class FalseMatchCurve {

  /** log10(FMR) of the anchors, decreasing. */
  private static final double[] LOG_FMR = {0, -1, -2, -3, -4, -5, -6};

  /** The cosine of each anchor, increasing (FMR 1 at cosine -1). */
  private static final float[] COSINE = {-1f, 0.1309f, 0.2440f, 0.3352f, 0.4117f, 0.4751f, 0.5397f};

  /** Cosine per decade of FMR beyond the last anchor: the mean slope from FMR 1e-3 to 1e-6. */
  private static final double TAIL_SLOPE = (COSINE[6] - COSINE[3]) / 3.0;

  private FalseMatchCurve() {}

  /** The pairwise FMR at a cosine threshold. */
  public static double fmrAt(float cosine) {
    if (cosine <= COSINE[0]) {
      return 1.0;
    }
    int last = COSINE.length - 1;
    if (cosine >= COSINE[last]) {
      return Math.pow(10, LOG_FMR[last] - (cosine - COSINE[last]) / TAIL_SLOPE);
    }
    for (int i = 1; i <= last; i++) {
      if (cosine <= COSINE[i]) {
        double t = (cosine - COSINE[i - 1]) / (COSINE[i] - COSINE[i - 1]);
        return Math.pow(10, LOG_FMR[i - 1] + t * (LOG_FMR[i] - LOG_FMR[i - 1]));
      }
    }
    return Math.pow(10, LOG_FMR[last]);
  }

  /** The cosine threshold of a pairwise FMR (0 < fmr <= 1). */
  public static float cosineAt(double fmr) {
    double lf = Math.log10(Math.max(fmr, 1e-300));
    int last = COSINE.length - 1;
    if (lf <= LOG_FMR[last]) {
      return (float) Math.min(1.0, COSINE[last] + (LOG_FMR[last] - lf) * TAIL_SLOPE);
    }
    for (int i = 1; i <= last; i++) {
      if (lf >= LOG_FMR[i]) {
        double t = (LOG_FMR[i - 1] - lf) / (LOG_FMR[i - 1] - LOG_FMR[i]);
        return (float) (COSINE[i - 1] + t * (COSINE[i] - COSINE[i - 1]));
      }
    }
    return COSINE[last];
  }
}
