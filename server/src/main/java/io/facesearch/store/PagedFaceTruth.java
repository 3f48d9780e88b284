package io.facesearch.store;

import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.GalleryTruth;
import io.facesearch.gallery.StoredFace;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * The faces of a {@link Database} as a {@link GalleryTruth} that reads them page by page (one short read per page,
 * in id order), so that a rebuild of a large gallery never holds more than one page of embeddings: what a migration
 * rebuilds its Solr collection from. A face written during the scan may or may not be seen, as the contract allows.
 */
public final class PagedFaceTruth implements GalleryTruth {

  private final Database db;
  private final Faces faces = new Faces();
  private final int pageSize;

  public PagedFaceTruth(Database db, int pageSize) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be at least 1");
    }
    this.db = db;
    this.pageSize = pageSize;
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
    String after = null;
    while (true) {
      String from = after;
      List<StoredFace> page = db.read(tx -> faces.pageAfter(tx, from, pageSize));
      page.forEach(action);
      if (page.size() < pageSize) {
        return;
      }
      after = page.get(page.size() - 1).faceId();
    }
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
}
