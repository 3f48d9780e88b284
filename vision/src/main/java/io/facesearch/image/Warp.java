package io.facesearch.image;

/**
 * Resamples a {@link BgrImage} through an {@link Affine} map (output pixel -> source pixel): crops, resizes
 * and the face alignment all go through {@link #apply}.
 *
 * <p>Each output pixel is the mean of nx x ny bilinear samples, with n the number of source pixels it spans
 * along that axis, rounded up once it exceeds a quarter pixel more than a whole one (at most 8): a plain
 * bilinear resize when enlarging or barely shrinking, an area-like average when shrinking more, so that a face
 * cut from a 12-megapixel photo does not alias. Within one pixel outside the source the edge repeats;
 * further out samples are black, as OpenCV's {@code warpAffine} with a constant border.
 *
 * <p>Axis-aligned maps (crops and resizes, the common case) precompute each column's and row's sample
 * indices and weights once, so the inner loop is four multiply-adds per channel.
 */
public final class Warp {

  private static final int MAX_SUPERSAMPLING = 8;

  private Warp() {}

  public static BgrImage apply(BgrImage src, Affine outToSrc, int outW, int outH) {
    return outToSrc.b() == 0 && outToSrc.d() == 0
        ? axisAligned(src, outToSrc, outW, outH, samples(outToSrc.a()), samples(outToSrc.e()))
        : general(src, outToSrc, outW, outH, samples(outToSrc.maxStretch()));
  }

  /** Samples per output pixel along an axis that spans {@code stretch} source pixels per output pixel. */
  static int samples(double stretch) {
    return Math.max(1, Math.min(MAX_SUPERSAMPLING, (int) Math.ceil(Math.abs(stretch) - 0.25)));
  }

  /** Resizes the whole image to {@code outW x outH}. */
  public static BgrImage resize(BgrImage src, int outW, int outH) {
    return apply(src, Affine.crop(0, 0, src.width(), src.height(), outW, outH), outW, outH);
  }

  /**
   * Sample taps along one axis: for output position o and sub-sample k, the two source indices
   * ({@code lo}, {@code hi}, already clamped) and their weights ({@code wLo}, {@code wHi}, zero where black).
   */
  private record Taps(int[] lo, int[] hi, float[] wLo, float[] wHi) {

    static Taps along(int outSize, int n, double scale, double offset, int srcSize) {
      int[] lo = new int[outSize * n];
      int[] hi = new int[outSize * n];
      float[] wLo = new float[outSize * n];
      float[] wHi = new float[outSize * n];
      for (int o = 0; o < outSize; o++) {
        for (int k = 0; k < n; k++) {
          double s = scale * (o + (k + 0.5) / n - 0.5) + offset;
          int i0 = (int) Math.floor(s);
          float f = (float) (s - i0);
          int t = o * n + k;
          lo[t] = clamp(i0, srcSize);
          hi[t] = clamp(i0 + 1, srcSize);
          wLo[t] = inside(i0, srcSize) ? 1f - f : 0f;
          wHi[t] = inside(i0 + 1, srcSize) ? f : 0f;
        }
      }
      return new Taps(lo, hi, wLo, wHi);
    }
  }

