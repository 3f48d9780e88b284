package io.facesearch.image;

/**
 * A 2-D affine map on pixel-index coordinates (pixel (0,0) is centred on 0.0, as in OpenCV):
 * {@code x' = a*x + b*y + c}, {@code y' = d*x + e*y + f}.
 *
 * <p>{@link Warp} uses it in the direction output pixel -> source pixel.
 */
public record Affine(double a, double b, double c, double d, double e, double f) {

  /**
   * Output pixel -> source pixel for cropping the rectangle {@code [x0, x0+w) x [y0, y0+h)} (in continuous
   * pixel-edge coordinates) and resizing it to {@code outW x outH}, with OpenCV's {@code resize} convention.
   */
  public static Affine crop(double x0, double y0, double w, double h, int outW, int outH) {
    double sx = w / outW;
    double sy = h / outH;
    return new Affine(sx, 0, x0 + 0.5 * sx - 0.5, 0, sy, y0 + 0.5 * sy - 0.5);
  }

  /** The inverse map; throws if the map is singular. */
  public Affine inverse() {
    double det = a * e - b * d;
    if (Math.abs(det) < 1e-12) {
      throw new IllegalArgumentException("singular affine map");
    }
    double ia = e / det;
    double ib = -b / det;
    double id = -d / det;
    double ie = a / det;
    return new Affine(ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f));
  }

  public double mapX(double x, double y) {
    return a * x + b * y + c;
  }

  public double mapY(double x, double y) {
    return d * x + e * y + f;
  }

  /** How many source pixels one output pixel spans, at most, along either axis. */
  public double maxStretch() {
    return Math.max(Math.hypot(a, d), Math.hypot(b, e));
  }
}
