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
        return new LuceneGalleryConfig(TestFaces.DIMS, 16, 100, 7, 100, 2, 1, 16, Duration.ofHours(1), true);
    }

    static LuceneGallery open(Path dir, GalleryTruth truth) {
        return LuceneGallery.open(dir, truth, testConfig());
    }

    static ExactGallery exactOf(InMemoryTruth truth) {
        ExactGallery exact = new ExactGallery(TestFaces.DIMS);
        exact.rebuild(truth);
        return exact;
    }

    static List<String> ids(List<GalleryMatch> matches) {
        List<String> ids = new ArrayList<>(matches.size());
        for (GalleryMatch match : matches) {
            ids.add(match.faceId());
        }
        return ids;
    }
}
