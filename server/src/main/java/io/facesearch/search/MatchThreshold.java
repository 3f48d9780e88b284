package io.facesearch.search;

/**
 * The match threshold of a face search, chosen from the gallery it searches (no I/O).
 *
 * <p>A search of a person who is not enrolled compares the photo with every candidate face; each comparison is a
 * false match with the pairwise false-match rate FMR(t) of the threshold t. With N candidates the person is sent to
 * review with probability about {@code 1 - (1 - FMR(t))^N}. So a fixed threshold that is right for 100 faces sends
 * most new people to review at 10,000. By default the threshold is the lowest one whose expected review rate for
 * the application's current number of candidate faces is at most the application's target (1 %), and never below
 * {@link #FLOOR} (pairwise FMR 1e-3: below it a match is weak evidence however small the gallery). An operator's
 * explicit {@code similarity_threshold} wins.
 *
 * <p>FMR(t) is the calibrated curve of {@link FalseMatchCurve}; docs/accuracy.md has the table of gallery size,
 * threshold and the share of duplicates still caught, measured with {@code facesearch eval identify}.
 *
 * @param percentage         the effective threshold, as a similarity_percentage
 * @param operatorSet        true when the operator set the threshold; false when it follows the gallery
 * @param candidateFaces     how many faces the search compares against
 * @param targetReviewRate   the application's target share of new people sent to review
 * @param expectedReviewRate the share of new people expected to be sent to review at this threshold and size
 */
public record MatchThreshold(
    double percentage,
    boolean operatorSet,
    long candidateFaces,
    double targetReviewRate,
    double expectedReviewRate) {

  /** The lowest automatic threshold: similarity_percentage 70, pairwise FMR 1e-3. */
  public static final double FLOOR = 70.0;

  /** The cosine similarity of the threshold. */
  public float cosine() {
    return SimilarityScale.cosine(percentage);
  }

  /** The threshold of a search among {@code candidateFaces} faces. {@code operatorPercentage} is NaN when unset. */
  public static MatchThreshold of(
      double operatorPercentage, double targetReviewRate, long candidateFaces) {
    if (!Double.isNaN(operatorPercentage)) {
      return new MatchThreshold(
          operatorPercentage,
          true,
          candidateFaces,
          targetReviewRate,
          expectedReviewRate(SimilarityScale.cosine(operatorPercentage), candidateFaces));
    }
    double percentage = automatic(targetReviewRate, candidateFaces);
    return new MatchThreshold(
        percentage,
        false,
        candidateFaces,
        targetReviewRate,
        expectedReviewRate(SimilarityScale.cosine(percentage), candidateFaces));
  }

  /**
   * The automatic threshold, rounded up to a tenth of a percent: the pairwise FMR whose review rate over
   * {@code n} faces is the target, {@code 1 - (1 - target)^(1/n)}, turned into a cosine by the calibrated curve.
   */
  static double automatic(double targetReviewRate, long n) {
    if (n <= 0) {
      return FLOOR;
    }
    double pairFmr = -Math.expm1(Math.log1p(-targetReviewRate) / n);
    double percentage = SimilarityScale.percentage(FalseMatchCurve.cosineAt(pairFmr));
    return Math.max(FLOOR, Math.min(100.0, Math.ceil(percentage * 10 - 1e-9) / 10.0));
  }

  /** The probability that a search among {@code n} faces of other people finds one at or above {@code cosine}. */
  public static double expectedReviewRate(float cosine, long n) {
    double fmr = FalseMatchCurve.fmrAt(cosine);
    return n <= 0 ? 0.0 : -Math.expm1(n * Math.log1p(-Math.min(fmr, 1 - 1e-12)));
  }
}
