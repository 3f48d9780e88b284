package io.facesearch.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FaceMatchScaleTest {

  @Test
  void the_default_decline_threshold_30_is_the_measured_best_accuracy_cosine() {
    assertEquals(0.278f, FaceMatchScale.cosine(30), 1e-6);
    assertEquals(30.0, FaceMatchScale.score(0.278f), 1e-4);
  }

  @Test
  void unrelated_faces_score_below_30_and_the_scale_is_monotone() {
    assertEquals(
        23.5,
        FaceMatchScale.score(0f),
        0.1,
        "cosine 0 was 30 before: about half of all strangers passed");
    double previous = -1;
    for (float c = -1f; c <= 1f; c += 0.01f) {
      double s = FaceMatchScale.score(c);
      assertTrue(s >= previous, "at " + c);
      assertEquals(c, FaceMatchScale.cosine(s), 1e-4);
      previous = s;
    }
  }
}
