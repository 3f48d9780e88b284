package io.facesearch.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reopening, crash repair, rebuild and the layout version of a {@link LuceneGallery}. */
class LuceneGalleryDurabilityTest {

    @TempDir
    Path dir;

    private static void assertSameAsExact(LuceneGallery lucene, InMemoryTruth truth, TestFaces faces, String tenant) {
        ExactGallery exact = Galleries.exactOf(truth);
        for (int q = 0; q < 30; q++) {
            GalleryQuery query = new GalleryQuery(faces.unitVector(), TestFaces.MODEL, 100, -1f, GalleryFilter.tenant(tenant));
            Galleries.assertSameMatches(exact.search(query), lucene.search(query), -1f, "query " + q);
        }
        assertEquals(exact.count(tenant), lucene.count(tenant));
    }

    @Test
    void open_repairs_an_index_that_lacks_faces_of_the_truth_and_holds_faces_it_no_longer_has() {
        TestFaces faces = new TestFaces(TestSeed.get("open_repairs_an_index_that_lacks_faces_of_the_truth_and_holds_faces_it_no_longer_has"));
        InMemoryTruth truth = new InMemoryTruth();
        List<StoredFace> committed = new ArrayList<>();
        LuceneGallery lucene = Galleries.open(dir, truth);
        for (int i = 0; i < 60; i++) {
            StoredFace face = faces.plainFace("app", faces.unitVector());
            truth.put(face);
            lucene.add(face);
            committed.add(face);
        }
        lucene.commit();
        // Acknowledged but not committed when the process dies: 10 adds and 5 removes.
        for (int i = 0; i < 10; i++) {
            StoredFace face = faces.plainFace("app", faces.unitVector());
            truth.put(face);
            lucene.add(face);
        }
        List<String> removedBeforeCrash = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String faceId = committed.get(i).faceId();
            truth.remove(faceId);
            assertTrue(lucene.remove(faceId));
            removedBeforeCrash.add(faceId);
        }
        lucene.crash();
        // Committed to SQL, never reached the index: 7 new faces, 4 removals and 3 flag changes.
        for (int i = 0; i < 7; i++) {
            truth.put(faces.plainFace("app", faces.unitVector()));
        }
        List<String> removedBehindTheIndex = new ArrayList<>();
        for (int i = 5; i < 9; i++) {
            truth.remove(committed.get(i).faceId());
            removedBehindTheIndex.add(committed.get(i).faceId());
        }
        for (int i = 9; i < 12; i++) {
            truth.put(committed.get(i).withFlags(new FaceFlags(true, false, false, false)));
        }

