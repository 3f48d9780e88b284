package io.facesearch.gallery.sketch;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScanKernel} with the Java Vector API: a sketch is one 512-bit vector; its distance is the lanes' bit counts
 * of {@code sketch XOR signBits}, summed. Created only by {@link ScanKernel#forThisMachine()}.
 */
final class VectorScanKernel implements ScanKernel {

  private static final VectorSpecies<Long> SKETCH = LongVector.SPECIES_512;

  /**
   * @param requireNativeVectors refuse (throw {@link UnsupportedOperationException}) where this JVM's vectors are
   *                             narrower than 512 bits: the Vector API would emulate them, correctly but many times
   *                             slower than {@link ScalarScanKernel}. {@link ScanKernel#forThisMachine()} passes
   *                             true; the test that compares the two kernels passes false, so that it runs
   *                             everywhere.
   */
  VectorScanKernel(boolean requireNativeVectors) {
    if (requireNativeVectors
        && LongVector.SPECIES_PREFERRED.vectorBitSize() < SKETCH.vectorBitSize()) {
      throw new UnsupportedOperationException("the CPU's vectors are narrower than 512 bits");
    }
  }

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
    LongVector q = LongVector.fromArray(SKETCH, signBits, 0);
    LongVector p0 = LongVector.fromArray(SKETCH, planes, 0);
    LongVector p1 = LongVector.fromArray(SKETCH, planes, 8);
    LongVector p2 = LongVector.fromArray(SKETCH, planes, 16);
    LongVector p3 = LongVector.fromArray(SKETCH, planes, 24);
    int n = 0;
    for (int ord = from; ord < to; ord++) {
      LongVector code = LongVector.fromArray(SKETCH, codes, ord << 3);
      long d =
          code.lanewise(VectorOperators.XOR, q)
              .lanewise(VectorOperators.BIT_COUNT)
              .reduceLanes(VectorOperators.ADD);
      if (d <= bound) {
        LongVector sum =
            code.and(p0)
                .lanewise(VectorOperators.BIT_COUNT)
                .add(
                    code.and(p1)
                        .lanewise(VectorOperators.BIT_COUNT)
                        .lanewise(VectorOperators.LSHL, 1))
                .add(
                    code.and(p2)
                        .lanewise(VectorOperators.BIT_COUNT)
                        .lanewise(VectorOperators.LSHL, 2))
                .add(
                    code.and(p3)
                        .lanewise(VectorOperators.BIT_COUNT)
                        .lanewise(VectorOperators.LSHL, 3));
        ords[n] = ord;
        ones[n] = (int) code.lanewise(VectorOperators.BIT_COUNT).reduceLanes(VectorOperators.ADD);
        weighted[n] = (int) sum.reduceLanes(VectorOperators.ADD);
        n++;
      }
    }
    return n;
  }
}
