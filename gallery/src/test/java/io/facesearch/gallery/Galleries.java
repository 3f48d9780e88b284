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

    /** How far two float dot products of the same vectors may differ (SIMD and scalar code sum in other orders). */
    static final float SIMILARITY_TOLERANCE = 1e-5f;

    /**
     * Asserts that {@code actual} is the oracle's answer: the same matches in the same order with the same
     * attributes, similarities equal within {@link #SIMILARITY_TOLERANCE}. The same dot product may round
     * differently in the last bits depending on whether the JIT has compiled Lucene's SIMD code yet, so two matches
     * whose similarities are that close may trade places, and a match that close to {@code minSimilarity} may be on
     * either side of it.
     */
    static void assertSameMatches(List<GalleryMatch> expected, List<GalleryMatch> actual, float minSimilarity,
            String message) {
        List<GalleryMatch> e = awayFrom(expected, minSimilarity);
        List<GalleryMatch> a = awayFrom(actual, minSimilarity);
        org.junit.jupiter.api.Assertions.assertEquals(e.size(), a.size(),
                message + ": sizes differ, expected " + expected + " got " + actual);
        for (int i = 0; i < e.size(); i++) {
            GalleryMatch x = e.get(i);
            GalleryMatch y = a.get(i);
            org.junit.jupiter.api.Assertions.assertEquals(x.similarity(), y.similarity(), SIMILARITY_TOLERANCE,
                    message + ": similarity at " + i + ", expected " + expected + " got " + actual);
            if (x.faceId().equals(y.faceId())) {
                org.junit.jupiter.api.Assertions.assertEquals(
                        new GalleryMatch(x.faceId(), x.sessionId(), 0f, x.source(), x.blocklisted(), x.allowlisted()),
                        new GalleryMatch(y.faceId(), y.sessionId(), 0f, y.source(), y.blocklisted(), y.allowlisted()),
                        message + ": attributes at " + i);
            }
        }
    }

    private static List<GalleryMatch> awayFrom(List<GalleryMatch> matches, float minSimilarity) {
        List<GalleryMatch> kept = new ArrayList<>(matches.size());
        for (GalleryMatch match : matches) {
            if (Math.abs(match.similarity() - minSimilarity) > SIMILARITY_TOLERANCE) {
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
            GalleryQuery query = new GalleryQuery(probe, 10, -1f, GalleryFilter.tenant("tenant"));
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
