package io.facesearch.gallery.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.GalleryQuery;
import io.facesearch.gallery.StoredFace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SolrCloud gallery as several facesearch nodes use it, on a 2-node SolrCloud with collections of 2 shards x 2
 * replicas: a Solr node stopped during searches, and writes through one gallery instance read through another.
 */
class SolrGalleryClusterTest {

  static SolrCloudProcess cloud;

  @BeforeAll
  static void startSolrCloud() throws Exception {
    cloud = SharedSolrCloud.get();
  }

  @Test
  void searches_keep_answering_with_the_same_results_while_a_solr_node_stops_and_starts()
      throws Exception {
    long seed =
        TestSeed.get(
            "searches_keep_answering_with_the_same_results_while_a_solr_node_stops_and_starts");
    TestFaces faces = new TestFaces(seed);
    List<StoredFace> all = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      all.add(faces.plainFace(i % 2 == 0 ? "tenant" : "other", faces.person()));
    }
    List<GalleryQuery> queries = new ArrayList<>();
    for (int q = 0; q < 20; q++) {
      queries.add(
          new GalleryQuery(
              faces.near(all.get(faces.random().nextInt(all.size())).embedding(), 0.7),
              TestFaces.MODEL,
              10,
              -1f,
              GalleryFilter.tenant("tenant")));
    }
    try (SolrGallery solr =
        SolrGallery.open(new SolrGalleryConfig(cloud.zkHost(), "failover", 2, 2, 100))) {
      solr.rebuild(new ListTruth(all));
      List<List<GalleryMatch>> before = new ArrayList<>();
      for (GalleryQuery query : queries) {
        before.add(solr.search(query));
        assertEquals(10, before.getLast().size());
      }
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger searches = new AtomicInteger();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      Thread searcher =
          new Thread(
              () -> {
                for (int i = 0; !stop.get(); i++) {
                  int q = i % queries.size();
                  try {
                    String difference =
                        Matches.difference(before.get(q), solr.search(queries.get(q)), -1f);
                    if (difference != null) {
                      failures.add("search " + i + ": " + difference);
                    }
                  } catch (RuntimeException e) {
                    failures.add("search " + i + ": " + e);
                  }
                  searches.incrementAndGet();
                }
              },
              "searcher");
      searcher.start();
      try {
        Thread.sleep(500);
        int beforeStop = searches.get();
        cloud.stopNode(1);
        int atStop = searches.get();
        Thread.sleep(2000);
        int whileStopped = searches.get() - atStop;
        cloud.startNode(1);
        int atStart = searches.get();
        Thread.sleep(2000);
        System.out.printf(
            "failover: %d searches before the stop, %d while stopping, %d while stopped, %d "
                + "while starting, %d after%n",
            beforeStop,
            atStop - beforeStop,
            whileStopped,
            atStart - atStop - whileStopped,
            searches.get() - atStart);
        assertTrue(whileStopped > 0, "no search ran while the node was down");
      } finally {
        stop.set(true);
        searcher.join();
      }
      assertTrue(
          failures.isEmpty(),
          failures.size()
              + " of "
              + searches.get()
              + " searches failed or differed: "
              + failures.stream().limit(5).toList());
    }
  }

  @Test
  void a_face_enrolled_through_one_node_is_found_through_another_as_soon_as_the_add_returns() {
    long seed =
        TestSeed.get(
            "a_face_enrolled_through_one_node_is_found_through_another_as_soon_as_the_add_returns");
    TestFaces faces = new TestFaces(seed);
    SolrGalleryConfig config = new SolrGalleryConfig(cloud.zkHost(), "visibility", 2, 2, 100);
    int rounds = 30;
    double[] addMillis = new double[rounds];
    double[] visibleMillis = new double[rounds];
    try (SolrGallery nodeA = SolrGallery.open(config);
        SolrGallery nodeB = SolrGallery.open(config)) {
      for (int i = 0; i < 20; i++) {
        nodeA.add(faces.plainFace("tenant", faces.person()));
      }
      for (int round = 0; round < rounds; round++) {
        SolrGallery writer = round % 2 == 0 ? nodeA : nodeB;
        SolrGallery reader = round % 2 == 0 ? nodeB : nodeA;
        StoredFace face = faces.plainFace("tenant", faces.person());
        GalleryQuery query =
            new GalleryQuery(
                face.embedding(), TestFaces.MODEL, 1, 0.99f, GalleryFilter.tenant("tenant"));
        long start = System.nanoTime();
        writer.add(face);
        long added = System.nanoTime();
        // The first search after add() returned, on the other instance: it must see the face.
        List<GalleryMatch> found = reader.search(query);
        long searched = System.nanoTime();
        assertEquals(List.of(face.faceId()), Matches.ids(found), "round " + round);
        addMillis[round] = (added - start) / 1e6;
        visibleMillis[round] = (searched - start) / 1e6;

        assertTrue(reader.remove(face.faceId()), "remove through the other node, round " + round);
        assertFalse(
            writer.search(query).stream().anyMatch(m -> m.faceId().equals(face.faceId())),
            "removed face still found, round " + round);
        assertFalse(writer.remove(face.faceId()), "second remove, round " + round);
      }
    }
    Arrays.sort(addMillis);
    Arrays.sort(visibleMillis);
    System.out.printf(
        "visibility: add (write + soft commit on every replica) p50=%.0f ms max=%.0f ms; enroll on A "
            + "to found on B p50=%.0f ms max=%.0f ms (%d rounds)%n",
        addMillis[rounds / 2],
        addMillis[rounds - 1],
        visibleMillis[rounds / 2],
        visibleMillis[rounds - 1],
        rounds);
  }

  @Test
  void concurrent_enrollments_through_two_nodes_are_each_found_as_soon_as_their_add_returns()
      throws Exception {
    long seed =
        TestSeed.get(
            "concurrent_enrollments_through_two_nodes_are_each_found_as_soon_as_their_add_returns");
    SolrGalleryConfig config = new SolrGalleryConfig(cloud.zkHost(), "concurrent", 2, 2, 100);
    int threads = 6;
    int addsEach = 8;
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    try (SolrGallery nodeA = SolrGallery.open(config);
        SolrGallery nodeB = SolrGallery.open(config)) {
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        SolrGallery writer = t % 2 == 0 ? nodeA : nodeB;
        SolrGallery reader = t % 2 == 0 ? nodeB : nodeA;
        TestFaces faces = new TestFaces(seed + t);
        String prefix = "t" + t + "-";
        writers.add(
            new Thread(
                () -> {
                  for (int i = 0; i < addsEach; i++) {
                    StoredFace plain = faces.plainFace("tenant", faces.person());
                    StoredFace face =
                        new StoredFace(
                            prefix + plain.faceId(),
                            plain.applicationId(),
                            plain.ownerId(),
                            plain.source(),
                            false,
                            false,
                            true,
                            true,
                            plain.modelId(),
                            plain.createdAt(),
                            plain.embedding());
                    try {
                      writer.add(face);
                      List<String> found =
                          Matches.ids(
                              reader.search(
                                  new GalleryQuery(
                                      face.embedding(),
                                      TestFaces.MODEL,
                                      1,
                                      0.99f,
                                      GalleryFilter.tenant("tenant"))));
                      if (!found.equals(List.of(face.faceId()))) {
                        failures.add(face.faceId() + " not found: " + found);
                      }
                    } catch (RuntimeException e) {
                      failures.add(face.faceId() + ": " + e);
                    }
                  }
                },
                "writer-" + t));
      }
      writers.forEach(Thread::start);
      for (Thread writer : writers) {
        writer.join();
      }
      assertTrue(
          failures.isEmpty(),
          failures.size() + " failures: " + failures.stream().limit(5).toList());
      assertEquals(threads * addsEach, nodeA.count("tenant"));
    }
    System.out.printf(
        "concurrent: %d adds from %d threads through 2 nodes in %d ms%n",
        threads * addsEach, threads, (System.nanoTime() - start) / 1_000_000);
  }
}
