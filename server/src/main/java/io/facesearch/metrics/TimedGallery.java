package io.facesearch.metrics;

import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.GalleryQuery;
import io.facesearch.gallery.GalleryTruth;
import io.facesearch.gallery.StoredFace;
import java.util.List;
import java.util.function.Consumer;

/** A gallery whose searches are timed into {@link Metrics}; everything else passes through. */
public final class TimedGallery implements Gallery {

  private final Gallery inner;
  private final Metrics metrics;

  public TimedGallery(Gallery inner, Metrics metrics) {
    this.inner = inner;
    this.metrics = metrics;
  }

  @Override
  public void add(StoredFace face) {
    inner.add(face);
  }

  @Override
  public boolean remove(String faceId) {
    return inner.remove(faceId);
  }

  @Override
  public boolean update(String faceId, FaceFlags flags) {
    return inner.update(faceId, flags);
  }

  @Override
  public List<GalleryMatch> search(GalleryQuery query) {
    long start = System.nanoTime();
    try {
      return inner.search(query);
    } finally {
      metrics.gallerySearch(System.nanoTime() - start);
    }
  }

  @Override
  public long count(String applicationId) {
    return inner.count(applicationId);
  }

  @Override
  public long count(GalleryFilter filter) {
    return inner.count(filter);
  }

  @Override
  public void forEachState(Consumer<FaceState> action) {
    inner.forEachState(action);
  }

  @Override
  public boolean purgeRemoved() {
    return inner.purgeRemoved();
  }

  @Override
  public void commit() {
    inner.commit();
  }

  @Override
  public void rebuild(GalleryTruth truth) {
    inner.rebuild(truth);
  }

  @Override
  public void close() {
    inner.close();
  }
}
