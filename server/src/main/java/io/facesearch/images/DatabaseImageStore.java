package io.facesearch.images;

import io.facesearch.store.Database;
import io.facesearch.store.FaceImages;
import io.facesearch.store.Tx;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Cluster mode's {@link ImageStore}: the images in PostgreSQL ({@link FaceImages}), where every node reads them.
 * Saves and deletes are statements of the caller's transaction, so an image is committed or rolled back with the
 * rows that refer to it; an erasure's bytes leave the table's heap at the next purge ({@link
 * Database#vacuumErased}).
 */
public final class DatabaseImageStore implements ImageStore {

  private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{36}");
  private final Database db;
  private final FaceImages rows;
  private final Clock clock;

  public DatabaseImageStore(Database db, FaceImages rows, Clock clock) {
    this.db = db;
    this.rows = rows;
    this.clock = clock;
  }

  @Override
  public String save(Tx tx, String applicationId, String ownerId, byte[] jpeg) {
    check(applicationId, ownerId);
    rows.save(tx, applicationId, ownerId, jpeg, clock.instant());
    return ImageStore.fileName(ownerId);
  }

  @Override
  public Optional<byte[]> read(String applicationId, String ownerId) {
    check(applicationId, ownerId);
    return db.read(tx -> rows.find(tx, applicationId, ownerId));
  }

  @Override
  public void delete(Tx tx, String applicationId, String ownerId) {
    check(applicationId, ownerId);
    rows.delete(tx, applicationId, ownerId);
  }

  /** The same refusal as {@link FileImageStore#file}: ids are UUIDs (ImageHandler turns this into a 403). */
  private static void check(String applicationId, String ownerId) {
    if (!ID.matcher(applicationId).matches() || !ID.matcher(ownerId).matches()) {
      throw new IllegalArgumentException("not an id");
    }
  }
}
