package io.facesearch.embed;

/**
 * A face embedding: 512 floats with unit L2 norm, and the id of the model (and preprocessing) that made it.
 * Two embeddings are comparable only when their {@code modelId}s are equal.
 */
public record Embedding(float[] vector, String modelId) {

  /** Cosine similarity with {@code other}, -1..1 (a dot product, both being unit vectors). */
  public float similarity(Embedding other) {
    if (!modelId.equals(other.modelId)) {
      throw new IllegalArgumentException(
          "embeddings of different models: " + modelId + " vs " + other.modelId);
    }
    return dot(vector, other.vector);
  }

  public static float dot(float[] a, float[] b) {
    float sum = 0f;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
