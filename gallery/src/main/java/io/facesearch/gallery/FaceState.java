package io.facesearch.gallery;

import java.util.Objects;

/**
 * What the source of truth says about a face, without its embedding: enough to check whether the index holds the
 * face as the truth has it. A face whose flags or model differ is re-indexed from the full {@link StoredFace}.
 */
public record FaceState(String faceId, FaceFlags flags, String modelId) {

  public FaceState {
    Objects.requireNonNull(faceId, "faceId");
    Objects.requireNonNull(flags, "flags");
    Objects.requireNonNull(modelId, "modelId");
  }
}
