package io.facesearch.search;

/**
 * The score of {@code POST /v3/face-match/} (0-100): a 1:1 verification score, calibrated so that Didit's default
 * decline threshold 30 is a sound operating point. A monotone piecewise-linear map of the cosine similarity:
 *
 * <pre>
 *   score   cosine    meaning on lfw-dev (docs/accuracy.md)
 *      0    -1.00
 *     30    C_30      the threshold with the best accuracy on LFW's pairs (5-fold, lfw-dev)
 *     50    0.3352    pairwise FMR 1e-3 (similarity_percentage 70)
 *     70    0.4769    pairwise FMR 1e-5 (similarity_percentage 90)
 *    100     1.00
 * </pre>
 *
 * It differs from the face search's {@code similarity_percentage} ({@link SimilarityScale}) on purpose: a search
 * compares one photo with many faces and must be strict per pair; a face match compares two photos the caller says
 * should be one person, where the best single-pair accuracy is the right default.
 */
public final class FaceMatchScale {

  /** The cosine of score 30: measured by {@code facesearch eval lfw} on lfw-dev (best-accuracy threshold). */
  static final float C_30 = 0.2780f;

  private static final float[] COSINE = {
    -1f, C_30, SimilarityScale.C_1E3, SimilarityScale.C_1E5, 1f
  };
  private static final float[] SCORE = {0f, 30f, 50f, 70f, 100f};

  private FaceMatchScale() {}

  /** The score of a cosine similarity, 0..100. */
  public static double score(float cosine) {
    float c = Math.max(-1f, Math.min(1f, cosine));
    for (int i = 1; i < COSINE.length; i++) {
      if (c <= COSINE[i]) {
        float t = (c - COSINE[i - 1]) / (COSINE[i] - COSINE[i - 1]);
        return SCORE[i - 1] + t * (SCORE[i] - SCORE[i - 1]);
      }
    }
    return 100.0;
  }

  /** The cosine similarity of a score (the inverse map). */
  public static float cosine(double score) {
    double p = Math.max(0, Math.min(100, score));
    for (int i = 1; i < SCORE.length; i++) {
      if (p <= SCORE[i]) {
        double t = (p - SCORE[i - 1]) / (SCORE[i] - SCORE[i - 1]);
        return (float) (COSINE[i - 1] + t * (COSINE[i] - COSINE[i - 1]));
      }
    }
    return 1f;
  }

  /** Rounded to one decimal, as the API shows it. */
  public static double rounded(float cosine) {
    return Math.round(score(cosine) * 10) / 10.0;
  }
}
