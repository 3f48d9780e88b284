package io.facesearch.image;

/**
 * The eight EXIF orientations (TIFF tag 0x0112), each as the transform that makes the stored pixels upright.
 *
 * <p>EXIF value 6, for example, means the camera stored the picture turned 90 degrees counter-clockwise,
 * so it must be turned 90 degrees clockwise to be shown upright: {@link #ROTATE_90}.
 */
public enum Orientation {
  /** EXIF 1: already upright. */
  NORMAL(false, false, false),
  /** EXIF 2: mirrored left to right. */
  MIRROR(false, true, false),
  /** EXIF 3: upside down. */
  ROTATE_180(false, true, true),
  /** EXIF 4: mirrored top to bottom. */
  FLIP(false, false, true),
  /** EXIF 5: mirrored along the main diagonal. */
  TRANSPOSE(true, false, false),
  /** EXIF 6: turn 90 degrees clockwise. */
  ROTATE_90(true, false, true),
  /** EXIF 7: mirrored along the anti-diagonal. */
  TRANSVERSE(true, true, true),
  /** EXIF 8: turn 270 degrees clockwise (90 counter-clockwise). */
  ROTATE_270(true, true, false);

  // The transform maps upright output pixel (ox, oy) to stored pixel (sx, sy): swap axes first if
  // transposed, then mirror x and/or y within the stored image.
  private final boolean transpose;
  private final boolean mirrorX;
  private final boolean mirrorY;

  Orientation(boolean transpose, boolean mirrorX, boolean mirrorY) {
    this.transpose = transpose;
    this.mirrorX = mirrorX;
    this.mirrorY = mirrorY;
  }

  /** The orientation for an EXIF Orientation value; unknown values are treated as upright. */
  public static Orientation fromExif(int value) {
    return value >= 1 && value <= 8 ? values()[value - 1] : NORMAL;
  }

  /** The upright image for stored pixels {@code src}. */
  public BgrImage apply(BgrImage src) {
    if (this == NORMAL) {
      return src;
    }
    int sw = src.width();
    int sh = src.height();
    int ow = transpose ? sh : sw;
    int oh = transpose ? sw : sh;
    byte[] in = src.bgr();
    byte[] out = new byte[in.length];
    int o = 0;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        int sx = transpose ? oy : ox;
        int sy = transpose ? ox : oy;
        if (mirrorX) sx = sw - 1 - sx;
        if (mirrorY) sy = sh - 1 - sy;
        int s = (sy * sw + sx) * 3;
        out[o++] = in[s];
        out[o++] = in[s + 1];
        out[o++] = in[s + 2];
      }
    }
    return new BgrImage(ow, oh, out);
  }
}
