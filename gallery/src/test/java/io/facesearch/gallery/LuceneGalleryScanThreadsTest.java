package io.facesearch.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sketch scan's helper threads belong to a gallery: as many as its configuration says start when it opens, and
 * they are gone when it closes (none is started by loading a class). Searches of more than one chunk of faces,
 * shared with the helpers, still find the face searched for.
 */
class LuceneGalleryScanThreadsTest {

  @TempDir Path dir;

  @Test
  void a_gallery_starts_its_scan_threads_on_open_and_stops_them_on_close() throws Exception {
    TestFaces faces =
        new TestFaces(
            TestSeed.get("a_gallery_starts_its_scan_threads_on_open_and_stops_them_on_" + "close"));
    InMemoryTruth truth = new InMemoryTruth();
    List<StoredFace> all = new ArrayList<>();
    // More than one chunk (16,384 vectors) so that a search offers work to a helper.
    for (int i = 0; i < 20_000; i++) {
      StoredFace face = faces.plainFace("app", faces.unitVector());
      truth.put(face);
      all.add(face);
    }
    int before = scanThreads();
    LuceneGallery lucene =
        LuceneGallery.open(dir, truth, Galleries.testConfig().withScanThreads(3));
    try {
      assertEquals(before + 3, scanThreads());
      for (int q = 0; q < 50; q++) {
        StoredFace face = all.get(faces.random().nextInt(all.size()));
        GalleryQuery query =
            new GalleryQuery(
                face.embedding(), TestFaces.MODEL, 10, -1f, GalleryFilter.tenant("app"));
        List<GalleryMatch> found = lucene.search(query);
        assertEquals(10, found.size());
        assertEquals(
            face.faceId(), found.getFirst().faceId(), "search " + q + " finds the face itself");
      }
    } finally {
      lucene.close();
    }
    assertEquals(before, scanThreads());
  }

  private static int scanThreads() {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith("gallery-scan-"))
            .count();
  }
}
