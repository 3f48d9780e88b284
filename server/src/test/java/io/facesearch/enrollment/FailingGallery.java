package io.facesearch.enrollment;

import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.GalleryQuery;
import io.facesearch.gallery.GalleryTruth;
import io.facesearch.gallery.StoredFace;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A gallery whose writes ({@code add}, {@code update}, {@code remove}) fail while {@link #failing} is set, as a
 * remote index does when it is down; everything else goes to the real gallery. Counts the refused writes.
 */
public final class FailingGallery implements Gallery {

  public final AtomicBoolean failing = new AtomicBoolean();
  public final AtomicInteger refused = new AtomicInteger();
  private final Gallery real;

  public FailingGallery(Gallery real) {
    this.real = real;
  }

  private void maybeFail() {
    if (failing.get()) {
      refused.incrementAndGet();
      throw new IllegalStateException("injected gallery failure");
    }
  }

  @Override
  public void add(StoredFace face) {
    maybeFail();
    real.add(face);
  }

  @Override
  public boolean remove(String faceId) {
    maybeFail();
    return real.remove(faceId);
  }

  @Override
  public boolean update(String faceId, FaceFlags flags) {
    maybeFail();
    return real.update(faceId, flags);
  }

  @Override
  public List<GalleryMatch> search(GalleryQuery query) {
    return real.search(query);
  }

  @Override
  public void forEachState(Consumer<FaceState> action) {
    real.forEachState(action);
  }

  @Override
  public long count(String applicationId) {
    return real.count(applicationId);
  }

  @Override
  public long count(GalleryFilter filter) {
    return real.count(filter);
  }

  @Override
  public void rebuild(GalleryTruth truth) {
    real.rebuild(truth);
  }

  @Override
  public boolean purgeRemoved() {
    return real.purgeRemoved();
  }

  @Override
  public void commit() {
    real.commit();
  }

  @Override
  public void close() {
    real.close();
  }
}
