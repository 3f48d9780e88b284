package io.facesearch.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read-your-writes and searches running in parallel with writes. */
class LuceneGalleryConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void an_acknowledged_add_or_remove_is_visible_to_the_next_search() {
        TestFaces faces = new TestFaces(TestSeed.get("an_acknowledged_add_or_remove_is_visible_to_the_next_search"));
        try (LuceneGallery lucene = Galleries.open(dir, new InMemoryTruth())) {
            for (int i = 0; i < 120; i++) {
                StoredFace face = faces.plainFace("app", faces.unitVector());
                lucene.add(face);
                GalleryQuery query = new GalleryQuery(face.embedding(), TestFaces.MODEL, 1, 0.99f, GalleryFilter.tenant("app"));
                assertEquals(List.of(face.faceId()), Galleries.ids(lucene.search(query)), "add " + i);
                if (i % 3 == 0) {
                    assertTrue(lucene.remove(face.faceId()));
                    assertEquals(List.of(), lucene.search(query), "remove " + i);
                }
            }
            assertEquals(80, lucene.count("app"));
        }
    }

    @Test
    void searches_running_during_writes_fail_never_and_see_the_stable_tenant_unchanged() throws Exception {
        long seed = TestSeed.get("searches_running_during_writes_fail_never_and_see_the_stable_tenant_unchanged");
        TestFaces faces = new TestFaces(seed);
        InMemoryTruth truth = new InMemoryTruth();
        for (int i = 0; i < 80; i++) {
            truth.put(faces.face("stable"));
        }
        ExactGallery exact = Galleries.exactOf(truth);
        List<GalleryQuery> queries = new ArrayList<>();
        List<List<GalleryMatch>> expected = new ArrayList<>();
        for (int q = 0; q < 40; q++) {
            GalleryQuery query = new GalleryQuery(faces.unitVector(), TestFaces.MODEL, 10, -1f, faces.randomFilter("stable"));
            queries.add(query);
            expected.add(exact.search(query));
        }
        // Pre-draw the writer's faces: TestFaces is not thread-safe.
        List<StoredFace> busyFaces = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            busyFaces.add(faces.plainFace("busy", faces.unitVector()));
        }
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Set<String> everBusy = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger searches = new AtomicInteger();
        // Background commits every 100 ms race the writes too. 400 candidates exceed every segment's filtered
        // document count, so every face of the stable tenant is scored (Lucene scores a filter that small exactly;
        // the sketch scan offers all of them with its 12-bit scores, which depend on the vector alone): beyond
        // Galleries.SIMILARITY_TOLERANCE, any difference from the oracle is a concurrency fault, not approximation
        // (with HNSW it varied with the segment layout and made this flaky).
        LuceneGalleryConfig config = Galleries.testConfig().withCommitInterval(Duration.ofMillis(100))
                .withSearchCandidates(400);
        try (LuceneGallery lucene = LuceneGallery.open(dir, truth, config)) {
            CountDownLatch started = new CountDownLatch(2);
            List<Thread> searchers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int offset = t;
                searchers.add(Thread.ofPlatform().start(() -> {
                    started.countDown();
                    int i = offset;
                    while (writing.get() && errors.isEmpty()) {
                        try {
                            int q = i++ % queries.size();
                            List<GalleryMatch> stable = lucene.search(queries.get(q));
                            if (Galleries.difference(expected.get(q), stable, -1f) != null) {
                                errors.add(new AssertionError("stable tenant changed for query " + q + ": expected " + expected.get(q) + " got " + stable));
                            }
                            GalleryQuery busy = new GalleryQuery(queries.get(q).vector(), TestFaces.MODEL, 10, -1f,
                                    GalleryFilter.tenant("busy"));
                            for (GalleryMatch match : lucene.search(busy)) {
                                if (!everBusy.contains(match.faceId())) {
                                    errors.add(new AssertionError("busy search returned " + match.faceId()));
                                }
                            }
                            searches.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                }));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            List<String> live = new ArrayList<>();
            for (int i = 0; i < busyFaces.size() && errors.isEmpty(); i++) {
                StoredFace face = busyFaces.get(i);
                everBusy.add(face.faceId());
                lucene.add(face);
                live.add(face.faceId());
                GalleryQuery own = new GalleryQuery(face.embedding(), TestFaces.MODEL, 1, 0.99f, GalleryFilter.tenant("busy"));
                assertEquals(List.of(face.faceId()), Galleries.ids(lucene.search(own)), "read-your-writes " + i);
                if (i % 4 == 3) {
                    assertTrue(lucene.remove(live.remove(0)));
                }
                if (i % 5 == 4) {
                    assertTrue(lucene.update(live.get(live.size() / 2), new FaceFlags(true, false, false, true)));
                }
            }
            writing.set(false);
            for (Thread searcher : searchers) {
                searcher.join(TimeUnit.SECONDS.toMillis(30));
                assertFalse(searcher.isAlive());
            }
            assertEquals(live.size(), lucene.count("busy"));
        }
        if (!errors.isEmpty()) {
            AssertionError failure = new AssertionError(errors.size() + " errors during concurrent searches");
            errors.forEach(failure::addSuppressed);
            throw failure;
        }
        assertTrue(searches.get() > 100, "searches during writes: " + searches.get());
    }

    @Test
    void background_commits_make_writes_survive_a_crash() throws Exception {
        TestFaces faces = new TestFaces(TestSeed.get("background_commits_make_writes_survive_a_crash"));
        InMemoryTruth truth = new InMemoryTruth();
        LuceneGalleryConfig config = Galleries.testConfig().withCommitInterval(Duration.ofMillis(100));
        LuceneGallery lucene = LuceneGallery.open(dir, truth, config);
        for (int i = 0; i < 10; i++) {
            StoredFace face = faces.plainFace("app", faces.unitVector());
            truth.put(face);
            lucene.add(face);
        }
        Thread.sleep(600);
        lucene.crash();
        try (LuceneGallery reopened = Galleries.open(dir, truth)) {
            assertEquals(10, reopened.lastRepair().indexed());
            assertEquals(0, reopened.lastRepair().added());
        }
    }
}
