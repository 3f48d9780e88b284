package io.facesearch.gallery;

/** One search result; {@code similarity} is the exact cosine similarity (dot product) of the float embeddings. */
public record GalleryMatch(
        String faceId, String sessionId, float similarity, FaceSource source, boolean blocklisted, boolean allowlisted) {}
