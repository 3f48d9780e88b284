package io.facesearch.store;

import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.GalleryTruth;
import io.facesearch.gallery.StoredFace;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * The faces of a {@link Database} seen as the gallery's {@link GalleryTruth}: each call reads in its own read
 * transaction through the {@link Faces} repository.
 */
public final class FaceStore implements GalleryTruth {

  private final Database db;
  private final Faces faces;

  public FaceStore(Database db, Faces faces) {
    this.db = db;
    this.faces = faces;
  }

  public FaceStore(Database db) {
    this(db, new Faces());
  }

  /** The repository behind this view, for writes that bypass the enrollment owner on purpose (bench seeding). */
  public Faces rows() {
    return faces;
  }

  @Override
  public void forEachFaceState(Consumer<FaceState> action) {
    db.read(
        tx -> {
          faces.forEachState(tx, action);
          return null;
        });
  }

  @Override
  public void forEachFace(Consumer<StoredFace> action) {
    db.read(
        tx -> {
          faces.forEach(tx, action);
          return null;
        });
  }

  @Override
  public void forEachFace(Collection<String> faceIds, Consumer<StoredFace> action) {
    db.read(
        tx -> {
          for (String id : faceIds) {
            faces.find(tx, id).ifPresent(action);
          }
          return null;
        });
  }

  /** Number of faces stored for the application. */
  public long count(String applicationId) {
    return db.read(tx -> faces.count(tx, applicationId));
  }
}
