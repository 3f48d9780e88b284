package io.facesearch.align;

import io.facesearch.image.Affine;
import io.facesearch.image.BgrImage;
import io.facesearch.image.Warp;

/**
 * Aligns a face to the 112x112 ArcFace template by the least-squares similarity transform (rotation, uniform
 * scale, translation; Umeyama's method without reflection) that maps its {@link FivePoints} onto the template.
 */
public final class FaceAligner {

  public static final int SIZE = 112;

  /** ArcFace's reference points for a 112x112 crop (insightface {@code arcface_dst}), same order as FivePoints. */
  static final float[] TEMPLATE = {
    38.2946f, 51.6963f,
    73.5318f, 51.5014f,
    56.0252f, 71.7366f,
    41.5493f, 92.3655f,
    70.7299f, 92.2041f
  };

  /** The 112x112 aligned face. */
  public BgrImage align(BgrImage image, FivePoints points) {
    Affine imageToTemplate = similarity(points.xy(), TEMPLATE);
    return Warp.apply(image, imageToTemplate.inverse(), SIZE, SIZE);
  }

  /**
   * The similarity transform {@code T} minimising sum |T(src_i) - dst_i|^2. In 2-D with no reflection it is
   * [[a, -b], [b, a]] plus a translation, with a and b from the centred point sets (Umeyama 1991).
   */
  static Affine similarity(float[] src, float[] dst) {
    int n = src.length / 2;
    double sx = 0, sy = 0, dx = 0, dy = 0;
    for (int i = 0; i < n; i++) {
      sx += src[2 * i];
      sy += src[2 * i + 1];
      dx += dst[2 * i];
      dy += dst[2 * i + 1];
    }
    sx /= n;
    sy /= n;
    dx /= n;
    dy /= n;
    double dot = 0, cross = 0, norm = 0;
    for (int i = 0; i < n; i++) {
      double px = src[2 * i] - sx;
      double py = src[2 * i + 1] - sy;
      double qx = dst[2 * i] - dx;
      double qy = dst[2 * i + 1] - dy;
      dot += px * qx + py * qy;
      cross += px * qy - py * qx;
      norm += px * px + py * py;
    }
    if (norm < 1e-9) {
      return new Affine(1, 0, dx - sx, 0, 1, dy - sy); // all points on one spot: translate only
    }
    double a = dot / norm;
    double b = cross / norm;
    return new Affine(a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy));
  }
}
