package io.facesearch.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The {@code face_images} table (PostgreSQL only): the upright JPEG of each session's face and of each face-list
 * entry, keyed by application and owner (the session id, or the entry's image id). Written and deleted in the
 * transaction of the rows that refer to the image, so that a face is never committed without its image and an
 * erasure takes the image with it.
 */
public final class FaceImages {

  /** Stores the owner's image, replacing an earlier one. */
  public void save(Tx tx, String applicationId, String ownerId, byte[] jpeg, Instant now) {
    SqlRows.update(
        tx,
        "INSERT INTO face_images (application_id, owner_id, jpeg, created_at) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (application_id, owner_id) DO UPDATE SET jpeg = excluded.jpeg, "
            + "created_at = excluded.created_at",
        applicationId,
        ownerId,
        jpeg,
        now);
  }

  /** The owner's image, if stored. */
  public Optional<byte[]> find(Tx tx, String applicationId, String ownerId) {
    return SqlRows.first(
        tx,
        "SELECT jpeg FROM face_images WHERE application_id = ? AND owner_id = ?",
        r -> r.getBytes(1),
        applicationId,
        ownerId);
  }

  /** Deletes the owner's image; false when there was none. */
  public boolean delete(Tx tx, String applicationId, String ownerId) {
    return SqlRows.update(
            tx,
            "DELETE FROM face_images WHERE application_id = ? AND owner_id = ?",
            applicationId,
            ownerId)
        > 0;
  }
}
