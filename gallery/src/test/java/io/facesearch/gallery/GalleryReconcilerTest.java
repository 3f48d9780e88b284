package io.facesearch.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link GalleryReconciler} on a gallery that missed writes, the same for both galleries (it uses the
 * {@link Gallery} contract only): randomised adds, flag changes, removes and model-id changes made to the truth
 * alone, and faces only the gallery holds, against the truth as the oracle. The seed is printed.
 */
class GalleryReconcilerTest {

  private static final String OTHER_MODEL = "test-model-2";

  @TempDir Path dir;

  @Test
  void the_reconciler_repairs_an_exact_gallery_that_missed_writes() {
    missedWritesAreRepaired(
        "the_reconciler_repairs_an_exact_gallery_that_missed_writes",
        truth -> {
          ExactGallery exact = new ExactGallery(TestFaces.DIMS);
          exact.rebuild(truth);
          return exact;
        });
  }

  @Test
  void the_reconciler_repairs_a_lucene_gallery_that_missed_writes() {
    missedWritesAreRepaired(
        "the_reconciler_repairs_a_lucene_gallery_that_missed_writes",
        truth -> Galleries.open(dir, truth));
  }

  @Test
  void a_query_with_another_model_id_finds_nothing_in_an_exact_gallery() {
    anotherModelFindsNothing(
        "a_query_with_another_model_id_finds_nothing_in_an_exact_gallery",
        truth -> Galleries.exactOf(truth));
  }

  @Test
  void a_query_with_another_model_id_finds_nothing_in_a_lucene_gallery() {
    anotherModelFindsNothing(
        "a_query_with_another_model_id_finds_nothing_in_a_lucene_gallery",
        truth -> Galleries.open(dir, truth));
  }

