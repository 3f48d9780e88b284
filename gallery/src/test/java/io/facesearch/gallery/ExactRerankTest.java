package io.facesearch.gallery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pure functions of a search's last step, on hand-made arrays and against a sort, with a printed seed. */
class ExactRerankTest {

  private static final float E = 0.001f;

  @Test
  void only_hits_within_the_error_of_the_minimum_are_rescored_when_the_kth_is_clear() {
    float[] similarities = {0.9f, 0.8f, 0.7f, 0.5005f, 0.4998f, 0.3f};
    assertArrayEquals(new int[] {3, 4}, ExactRerank.onABoundary(similarities, 2, 0.5f, E));
  }

  @Test
  void hits_within_twice_the_error_of_the_kth_are_rescored_when_it_is_not_alone() {
    float[] similarities = {0.9f, 0.8015f, 0.8f, 0.7985f, 0.7f};
    // k = 3: the 3rd (0.8) has the 2nd and the 4th within 2E: all three are in doubt.
    assertArrayEquals(new int[] {1, 2, 3}, ExactRerank.onABoundary(similarities, 3, -1f, E));
  }

  @Test
  void a_kth_alone_within_twice_the_error_is_not_rescored() {
    float[] similarities = {0.9f, 0.8f, 0.7f, 0.6f};
    assertArrayEquals(new int[0], ExactRerank.onABoundary(similarities, 2, -1f, E));
  }

  @Test
  void no_kth_boundary_when_there_are_no_more_hits_than_k() {
    float[] similarities = {0.9f, 0.9f, 0.9f};
    assertArrayEquals(new int[0], ExactRerank.onABoundary(similarities, 3, -1f, E));
  }

  @Test
  void ranked_keeps_the_best_k_at_or_above_the_minimum_and_every_tie_with_the_last() {
    float[] similarities = {0.2f, 0.9f, 0.5f, 0.5f, 0.7f, 0.5f, 0.1f};
    assertArrayEquals(new int[] {1, 4}, ExactRerank.ranked(similarities, 2, -1f));
    int[] withTies = ExactRerank.ranked(similarities, 3, -1f);
    assertEquals(5, withTies.length, Arrays.toString(withTies));
    assertArrayEquals(new int[] {1, 4}, Arrays.copyOf(withTies, 2));
    assertEquals(List.of(2, 3, 5), Arrays.stream(withTies, 2, 5).sorted().boxed().toList());
    assertArrayEquals(new int[] {1, 4}, ExactRerank.ranked(similarities, 10, 0.6f));
    assertArrayEquals(new int[0], ExactRerank.ranked(similarities, 10, 0.95f));
  }

  @Test
  void ranked_orders_random_similarities_as_a_sort_does() {
    long seed = TestSeed.get("ranked_orders_random_similarities_as_a_sort_does");
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 500; round++) {
      int n = random.nextInt(60);
      float[] similarities = new float[n];
      for (int i = 0; i < n; i++) {
        // Few distinct values, negative ones too, so that ties and the sign of the sort key are
        // exercised.
        similarities[i] = (random.nextInt(21) - 10) / 10f;
      }
      int k = 1 + random.nextInt(20);
      float min = (random.nextInt(21) - 10) / 10f;
      int[] ranked = ExactRerank.ranked(similarities, k, min);
      List<Float> expected = new ArrayList<>();
      for (float s : similarities) {
        if (s >= min) {
          expected.add(s);
        }
      }
      expected.sort((a, b) -> Float.compare(b, a));
      int take = Math.min(k, expected.size());
      while (take < expected.size() && expected.get(take).equals(expected.get(take - 1))) {
        take++;
      }
      assertEquals(take, ranked.length, "round " + round);
      for (int j = 0; j < ranked.length; j++) {
        assertEquals(
            (float) expected.get(j), similarities[ranked[j]], "round " + round + " position " + j);
      }
    }
  }

  @Test
  void in_doc_order_sorts_the_positions_by_document() {
    int[] docs = {40, 7, 19, 3};
    long[] keys = ExactRerank.inDocOrder(docs, new int[] {0, 2, 3});
    assertEquals(3, keys.length);
    assertEquals(3, keys[0] >>> 32);
    assertEquals(3, (int) keys[0]);
    assertEquals(19, keys[1] >>> 32);
    assertEquals(2, (int) keys[1]);
    assertEquals(40, keys[2] >>> 32);
    assertTrue((int) keys[2] == 0);
  }
}
