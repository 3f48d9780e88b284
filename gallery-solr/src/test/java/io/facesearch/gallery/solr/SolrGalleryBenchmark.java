package io.facesearch.gallery.solr;

import io.facesearch.gallery.ExactGallery;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryQuery;
import io.facesearch.gallery.GalleryReconciler;
import io.facesearch.gallery.StoredFace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark, not a test (it asserts nothing and is not in the default test run): one Solr node, a collection of
 * one shard, {@code -Dfacesearch.solr.bench.faces=N} clustered face-like faces (3 per person); prints the build
 * rate, the time of a start's reconciliation against an equal truth, search latency p50/p99 at k=10 (one
 * thread), recall@10 against exact search and disk per face. Run with
 * {@code ./mvnw -pl solr-runner,gallery,gallery-solr test -Dtest=SolrGalleryBenchmark
 * -Dfacesearch.solr.bench.faces=100000 -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SolrGalleryBenchmark {

  private static final int PROBES = 200;
  private static final int WARMUP = 50;
  private static final int[] CANDIDATES = {100, 400, 1000, 2000};

  @TempDir Path dir;

  @Test
  void build_and_search_one_shard() throws Exception {
    int n = Integer.getInteger("facesearch.solr.bench.faces", 20_000);
    TestFaces faces = new TestFaces(TestSeed.get("solr gallery benchmark"));
    List<StoredFace> all = new ArrayList<>(n);
    List<float[]> people = new ArrayList<>();
    while (all.size() < n) {
      float[] person = faces.person();
      people.add(person);
      for (int i = 0; i < 3 && all.size() < n; i++) {
        all.add(faces.plainFace("bench", faces.near(person, 0.75)));
      }
    }
    List<float[]> probes = new ArrayList<>();
    for (int q = 0; q < WARMUP + PROBES; q++) {
      probes.add(faces.near(people.get(faces.random().nextInt(people.size())), 0.75));
    }
    try (SolrCloudProcess cloud = SolrCloudProcess.start(dir, 1);
        SolrGallery solr =
            SolrGallery.open(
                new SolrGalleryConfig(
                    cloud.zkHost(), "bench", 1, 1, SolrGalleryConfig.DEFAULT_CANDIDATES))) {
      long start = System.nanoTime();
      solr.rebuild(new ListTruth(all));
      double buildSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "bench: %d faces indexed (1 shard, 1 replica, batches of 500, then a hard commit) in "
              + "%.1f s: %.0f faces/s%n",
          n, buildSeconds, n / buildSeconds);
      // What a node's start costs on this gallery when nothing differs: the server runs the
      // reconciler right after opening the gallery (the truth's side, SQL, is not measured here).
      long reconcileStart = System.nanoTime();
      GalleryReconciler.Report unchanged =
          new GalleryReconciler(solr, new ListTruth(all)).reconcile();
      System.out.printf(
          "bench: reconcile against an equal truth (every face's state read through the cursor) in "
              + "%.1f s (%s)%n",
          (System.nanoTime() - reconcileStart) / 1e9, unchanged);
      GalleryFilter filter = GalleryFilter.tenant("bench");
      ExactGallery exact = new ExactGallery(TestFaces.DIMS);
      exact.rebuild(new ListTruth(all));
      List<Set<String>> expected = new ArrayList<>();
      for (int q = 0; q < PROBES; q++) {
        expected.add(
            new HashSet<>(
                Matches.ids(
                    exact.search(
                        new GalleryQuery(
                            probes.get(WARMUP + q), TestFaces.MODEL, 10, -1f, filter)))));
      }
      for (int candidates : CANDIDATES) {
        try (SolrGallery searcher =
            SolrGallery.open(new SolrGalleryConfig(cloud.zkHost(), "bench", 1, 1, candidates))) {
          double[] latency = new double[PROBES];
          double recall = 0;
          for (int q = 0; q < WARMUP + PROBES; q++) {
            GalleryQuery query = new GalleryQuery(probes.get(q), TestFaces.MODEL, 10, -1f, filter);
            long t = System.nanoTime();
            List<String> ids = Matches.ids(searcher.search(query));
            if (q >= WARMUP) {
              latency[q - WARMUP] = (System.nanoTime() - t) / 1e6;
              Set<String> got = new HashSet<>(ids);
              got.retainAll(expected.get(q - WARMUP));
              recall += got.size() / 10.0;
            }
          }
          Arrays.sort(latency);
          System.out.printf(
              "bench: k=10, candidates=%d, one thread: p50=%.1f ms p99=%.1f ms "
                  + "recall@10=%.4f%n",
              candidates, latency[PROBES / 2], latency[PROBES * 99 / 100], recall / PROBES);
        }
      }
      solr.commit();
      long bytes = size(dir.resolve("cluster"));
      System.out.printf(
          "bench: Solr data on disk %.1f MB: %.0f bytes per face (stored vector included)%n",
          bytes / 1e6, bytes / (double) n);
    }
  }

  private static long size(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
