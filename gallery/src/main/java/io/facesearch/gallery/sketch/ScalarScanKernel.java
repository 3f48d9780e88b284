package io.facesearch.gallery.sketch;

/** {@link ScanKernel} with {@code Long.bitCount}, the distance unrolled over the 8 longs of a sketch. */
final class ScalarScanKernel implements ScanKernel {

    @Override
    public int scan(long[] codes, int from, int to, long[] signBits, long[] planes, int bound, int[] ords,
            int[] ones, int[] weighted) {
        int n = 0;
        for (int ord = from, b = from << 3; ord < to; ord++, b += 8) {
            int d = distance512(codes, b, signBits);
            if (d <= bound) {
                int set = 0;
                int sum = 0;
                for (int w = 0; w < 8; w++) {
                    long code = codes[b + w];
                    set += Long.bitCount(code);
                    sum += Long.bitCount(code & planes[w]) + (Long.bitCount(code & planes[8 + w]) << 1)
                            + (Long.bitCount(code & planes[16 + w]) << 2) + (Long.bitCount(code & planes[24 + w]) << 3);
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
        return Long.bitCount(codes[base] ^ query[0]) + Long.bitCount(codes[base + 1] ^ query[1])
                + Long.bitCount(codes[base + 2] ^ query[2]) + Long.bitCount(codes[base + 3] ^ query[3])
                + Long.bitCount(codes[base + 4] ^ query[4]) + Long.bitCount(codes[base + 5] ^ query[5])
                + Long.bitCount(codes[base + 6] ^ query[6]) + Long.bitCount(codes[base + 7] ^ query[7]);
    }
}
