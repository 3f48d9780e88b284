package io.facesearch.align;

/**
 * Five facial points in upright image pixels, in ArcFace order: eye on the image left, eye on the image
 * right, nose tip, mouth corner on the image left, mouth corner on the image right. Point {@code i} is
 * ({@code xy[2i]}, {@code xy[2i+1]}).
 */
public record FivePoints(float[] xy) {

  public FivePoints {
    if (xy.length != 10) {
      throw new IllegalArgumentException("expected 10 coordinates, got " + xy.length);
    }
  }

  public float x(int point) {
    return xy[2 * point];
  }

  public float y(int point) {
    return xy[2 * point + 1];
  }
}
