package io.facesearch.bench;

import java.util.Arrays;

/**
 * Latencies of one measured run, in nanoseconds, kept as a primitive array (no boxing on the hot path) and
 * summarised by nearest-rank percentiles.
 */
public final class LatencySample {

  private final long[] sortedNanos;

  /** Takes a copy of the first {@code count} entries of {@code nanos}. */
  public LatencySample(long[] nanos, int count) {
    if (count < 1 || count > nanos.length) {
      throw new IllegalArgumentException("count must be in [1, " + nanos.length + "]: " + count);
    }
    this.sortedNanos = Arrays.copyOf(nanos, count);
    Arrays.sort(sortedNanos);
  }

  public int count() {
    return sortedNanos.length;
  }

  /** The nearest-rank percentile {@code p} (0 < p <= 100) in milliseconds. */
  public double percentileMs(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
    }
    int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
    return sortedNanos[Math.max(0, rank - 1)] / 1e6;
  }

  public double medianMs() {
    return percentileMs(50);
  }

  public double meanMs() {
    double sum = 0;
    for (long n : sortedNanos) {
      sum += n;
    }
    return sum / sortedNanos.length / 1e6;
  }
}
