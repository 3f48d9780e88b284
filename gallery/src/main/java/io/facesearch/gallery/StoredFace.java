package io.facesearch.gallery;

import java.time.Instant;
import java.util.Objects;

/**
 * An enrolled face as the gallery stores it.
 *
 * <p>{@code embedding} is the face's L2-normalised embedding; the gallery does not copy it, so the caller must not
 * modify the array after handing it over. Like every record holding an array, {@code equals} compares the array by
 * reference.
 *
 * @param ownerId  the id of what the face belongs to: a session, or a face-list entry when {@code source} is
 *                 {@link FaceSource#LIST_ENTRY}
 * @param approved the owning session's status is Approved (needed for search_type {@code blocklisted_or_approved})
 * @param modelId  the id of the model that produced {@code embedding}
 */
public record StoredFace(
    String faceId,
    String applicationId,
    String ownerId,
    FaceSource source,
    boolean blocklisted,
    boolean allowlisted,
    boolean approved,
    boolean searchable,
    String modelId,
    Instant createdAt,
    float[] embedding) {

  public StoredFace {
    Objects.requireNonNull(faceId, "faceId");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(ownerId, "ownerId");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(embedding, "embedding");
  }

  public FaceFlags flags() {
    return new FaceFlags(blocklisted, allowlisted, approved, searchable);
  }

  /** This face with other flags. */
  public StoredFace withFlags(FaceFlags flags) {
    return new StoredFace(
        faceId,
        applicationId,
        ownerId,
        source,
        flags.blocklisted(),
        flags.allowlisted(),
        flags.approved(),
        flags.searchable(),
        modelId,
        createdAt,
        embedding);
  }

  /** The part of this face that a {@link GalleryReconciler} compares with a gallery's. */
  public FaceState state() {
    return new FaceState(faceId, flags(), modelId);
  }

  @Override
  public String toString() {
    // Never print the embedding: it is biometric data.
    return "StoredFace[faceId="
        + faceId
        + ", applicationId="
        + applicationId
        + ", ownerId="
        + ownerId
        + ", source="
        + source.wireName()
        + ", flags="
        + flags()
        + ", modelId="
        + modelId
        + ", createdAt="
        + createdAt
        + "]";
  }
}
