package io.facesearch.gallery;

import java.util.Arrays;

/**
 * The last step of a {@link LuceneGallery} search, as pure functions over the hits' arrays: which hits must be
 * re-scored with their float32 vectors ({@link #onABoundary}), the order in which to read those vectors
 * ({@link #inDocOrder}), and which hits are the best k ({@link #ranked}). Position {@code i} of every array is hit
 * {@code i} of the sketch scan, best first by its score.
 */
final class ExactRerank {

  private ExactRerank() {}

  /**
   * The positions of the sketch scan's hits (best first, scored within
   * {@link io.facesearch.gallery.sketch.SketchScanVectorsFormat#fineScoreError} {@code E} of their exact
   * similarity) whose score cannot tell on which side of a boundary they are: within {@code E} of the minimum
   * similarity, or, when there are more than k hits, within {@code 2E} of the k-th best score. A hit scored more
   * than {@code 2E} above the k-th is among the exact best k, one more than {@code 2E} below is not, so re-scoring
   * these few with the float vectors makes which hits are among the best k, and which reach the minimum, those of
   * the exact similarity. When the k-th is alone within {@code 2E} of its score, it is among the best k too and
   * nothing there is re-scored (about two hits per search are within 0.001 of the k-th at a million faces:
   * docs/performance.md).
   */
  static int[] onABoundary(float[] similarities, int k, float minSimilarity, float error) {
    float kth = similarities.length > k ? similarities[k - 1] : Float.NaN;
    int nearTheKth = 0;
    for (float s : similarities) {
      if (Math.abs(s - kth) <= 2 * error) { // false for NaN
        nearTheKth++;
      }
    }
    boolean kthInDoubt = nearTheKth > 1;
    int[] positions = new int[similarities.length];
    int n = 0;
    for (int i = 0; i < similarities.length; i++) {
      float s = similarities[i];
      if (Math.abs(s - minSimilarity) <= error || (kthInDoubt && Math.abs(s - kth) <= 2 * error)) {
        positions[n++] = i;
      }
    }
    return Arrays.copyOf(positions, n);
  }

  /**
   * {@code positions} keyed by their document, ascending: the document in the high 32 bits, the position in the
   * low 32 (vector iterators only move forward, so the vectors are read in document order).
   */
  static long[] inDocOrder(int[] docs, int[] positions) {
    long[] byDoc = new long[positions.length];
    for (int j = 0; j < positions.length; j++) {
      byDoc[j] = ((long) docs[positions[j]] << 32) | positions[j];
    }
    Arrays.sort(byDoc);
    return byDoc;
  }

  /**
   * The positions of the hits at or above {@code minSimilarity}, best first, the best {@code k} and every hit
   * tied with the last of them (ties are broken by face id, which the caller knows): so the result may hold more
   * than {@code k} positions, all tied at the end.
   */
  static int[] ranked(float[] similarities, int k, float minSimilarity) {
    int n = similarities.length;
    int kept = 0;
    long[] keyed = new long[n];
    for (int i = 0; i < n; i++) {
      if (similarities[i] >= minSimilarity) {
        keyed[kept++] = sortKeyDescending(similarities[i], i);
      }
    }
    Arrays.sort(keyed, 0, kept);
    int take = Math.min(k, kept);
    while (take < kept && similarities[(int) keyed[take]] == similarities[(int) keyed[take - 1]]) {
      take++;
    }
    int[] positions = new int[take];
    for (int j = 0; j < take; j++) {
      positions[j] = (int) keyed[j];
    }
    return positions;
  }

  /** A long that sorts ascending by similarity descending, carrying the position in its low 32 bits. */
  static long sortKeyDescending(float similarity, int position) {
    int bits = Float.floatToIntBits(similarity);
    int ordered = bits >= 0 ? bits : bits ^ 0x7FFFFFFF; // monotone int image of the float
    return ((long) ~ordered << 32) | position;
  }
}