  private void missedWritesAreRepaired(String test, Function<InMemoryTruth, Gallery> open) {
    TestFaces faces = new TestFaces(TestSeed.get(test));
    InMemoryTruth truth = new InMemoryTruth();
    List<StoredFace> indexed = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      StoredFace face = faces.face(i % 3 == 0 ? "app-b" : "app-a");
      truth.put(face);
      indexed.add(face);
    }
    try (Gallery gallery = open.apply(truth)) {
      // Writes the truth committed and the gallery never saw, picked at random among the indexed
      // faces.
      List<StoredFace> shuffled = new ArrayList<>(indexed);
      java.util.Collections.shuffle(shuffled, new java.util.Random(faces.random().nextLong()));
      int added = 0;
      int updated = 0;
      int removed = 0;
      int at = 0;
      int missedAdds = 10 + faces.random().nextInt(30);
      for (int i = 0; i < missedAdds; i++) {
        truth.put(faces.face(faces.random().nextBoolean() ? "app-a" : "app-b"));
        added++;
      }
      int missedRemoves = 5 + faces.random().nextInt(30);
      for (int i = 0; i < missedRemoves; i++) {
        truth.remove(shuffled.get(at++).faceId());
        removed++;
      }
      int missedFlagChanges = 5 + faces.random().nextInt(30);
      for (int i = 0; i < missedFlagChanges; i++) {
        StoredFace face = shuffled.get(at++);
        FaceFlags old = face.flags();
        truth.put(
            face.withFlags(
                new FaceFlags(
                    !old.blocklisted(), old.allowlisted(), old.approved(), !old.searchable())));
        updated++;
      }
      int missedModelChanges = 5 + faces.random().nextInt(20);
      for (int i = 0; i < missedModelChanges; i++) {
        StoredFace face = shuffled.get(at++);
        truth.put(
            new StoredFace(
                face.faceId(),
                face.applicationId(),
                face.ownerId(),
                face.source(),
                face.blocklisted(),
                face.allowlisted(),
                face.approved(),
                face.searchable(),
                OTHER_MODEL,
                face.createdAt(),
                faces.unitVector())); // re-embedded by another model
        added++;
      }
      int onlyInTheGallery = 1 + faces.random().nextInt(10);
      for (int i = 0; i < onlyInTheGallery; i++) {
        gallery.add(
            faces.face("app-a")); // e.g. a write whose transaction rolled back after the gallery's
        removed++;
      }

      GalleryReconciler.Report report = new GalleryReconciler(gallery, truth).reconcile();

      assertEquals(new GalleryReconciler.Report(added, updated, removed), report);
      assertEquals(statesOf(truth), statesOf(gallery));
      ExactGallery oracle = Galleries.exactOf(truth);
      for (int q = 0; q < 40; q++) {
        String model = q % 4 == 0 ? OTHER_MODEL : TestFaces.MODEL;
        GalleryQuery query =
            new GalleryQuery(
                faces.unitVector(),
                model,
                400,
                -1f,
                faces.randomFilter(q % 2 == 0 ? "app-a" : "app-b"));
        Galleries.assertSameMatches(
            oracle.search(query),
            gallery.search(query),
            query.minSimilarity(),
            "search " + q + " after reconciling");
      }
      assertTrue(
          new GalleryReconciler(gallery, truth).reconcile().changedNothing(),
          "a second pass is idle");
    }
  }

  private void anotherModelFindsNothing(String test, Function<InMemoryTruth, Gallery> open) {
    TestFaces faces = new TestFaces(TestSeed.get(test));
    InMemoryTruth truth = new InMemoryTruth();
    List<StoredFace> plain = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      StoredFace face = faces.plainFace("app", faces.unitVector());
      truth.put(face);
      plain.add(face);
    }
    try (Gallery gallery = open.apply(truth)) {
      for (StoredFace face : plain.subList(0, 10)) {
        GalleryQuery same =
            new GalleryQuery(
                face.embedding(), TestFaces.MODEL, 5, -1f, GalleryFilter.tenant("app"));
        assertEquals(face.faceId(), gallery.search(same).getFirst().faceId());
        GalleryQuery other =
            new GalleryQuery(face.embedding(), OTHER_MODEL, 5, -1f, GalleryFilter.tenant("app"));
        assertEquals(
            List.of(), gallery.search(other), "a vector of another model is never compared");
      }
      // Faces of both models in one tenant: each query sees its model's faces only.
      StoredFace reembedded = faces.plainFace("app", plain.getFirst().embedding());
      reembedded =
          new StoredFace(
              reembedded.faceId(),
              "app",
              reembedded.ownerId(),
              reembedded.source(),
              false,
              false,
              true,
              true,
              OTHER_MODEL,
              reembedded.createdAt(),
              reembedded.embedding());
      gallery.add(reembedded);
      List<GalleryMatch> other =
          gallery.search(
              new GalleryQuery(
                  plain.getFirst().embedding(),
                  OTHER_MODEL,
                  100,
                  -1f,
                  GalleryFilter.tenant("app")));
      assertEquals(List.of(reembedded.faceId()), Galleries.ids(other));
      List<GalleryMatch> same =
          gallery.search(
              new GalleryQuery(
                  plain.getFirst().embedding(),
                  TestFaces.MODEL,
                  100,
                  -1f,
                  GalleryFilter.tenant("app")));
      assertEquals(50, same.size());
      assertTrue(Galleries.ids(same).stream().noneMatch(reembedded.faceId()::equals));
    }
  }

  private static Set<FaceState> statesOf(InMemoryTruth truth) {
    Set<FaceState> states = new HashSet<>();
    truth.forEachFaceState(states::add);
    return states;
  }

  private static Set<FaceState> statesOf(Gallery gallery) {
    List<FaceState> states = new ArrayList<>();
    gallery.forEachState(states::add);
    Set<FaceState> unique = new HashSet<>(states);
    assertEquals(states.size(), unique.size(), "no face id held twice");
    return unique;
  }
}
