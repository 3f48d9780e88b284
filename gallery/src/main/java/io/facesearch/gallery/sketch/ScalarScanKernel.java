package io.facesearch.gallery.sketch;

/**
 * {@link ScanKernel} with {@code Long.bitCount}, the distance unrolled over the 8 longs of a sketch. The query's
 * longs are held in locals for the whole loop: reading them from {@code signBits} in every iteration (as
 * {@link #distance512} does) made the scan of a million sketches 7 % slower on an AVX2-only machine (4.03-4.10
 * against 3.72-3.81 ms p50 with two threads, variants taking turns; docs/performance.md).
 */
final class ScalarScanKernel implements ScanKernel {

  @Override
  public int scan(
      long[] codes,
      int from,
      int to,
      long[] signBits,
      long[] planes,
      int bound,
      int[] ords,
      int[] ones,
      int[] weighted) {
    long q0 = signBits[0];
    long q1 = signBits[1];
    long q2 = signBits[2];
    long q3 = signBits[3];
    long q4 = signBits[4];
    long q5 = signBits[5];
    long q6 = signBits[6];
    long q7 = signBits[7];
    int n = 0;
    for (int ord = from, b = from << 3; ord < to; ord++, b += 8) {
      int d =
          Long.bitCount(codes[b] ^ q0)
              + Long.bitCount(codes[b + 1] ^ q1)
              + Long.bitCount(codes[b + 2] ^ q2)
              + Long.bitCount(codes[b + 3] ^ q3)
              + Long.bitCount(codes[b + 4] ^ q4)
              + Long.bitCount(codes[b + 5] ^ q5)
              + Long.bitCount(codes[b + 6] ^ q6)
              + Long.bitCount(codes[b + 7] ^ q7);
      if (d <= bound) {
        int set = 0;
        int sum = 0;
        for (int w = 0; w < 8; w++) {
          long code = codes[b + w];
          set += Long.bitCount(code);
          sum +=
              Long.bitCount(code & planes[w])
                  + (Long.bitCount(code & planes[8 + w]) << 1)
                  + (Long.bitCount(code & planes[16 + w]) << 2)
                  + (Long.bitCount(code & planes[24 + w]) << 3);
        }
        ords[n] = ord;
        ones[n] = set;
        weighted[n] = sum;
        n++;
      }
    }
    return n;
  }

  /** The Hamming distance between the 512-bit sketch at {@code codes[base ..]} and {@code query}. */
  static int distance512(long[] codes, int base, long[] query) {
    return Long.bitCount(codes[base] ^ query[0])
        + Long.bitCount(codes[base + 1] ^ query[1])
        + Long.bitCount(codes[base + 2] ^ query[2])
        + Long.bitCount(codes[base + 3] ^ query[3])
        + Long.bitCount(codes[base + 4] ^ query[4])
        + Long.bitCount(codes[base + 5] ^ query[5])
        + Long.bitCount(codes[base + 6] ^ query[6])
        + Long.bitCount(codes[base + 7] ^ query[7]);
  }
}
