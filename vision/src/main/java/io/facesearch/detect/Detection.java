package io.facesearch.detect;

import io.facesearch.image.Box;

/**
 * One detected face: the box corners in upright image pixels (x1 < x2, y1 < y2, inside the image) and the
 * detector's face probability, 0..1.
 */
public record Detection(float x1, float y1, float x2, float y2, float confidence) {

  public float width() {
    return x2 - x1;
  }

  public float height() {
    return y2 - y1;
  }

  public float area() {
    return width() * height();
  }

  /** Intersection over union with {@code other}, 0..1. */
  public float iou(Detection other) {
    float iw = Math.min(x2, other.x2) - Math.max(x1, other.x1);
    float ih = Math.min(y2, other.y2) - Math.max(y1, other.y1);
    if (iw <= 0 || ih <= 0) {
      return 0f;
    }
    float inter = iw * ih;
    return inter / (area() + other.area() - inter);
  }

  /**
   * The detection box grown by {@code scale} about its centre (less if the image is too small), then moved
   * to lie inside the {@code imageWidth x imageHeight} image: the context crop that the attribute and
   * liveness models were trained on (faceplugin's {@code align*Image}).
   */
  public Box contextBox(float scale, int imageWidth, int imageHeight) {
    float w = width();
    float h = height();
    float s = Math.min(Math.min((imageHeight - 1) / h, (imageWidth - 1) / w), scale);
    float nw = w * s;
    float nh = h * s;
    float left = (x1 + x2) / 2 - nw / 2;
    float top = (y1 + y2) / 2 - nh / 2;
    left = Math.max(0f, Math.min(left, imageWidth - 1 - nw));
    top = Math.max(0f, Math.min(top, imageHeight - 1 - nh));
    return new Box(left, top, nw, nh);
  }
}
