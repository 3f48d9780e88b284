package io.facesearch.testing;

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

/**
 * A real gallery with a test's hook run before each of its writes ({@code add}, {@code update}, {@code remove}) or
 * before each {@code purgeRemoved}: the one place tests make a gallery fail, slow down or be watched, as a remote
 * index would, by composition. A hook that throws stops the call before the real gallery sees it.
 */
public final class HookedGallery implements Gallery {

  private static final Runnable NOTHING = () -> {};

  private final Gallery real;
  private final Runnable beforeWrite;
  private final Runnable beforePurge;

  private HookedGallery(Gallery real, Runnable beforeWrite, Runnable beforePurge) {
    this.real = real;
    this.beforeWrite = beforeWrite;
    this.beforePurge = beforePurge;
  }

  /** {@code real}, running {@code hook} before each add, update and remove. */
  public static Gallery beforeWrites(Gallery real, Runnable hook) {
    return new HookedGallery(real, hook, NOTHING);
  }

  /** {@code real}, running {@code hook} before each purge of removed faces. */
  public static Gallery beforePurges(Gallery real, Runnable hook) {
    return new HookedGallery(real, NOTHING, hook);
  }

  @Override
  public void add(StoredFace face) {
    beforeWrite.run();
    real.add(face);
  }

  @Override
  public boolean remove(String faceId) {
    beforeWrite.run();
    return real.remove(faceId);
  }

  @Override
  public boolean update(String faceId, FaceFlags flags) {
    beforeWrite.run();
    return real.update(faceId, flags);
  }

  @Override
  public boolean purgeRemoved() {
    beforePurge.run();
    return real.purgeRemoved();
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
  public void commit() {
    real.commit();
  }

  @Override
  public void close() {
    real.close();
  }
}
