package io.facesearch.store;

/**
 * Whether the {@code face_images} table (PostgreSQL) holds an owner's image, without reading its bytes: how a
 * migration resumed after a stop skips the images it copied already.
 */
public final class FaceImagePresence {

  /** True when an image of this owner is stored. */
  public boolean has(Tx tx, String applicationId, String ownerId) {
    return SqlRows.first(
            tx,
            "SELECT 1 FROM face_images WHERE application_id = ? AND owner_id = ?",
            r -> r.getInt(1),
            applicationId,
            ownerId)
        .isPresent();
  }
}
