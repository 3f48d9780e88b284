package io.facesearch.gallery.bench;

import java.util.List;
import java.util.SplittableRandom;

/**
 * How the benchmark draws the faces that are nobody's mate (the background of the gallery) and its random queries.
 * Each vector is a pure function of a seed, so the gallery can be streamed twice without being held.
 *
 * <ul>
 * <li>{@link #uniform}: uniformly random unit vectors. Every pair of them is near-orthogonal (cosine spread
 *     σ = 1/√d ≈ 0.044 for d = 512), with no structure for a graph search to follow (the worst case for the HNSW index of old), and
 *     unlike real faces.</li>
 * <li>{@link #fittedTo}: "face-like" vectors, {@code normalize(μ + L·g)} with {@code g ~ N(0, I)}, where μ and
 *     {@code L·Lᵀ = Σ} are the mean and covariance of real embeddings (of LFW photos, by our model). They share the
 *     first two moments of real faces, hence their spread of similarities between different people, without
 *     being any real person. The benchmark prints how well their impostor scores match the real ones.</li>
 * </ul>
 */
public sealed interface Background {

  /** The unit vector drawn from {@code seed}. */
  float[] vector(long seed);

  /** A short name for the benchmark output: {@code uniform} or {@code face-like(n)}. */
  String describe();

  /**
   * The background a benchmark option names: {@code face-like} (fitted to {@code real}) or {@code uniform} (of
   * their dimensions).
   */
  static Background named(String name, List<float[]> real) {
    return switch (name) {
      case "face-like" -> fittedTo(real);
      case "uniform" -> uniform(real.getFirst().length);
      default ->
          throw new IllegalArgumentException("background must be face-like or uniform: " + name);
    };
  }

  static Background uniform(int dimensions) {
    return new Uniform(dimensions);
  }

  /**
   * The Gaussian with the mean and covariance of {@code embeddings} (at least {@code 2·d} of them, unit length),
   * sampled and normalised. A ridge of 1e-6 on the diagonal keeps the covariance positive definite.
   */
  static Background fittedTo(List<float[]> embeddings) {
    return FaceLike.fit(embeddings);
  }

  record Uniform(int dimensions) implements Background {

    @Override
    public float[] vector(long seed) {
      return SyntheticGalleryTruth.randomUnitVector(seed, dimensions);
    }

    @Override
    public String describe() {
      return "uniform";
    }
  }

  /**
   * @param mean     μ, d entries
   * @param cholesky the lower-triangular factor L of Σ = L·Lᵀ, stored by column: column j holds rows j..d-1,
   *                 so that {@code x += g[j] · column j} is a contiguous loop the JIT vectorises
   * @param fittedOn how many embeddings Σ was estimated from
   */
  record FaceLike(float[] mean, float[][] cholesky, int fittedOn) implements Background {

    static FaceLike fit(List<float[]> embeddings) {
      int d = embeddings.getFirst().length;
      int n = embeddings.size();
      if (n < 2 * d) {
        throw new IllegalArgumentException(
            "need at least " + 2 * d + " embeddings to fit a covariance: " + n);
      }
      double[] mean = new double[d];
      for (float[] e : embeddings) {
        for (int i = 0; i < d; i++) {
          mean[i] += e[i];
        }
      }
      for (int i = 0; i < d; i++) {
        mean[i] /= n;
      }
      double[][] cov = new double[d][d];
      double[] centred = new double[d];
      for (float[] e : embeddings) {
        for (int i = 0; i < d; i++) {
          centred[i] = e[i] - mean[i];
        }
        for (int i = 0; i < d; i++) {
          double ci = centred[i];
          double[] row = cov[i];
          for (int j = 0; j <= i; j++) {
            row[j] += ci * centred[j];
          }
        }
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j <= i; j++) {
          cov[i][j] /= n - 1;
        }
        cov[i][i] += 1e-6;
      }
      // Cholesky-Banachiewicz, in place on the lower triangle.
      for (int i = 0; i < d; i++) {
        for (int j = 0; j <= i; j++) {
          double sum = cov[i][j];
          for (int k = 0; k < j; k++) {
            sum -= cov[i][k] * cov[j][k];
          }
          if (i == j) {
            if (sum <= 0) {
              throw new IllegalArgumentException("covariance is not positive definite");
            }
            cov[i][i] = Math.sqrt(sum);
          } else {
            cov[i][j] = sum / cov[j][j];
          }
        }
      }
      float[][] columns = new float[d][];
      for (int j = 0; j < d; j++) {
        columns[j] = new float[d - j];
        for (int i = j; i < d; i++) {
          columns[j][i - j] = (float) cov[i][j];
        }
      }
      float[] mu = new float[d];
      for (int i = 0; i < d; i++) {
        mu[i] = (float) mean[i];
      }
      return new FaceLike(mu, columns, n);
    }

    @Override
    public float[] vector(long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      int d = mean.length;
      float[] x = mean.clone();
      for (int j = 0; j < d; j++) {
        float g = (float) random.nextGaussian();
        float[] column = cholesky[j];
        for (int i = 0; i < column.length; i++) {
          x[j + i] += g * column[i];
        }
      }
      return SyntheticGalleryTruth.normalize(x);
    }

    @Override
    public String describe() {
      return "face-like(fitted on " + fittedOn + " embeddings)";
    }
  }
}
