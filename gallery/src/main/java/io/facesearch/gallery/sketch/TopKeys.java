package io.facesearch.gallery.sketch;

import java.util.Arrays;
import org.apache.lucene.util.NumericUtils;

/**
 * Top-k selection over {@code long} keys ({@code sortable score << 32 | ordinal or position}, so distinct and
 * ordered by score): the shortlist each scanning thread keeps of stage 2's best ({@link Shortlist}), and the
 * selection of the best positions that stage 4 scores. Linear on average, allocation proportional to k.
 */
final class TopKeys {

  private TopKeys() {}

  /** The positions of the {@code n} highest {@code scores} (all of them when there are no more), in no order. */
  static int[] bestPositions(float[] scores, int n) {
    if (scores.length <= n) {
      int[] all = new int[scores.length];
      Arrays.setAll(all, i -> i);
      return all;
    }
    long[] keyed = new long[scores.length];
    for (int i = 0; i < scores.length; i++) {
      keyed[i] =
          ((long) NumericUtils.floatToSortableInt(scores[i]) << 32) | i; // by score, then position
    }
    selectLargest(keyed, keyed.length, n);
    int[] best = new int[n];
    for (int j = 0; j < n; j++) {
      best[j] = (int) keyed[j];
    }
    return best;
  }

  /**
   * Rearranges {@code keys[0, n)} so that its {@code k} largest come first, in no order (Hoare's selection,
   * linear on average). The keys must be distinct.
   */
  static void selectLargest(long[] keys, int n, int k) {
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      long pivot = keys[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (keys[i] > pivot) {
          i++;
        }
        while (keys[j] < pivot) {
          j--;
        }
        if (i <= j) {
          long swap = keys[i];
          keys[i++] = keys[j];
          keys[j--] = swap;
        }
      }
      // keys[lo, j] >= pivot >= keys[i, hi], and whatever lies between equals the pivot
      if (k - 1 <= j) {
        hi = j;
      } else if (k - 1 >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }

  /** The smallest of {@code keys[0, n)}. */
  static long smallest(long[] keys, int n) {
    long smallest = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      smallest = Math.min(smallest, keys[i]);
    }
    return smallest;
  }

  /**
   * The best vectors by stage 2's estimate that one thread found within the Hamming bound, each held as the key
   * {@code sortable(estimate) << 32 | ordinal}; how many it found, scanned and the chunks it scanned; after stage
   * 3, the ordinals it scored and their scores. Offers go into a buffer of {@value #BUFFERED} times the size
   * kept; a full buffer is cut to the best {@code size} by {@link #selectLargest}, and from then on an offer
   * must beat the worst kept. So nearly every offer is one comparison, cheaper than a heap of the best
   * (docs/history/gallery-measurements.md).
   */
  static final class Shortlist {
    static final int BUFFERED = 4;
    private final int size;
    private final long[] keys;
    private int buffered;

    /** Once {@code size} are kept: the worst of them, which an offer must beat. */
    private long floor = Long.MIN_VALUE;

    int found;
    int scanned;
    int chunks;

    /** After stage 3: the keys it scored, their ordinals and their scores. */
    long[] scoredKeys;

    int[] scoredOrds;
    float[] scores;

    Shortlist(int size) {
      this.size = size;
      this.keys = new long[BUFFERED * size];
    }

    void offer(int ord, float estimate) {
      long key = ((long) NumericUtils.floatToSortableInt(estimate) << 32) | ord;
      if (key > floor) {
        keys[buffered++] = key;
        if (buffered == keys.length) {
          cut(size);
        }
      }
    }

    /** Keeps the best {@code n} of the buffered keys. */
    private void cut(int n) {
      if (buffered > n) {
        selectLargest(keys, buffered, n);
        buffered = n;
      }
      if (buffered == size) {
        floor = smallest(keys, buffered);
      }
    }

    /** Stage 3 for the best {@code n} by the estimate. */
    void scoreBest(SketchQuery q, int n) {
      cut(n);
      scoredKeys = Arrays.copyOf(keys, buffered);
      scoredOrds = new int[buffered];
      for (int i = 0; i < buffered; i++) {
        scoredOrds[i] = (int) scoredKeys[i];
      }
      scores = q.byteDots(scoredOrds);
    }

    /** Keeps the scored entries whose estimates are among the best {@code size}. */
    void keepBest(int size) {
      if (scoredKeys.length <= size) {
        return;
      }
      long[] best = scoredKeys.clone();
      selectLargest(best, best.length, size);
      long lowest = smallest(best, size); // keys are distinct: they end in the ordinal
      int kept = 0;
      for (int i = 0; i < scoredKeys.length; i++) {
        if (scoredKeys[i] >= lowest) {
          scoredKeys[kept] = scoredKeys[i];
          scoredOrds[kept] = scoredOrds[i];
          scores[kept] = scores[i];
          kept++;
        }
      }
      scoredKeys = Arrays.copyOf(scoredKeys, kept);
      scoredOrds = Arrays.copyOf(scoredOrds, kept);
      scores = Arrays.copyOf(scores, kept);
    }

    /** Adds what another thread found and scored. */
    void addAll(Shortlist other) {
      int mine = scoredOrds.length;
      scoredKeys = Arrays.copyOf(scoredKeys, mine + other.scoredKeys.length);
      scoredOrds = Arrays.copyOf(scoredOrds, scoredKeys.length);
      scores = Arrays.copyOf(scores, scoredKeys.length);
      System.arraycopy(other.scoredKeys, 0, scoredKeys, mine, other.scoredKeys.length);
      System.arraycopy(other.scoredOrds, 0, scoredOrds, mine, other.scoredOrds.length);
      System.arraycopy(other.scores, 0, scores, mine, other.scores.length);
      found += other.found;
      scanned += other.scanned;
    }
  }
}
