package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.cli.Main;
import io.facesearch.embed.FaceEmbedder;
import io.facesearch.enrollment.ModelMismatchException;
import io.facesearch.pipeline.FaceModels;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.pipeline.SharedPipeline;
import io.facesearch.pipeline.TestData;
import io.facesearch.services.Services;
import io.javalin.Javalin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The model id of the stored faces and of the running pipeline: a server never compares vectors of two models. A
 * pipeline option that changes the model (here {@code --flip}) makes serve refuse to start until reindex has
 * re-embedded the stored faces from their images; then the face is found again.
 */
class ModelChangeTest {

  @Test
  void serve_refuses_other_model_faces_until_reindex_re_embeds_them_and_then_finds_the_face_again()
      throws Exception {
    TestServer first = new TestServer();
    HttpResponse<String> r =
        Http.post(
            first.url("/v3/sessions/"),
            first.apiKey,
            new Multipart()
                .file(
                    "user_image", "p.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA)));
    assertEquals(201, r.statusCode(), r.body());
    String enrolled = Http.json(r).get("session_id").asText();
    String oldModel = SharedPipeline.get().embeddingModelId();
    first.close();
    Path data = first.data;

    StringWriter err = new StringWriter();
    CommandLine serve = Main.commandLine();
    serve.setErr(new PrintWriter(err, true));
    assertEquals(2, serve.execute("serve", "--data", data.toString(), "--port", "18301", "--flip"));
    String message = err.toString().strip();
    assertEquals(1, message.lines().count(), message);
    assertTrue(
        message.startsWith(
            "error: the stored faces were embedded by model " + oldModel + " (1 faces)"),
        message);
    assertTrue(
        message.contains("embeds with model " + oldModel + "+flip")
            && message.contains("./facesearch reindex"),
        message);
    assertFalse(message.contains("Exception") || message.contains("\tat "), message);

    try (FacePipeline flipped =
        new FacePipeline(
            FaceModels.load(FaceModels.locate(), 1), FaceEmbedder.ChannelOrder.BGR, true)) {
      assertThrows(
          ModelMismatchException.class,
          () -> open(data, flipped),
          "the composition path refuses too");

      CommandLine reindex = Main.commandLine();
      StringWriter out = new StringWriter();
      reindex.setOut(new PrintWriter(out, true));
      assertEquals(
          0, reindex.execute("reindex", "--data", data.toString(), "--flip"), out.toString());

      Node node = open(data, flipped);
      Javalin app = node.httpApp().start("127.0.0.1", 0);
      try {
        HttpResponse<String> found =
            Http.post(
                URI.create("http://127.0.0.1:" + app.port() + "/v3/face-search/"),
                apiKey(first),
                new Multipart()
                    .file(
                        "user_image",
                        "p.jpg",
                        "image/jpeg",
                        TestData.bytes(FaceSearchApiTest.OBAMA_OTHER_PHOTO))
                    .field("save_api_request", "false"));
        assertEquals(200, found.statusCode(), found.body());
        JsonNode matches = Http.json(found).at("/face_search/matches");
        assertEquals(
            enrolled, matches.get(0).get("session_id").asText(), "found again with the new model");
        assertTrue(
            matches.get(0).get("similarity_percentage").asDouble() >= 70, matches.toString());
      } finally {
        node.close();
      }
    }
  }

  @Test
  void a_face_whose_image_is_gone_is_listed_and_kept_by_reindex_unless_its_removal_is_asked_for()
      throws Exception {
    TestServer first = new TestServer();
    String kept = enroll(first, FaceSearchApiTest.OBAMA);
    String lost = enroll(first, FaceSearchApiTest.BIDEN);
    String app = first.services.accounts().defaultApplication().orElseThrow().id();
    java.nio.file.Files.delete(first.data.resolve("images").resolve(app).resolve(lost + ".jpg"));
    first.close();
    Path data = first.data;

    CommandLine reindex = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    reindex.setOut(new PrintWriter(out, true));
    reindex.setErr(new PrintWriter(err, true));
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    int exit;
    try {
      exit = reindex.execute("reindex", "--data", data.toString(), "--flip");
    } finally {
      System.setOut(stdout);
    }
    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().contains("1 faces could not be re-embedded"), err.toString());
    assertTrue(
        printed.toString(java.nio.charset.StandardCharsets.UTF_8).contains("owner " + lost),
        printed.toString());

    try (FacePipeline flipped =
        new FacePipeline(
            FaceModels.load(FaceModels.locate(), 1), FaceEmbedder.ChannelOrder.BGR, true)) {
      ModelMismatchException refused =
          assertThrows(ModelMismatchException.class, () -> open(data, flipped));
      assertTrue(
          refused.getMessage().contains("(1 faces)"),
          "the re-embedded face is done: " + refused.getMessage());

      assertEquals(
          0,
          Main.commandLine()
              .execute(
                  "reindex", "--data", data.toString(), "--flip", "--remove-faces-without-image"));
      try (Node node = open(data, flipped)) {
        Services services = node.services();
        assertEquals(
            1,
            services.faces().count(app),
            "the face without an image was removed, the other kept");
        assertTrue(
            services.db().read(tx -> services.sessions().find(tx, app, lost)).isPresent(),
            "its session stays, without a face");
        assertTrue(services.db().read(tx -> services.sessions().find(tx, app, kept)).isPresent());
      }
    }
  }

  private static String enroll(TestServer s, String photo) {
    HttpResponse<String> r =
        Http.post(
            s.url("/v3/sessions/"),
            s.apiKey,
            new Multipart().file("user_image", "p.jpg", "image/jpeg", TestData.bytes(photo)));
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).get("session_id").asText();
  }

  private static String apiKey(TestServer s) {
    return s.apiKey;
  }

  /** A node on {@code data} with its services on {@code pipeline}, as serve builds it. */
  private static Node open(Path data, FacePipeline pipeline) {
    Node node = Node.open(NodeSettings.of(data), Clock.systemUTC());
    try {
      node.services(pipeline);
      return node;
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
  }
}
