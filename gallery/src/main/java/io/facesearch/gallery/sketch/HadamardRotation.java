package io.facesearch.gallery.sketch;

import java.util.SplittableRandom;

/**
 * A fixed pseudo-random rotation of R^d: {@code R = H·D3 · H·D2 · H·D1}, where each {@code Di} flips the sign of
 * entries by a seeded coin and {@code H} is the normalised Walsh-Hadamard transform ({@code H·Hᵀ = I}). Vectors
 * whose dimension is not a power of two are padded with zeros to the next one.
 *
 * <p>Why rotate: the sign bits of a rotated vector are then the sides of {@code padded} (nearly independent,
 * orthogonal) random hyperplanes, so that the Hamming distance of two sketches estimates the angle between the
 * vectors (Charikar's SimHash) however unevenly the embedding model spreads its variance over the coordinates. A
 * dense random orthogonal matrix would do the same in {@code O(d²)}; the randomised Hadamard transform (Ailon and
 * Chazelle's fast Johnson-Lindenstrauss transform) costs {@code O(d log d)}: about 15k float operations for 512-d.
 *
 * <p>The seed and the number of rounds are part of the persisted format ({@link SketchScanVectorsFormat}): sketches
 * written with one rotation cannot be compared with queries rotated by another.
 */
final class HadamardRotation {

  static final long SEED = 0x5EED_FACE_5EA2L;
  static final int ROUNDS = 3;

  private final int dimensions;
  private final int padded;
  private final float[][] signs;
  private final float scale;

  HadamardRotation(int dimensions) {
    if (dimensions < 1) {
      throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
    }
    this.dimensions = dimensions;
    this.padded = padded(dimensions);
    SplittableRandom random = new SplittableRandom(SEED);
    this.signs = new float[ROUNDS][padded];
    for (float[] round : signs) {
      for (int i = 0; i < padded; i++) {
        round[i] = random.nextBoolean() ? 1f : -1f;
      }
    }
    // Each unnormalised transform multiplies norms by sqrt(padded); scale once at the end.
    this.scale = (float) Math.pow(padded, -ROUNDS / 2.0);
  }

  /** Entries of a rotated vector: the dimension rounded up to a power of two. */
  int padded() {
    return padded;
  }

  /** Entries of a rotated vector of {@code dimensions} entries. */
  static int padded(int dimensions) {
    int power = Integer.highestOneBit(dimensions);
    return power == dimensions ? dimensions : power << 1;
  }

  /** Writes {@code R·(x - centre)} into {@code out} ({@link #padded} entries); {@code centre} may be null. */
  void rotate(float[] x, float[] centre, float[] out) {
    for (int i = 0; i < dimensions; i++) {
      out[i] = centre == null ? x[i] : x[i] - centre[i];
    }
    for (int i = dimensions; i < padded; i++) {
      out[i] = 0f;
    }
    for (float[] round : signs) {
      for (int i = 0; i < padded; i++) {
        out[i] *= round[i];
      }
      walshHadamard(out);
    }
    for (int i = 0; i < padded; i++) {
      out[i] *= scale;
    }
  }

  /** In-place unnormalised fast Walsh-Hadamard transform of a power-of-two-long vector. */
  private static void walshHadamard(float[] v) {
    int n = v.length;
    for (int half = 1; half < n; half <<= 1) {
      for (int start = 0; start < n; start += half << 1) {
        for (int i = start, end = start + half; i < end; i++) {
          float a = v[i];
          float b = v[i + half];
          v[i] = a + b;
          v[i + half] = a - b;
        }
      }
    }
  }
}
