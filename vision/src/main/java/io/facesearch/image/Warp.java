package io.facesearch.image;

/**
 * Resamples a {@link BgrImage} through an {@link Affine} map (output pixel -> source pixel): crops, resizes,
 * rotations and the face alignment all go through {@link #apply}.
 *
 * <p>Each output pixel is the mean of n x n bilinear samples, with n the number of source pixels it spans
 * (at most 8): a plain bilinear resize when enlarging, an area-like average when shrinking, so that a face
 * cut from a 12-megapixel photo does not alias. Samples outside the source are black, as OpenCV's
 * {@code warpAffine} with a constant border.
 */
public final class Warp {

  private static final int MAX_SUPERSAMPLING = 8;

  private Warp() {}

  public static BgrImage apply(BgrImage src, Affine outToSrc, int outW, int outH) {
    byte[] out = new byte[outW * outH * 3];
    int n = Math.max(1, Math.min(MAX_SUPERSAMPLING, (int) Math.ceil(outToSrc.maxStretch() - 1e-6)));
    float[] acc = new float[3];
    float weight = 1f / (n * n);
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
            addBilinear(src, outToSrc.mapX(ox, oy), outToSrc.mapY(ox, oy), acc);
          }
        }
        out[o++] = (byte) Math.round(Math.min(255f, acc[0] * weight));
        out[o++] = (byte) Math.round(Math.min(255f, acc[1] * weight));
        out[o++] = (byte) Math.round(Math.min(255f, acc[2] * weight));
      }
    }
    return new BgrImage(outW, outH, out);
  }

  /** Resizes the whole image to {@code outW x outH}. */
  public static BgrImage resize(BgrImage src, int outW, int outH) {
    return apply(src, Affine.crop(0, 0, src.width(), src.height(), outW, outH), outW, outH);
  }

  private static void addBilinear(BgrImage src, double sx, double sy, float[] acc) {
    int w = src.width();
    int h = src.height();
    int x0 = (int) Math.floor(sx);
    int y0 = (int) Math.floor(sy);
    float fx = (float) (sx - x0);
    float fy = (float) (sy - y0);
    byte[] p = src.bgr();
    for (int c = 0; c < 3; c++) {
      float v00 = pixel(p, w, h, x0, y0, c);
      float v10 = pixel(p, w, h, x0 + 1, y0, c);
      float v01 = pixel(p, w, h, x0, y0 + 1, c);
      float v11 = pixel(p, w, h, x0 + 1, y0 + 1, c);
      float top = v00 + (v10 - v00) * fx;
      float bottom = v01 + (v11 - v01) * fx;
      acc[c] += top + (bottom - top) * fy;
    }
  }

  private static float pixel(byte[] p, int w, int h, int x, int y, int c) {
    if (x < 0 || y < 0 || x >= w || y >= h) {
      // Inside half a pixel of the edge, repeat the edge; further out, black.
      if (x < -1 || y < -1 || x > w || y > h) {
        return 0f;
      }
      x = Math.min(Math.max(x, 0), w - 1);
      y = Math.min(Math.max(y, 0), h - 1);
    }
    return p[(y * w + x) * 3 + c] & 0xff;
  }
}
