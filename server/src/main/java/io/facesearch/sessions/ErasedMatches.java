package io.facesearch.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facesearch.store.Sessions;
import io.facesearch.store.Tx;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Takes an erased session's personal data out of the saved answers of later searches that matched it.
 *
 * <p>A saved face search keeps its answer ({@code sessions.decision_json}),
 * whose {@code face_search.matches[]} copy the matched session's {@code vendor_data}, {@code user_details} (name,
 * document type, masked number), {@code verification_date} and image URL. When that session is erased, these
 * fields become null in every such match; what remains is that the search matched a session, its id and
 * similarity, and the decision made then.
 */
final class ErasedMatches {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] PERSONAL = {
    "vendor_data", "user_details", "verification_date", "match_image_url"
  };

  private ErasedMatches() {}

  /**
   * Scrubs, in the caller's transaction, every saved answer of the application that matched the erased session.
   * It reads each of the application's saved answers that mention the id (a text search, not an index): the cost of
   * an erasure grows with the application's saved searches.
   */
  static void scrub(Tx tx, Sessions sessions, String applicationId, String erasedSessionId) {
    Map<String, String> changed = new LinkedHashMap<>();
    sessions
        .answersContaining(tx, applicationId, "\"" + erasedSessionId + "\"")
        .forEach(
            (id, answer) -> {
              String scrubbed = scrubbed(answer, erasedSessionId);
              if (scrubbed != null) {
                changed.put(id, scrubbed);
              }
            });
    changed.forEach((id, answer) -> sessions.replaceAnswer(tx, id, answer));
  }

  /** The answer with the erased session's matches scrubbed, or null when it has none. */
  static String scrubbed(String answer, String erasedSessionId) {
    try {
      JsonNode root = JSON.readTree(answer);
      boolean any = false;
      for (JsonNode match : root.path("face_search").path("matches")) {
        if (match instanceof ObjectNode m
            && erasedSessionId.equals(m.path("session_id").asText(null))) {
          for (String field : PERSONAL) {
            m.putNull(field);
          }
          any = true;
        }
      }
      return any ? JSON.writeValueAsString(root) : null;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a saved answer is not JSON", e);
    }
  }
}
