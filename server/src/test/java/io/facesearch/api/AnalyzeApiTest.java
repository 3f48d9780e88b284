package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real service on a random port, called over HTTP with real photos.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class AnalyzeApiTest {

  @Parameter Dialect dialect;

  private static TestServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeParameterizedClassInvocation
  static void start(Dialect dialect) {
    server = new TestServer(dialect);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @Test
  void health_answers_ok_with_the_embedding_model() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(url("/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(
        JSON.readTree(r.body()).get("embedding_model").asText().startsWith("fr_feature@sha256:"));
  }

  @Test
  void analyze_needs_an_api_key() {
    HttpResponse<String> r =
        Http.post(
            url("/v1/analyze"),
            null,
            new Multipart()
                .file("image", "o.jpg", "image/jpeg", TestData.bytes(FaceSearchApiTest.OBAMA)));
    assertEquals(401, r.statusCode(), r.body());
    assertTrue(Http.json(r).has("detail"));
  }

  @Test
  void analyze_returns_every_face_of_a_two_person_photo() throws Exception {
    HttpResponse<String> r =
        post(
            new Multipart()
                .file(
                    "image",
                    "two_people.jpg",
                    "image/jpeg",
                    TestData.bytes("face_recognition_examples/examples/two_people.jpg")));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertEquals(2, body.get("faces").size(), r.body());
    JsonNode face = body.get("faces").get(0);
    assertEquals(4, face.get("bbox").size());
    assertTrue(face.get("bbox").get(0).isInt());
    assertTrue(face.get("age").asText().matches("\\d+\\.\\d"), face.toString());
    assertTrue(face.get("gender").asText().matches("male|female"), face.toString());
    assertTrue(face.get("confidence").asDouble() > 0.9 && face.get("confidence").asDouble() <= 1.0);
    assertEquals(5, face.get("landmarks").size());
    assertFalse(r.body().contains("embedding\""), "embeddings are never returned");
    assertEquals(0, body.get("best_angle").asInt());
  }

  @Test
  void analyze_with_rotate_image_reports_the_best_angle() throws Exception {
    HttpResponse<String> r =
        post(
            new Multipart()
                .file(
                    "image",
                    "rot.jpg",
                    "image/jpeg",
                    TestData.bytes("derived/rotated/id01/img1_rot90ccw.jpg"))
                .field("rotate_image", "true"));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertEquals(90, body.get("best_angle").asInt());
    assertEquals(1, body.get("faces").size());
  }

  @Test
  void bad_uploads_get_a_field_keyed_400_without_a_stack_trace() throws Exception {
    assertFieldError(
        post(new Multipart().field("rotate_image", "true")), "image", "This field is required.");
    assertFieldError(
        post(
            new Multipart()
                .file(
                    "image",
                    "doc.pdf",
                    "application/pdf",
                    "%PDF-1.4\n%\n".getBytes(StandardCharsets.US_ASCII))),
        "image",
        "Unsupported image format");
    byte[] jpeg = TestData.bytes("face_recognition_examples/examples/obama.jpg");
    assertFieldError(
        post(
            new Multipart()
                .file("image", "cut.jpg", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 3))),
        "image",
        "corrupt");
    assertFieldError(
        post(
            new Multipart()
                .file("image", "big.jpg", "image/jpeg", Arrays.copyOf(jpeg, 6 * 1024 * 1024))),
        "image",
        "larger than 5 MB");
    assertFieldError(
        post(
            new Multipart()
                .file("image", "obama.jpg", "image/jpeg", jpeg)
                .field("rotate_image", "maybe")),
        "rotate_image",
        "boolean");
  }

  @Test
  void unknown_routes_get_a_json_404() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(url("/nope")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, r.statusCode());
    assertTrue(JSON.readTree(r.body()).has("detail"), r.body());
  }

  private static void assertFieldError(HttpResponse<String> r, String field, String fragment)
      throws Exception {
    assertEquals(400, r.statusCode(), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertTrue(body.get(field).isArray(), r.body());
    assertTrue(body.get(field).get(0).asText().contains(fragment), r.body());
    assertFalse(
        r.body().contains("Exception") || r.body().contains("at io."),
        "no stack trace: " + r.body());
  }

  private static HttpResponse<String> post(Multipart form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(url("/v1/analyze"))
            .header("Content-Type", form.contentType())
            .header("x-api-key", server.apiKey)
            .POST(form.publisher())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI url(String path) {
    return server.url(path);
  }
}
