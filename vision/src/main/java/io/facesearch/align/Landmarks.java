package io.facesearch.align;

/**
 * The 68 facial landmarks of the iBUG 300-W scheme, in upright image pixels: point {@code i} (0-based) is
 * ({@code xy[2i]}, {@code xy[2i+1]}). 0-16 jaw, 17-26 brows, 27-35 nose, 36-41 right eye (image left),
 * 42-47 left eye, 48-67 mouth.
 */
public record Landmarks(float[] xy) {

  public static final int COUNT = 68;

  public Landmarks {
    if (xy.length != 2 * COUNT) {
      throw new IllegalArgumentException(
          "expected " + 2 * COUNT + " coordinates, got " + xy.length);
    }
  }

  public float x(int point) {
    return xy[2 * point];
  }

  public float y(int point) {
    return xy[2 * point + 1];
  }

  /**
   * The five ArcFace alignment points: each eye is the mean of its four lid points (37, 38, 40, 41 and
   * 43, 44, 46, 47; the corners are left out), the nose tip is 30, each mouth corner is the mean of the
   * outer and inner lip corners (48, 60 and 54, 64).
   */
  public FivePoints fivePoints() {
    return new FivePoints(
        new float[] {
          mean(37, 38, 40, 41, true),
          mean(37, 38, 40, 41, false),
          mean(43, 44, 46, 47, true),
          mean(43, 44, 46, 47, false),
          x(30),
          y(30),
          (x(48) + x(60)) / 2,
          (y(48) + y(60)) / 2,
          (x(54) + x(64)) / 2,
          (y(54) + y(64)) / 2
        });
  }

  private float mean(int a, int b, int c, int d, boolean xs) {
    return xs ? (x(a) + x(b) + x(c) + x(d)) / 4 : (y(a) + y(b) + y(c) + y(d)) / 4;
  }
}
