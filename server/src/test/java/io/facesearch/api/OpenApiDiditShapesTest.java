package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.accounts.Application;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The OpenAPI document lists exactly the fields of real answers in Didit's shapes: decision, session row, face list,
 * list entry, webhook destination, balance, companion entity, login tokens.
 *
 * <p>Every test runs once with the truth in SQLite and once in PostgreSQL ({@code dialect}).
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class OpenApiDiditShapesTest {

  @Parameter Dialect dialect;

  @Test
  void openapi_schemas_list_exactly_the_fields_of_real_didit_shaped_answers() throws Exception {
    try (TestServer server = new TestServer(dialect)) {
      JsonNode doc = Http.json(Http.get(server.url("/openapi.json"), null));
      JsonNode schemas = doc.at("/components/schemas");

      JsonNode search =
          Http.json(
              Http.post(
                  server.url("/v3/face-search/"),
                  server.apiKey,
                  new Multipart()
                      .file(
                          "user_image",
                          "o.jpg",
                          "image/jpeg",
                          TestData.bytes(FaceSearchApiTest.OBAMA))));
      String id = search.get("request_id").asText();
      JsonNode decision =
          Http.json(Http.get(server.url("/v3/session/" + id + "/decision/"), server.apiKey));
      assertRequiredPlusOptional(schemas.get("Decision"), decision, "decision");
      assertSame(
          schemas.at("/Session/required"),
          Http.json(Http.get(server.url("/v3/sessions/"), server.apiKey)).at("/results/0"),
          "session row");

      JsonNode lists = Http.json(Http.get(server.url("/v3/lists/"), server.apiKey));
      assertSame(
          doc.at(
              "/paths/~1v3~1lists~1/get/responses/200/content/application~1json/schema/required"),
          lists,
          "page");
      assertSame(schemas.at("/FaceList/required"), lists.at("/results/0"), "face list");
      String system = lists.at("/results/0/uuid").asText();
      JsonNode entry =
          Http.json(
              Http.send(
                  "POST",
                  server.url("/v3/lists/" + system + "/entries/"),
                  server.apiKey,
                  "{\"reference_session_id\": \"" + id + "\"}"));
      assertSame(schemas.at("/ListEntry/required"), entry, "list entry");

      JsonNode destination =
          Http.json(
              Http.send(
                  "POST",
                  server.url("/v3/webhook/destinations/"),
                  server.apiKey,
                  "{\"url\": \"http://127.0.0.1:9/hook\"}"));
      assertSame(schemas.at("/WebhookDestination/required"), destination, "webhook destination");

      assertSame(
          doc.at(
              "/paths/~1v3~1billing~1balance~1/get/responses/200/content/application~1json/schema/required"),
          Http.json(Http.get(server.url("/v3/billing/balance/"), server.apiKey)),
          "balance");

      JsonNode liveness =
          Http.json(
              Http.post(
                  server.url("/v3/passive-liveness/"),
                  server.apiKey,
                  new Multipart()
                      .file(
                          "user_image",
                          "o.jpg",
                          "image/jpeg",
                          TestData.bytes(FaceSearchApiTest.OBAMA))));
      assertSame(
          doc.at(
              "/paths/~1v3~1passive-liveness~1/post/responses/200/content/application~1json/schema/required"),
          liveness,
          "passive liveness");
      assertSame(
          schemas.at("/CompanionEntity/required"),
          liveness.at("/liveness/user_image/entities/0"),
          "companion entity");

      Application app = server.services.accounts().defaultApplication().orElseThrow();
      server
          .services
          .registration()
          .createUser("op@example.com", "Operator-pass-1", app.organizationId());
      JsonNode tokens =
          Http.json(
              Http.postJson(
                  server.url("/auth/v2/programmatic/login/"),
                  "{\"email\": \"op@example.com\", \"password\": \"Operator-pass-1\"}"));
      assertSame(schemas.at("/Tokens/required"), tokens, "tokens");
    }
  }

  /** Every required field is present, and every present field is documented. */
  private static void assertRequiredPlusOptional(JsonNode schema, JsonNode actual, String what) {
    List<String> present = new ArrayList<>();
    actual.fieldNames().forEachRemaining(present::add);
    schema
        .get("required")
        .forEach(r -> assertFalse(!present.contains(r.asText()), what + " lacks " + r.asText()));
    for (String p : present) {
      assertFalse(!schema.get("properties").has(p), what + " has undocumented " + p);
    }
  }

  private static void assertSame(JsonNode required, JsonNode actual, String what) {
    List<String> documented = new ArrayList<>();
    required.forEach(n -> documented.add(n.asText()));
    List<String> present = new ArrayList<>();
    actual.fieldNames().forEachRemaining(present::add);
    assertEquals(documented.stream().sorted().toList(), present.stream().sorted().toList(), what);
  }
}