  private static BgrImage axisAligned(
      BgrImage src, Affine map, int outW, int outH, int nx, int ny) {
    Taps xs = Taps.along(outW, nx, map.a(), map.c(), src.width());
    Taps ys = Taps.along(outH, ny, map.e(), map.f(), src.height());
    byte[] p = src.bgr();
    int stride = src.width() * 3;
    byte[] out = new byte[outW * outH * 3];
    float norm = 1f / (nx * ny);
    int o = 0;
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        float b = 0, g = 0, r = 0;
        for (int j = y * ny, jEnd = j + ny; j < jEnd; j++) {
          int rowLo = ys.lo[j] * stride;
          int rowHi = ys.hi[j] * stride;
          float wyLo = ys.wLo[j];
          float wyHi = ys.wHi[j];
          for (int i = x * nx, iEnd = i + nx; i < iEnd; i++) {
            int cLo = xs.lo[i] * 3;
            int cHi = xs.hi[i] * 3;
            float w00 = wyLo * xs.wLo[i];
            float w01 = wyLo * xs.wHi[i];
            float w10 = wyHi * xs.wLo[i];
            float w11 = wyHi * xs.wHi[i];
            int a00 = rowLo + cLo, a01 = rowLo + cHi, a10 = rowHi + cLo, a11 = rowHi + cHi;
            b +=
                w00 * (p[a00] & 0xff)
                    + w01 * (p[a01] & 0xff)
                    + w10 * (p[a10] & 0xff)
                    + w11 * (p[a11] & 0xff);
            g +=
                w00 * (p[a00 + 1] & 0xff)
                    + w01 * (p[a01 + 1] & 0xff)
                    + w10 * (p[a10 + 1] & 0xff)
                    + w11 * (p[a11 + 1] & 0xff);
            r +=
                w00 * (p[a00 + 2] & 0xff)
                    + w01 * (p[a01 + 2] & 0xff)
                    + w10 * (p[a10 + 2] & 0xff)
                    + w11 * (p[a11 + 2] & 0xff);
          }
        }
        out[o++] = toByte(b * norm);
        out[o++] = toByte(g * norm);
        out[o++] = toByte(r * norm);
      }
    }
    return new BgrImage(outW, outH, out);
  }

  private static BgrImage general(BgrImage src, Affine map, int outW, int outH, int n) {
    byte[] p = src.bgr();
    int w = src.width();
    int h = src.height();
    byte[] out = new byte[outW * outH * 3];
    float norm = 1f / (n * n);
    float[] acc = new float[3];
    int o = 0;
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        acc[0] = 0;
        acc[1] = 0;
        acc[2] = 0;
        for (int j = 0; j < n; j++) {
          double oy = y + (j + 0.5) / n - 0.5;
          for (int i = 0; i < n; i++) {
            double ox = x + (i + 0.5) / n - 0.5;
            addBilinear(p, w, h, map.mapX(ox, oy), map.mapY(ox, oy), acc);
          }
        }
        out[o++] = toByte(acc[0] * norm);
        out[o++] = toByte(acc[1] * norm);
        out[o++] = toByte(acc[2] * norm);
      }
    }
    return new BgrImage(outW, outH, out);
  }

  private static void addBilinear(byte[] p, int w, int h, double sx, double sy, float[] acc) {
    int x0 = (int) Math.floor(sx);
    int y0 = (int) Math.floor(sy);
    float fx = (float) (sx - x0);
    float fy = (float) (sy - y0);
    float w00 = (inside(x0, w) && inside(y0, h) ? (1 - fx) * (1 - fy) : 0f);
    float w01 = (inside(x0 + 1, w) && inside(y0, h) ? fx * (1 - fy) : 0f);
    float w10 = (inside(x0, w) && inside(y0 + 1, h) ? (1 - fx) * fy : 0f);
    float w11 = (inside(x0 + 1, w) && inside(y0 + 1, h) ? fx * fy : 0f);
    int xa = clamp(x0, w) * 3;
    int xb = clamp(x0 + 1, w) * 3;
    int ra = clamp(y0, h) * w * 3;
    int rb = clamp(y0 + 1, h) * w * 3;
    for (int c = 0; c < 3; c++) {
      acc[c] +=
          w00 * (p[ra + xa + c] & 0xff)
              + w01 * (p[ra + xb + c] & 0xff)
              + w10 * (p[rb + xa + c] & 0xff)
              + w11 * (p[rb + xb + c] & 0xff);
    }
  }

  /** Index {@code i} counts as inside when it is at most one pixel beyond the edge (the edge repeats there). */
  private static boolean inside(int i, int size) {
    return i >= -1 && i <= size;
  }

  private static int clamp(int i, int size) {
    return i < 0 ? 0 : (i >= size ? size - 1 : i);
  }

  private static byte toByte(float v) {
    int i = (int) (v + 0.5f);
    return (byte) (i > 255 ? 255 : i);
  }
}