        try (LuceneGallery reopened = Galleries.open(dir, truth)) {
            LuceneGallery.RepairReport report = reopened.lastRepair();
            assertNotNull(report);
            assertEquals(60, report.indexed());
            assertEquals(truth.size(), report.truth());
            assertEquals(17, report.added());
            assertEquals(3, report.reindexed());
            assertEquals(9, report.deleted());
            assertEquals(truth.size(), reopened.size());
            assertSameAsExact(reopened, truth, faces, "app");
            for (String faceId : concat(removedBeforeCrash, removedBehindTheIndex)) {
                StoredFace gone = committed.stream().filter(f -> f.faceId().equals(faceId)).findFirst().orElseThrow();
                GalleryQuery query = new GalleryQuery(gone.embedding(), TestFaces.MODEL, 5, -1f, GalleryFilter.tenant("app"));
                assertFalse(Galleries.ids(reopened.search(query)).contains(faceId), faceId + " came back");
            }
        }
        // A clean reopen finds nothing to repair.
        try (LuceneGallery again = Galleries.open(dir, truth)) {
            LuceneGallery.RepairReport report = again.lastRepair();
            assertEquals(0, report.added() + report.reindexed() + report.deleted());
        }
    }

    @Test
    void removed_faces_never_come_back_after_reopen() {
        TestFaces faces = new TestFaces(TestSeed.get("removed_faces_never_come_back_after_reopen"));
        InMemoryTruth truth = new InMemoryTruth();
        List<StoredFace> removed = new ArrayList<>();
        try (LuceneGallery lucene = Galleries.open(dir, truth)) {
            for (int i = 0; i < 40; i++) {
                StoredFace face = faces.plainFace("app", faces.unitVector());
                truth.put(face);
                lucene.add(face);
                if (i % 4 == 0) {
                    truth.remove(face.faceId());
                    assertTrue(lucene.remove(face.faceId()));
                    assertFalse(lucene.remove(face.faceId()));
                    removed.add(face);
                }
            }
        }
        for (int reopen = 0; reopen < 2; reopen++) {
            try (LuceneGallery lucene = Galleries.open(dir, truth)) {
                assertEquals(30, lucene.count("app"));
                for (StoredFace face : removed) {
                    GalleryQuery query = new GalleryQuery(face.embedding(), TestFaces.MODEL, 40, -1f, GalleryFilter.tenant("app"));
                    assertFalse(Galleries.ids(lucene.search(query)).contains(face.faceId()));
                    assertFalse(lucene.update(face.faceId(), face.flags()), "update must not resurrect");
                }
                assertSameAsExact(lucene, truth, faces, "app");
            }
        }
    }

    @Test
    void rebuild_replaces_the_content_with_the_truth() {
        TestFaces faces = new TestFaces(TestSeed.get("rebuild_replaces_the_content_with_the_truth"));
        InMemoryTruth truth = new InMemoryTruth();
        try (LuceneGallery lucene = Galleries.open(dir, truth)) {
            for (int i = 0; i < 20; i++) {
                lucene.add(faces.plainFace("app", faces.unitVector())); // not in the truth
            }
            for (int i = 0; i < 30; i++) {
                truth.put(faces.face("app"));
            }
            lucene.rebuild(truth);
            assertEquals(30, lucene.count("app"));
            assertSameAsExact(lucene, truth, faces, "app");
        }
    }

    @Test
    void an_index_with_an_older_layout_version_is_rebuilt_from_the_truth() throws IOException {
        TestFaces faces = new TestFaces(TestSeed.get("an_index_with_an_older_layout_version_is_rebuilt_from_the_truth"));
        InMemoryTruth truth = new InMemoryTruth();
        try (LuceneGallery lucene = Galleries.open(dir, truth)) {
            lucene.add(faces.plainFace("app", faces.unitVector())); // only in the index
        }
        setLayoutVersion(Integer.toString(GalleryIndexLayout.LAYOUT_VERSION - 1));
        for (int i = 0; i < 5; i++) {
            truth.put(faces.face("app"));
        }
        try (LuceneGallery lucene = Galleries.open(dir, truth)) {
            assertNull(lucene.lastRepair(), "rebuilt, not repaired");
            assertEquals(5, lucene.count("app"));
            assertSameAsExact(lucene, truth, faces, "app");
        }
        assertEquals(Integer.toString(GalleryIndexLayout.LAYOUT_VERSION), userData().get(GalleryIndexLayout.LAYOUT_VERSION_KEY));
    }

    @Test
    void an_index_whose_sketches_fail_their_checksum_is_rebuilt_from_the_truth() throws IOException {
        TestFaces faces = new TestFaces(TestSeed.get("an_index_whose_sketches_fail_their_checksum_is_rebuilt_from_the_"
                + "truth"));
        InMemoryTruth truth = new InMemoryTruth();
        for (int i = 0; i < 20; i++) {
            truth.put(faces.face("app"));
        }
        Galleries.open(dir, truth).close();
        Path sketches;
        try (var files = Files.list(dir)) {
            sketches = files.filter(f -> f.toString().endsWith(".fsk")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(sketches);
        bytes[bytes.length / 2] ^= 0x5A; // one flipped byte among the sketches
        Files.write(sketches, bytes);
        try (LuceneGallery lucene = Galleries.open(dir, truth)) {
            assertNull(lucene.lastRepair(), "rebuilt, not repaired");
            assertEquals(20, lucene.count("app"));
            assertSameAsExact(lucene, truth, faces, "app");
        }
    }

    @Test
    void an_index_with_a_newer_layout_version_is_refused() throws IOException {
        InMemoryTruth truth = new InMemoryTruth();
        Galleries.open(dir, truth).close();
        setLayoutVersion(Integer.toString(GalleryIndexLayout.LAYOUT_VERSION + 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Galleries.open(dir, truth));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void an_index_of_other_dimensions_is_rebuilt_from_the_truth() {
        TestFaces faces = new TestFaces(TestSeed.get("an_index_of_other_dimensions_is_rebuilt_from_the_truth"), 32);
        InMemoryTruth old = new InMemoryTruth();
        old.put(faces.face("app"));
        LuceneGallery.open(dir, old, Galleries.testConfig().withDimensions(32)).close();
        InMemoryTruth truth = new InMemoryTruth();
        TestFaces wider = new TestFaces(1);
        truth.put(wider.face("app"));
        truth.put(wider.face("app"));
        try (LuceneGallery lucene = Galleries.open(dir, truth)) {
            assertEquals(2, lucene.count("app"));
        }
    }

    @Test
    void embeddings_of_the_wrong_size_or_length_are_rejected() {
        TestFaces faces = new TestFaces(7);
        try (LuceneGallery lucene = Galleries.open(dir, new InMemoryTruth())) {
            float[] notUnit = faces.unitVector();
            notUnit[0] += 0.5f;
            assertThrows(IllegalArgumentException.class, () -> lucene.add(faces.plainFace("app", notUnit)));
            assertThrows(IllegalArgumentException.class, () -> lucene.add(faces.plainFace("app", new float[3])));
            assertThrows(IllegalArgumentException.class,
                    () -> lucene.search(new GalleryQuery(notUnit, TestFaces.MODEL, 1, -1f, GalleryFilter.tenant("app"))));
            assertEquals(0, lucene.count("app"));
        }
    }

    private void setLayoutVersion(String version) throws IOException {
        try (Directory directory = FSDirectory.open(dir);
                IndexWriter writer = new IndexWriter(directory,
                        new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
            writer.setLiveCommitData(Map.of(GalleryIndexLayout.LAYOUT_VERSION_KEY, version,
                    GalleryIndexLayout.DIMENSIONS_KEY, Integer.toString(TestFaces.DIMS)).entrySet());
            writer.commit();
        }
    }

    private Map<String, String> userData() throws IOException {
        assertTrue(Files.exists(dir));
        try (Directory directory = FSDirectory.open(dir)) {
            return SegmentInfos.readLatestCommit(directory).getUserData();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
