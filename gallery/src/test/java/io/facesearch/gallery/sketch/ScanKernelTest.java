package io.facesearch.gallery.sketch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The two implementations of stages 1 and 2 find the same sketches and count the same bits. */
class ScanKernelTest {

  @Test
  void the_vector_and_scalar_kernels_find_the_same_sketches_and_counts() {
    long seed = 20_261_130L;
    System.out.println(
        "the_vector_and_scalar_kernels_find_the_same_sketches_and_counts: seed="
            + seed
            + ", this machine's kernel: "
            + ScanKernel.forThisMachine().getClass().getSimpleName());
    SplittableRandom random = new SplittableRandom(seed);
    int n = 10_000;
    long[] signBits = randomLongs(8, random);
    long[] planes = randomLongs(32, random);
    long[] codes = randomLongs(n * 8, random);
    for (int w = 0; w < 8; w++) {
      codes[17 * 8 + w] = signBits[w]; // distance 0
      codes[18 * 8 + w] = ~signBits[w]; // distance 512
      codes[19 * 8 + w] = signBits[w] ^ (w == 3 ? 0xFFL : 0L); // distance 8
    }
    ScanKernel scalar = new ScalarScanKernel();
    ScanKernel vector =
        new VectorScanKernel(false); // emulated where vectors are narrower than 512 bits
    int[][] ranges = {{0, n}, {17, 20}, {5, 9_999}, {n, n}};
    for (int bound : new int[] {0, 8, 230, 256, 300, 511, 512}) {
      for (int[] range : ranges) {
        Output expected = new Output(n);
        Output actual = new Output(n);
        int found = expected.scan(scalar, codes, range, signBits, planes, bound);
        String where = "bound " + bound + " range " + Arrays.toString(range);
        assertEquals(found, actual.scan(vector, codes, range, signBits, planes, bound), where);
        assertArrayEquals(
            Arrays.copyOf(expected.ords, found), Arrays.copyOf(actual.ords, found), where);
        assertArrayEquals(
            Arrays.copyOf(expected.ones, found), Arrays.copyOf(actual.ones, found), where);
        assertArrayEquals(
            Arrays.copyOf(expected.weighted, found), Arrays.copyOf(actual.weighted, found), where);
      }
    }
    Output output = new Output(n);
    assertEquals(
        1,
        output.scan(scalar, codes, new int[] {0, n}, signBits, planes, 0),
        "only the copy is at 0");
    assertEquals(17, output.ords[0]);
    int ones = 0;
    int weighted = 0;
    for (int w = 0; w < 8; w++) {
      ones += Long.bitCount(signBits[w]);
      for (int k = 0; k < 4; k++) {
        weighted += Long.bitCount(signBits[w] & planes[8 * k + w]) << k;
      }
    }
    assertEquals(ones, output.ones[0]);
    assertEquals(weighted, output.weighted[0]);
    assertEquals(
        n,
        output.scan(scalar, codes, new int[] {0, n}, signBits, planes, 512),
        "all within 512 bits");
  }

  private record Output(int[] ords, int[] ones, int[] weighted) {
    Output(int n) {
      this(new int[n], new int[n], new int[n]);
    }

    int scan(
        ScanKernel kernel, long[] codes, int[] range, long[] signBits, long[] planes, int bound) {
      return kernel.scan(codes, range[0], range[1], signBits, planes, bound, ords, ones, weighted);
    }
  }

  private static long[] randomLongs(int n, SplittableRandom random) {
    long[] longs = new long[n];
    for (int i = 0; i < n; i++) {
      longs[i] = random.nextLong();
    }
    return longs;
  }
}
