package io.facesearch.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;

/** Reads a request's JSON object body; anything else is a 400 {@code {"detail": ...}}. */
final class JsonBody {

  private JsonBody() {}

  static JsonNode object(Context ctx, ObjectMapper json) {
    JsonNode node;
    try {
      // Trailing content after the object ({"a":1} garbage) is malformed, not ignored.
      // The raw bytes: JSON is UTF-8 (RFC 8259), whatever charset the Content-Type claims (a bogus
      // one was a 500).
      node =
          json.reader()
              .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw ApiException.badRequest("Malformed JSON.");
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("Expected a JSON object.");
    }
    return node;
  }

  /** An optional string field of at most {@link Forms#MAX_TEXT} characters; null when absent or null. */
  static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.invalidField(field, "Not a valid string.");
    }
    if (Forms.tooLong(value.asText())) {
      throw ApiException.invalidField(
          field, "Ensure this field has no more than " + Forms.MAX_TEXT + " characters.");
    }
    return value.asText();
  }
}
