package io.facesearch.api;

import io.facesearch.detect.Detection;

/** The API's box: integer [x1, y1, x2, y2] in pixels, rounded outwards. */
final class Bbox {

  private Bbox() {}

  static int[] of(Detection d) {
    return new int[] {
      (int) Math.floor(d.x1()),
      (int) Math.floor(d.y1()),
      (int) Math.ceil(d.x2()),
      (int) Math.ceil(d.y2())
    };
  }
}
