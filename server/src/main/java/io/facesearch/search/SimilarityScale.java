package io.facesearch.search;

/**
 * Turns the embedding's cosine similarity into the API's {@code similarity_percentage} (0-100): a monotone
 * piecewise-linear map through anchors chosen by false-match rate (FMR), so that the percentages mean the
 * same risk whatever the model. Measured by {@code facesearch eval calibrate} over all impostor image pairs
 * of lfw-dev (docs/accuracy.md):
 *
 * <pre>
 *   percentage   cosine   FMR on lfw-dev impostor pairs
 *        0       -1.00    1
 *       30        0.00    about 0.5 (unrelated faces are near-orthogonal)
 *       50        C_1E2   1e-2
 *       70        C_1E3   1e-3   the default similarity_threshold: a match
 *       90        C_1E5   1e-5   FACE_IN_BLOCKLIST / DUPLICATED_FACE rather than POSSIBLE_*
 *      100        1.00    0
 * </pre>
 */
public final class SimilarityScale {

  /** Cosine at FMR 1e-2 on lfw-dev. */
  static final float C_1E2 = 0.2440f;

  /** Cosine at FMR 1e-3 on lfw-dev. */
  static final float C_1E3 = 0.3352f;

  /** Cosine at FMR 1e-5 on lfw-dev. */
  static final float C_1E5 = 0.4769f;

  private static final float[] COSINE = {-1f, 0f, C_1E2, C_1E3, C_1E5, 1f};
  private static final float[] PERCENT = {0f, 30f, 50f, 70f, 90f, 100f};

  private SimilarityScale() {}

  /** similarity_percentage for a cosine similarity, 0..100. */
  public static double percentage(float cosine) {
    float c = Math.max(-1f, Math.min(1f, cosine));
    for (int i = 1; i < COSINE.length; i++) {
      if (c <= COSINE[i]) {
        float t = (c - COSINE[i - 1]) / (COSINE[i] - COSINE[i - 1]);
        return PERCENT[i - 1] + t * (PERCENT[i] - PERCENT[i - 1]);
      }
    }
    return 100.0;
  }

  /** The cosine similarity whose percentage is {@code percentage} (the inverse map). */
  public static float cosine(double percentage) {
    double p = Math.max(0, Math.min(100, percentage));
    for (int i = 1; i < PERCENT.length; i++) {
      if (p <= PERCENT[i]) {
        double t = (p - PERCENT[i - 1]) / (PERCENT[i] - PERCENT[i - 1]);
        return (float) (COSINE[i - 1] + t * (COSINE[i] - COSINE[i - 1]));
      }
    }
    return 1f;
  }

  /** Rounded to one decimal, as the API shows it. */
  public static double rounded(float cosine) {
    return Math.round(percentage(cosine) * 10) / 10.0;
  }
}
