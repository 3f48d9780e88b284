package io.facesearch.gallery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Shared configuration and helpers of the gallery tests. */
final class Galleries {

    private Galleries() {}

    /** 64-d embeddings keep the tests fast (the code path is the one of 512-d); commits only when asked or on close. */
    static LuceneGalleryConfig testConfig() {
        return new LuceneGalleryConfig(TestFaces.DIMS, LuceneGalleryConfig.Index.SKETCH_SCAN, 16, 100, 7, 100, 2, 1, 16,
                Duration.ofHours(1), true);
    }

    static LuceneGallery open(Path dir, GalleryTruth truth) {
        return LuceneGallery.open(dir, truth, testConfig());
    }

    static ExactGallery exactOf(InMemoryTruth truth) {
        ExactGallery exact = new ExactGallery(TestFaces.DIMS);
        exact.rebuild(truth);
        return exact;
    }

    /**
     * How far a similarity the gallery reports may be from the exact one: the sketch scan reports the dot product
     * with a 12-bit copy of the stored vector
     * ({@link io.facesearch.gallery.sketch.SketchScanVectorsFormat#fineScoreError}, here for 64-d);
     * float dot products of the same vectors also differ in the last bits (SIMD and scalar code sum in other orders).
     */
    static final float SIMILARITY_TOLERANCE =
            io.facesearch.gallery.sketch.SketchScanVectorsFormat.fineScoreError(TestFaces.DIMS);

    /**
     * How far two float32 dot products of the same vectors may differ: SIMD and scalar code sum in other orders.
     * Which faces a search returns is decided by the exact similarity (the gallery re-scores the hits at the k-th
     * best and at the minimum with the float vectors), so only faces this close to a boundary may fall either way.
     */
    static final float FLOAT_ROUNDING = 1e-5f;

    /** Asserts that {@code actual} is the oracle's answer as {@link #difference} defines it. */
    static void assertSameMatches(List<GalleryMatch> expected, List<GalleryMatch> actual, float minSimilarity,
            String message) {
        String difference = difference(expected, actual, minSimilarity);
        if (difference != null) {
            org.junit.jupiter.api.Assertions.fail(message + ": " + difference + "; expected " + expected + " got "
                    + actual);
        }
    }

    /**
     * Null when {@code actual} is the oracle's answer {@code expected}, else what differs. Leaving aside the matches
     * within {@link #FLOAT_ROUNDING} of {@code minSimilarity} (they may be on either side of it): the same number of
     * matches; at every position similarities within {@link #SIMILARITY_TOLERANCE} (so matches whose similarities
     * are that close may trade places); the same attributes for a face both return; and every face only the gallery
     * returns within twice {@link #FLOAT_ROUNDING} of the oracle's last (a tie with the face the oracle returned
     * last).
     */
    static String difference(List<GalleryMatch> expected, List<GalleryMatch> actual, float minSimilarity) {
        List<GalleryMatch> e = awayFrom(expected, minSimilarity);
        List<GalleryMatch> a = awayFrom(actual, minSimilarity);
        if (e.size() != a.size()) {
            return "sizes differ";
        }
        java.util.Map<String, GalleryMatch> byId = new java.util.HashMap<>();
        for (GalleryMatch x : e) {
            byId.put(x.faceId(), x);
        }
        for (int i = 0; i < e.size(); i++) {
            GalleryMatch y = a.get(i);
            if (Math.abs(e.get(i).similarity() - y.similarity()) > SIMILARITY_TOLERANCE) {
                return "similarity at " + i;
            }
            GalleryMatch x = byId.get(y.faceId());
            if (x == null && Math.abs(e.getLast().similarity() - y.similarity()) > 2 * FLOAT_ROUNDING) {
                return "face " + y.faceId() + " at " + i + " is not in the oracle's answer";
            }
            if (x != null && !new GalleryMatch(x.faceId(), x.sessionId(), 0f, x.source(), x.blocklisted(),
                    x.allowlisted()).equals(new GalleryMatch(y.faceId(), y.sessionId(), 0f, y.source(),
                    y.blocklisted(), y.allowlisted()))) {
                return "attributes of face " + y.faceId();
            }
        }
        return null;
    }

    private static List<GalleryMatch> awayFrom(List<GalleryMatch> matches, float minSimilarity) {
        List<GalleryMatch> kept = new ArrayList<>(matches.size());
        for (GalleryMatch match : matches) {
            if (Math.abs(match.similarity() - minSimilarity) > FLOAT_ROUNDING) {
                kept.add(match);
            }
        }
        return kept;
    }

    static List<String> ids(List<GalleryMatch> matches) {
        List<String> ids = new ArrayList<>(matches.size());
        for (GalleryMatch match : matches) {
            ids.add(match.faceId());
        }
        return ids;
    }

    /**
     * Fills {@code truth} with {@code people} people of {@code facesEach} faces (cosine about 0.56 between two faces
     * of a person), alternately in tenant "tenant" and "other", and returns the centres of the people of "tenant".
     */
    static List<float[]> clusteredInTwoTenants(TestFaces faces, InMemoryTruth truth, int people, int facesEach) {
        List<float[]> tenantPeople = new ArrayList<>();
        for (int p = 0; p < people; p++) {
            float[] person = faces.unitVector();
            String tenant = p % 2 == 0 ? "tenant" : "other";
            if (p % 2 == 0) {
                tenantPeople.add(person);
            }
            for (int i = 0; i < facesEach; i++) {
                truth.put(faces.plainFace(tenant, faces.near(person, 0.75)));
            }
        }
        return tenantPeople;
    }

    /** How a gallery's top 10 agrees with exact search's over some searches. */
    record Agreement(double recallAt10, int sameBest, int searches) {}

    /**
     * Searches {@code probes} in tenant "tenant" with both galleries, asserting that every match is of that tenant,
     * and measures recall@10 and how often the best match is the same.
     */
    static Agreement agreement(LuceneGallery lucene, ExactGallery exact, InMemoryTruth truth, List<float[]> probes) {
        double recall = 0;
        int sameBest = 0;
        for (float[] probe : probes) {
            GalleryQuery query = new GalleryQuery(probe, TestFaces.MODEL, 10, -1f, GalleryFilter.tenant("tenant"));
            List<String> expected = ids(exact.search(query));
            List<GalleryMatch> matches = lucene.search(query);
            for (GalleryMatch match : matches) {
                org.junit.jupiter.api.Assertions.assertEquals("tenant", truth.get(match.faceId()).applicationId());
            }
            List<String> actual = ids(matches);
            java.util.Set<String> found = new java.util.HashSet<>(actual);
            found.retainAll(expected);
            recall += found.size() / (double) expected.size();
            if (actual.getFirst().equals(expected.getFirst())) {
                sameBest++;
            }
        }
        return new Agreement(recall / probes.size(), sameBest, probes.size());
    }
}
