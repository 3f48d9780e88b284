package io.facesearch.gallery;

import org.apache.lucene.util.VectorUtil;

/** Checks on embeddings at the gallery's edge. */
final class Embeddings {

  /** How far the squared norm of an embedding may be from 1 (float rounding of a normalised vector is far less). */
  static final float UNIT_NORM_TOLERANCE = 1e-3f;

  private Embeddings() {}

  /** Throws {@link IllegalArgumentException} unless {@code vector} has {@code dimensions} entries and unit length. */
  static void requireUnit(float[] vector, int dimensions) {
    if (vector.length != dimensions) {
      throw new IllegalArgumentException(
          "embedding has " + vector.length + " dimensions, the gallery has " + dimensions);
    }
    float squaredNorm = VectorUtil.dotProduct(vector, vector);
    if (!(Math.abs(squaredNorm - 1f) <= UNIT_NORM_TOLERANCE)) {
      throw new IllegalArgumentException(
          "embedding is not L2-normalised (squared norm " + squaredNorm + ")");
    }
  }
}
