package io.facesearch.gallery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a gallery agree with the truth after it missed writes (a crash between the truth's commit and the gallery's,
 * a gallery write that failed), through the {@link Gallery} contract only, so the same for every gallery: compares
 * {@link Gallery#forEachState} with {@link GalleryTruth#forEachFaceState}, then
 * <ul>
 * <li>removes the faces the truth no longer has;</li>
 * <li>adds the faces the gallery lacks, and re-adds those whose model id differs (their embedding changed) or that
 *     the gallery holds twice, from
 *     {@link GalleryTruth#forEachFace(java.util.Collection, java.util.function.Consumer)};</li>
 * <li>updates the flags of the faces whose flags alone differ.</li>
 * </ul>
 * It holds the states of the gallery's faces in memory while it compares (an id, four flags and a model id per
 * face), never their embeddings. Writes to the gallery while it runs could be undone by its stale view: run it
 * before the gallery takes writes (the server runs it right after opening the gallery), or run it again.
 *
 * <p>A gallery's own format (an index of another layout version, or unreadable) is the gallery's business, not this
 * class's: {@link LuceneGallery#open} rebuilds such an index from the truth.
 */
public final class GalleryReconciler {

  private static final Logger log = LoggerFactory.getLogger(GalleryReconciler.class);

  /** What a reconciliation changed: faces added (missing or re-indexed), flags updated, faces removed. */
  public record Report(int added, int updated, int removed) {

    public boolean changedNothing() {
      return added == 0 && updated == 0 && removed == 0;
    }
  }

  private final Gallery gallery;
  private final GalleryTruth truth;

  public GalleryReconciler(Gallery gallery, GalleryTruth truth) {
    this.gallery = Objects.requireNonNull(gallery, "gallery");
    this.truth = Objects.requireNonNull(truth, "truth");
  }

  /** Repairs the difference between the gallery and the truth, makes it durable, and says what it changed. */
  public Report reconcile() {
    long start = System.nanoTime();
    Map<String, FaceState> held = new HashMap<>();
    Set<String> twice = new HashSet<>();
    gallery.forEachState(
        state -> {
          if (held.putIfAbsent(state.faceId(), state) != null) {
            twice.add(state.faceId());
          }
        });
    int[] truthCount = new int[1];
    List<String> toAdd = new ArrayList<>();
    Map<String, FaceFlags> toUpdate = new HashMap<>();
    truth.forEachFaceState(
        state -> {
          truthCount[0]++;
          FaceState mine = held.remove(state.faceId());
          if (mine == null
              || twice.contains(state.faceId())
              || !mine.modelId().equals(state.modelId())) {
            toAdd.add(state.faceId()); // add replaces every face with the id
          } else if (!mine.flags().equals(state.flags())) {
            toUpdate.put(state.faceId(), state.flags());
          }
        });
    int removed = 0;
    for (String faceId : held.keySet()) { // what is left, the truth lacks
      if (gallery.remove(faceId)) {
        removed++;
      }
    }
    int[] added = new int[1];
    if (!toAdd.isEmpty()) {
      truth.forEachFace(
          toAdd,
          face -> {
            gallery.add(face);
            added[0]++;
          });
    }
    int updated = 0;
    for (Map.Entry<String, FaceFlags> change : toUpdate.entrySet()) {
      if (gallery.update(change.getKey(), change.getValue())) {
        updated++;
      }
    }
    Report report = new Report(added[0], updated, removed);
    if (!report.changedNothing()) {
      gallery.commit();
    }
    log.info(
        "gallery checked against the truth in {} ms: truth={} added={} updated={} removed={}",
        (System.nanoTime() - start) / 1_000_000,
        truthCount[0],
        report.added(),
        report.updated(),
        report.removed());
    return report;
  }
}
