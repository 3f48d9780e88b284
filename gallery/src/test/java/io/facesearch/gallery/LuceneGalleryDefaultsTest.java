package io.facesearch.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production configuration ({@link LuceneGalleryConfig#defaults()}: 512-d, sketch scan, 600 candidates re-scored
 * with the byte vectors, the best with their 12-bit copies) against exact search, and the HNSW alternative. The other gallery tests use 64-d for
 * speed; this one checks the format that {@code facesearch serve} writes. Tolerances: see each test.
 */
class LuceneGalleryDefaultsTest {

    private static final int DIMS = LuceneGalleryConfig.DEFAULT_DIMENSIONS;

    @TempDir
    Path dir;

    private static LuceneGalleryConfig defaults() {
        return LuceneGalleryConfig.defaults().withCommitInterval(Duration.ofHours(1));
    }

    /**
     * 4,000 faces of 500 people (8 each, cosine about 0.56 between two faces of a person) in two tenants, so that
     * the tenant filter is applied inside the graph search. Recall@10 against exact search must be at least 0.98 and
     * the best match the same in at least 99% of 300 searches.
     */
    @Test
    void the_default_index_finds_the_exact_top_10_of_clustered_512d_faces_within_a_tenant() {
        findsTheExactTop10OfClusteredFaces("the_default_index_finds_the_exact_top_10_of_clustered_512d_faces_within_"
                + "a_tenant", defaults());
    }

    /** The same with Lucene's HNSW (binary-quantised, M=32, beamWidth 100, ef 400), the non-default index. */
    @Test
    void the_hnsw_index_finds_the_exact_top_10_of_clustered_512d_faces_within_a_tenant() {
        findsTheExactTop10OfClusteredFaces("the_hnsw_index_finds_the_exact_top_10_of_clustered_512d_faces_within_a_"
                + "tenant", defaults().withHnsw(32, 100, 1).withSearchCandidates(400));
    }

    private void findsTheExactTop10OfClusteredFaces(String test, LuceneGalleryConfig config) {
        long seed = TestSeed.get(test);
        TestFaces faces = new TestFaces(seed, DIMS);
        InMemoryTruth truth = new InMemoryTruth();
        List<float[]> people = Galleries.clusteredInTwoTenants(faces, truth, 500, 8);
        ExactGallery exact = new ExactGallery(DIMS);
        exact.rebuild(truth);
        List<float[]> probes = new ArrayList<>();
        for (int q = 0; q < 300; q++) {
            probes.add(faces.near(people.get(faces.random().nextInt(people.size())), 0.75));
        }
        Galleries.Agreement agreement;
        try (LuceneGallery lucene = LuceneGallery.open(dir, truth, config)) {
            agreement = Galleries.agreement(lucene, exact, truth, probes);
        }
        double recall = agreement.recallAt10();
        int sameBest = agreement.sameBest();
        int queries = agreement.searches();
        System.out.printf("%s, clustered 512-d: recall@10=%.4f same_best=%d/%d%n", config.vectorsDescription(), recall,
                sameBest, queries);
        assertTrue(recall >= 0.98, "recall@10 " + recall);
        assertTrue(sameBest >= 0.99 * queries, "same best match " + sameBest + "/" + queries);
    }

    /**
     * The case face search exists for: among 5,000 unrelated faces (uniformly random, the hardest background for a
     * graph search, and a narrow spread of similarities for sketches), the one enrolled face of the person searched, at cosine about 0.5, must come first in at least
     * 99% of 200 searches, with the similarity of the float vectors.
     */
    @Test
    void the_default_index_ranks_the_enrolled_mate_first_among_unrelated_faces() {
        long seed = TestSeed.get("the_default_index_ranks_the_enrolled_mate_first_among_unrelated_faces");
        TestFaces faces = new TestFaces(seed, DIMS);
        InMemoryTruth truth = new InMemoryTruth();
        for (int i = 0; i < 5000; i++) {
            truth.put(faces.plainFace("tenant", faces.unitVector()));
        }
        int probes = 200;
        List<float[]> probeVectors = new ArrayList<>();
        List<String> mateIds = new ArrayList<>();
        for (int i = 0; i < probes; i++) {
            float[] probe = faces.unitVector();
            StoredFace mate = faces.plainFace("tenant", faces.near(probe, 0.5));
            truth.put(mate);
            probeVectors.add(probe);
            mateIds.add(mate.faceId());
        }
        int first = 0;
        try (LuceneGallery lucene = LuceneGallery.open(dir, truth, defaults())) {
            for (int i = 0; i < probes; i++) {
                List<GalleryMatch> matches = lucene.search(
                        new GalleryQuery(probeVectors.get(i), TestFaces.MODEL, 5, 0.3f, GalleryFilter.tenant("tenant")));
                if (!matches.isEmpty() && matches.getFirst().faceId().equals(mateIds.get(i))) {
                    first++;
                    float exact = dot(probeVectors.get(i), truth.get(mateIds.get(i)).embedding());
                    assertEquals(exact, matches.getFirst().similarity(), Galleries.SIMILARITY_TOLERANCE);
                }
            }
        }
        System.out.printf("default index, uniform background: mate first in %d/%d%n", first, probes);
        assertTrue(first >= 0.99 * probes, "mate ranked first " + first + "/" + probes);
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
