package io.facesearch.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filters of a search, checked on both galleries with every face of a tenant asked for (k larger than the
 * gallery), so that any face the filter should drop would show up.
 */
class GalleryFilterTest {

    @TempDir
    Path dir;

    private TestFaces faces;
    private InMemoryTruth truth;
    private LuceneGallery lucene;
    private ExactGallery exact;

    @BeforeEach
    void fill() {
        faces = new TestFaces(TestSeed.get(getClass().getSimpleName()));
        truth = new InMemoryTruth();
        // Three tenants, 60 faces each, with random flags and sources; a few share an embedding across tenants.
        for (int i = 0; i < 60; i++) {
            float[] shared = faces.unitVector();
            for (String tenant : List.of("app-a", "app-b", "app-c")) {
                truth.put(faces.face(tenant, i % 10 == 0 ? shared : faces.unitVector()));
            }
        }
        lucene = Galleries.open(dir, truth);
        exact = Galleries.exactOf(truth);
    }

    @AfterEach
    void close() {
        lucene.close();
    }

    private List<List<GalleryMatch>> searchBoth(GalleryFilter filter) {
        List<List<GalleryMatch>> results = new ArrayList<>();
        for (int q = 0; q < 20; q++) {
            GalleryQuery query = new GalleryQuery(faces.unitVector(), TestFaces.MODEL, 500, -1f, filter);
            List<GalleryMatch> expected = exact.search(query);
            List<GalleryMatch> actual = lucene.search(query);
            Galleries.assertSameMatches(expected, actual, -1f, "query " + q);
            results.add(actual);
        }
        return results;
    }

    @Test
    void search_never_returns_another_tenants_faces() {
        for (String tenant : List.of("app-a", "app-b", "app-c", "app-unknown")) {
            for (List<GalleryMatch> matches : searchBoth(GalleryFilter.tenant(tenant))) {
                for (GalleryMatch match : matches) {
                    assertEquals(tenant, truth.get(match.faceId()).applicationId());
                }
            }
        }
        assertTrue(searchBoth(GalleryFilter.tenant("app-unknown")).stream().allMatch(List::isEmpty));
    }

    @Test
    void non_searchable_faces_are_never_returned() {
        long searchable = 0;
        for (List<GalleryMatch> matches : searchBoth(GalleryFilter.tenant("app-a"))) {
            for (GalleryMatch match : matches) {
                assertTrue(truth.get(match.faceId()).searchable(), match.faceId());
            }
            searchable = matches.size();
        }
        assertTrue(searchable > 0 && searchable < 60, "some but not all faces are searchable: " + searchable);
    }

    @Test
    void blocklisted_or_approved_search_returns_only_blocklisted_or_approved_faces() {
        GalleryFilter filter = new GalleryFilter("app-b", true, Set.of());
        int returned = 0;
        for (List<GalleryMatch> matches : searchBoth(filter)) {
            for (GalleryMatch match : matches) {
                StoredFace face = truth.get(match.faceId());
                assertTrue(face.blocklisted() || face.approved(), face.toString());
                assertEquals(face.blocklisted(), match.blocklisted());
                assertEquals(face.allowlisted(), match.allowlisted());
                returned++;
            }
        }
        assertTrue(returned > 0);
    }

    @Test
    void the_blocklist_and_the_allowlist_are_searched_on_their_own_and_counted_alike() {
        for (GalleryFilter.Scope scope : GalleryFilter.Scope.values()) {
            GalleryFilter filter = new GalleryFilter("app-a", scope, Set.of());
            long[] counted = {0};
            truth.forEachFace(f -> counted[0] += filter.accepts(f.applicationId(), f.source(), f.flags()) ? 1 : 0);
            long expected = counted[0];
            assertEquals(expected, lucene.count(filter), scope.name());
            assertEquals(expected, exact.count(filter), scope.name());
            int returned = 0;
            for (List<GalleryMatch> matches : searchBoth(filter)) {
                for (GalleryMatch match : matches) {
                    StoredFace face = truth.get(match.faceId());
                    assertTrue(filter.accepts(face.applicationId(), face.source(), face.flags()), face.toString());
                    returned++;
                }
                assertEquals(expected, matches.size(), scope.name() + ": k exceeds the candidates");
            }
            assertTrue(returned > 0, scope.name());
        }
        GalleryFilter noApi = new GalleryFilter("app-a", GalleryFilter.Scope.BLOCKLISTED_OR_APPROVED,
                Set.of(FaceSource.API));
        assertEquals(exact.count(noApi), lucene.count(noApi));
    }

    @Test
    void faces_from_excluded_sources_are_never_returned() {
        GalleryFilter filter = new GalleryFilter("app-c", false, EnumSet.of(FaceSource.IMPORTED, FaceSource.API));
        int returned = 0;
        for (List<GalleryMatch> matches : searchBoth(filter)) {
            for (GalleryMatch match : matches) {
                assertFalse(Set.of(FaceSource.IMPORTED, FaceSource.API).contains(match.source()));
                assertEquals(truth.get(match.faceId()).source(), match.source());
                returned++;
            }
        }
        assertTrue(returned > 0);
    }

    @Test
    void flag_updates_change_what_the_filters_return() {
        StoredFace face = faces.plainFace("app-a", faces.unitVector());
        lucene.add(face);
        GalleryQuery blocklistedOrApproved =
                new GalleryQuery(face.embedding(), TestFaces.MODEL, 1, 0.99f, new GalleryFilter("app-a", true, Set.of()));
        assertEquals(List.of(face.faceId()), Galleries.ids(lucene.search(blocklistedOrApproved)));

        assertTrue(lucene.update(face.faceId(), new FaceFlags(false, true, false, true)));
        assertEquals(List.of(), lucene.search(blocklistedOrApproved));
        GalleryQuery any = new GalleryQuery(face.embedding(), TestFaces.MODEL, 1, 0.99f, GalleryFilter.tenant("app-a"));
        GalleryMatch match = lucene.search(any).get(0);
        assertEquals(face.faceId(), match.faceId());
        assertTrue(match.allowlisted());
        assertEquals(face.sessionId(), match.sessionId());
        assertEquals(1f, match.similarity(), Galleries.SIMILARITY_TOLERANCE);

        assertTrue(lucene.update(face.faceId(), new FaceFlags(true, false, false, false)));
        assertEquals(List.of(), lucene.search(any));
        assertTrue(lucene.update(face.faceId(), new FaceFlags(true, false, false, true)));
        assertEquals(List.of(face.faceId()), Galleries.ids(lucene.search(blocklistedOrApproved)));
        assertFalse(lucene.update("no-such-face", new FaceFlags(true, false, false, true)));
    }

    @Test
    void min_similarity_drops_weaker_matches() {
        GalleryQuery query = new GalleryQuery(faces.unitVector(), TestFaces.MODEL, 500, 0.1f, GalleryFilter.tenant("app-a"));
        List<GalleryMatch> matches = lucene.search(query);
        Galleries.assertSameMatches(exact.search(query), matches, 0.1f, "min similarity 0.1");
        assertTrue(matches.stream().allMatch(m -> m.similarity() >= 0.1f));
    }

    @Test
    void count_counts_every_face_of_a_tenant() {
        assertEquals(60, lucene.count("app-a"));
        assertEquals(0, lucene.count("app-unknown"));
        assertEquals(180, lucene.size());
    }
}
