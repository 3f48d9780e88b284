package io.facesearch.gallery.sketch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stages 1 and 2 of the sketch scan over a run of 512-bit sketches: the hot loop of every search. For each sketch
 * {@code b} at {@code codes[8·ord ..]} it computes the Hamming distance {@code popcount(b XOR signBits)}; for those
 * within {@code bound} it also counts what the estimate needs while the sketch is in a register: {@code ones =
 * popcount(b)} and {@code weighted = Σ_k 2^k popcount(b AND plane_k)}, plane k being the 8 longs at
 * {@code planes[8k ..]} (k = 0..3).
 *
 * <p>Two implementations compute the same numbers:
 * <ul>
 * <li>{@link ScalarScanKernel}: {@code Long.bitCount} per long; runs anywhere.</li>
 * <li>{@code VectorScanKernel} (source folder {@code src/main/java-vector}): one 512-bit vector per sketch with the
 *     Java Vector API, faster where the CPU counts bits in vectors (docs/history/gallery-measurements.md). It is
 *     compiled apart because {@code jdk.incubator.vector} is not in the Java 21 API the
 *     rest is compiled against, and used only where it is fast: the module is present (the launcher and the
 *     tests add it), vectors are 512 bits and the CPU counts bits in vectors ({@code avx512_vpopcntdq}); elsewhere
 *     the Vector API would emulate the bit count lane by lane.</li>
 * </ul>
 */
interface ScanKernel {

  /**
   * Scans the sketches of ordinals {@code [from, to)}; for each within {@code bound} of {@code signBits}, in order,
   * writes its ordinal, {@code ones} and {@code weighted} at the same index of the three arrays (each holds at
   * least {@code to - from}). Returns how many it wrote.
   */
  int scan(
      long[] codes,
      int from,
      int to,
      long[] signBits,
      long[] planes,
      int bound,
      int[] ords,
      int[] ones,
      int[] weighted);

  /** The implementation for this JVM and CPU: the vector one where it is fast, else the scalar one. */
  static ScanKernel forThisMachine() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()
        || !cpuCountsBitsInVectors()) {
      return new ScalarScanKernel();
    }
    try {
      return Class.forName("io.facesearch.gallery.sketch.VectorScanKernel")
          .asSubclass(ScanKernel.class)
          .getDeclaredConstructor(boolean.class)
          .newInstance(true);
    } catch (ReflectiveOperationException | LinkageError e) {
      return new ScalarScanKernel(); // not compiled in, or vectors narrower than 512 bits
    }
  }

  private static boolean cpuCountsBitsInVectors() {
    try {
      return Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512_vpopcntdq");
    } catch (IOException | SecurityException e) {
      return false;
    }
  }
}
