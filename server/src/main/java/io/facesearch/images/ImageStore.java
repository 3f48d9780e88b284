package io.facesearch.images;

import io.facesearch.store.Tx;
import java.util.Optional;

/**
 * Where face images are kept: the upright JPEG of each session's face and of each face-list entry, by application and
 * owner id (a session id, or a list entry's image id; both UUIDs). Images are re-encoded ({@link Jpeg#encode}), so
 * no upload metadata (EXIF, GPS) is kept.
 *
 * <p>Writes join the transaction of the rows that refer to the image, so that the two are saved or lost together:
 * {@link #save} makes the image readable when {@code tx} commits and leaves none if it rolls back; {@link #delete}
 * removes it when {@code tx} commits and keeps it if it rolls back. A store in the database does both inside the
 * transaction; a store elsewhere (files, an object store) writes at once and removes on rollback, and deletes after
 * the commit ({@link Tx#afterCommit}, {@link Tx#afterRollback}).
 *
 * <p>Two implementations: {@link FileImageStore} (the embedded default, in the data folder) and
 * {@link DatabaseImageStore} (cluster mode, in PostgreSQL, read by every node).
 */
public interface ImageStore {

  /**
   * Stores {@code jpeg} as the owner's image within {@code tx} (a write transaction), replacing an earlier one;
   * returns the name recorded in the owner's row ({@code <owner id>.jpg}).
   */
  String save(Tx tx, String applicationId, String ownerId, byte[] jpeg);

  /** The owner's image, empty when none is stored (never stored, or erased). */
  Optional<byte[]> read(String applicationId, String ownerId);

  /** Deletes the owner's image within {@code tx} (a write transaction); nothing happens when there is none. */
  void delete(Tx tx, String applicationId, String ownerId);

  /** The name recorded in an owner's row for its image. */
  static String fileName(String ownerId) {
    return ownerId + ".jpg";
  }
}
