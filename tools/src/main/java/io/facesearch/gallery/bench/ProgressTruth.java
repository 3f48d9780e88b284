package io.facesearch.gallery.bench;

import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.GalleryTruth;
import io.facesearch.gallery.StoredFace;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A {@link GalleryTruth} that passes another on and prints, every {@code every} faces streamed by
 * {@link #forEachFace(Consumer)}, how many and at what rate: a gallery build that takes an hour shows where it is.
 */
final class ProgressTruth implements GalleryTruth {

  private final GalleryTruth truth;
  private final int every;
  private final String label;
  private final PrintStream out;

  ProgressTruth(GalleryTruth truth, int every, String label, PrintStream out) {
    if (every < 1) {
      throw new IllegalArgumentException("every must be positive, got " + every);
    }
    this.truth = truth;
    this.every = every;
    this.label = label;
    this.out = out;
  }

  @Override
  public void forEachFaceState(Consumer<FaceState> action) {
    truth.forEachFaceState(action);
  }

  @Override
  public void forEachFace(Consumer<StoredFace> action) {
    long start = System.nanoTime();
    long[] count = new long[1];
    truth.forEachFace(
        face -> {
          action.accept(face);
          if (++count[0] % every == 0) {
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(
                Locale.ROOT,
                "%s: %d faces sent in %.0f s (%.0f faces/s), load average %s%n",
                label,
                count[0],
                seconds,
                count[0] / seconds,
                SolrIndexBenchmark.loadAverage());
          }
        });
  }

  @Override
  public void forEachFace(Collection<String> faceIds, Consumer<StoredFace> action) {
    truth.forEachFace(faceIds, action);
  }
}
