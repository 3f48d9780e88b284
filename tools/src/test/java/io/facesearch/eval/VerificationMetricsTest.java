package io.facesearch.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerificationMetricsTest {

  @Test
  void k_fold_accuracy_is_perfect_when_scores_separate_and_counts_failures_as_errors() {
    float[] scores = {0.9f, 0.8f, 0.1f, 0.2f, 0.85f, 0.75f, 0.15f, 0.05f};
    boolean[] genuine = {true, true, false, false, true, true, false, false};
    int[] fold = {0, 0, 0, 0, 1, 1, 1, 1};
    boolean[] none = new boolean[8];
    assertEquals(
        1.0, VerificationMetrics.kFoldAccuracy(scores, genuine, none, fold, 2).mean(), 1e-9);
    boolean[] oneFailed = none.clone();
    oneFailed[0] = true;
    assertEquals(
        0.875, VerificationMetrics.kFoldAccuracy(scores, genuine, oneFailed, fold, 2).mean(), 1e-9);
  }

  @Test
  void threshold_at_far_accepts_at_most_that_share_of_impostors() {
    float[] impostors = new float[1000];
    for (int i = 0; i < impostors.length; i++) {
      impostors[i] = i / 1000f;
    }
    Arrays.sort(impostors);
    float t = VerificationMetrics.thresholdAtFar(impostors, 1e-2);
    assertEquals(0.01, VerificationMetrics.acceptRate(impostors, t), 1e-9);
    float t3 = VerificationMetrics.thresholdAtFar(impostors, 1e-3);
    assertEquals(0.001, VerificationMetrics.acceptRate(impostors, t3), 1e-9);
  }

  @Test
  void equal_error_rate_of_overlapping_scores() {
    float[] genuine = {0.4f, 0.6f, 0.7f, 0.8f};
    float[] impostor = {0.1f, 0.2f, 0.3f, 0.5f};
    // At t = 0.5: FRR = 1/4 (0.4), FAR = 1/4 (0.5).
    assertEquals(0.25, VerificationMetrics.equalErrorRate(genuine, impostor), 1e-9);
  }

  @Test
  void reads_any_number_of_folds_of_an_lfw_pairs_file(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("pairs.txt");
    Files.writeString(file, "2\t1\nAbel 1 2\nAbel 1 Cain 3\nDora 2 4\nDora 1 Eve 12\n");
    LfwPairs pairs = LfwPairs.read(file);
    assertEquals(2, pairs.folds());
    assertEquals(4, pairs.pairs().size());
    assertEquals(
        new LfwPairs.Pair(1, "Dora/Dora_0001.jpg", "Eve/Eve_0012.jpg", false),
        pairs.pairs().get(3));
    assertEquals("Abel", LfwPairs.person(pairs.pairs().get(0).second()));
  }
}
