package io.facesearch.gallery.solr;

import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceSource;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.StoredFace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/** Random 512-d faces for the tests, all drawn from one seeded generator. */
final class TestFaces {

    static final int DIMS = SolrGallery.DIMENSIONS;
    static final String MODEL = "test-model";
    static final String OTHER_MODEL = "other-model";

    private final SplittableRandom random;
    /** A direction every face-like vector shares a little of: real embeddings are not centred. */
    private final float[] mean;
    private int next;

    TestFaces(long seed) {
        this.random = new SplittableRandom(seed);
        this.mean = unitVector();
    }

    SplittableRandom random() {
        return random;
    }

    float[] unitVector() {
        float[] v = new float[DIMS];
        for (int d = 0; d < DIMS; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return normalize(v);
    }

    /** A unit vector whose cosine similarity with {@code center} is about {@code similarity}. */
    float[] near(float[] center, double similarity) {
        double noiseNorm = Math.sqrt(1 / (similarity * similarity) - 1);
        float[] noise = unitVector();
        float[] v = new float[DIMS];
        for (int d = 0; d < DIMS; d++) {
            v[d] = center[d] + (float) noiseNorm * noise[d];
        }
        return normalize(v);
    }

    /**
     * A person's centre: a random direction plus a shared component, so that two different people have a cosine
     * of about 0.1 on average (as impostor pairs of a face model) rather than 0.
     */
    float[] person() {
        float[] v = unitVector();
        for (int d = 0; d < DIMS; d++) {
            v[d] += 0.33f * mean[d];
        }
        return normalize(v);
    }

    static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        float inv = (float) (1 / Math.sqrt(sum));
        for (int d = 0; d < v.length; d++) {
            v[d] *= inv;
        }
        return v;
    }

    FaceFlags randomFlags() {
        return new FaceFlags(random.nextInt(4) == 0, random.nextInt(8) == 0, random.nextBoolean(),
                random.nextInt(10) != 0);
    }

    FaceSource randomSource() {
        FaceSource[] all = FaceSource.values();
        return all[random.nextInt(all.length)];
    }

    /** A face with random flags, source and (one time in eight) the other model. */
    StoredFace face(String applicationId, float[] embedding) {
        FaceFlags flags = randomFlags();
        int n = next++;
        String model = random.nextInt(8) == 0 ? OTHER_MODEL : MODEL;
        return new StoredFace("face-" + n, applicationId, "session-" + (n / 3), randomSource(), flags.blocklisted(),
                flags.allowlisted(), flags.approved(), flags.searchable(), model,
                Instant.ofEpochSecond(1_700_000_000L + n, n * 1000L), embedding);
    }

    /** A face that every tenant filter accepts: searchable, approved, from a session, of {@link #MODEL}. */
    StoredFace plainFace(String applicationId, float[] embedding) {
        int n = next++;
        return new StoredFace("face-" + n, applicationId, "session-" + n, FaceSource.SESSION, false, false, true,
                true, MODEL, Instant.ofEpochSecond(1_700_000_000L + n), embedding);
    }

    /** A filter of any scope, excluding a random source one time in three. */
    GalleryFilter randomFilter(String applicationId) {
        EnumSet<FaceSource> excluded = EnumSet.noneOf(FaceSource.class);
        if (random.nextInt(3) == 0) {
            excluded.add(randomSource());
        }
        GalleryFilter.Scope[] scopes = GalleryFilter.Scope.values();
        return new GalleryFilter(applicationId, scopes[random.nextInt(scopes.length)], excluded);
    }

    /**
     * {@code people} people of {@code facesEach} plain faces each (cosine about 0.56 between two faces of a
     * person), alternately in tenant "tenant" and "other"; returns the centres of the people of "tenant".
     */
    List<float[]> clusteredInTwoTenants(List<StoredFace> into, int people, int facesEach) {
        List<float[]> tenantPeople = new ArrayList<>();
        for (int p = 0; p < people; p++) {
            float[] person = person();
            String tenant = p % 2 == 0 ? "tenant" : "other";
            if (p % 2 == 0) {
                tenantPeople.add(person);
            }
            for (int i = 0; i < facesEach; i++) {
                into.add(plainFace(tenant, near(person, 0.75)));
            }
        }
        return tenantPeople;
    }
}
