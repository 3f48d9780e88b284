package io.facesearch.gallery;

/**
 * One search result; {@code similarity} is the exact cosine similarity (dot product) of the float embeddings, and
 * {@code ownerId} is the id of what the face belongs to (a session, or a face-list entry when {@code source} is
 * {@link FaceSource#LIST_ENTRY}).
 */
public record GalleryMatch(
    String faceId,
    String ownerId,
    float similarity,
    FaceSource source,
    boolean blocklisted,
    boolean allowlisted) {}
