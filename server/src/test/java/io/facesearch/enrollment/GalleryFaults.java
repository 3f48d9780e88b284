package io.facesearch.enrollment;

import io.facesearch.gallery.Gallery;
import io.facesearch.testing.HookedGallery;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes refused while {@link #failing} is set, as a remote index refuses them when it is down, on the gallery
 * {@link #around} wraps; everything else reaches the real gallery. Counts the refused writes.
 */
public final class GalleryFaults {

  public final AtomicBoolean failing = new AtomicBoolean();
  public final AtomicInteger refused = new AtomicInteger();

  /** {@code real}, its writes refused while {@link #failing} is set. */
  public Gallery around(Gallery real) {
    return HookedGallery.beforeWrites(real, this::refuseWhileFailing);
  }

  private void refuseWhileFailing() {
    if (failing.get()) {
      refused.incrementAndGet();
      throw new IllegalStateException("injected gallery failure");
    }
  }
}
