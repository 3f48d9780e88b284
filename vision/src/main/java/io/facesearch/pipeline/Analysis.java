package io.facesearch.pipeline;

import java.util.List;

/**
 * The faces found in one photo, largest first. {@code bestAngle} is how far (clockwise degrees: 0, 90, 180
 * or 270) the photo was turned before analysis; boxes and landmarks are in that turned image, whose size is
 * {@code width x height}.
 */
public record Analysis(List<Face> faces, int bestAngle, int width, int height) {

  public boolean hasFace() {
    return !faces.isEmpty();
  }

  /** The largest face; the one a search uses. */
  public Face largestFace() {
    return faces.getFirst();
  }
}
