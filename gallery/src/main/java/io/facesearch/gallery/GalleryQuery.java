package io.facesearch.gallery;

import java.util.Objects;

/**
 * A 1:N search.
 *
 * @param vector        the probe embedding, L2-normalised, of the gallery's dimension
 * @param modelId       the id of the model that produced {@code vector}; faces of another model id never match
 * @param k             the maximum number of matches, 1 to {@link #MAX_K}
 * @param minSimilarity matches with a cosine similarity below this are dropped
 * @param filter        which faces may match
 */
public record GalleryQuery(float[] vector, String modelId, int k, float minSimilarity, GalleryFilter filter) {

    public static final int MAX_K = 1000;

    public GalleryQuery {
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(filter, "filter");
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be in [1, " + MAX_K + "], got " + k);
        }
        if (!(minSimilarity >= -1f && minSimilarity <= 1f)) {
            throw new IllegalArgumentException("minSimilarity must be in [-1, 1], got " + minSimilarity);
        }
    }
}
