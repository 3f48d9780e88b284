package io.facesearch.gallery.sketch;

import java.util.Arrays;

/**
 * What the writer and the reader of {@link SketchScanVectorsFormat} share: how a vector becomes its sketch, its
 * correction factor, its byte vector and its 4-bit residuals, i.e. the persisted format of {@code .fsk} (its layout
 * on disk is in {@link SketchScanVectorsFormat}; what the numbers mean in {@link BinarySketches}). A change here
 * changes the files: bump {@link SketchScanVectorsFormat#VERSION_CURRENT} and the gallery's layout version.
 */
final class SketchCodec {

  private SketchCodec() {}

  /** Longs per sketch for vectors of this dimension. */
  static int words(int dimensions) {
    return (HadamardRotation.padded(dimensions) + 63) / 64;
  }

  /**
   * Encodes one vector: writes its sign bits at {@code codes[ord * words ..]} and returns its correction factor.
   * {@code scratch} holds at least {@link HadamardRotation#padded} floats.
   */
  static float encode(
      HadamardRotation rotation,
      float[] vector,
      float[] centroid,
      float[] scratch,
      long[] codes,
      int offset) {
    rotation.rotate(vector, centroid, scratch);
    int padded = rotation.padded();
    double squares = 0;
    double absolutes = 0;
    for (int i = 0; i < padded; i++) {
      float o = scratch[i];
      squares += (double) o * o;
      absolutes += Math.abs(o);
      if (o > 0) {
        codes[offset + (i >> 6)] |= 1L << (i & 63);
      }
    }
    return absolutes == 0 ? 0f : (float) (squares / absolutes);
  }

  /** Bytes per vector of {@link #residuals}: two 4-bit values per byte. */
  static int residualBytes(int dimensions) {
    return (dimensions + 1) / 2;
  }

  /**
   * Quantises one vector to signed bytes with its own scale, {@code vector[i] ≈ scale · out[offset + i]}, writes
   * the 4-bit residuals of its entries at {@code residuals[residualOffset ..]} ({@link #residualBytes} of them;
   * see the class comment; none when {@code residuals} is null) and returns the scale
   * ({@code max |vector[i]| / 127}; 0 for the zero vector).
   */
  static float quantize(
      float[] vector, byte[] out, int offset, byte[] residuals, int residualOffset) {
    float max = 0f;
    for (float v : vector) {
      max = Math.max(max, Math.abs(v));
    }
    if (residuals != null) {
      Arrays.fill(
          residuals, residualOffset, residualOffset + residualBytes(vector.length), (byte) 0);
    }
    if (max == 0f) {
      Arrays.fill(out, offset, offset + vector.length, (byte) 0);
      return 0f;
    }
    float toByte = 127f / max;
    for (int i = 0; i < vector.length; i++) {
      float scaled = vector[i] * toByte;
      int b = Math.round(scaled);
      out[offset + i] = (byte) b;
      if (residuals == null) {
        continue;
      }
      // scaled - b is in [-0.5, 0.5]: sixteen steps, each read back as its middle
      int r = Math.min(15, Math.max(0, (int) Math.floor((scaled - b + 0.5f) * 16f)));
      residuals[residualOffset + (i >> 1)] |= (byte) (r << ((i & 1) << 2));
    }
    return max / 127f;
  }
}
