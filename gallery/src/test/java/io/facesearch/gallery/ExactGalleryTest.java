package io.facesearch.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.util.VectorUtil;
import org.junit.jupiter.api.Test;

/** The oracle itself, checked against a plain sort of every face. */
class ExactGalleryTest {

    @Test
    void exact_search_returns_the_top_k_of_a_full_sort() {
        TestFaces faces = new TestFaces(TestSeed.get("exact_search_returns_the_top_k_of_a_full_sort"));
        ExactGallery exact = new ExactGallery(TestFaces.DIMS);
        List<StoredFace> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            StoredFace face = faces.face(i % 2 == 0 ? "a" : "b");
            all.add(face);
            exact.add(face);
        }
        for (int i = 0; i < 100; i += 7) {
            assertTrue(exact.remove(all.get(i).faceId()));
            assertFalse(exact.remove(all.get(i).faceId()));
        }
        for (int q = 0; q < 50; q++) {
            GalleryQuery query = new GalleryQuery(faces.unitVector(), TestFaces.MODEL, 1 + q % 30, q % 2 == 0 ? -1f : 0.05f,
                    faces.randomFilter(q % 3 == 0 ? "a" : "b"));
            List<GalleryMatch> expected = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                StoredFace face = all.get(i);
                float similarity = VectorUtil.dotProduct(query.vector(), face.embedding());
                if ((i >= 100 || i % 7 != 0) && query.filter().accepts(face.applicationId(), face.source(),
                        face.flags()) && similarity >= query.minSimilarity()) {
                    expected.add(new GalleryMatch(face.faceId(), face.sessionId(), similarity, face.source(),
                            face.blocklisted(), face.allowlisted()));
                }
            }
            expected.sort(Comparator.comparingDouble((GalleryMatch m) -> -m.similarity())
                    .thenComparing(GalleryMatch::faceId));
            assertEquals(expected.subList(0, Math.min(query.k(), expected.size())), exact.search(query));
        }
    }

    @Test
    void ties_are_broken_by_face_id() {
        ExactGallery exact = new ExactGallery(TestFaces.DIMS);
        TestFaces faces = new TestFaces(3);
        float[] v = faces.unitVector();
        for (String id : List.of("c", "a", "d", "b")) {
            exact.add(new StoredFace(id, "app", "s", FaceSource.API, false, false, false, true, "m",
                    java.time.Instant.EPOCH, v));
        }
        List<GalleryMatch> top = exact.search(new GalleryQuery(v, "m", 3, -1f, GalleryFilter.tenant("app")));
        assertEquals(List.of("a", "b", "c"), Galleries.ids(top));
    }
}
