package io.facesearch.gallery.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.gallery.ExactGallery;
import io.facesearch.gallery.FaceFlags;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.GalleryQuery;
import io.facesearch.gallery.StoredFace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SolrGallery} on a 2-node SolrCloud (a collection of 2 shards x 2 replicas) against the oracle
 * {@link ExactGallery}. A tenant holds at most 90 faces, fewer than the 100 kNN candidates of each shard, so Lucene
 * scores every filtered face of a shard (no graph walk) and the results must be exact: same faces, same order, same
 * similarities (within float rounding), whatever the scope, the excluded sources and the model id.
 */
class SolrGalleryOracleTest {

  private static final String[] TENANTS = {"app-a", "app-b", "app-c"};
  private static final int MAX_TENANT_FACES = 90;

  static SolrCloudProcess cloud;

  @BeforeAll
  static void startSolrCloud() throws Exception {
    cloud = SharedSolrCloud.get();
  }

  @Test
  void random_adds_removes_updates_and_searches_give_the_results_of_exact_search() {
    long seed =
        TestSeed.get("random_adds_removes_updates_and_searches_give_the_results_of_exact_search");
    TestFaces faces = new TestFaces(seed);
    ExactGallery exact = new ExactGallery(TestFaces.DIMS);
    Map<String, StoredFace> truth = new HashMap<>();
    Map<String, Integer> tenantSizes = new HashMap<>();
    List<String> live = new ArrayList<>();
    Set<String> removed = new HashSet<>();
    int searches = 0;
    int writes = 0;
    long writeNanos = 0;
    try (SolrGallery solr =
        SolrGallery.open(new SolrGalleryConfig(cloud.zkHost(), "oracle", 2, 2, 100))) {
      for (int step = 0; step < 260; step++) {
        int op = faces.random().nextInt(100);
        String tenant = TENANTS[faces.random().nextInt(TENANTS.length)];
        long t = System.nanoTime();
        if (op < 40 && tenantSizes.getOrDefault(tenant, 0) < MAX_TENANT_FACES) {
          StoredFace face =
              faces.face(
                  tenant,
                  live.isEmpty() || faces.random().nextBoolean()
                      ? faces.unitVector()
                      : faces.near(
                          truth.get(live.get(faces.random().nextInt(live.size()))).embedding(),
                          0.7));
          truth.put(face.faceId(), face);
          exact.add(face);
          solr.add(face);
          live.add(face.faceId());
          tenantSizes.merge(tenant, 1, Integer::sum);
          writes++;
          writeNanos += System.nanoTime() - t;
        } else if (op < 50 && !live.isEmpty()) {
          boolean known = faces.random().nextInt(5) != 0;
          String faceId =
              known ? live.remove(faces.random().nextInt(live.size())) : "unknown-" + step;
          if (known) {
            tenantSizes.merge(truth.remove(faceId).applicationId(), -1, Integer::sum);
            removed.add(faceId);
          }
          assertEquals(exact.remove(faceId), solr.remove(faceId), "remove at step " + step);
          writes++;
          writeNanos += System.nanoTime() - t;
        } else if (op < 60 && !live.isEmpty()) {
          boolean known = faces.random().nextInt(6) != 0;
          String faceId = known ? live.get(faces.random().nextInt(live.size())) : "unknown-" + step;
          FaceFlags flags = faces.randomFlags();
          if (known) {
            truth.put(faceId, truth.get(faceId).withFlags(flags));
          }
          assertEquals(
              exact.update(faceId, flags), solr.update(faceId, flags), "update at step " + step);
          writes++;
          writeNanos += System.nanoTime() - t;
        } else {
          float[] probe =
              live.isEmpty() || faces.random().nextBoolean()
                  ? faces.unitVector()
                  : faces.near(
                      truth.get(live.get(faces.random().nextInt(live.size()))).embedding(), 0.7);
          float minSimilarity = new float[] {-1f, 0f, 0.3f}[faces.random().nextInt(3)];
          String model = faces.random().nextInt(6) == 0 ? TestFaces.OTHER_MODEL : TestFaces.MODEL;
          GalleryFilter filter = faces.randomFilter(tenant);
          GalleryQuery query =
              new GalleryQuery(probe, model, 1 + faces.random().nextInt(20), minSimilarity, filter);
          List<GalleryMatch> expected = exact.search(query);
          List<GalleryMatch> actual = solr.search(query);
          Matches.assertSame(
              expected,
              actual,
              minSimilarity,
              "search at step " + step + " with " + filter + " model " + model);
          for (GalleryMatch match : actual) {
            assertFalse(
                removed.contains(match.faceId()), "removed face came back: " + match.faceId());
            assertEquals(
                tenant, truth.get(match.faceId()).applicationId(), "another tenant's face");
          }
          assertEquals(exact.count(tenant), solr.count(tenant), "count at step " + step);
          assertEquals(
              exact.count(filter), solr.count(filter), "count of " + filter + " at " + step);
          searches++;
        }
      }
      Set<FaceState> expectedStates = new HashSet<>();
      exact.forEachState(expectedStates::add);
      Set<FaceState> actualStates = new HashSet<>();
      solr.forEachState(actualStates::add);
      assertEquals(expectedStates, actualStates, "forEachState");
    }
    System.out.printf(
        "oracle: %d searches, %d writes, mean write (with its soft commit) %.1f ms%n",
        searches, writes, writeNanos / 1e6 / Math.max(1, writes));
    assertTrue(searches > 80, "searches run: " + searches);
  }
}
