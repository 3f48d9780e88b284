package io.facesearch.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MatchThresholdTest {

  @Test
  void a_small_gallery_keeps_the_floor_of_70() {
    for (long n : new long[] {0, 1, 5, 10}) {
      MatchThreshold t = MatchThreshold.of(Double.NaN, 0.01, n);
      assertEquals(MatchThreshold.FLOOR, t.percentage(), "n=" + n);
      assertTrue(t.expectedReviewRate() <= 0.01, "n=" + n + ": " + t);
    }
  }

  @Test
  void the_threshold_rises_with_the_gallery_and_keeps_the_review_rate_at_the_target() {
    double previous = 0;
    for (long n = 20; n <= 10_000_000L; n *= 10) {
      MatchThreshold t = MatchThreshold.of(Double.NaN, 0.01, n);
      assertTrue(t.percentage() >= previous, n + ": " + t);
      assertTrue(t.expectedReviewRate() <= 0.0101, n + ": " + t);
      assertTrue(t.expectedReviewRate() >= 0.008, "not stricter than needed at " + n + ": " + t);
      assertTrue(!t.operatorSet());
      previous = t.percentage();
    }
  }

  @Test
  void a_thousand_faces_need_pairwise_fmr_1e5_which_is_similarity_90() {
    MatchThreshold t = MatchThreshold.of(Double.NaN, 0.01, 1000);
    assertEquals(
        90.0, t.percentage(), 0.5, t.toString()); // the curve is measured, SimilarityScale rounded
  }

  @Test
  void an_operator_threshold_wins_and_reports_its_expected_review_rate() {
    MatchThreshold t = MatchThreshold.of(70, 0.01, 1000);
    assertTrue(t.operatorSet());
    assertEquals(70.0, t.percentage());
    // pairwise FMR 1e-3 over 1,000 faces: 1 - 0.999^1000
    assertEquals(1 - Math.pow(0.999, 1000), t.expectedReviewRate(), 0.01);
  }

  @Test
  void the_false_match_curve_inverts_itself() {
    for (double fmr : new double[] {1e-1, 3e-3, 1e-5, 1e-7, 1e-9}) {
      assertEquals(
          Math.log10(fmr), Math.log10(FalseMatchCurve.fmrAt(FalseMatchCurve.cosineAt(fmr))), 1e-3);
    }
  }
}
