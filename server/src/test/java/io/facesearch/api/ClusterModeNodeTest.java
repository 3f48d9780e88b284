package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.app.Node;
import io.facesearch.enrollment.Reembedding;
import io.facesearch.gallery.FaceState;
import io.facesearch.gallery.solr.SolrGallery;
import io.facesearch.pipeline.SharedPipeline;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node on PostgreSQL and SolrCloud ({@code serve --database-url ... --solr-zk ...}) keeps no gallery of its own:
 * every node on the same truth and collection finds what another enrolled, and an erasure and {@code reindex} reach
 * the Solr collection. Real HTTP, real photos, a real SolrCloud and PostgreSQL (skipped without them, failed under
 * CI).
 */
class ClusterModeNodeTest {

  static final String OBAMA = FaceSearchApiTest.OBAMA;
  static final String OBAMA_OTHER_PHOTO = FaceSearchApiTest.OBAMA_OTHER_PHOTO;
  static final String BIDEN = FaceSearchApiTest.BIDEN;

  @Test
  void a_face_enrolled_through_one_node_is_found_through_another_on_the_same_backends() {
    try (TestServer a = new TestServer(Dialect.POSTGRESQL);
        TestServer b = TestServer.anotherNode(a)) {
      String enrolled = enroll(a, OBAMA);
      JsonNode fs = search(b, OBAMA_OTHER_PHOTO).get("face_search");
      assertEquals(1, fs.get("total_matches").asInt(), fs.toString());
      assertEquals(enrolled, fs.get("matches").get(0).get("session_id").asText());
      assertEquals("In Review", fs.get("status").asText(), fs.toString());
      assertFalse(Files.exists(a.node.galleryDir()), "node A keeps no Lucene gallery");
      assertFalse(Files.exists(b.node.galleryDir()), "node B keeps no Lucene gallery");
    }
  }

  @Test
  void an_erased_session_leaves_the_solr_collection_and_reindex_rebuilds_it_from_the_truth() {
    try (TestServer server = new TestServer(Dialect.POSTGRESQL);
        SolrGallery solr = SolrGallery.open(server.solr.galleryConfig())) {
      String app = server.services.accounts().defaultApplication().orElseThrow().id();
      enroll(server, OBAMA);
      String erased = enroll(server, BIDEN);
      assertEquals(
          2, solr.count(app), "both faces are in the collection as the enrollments answer");

      HttpResponse<String> deleted =
          Http.send(
              "DELETE", server.url("/v3/session/" + erased + "/delete/"), server.apiKey, null);
      assertEquals(204, deleted.statusCode(), deleted.body());
      assertEquals(1, solr.count(app), "the erased face is gone from Solr as the DELETE answers");
      assertTrue(server.services.review().purgeErased(), "Solr expunged the erased face");

      // A face lost from the collection behind the node's back: reindex puts it back from the
      // truth.
      List<String> ids = new ArrayList<>();
      solr.forEachState((FaceState state) -> ids.add(state.faceId()));
      assertEquals(1, ids.size(), ids.toString());
      assertTrue(solr.remove(ids.get(0)));
      assertEquals(0, solr.count(app));
      try (Node reindexing = Node.open(server.node.settings(), Clock.systemUTC())) {
        Reembedding.Report report = reindexing.reindex(SharedPipeline.get(), false);
        assertEquals(0, report.reembedded(), "every face was made by the pipeline's model");
      }
      assertEquals(1, solr.count(app), "reindex rebuilt the collection from the truth");
      assertFalse(Files.exists(server.node.galleryDir()), "reindex opened no Lucene gallery");
      JsonNode fs = search(server, OBAMA_OTHER_PHOTO).get("face_search");
      assertEquals(1, fs.get("total_matches").asInt(), fs.toString());
    }
  }

  private static String enroll(TestServer server, String photo) {
    HttpResponse<String> r =
        Http.post(
            server.url("/v3/sessions/"),
            server.apiKey,
            new Multipart().file("user_image", "photo.jpg", "image/jpeg", TestData.bytes(photo)));
    assertEquals(201, r.statusCode(), photo + ": " + r.body());
    return Http.json(r).get("session_id").asText();
  }

  private static JsonNode search(TestServer server, String photo) {
    HttpResponse<String> r =
        Http.post(
            server.url("/v3/face-search/"),
            server.apiKey,
            new Multipart()
                .file("user_image", "selfie.jpg", "image/jpeg", TestData.bytes(photo))
                .field("save_api_request", "false"));
    assertEquals(200, r.statusCode(), photo + ": " + r.body());
    return Http.json(r);
  }
}
