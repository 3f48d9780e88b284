package io.facesearch.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Takes an erased session's personal data out of the saved answers of later searches that matched it.
 *
 * <p>A saved face search keeps its answer ({@code sessions.decision_json}, {@code api_requests.response_json}),
 * whose {@code face_search.matches[]} copy the matched session's {@code vendor_data}, {@code user_details} (name,
 * document type, masked number), {@code verification_date} and image URL. When that session is erased, these
 * fields become null in every such match; what remains is that the search matched a session, its id and
 * similarity, and the decision made then.
 */
final class ErasedMatches {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] PERSONAL = {"vendor_data", "user_details", "verification_date", "match_image_url"};

  private ErasedMatches() {}

  /**
   * Scrubs, in the caller's transaction, every saved answer of the application that matched the erased session.
   * It reads each of the application's saved answers that mention the id (a text search, not an index): the cost of
   * an erasure grows with the application's saved searches.
   */
  static void scrub(Connection c, String applicationId, String erasedSessionId) throws SQLException {
    String pattern = "%\"" + erasedSessionId + "\"%"; // a session id is a UUID: no LIKE wildcards in it
    rewrite(c, "SELECT id, decision_json FROM sessions WHERE application_id = ? AND decision_json LIKE ?",
        "UPDATE sessions SET decision_json = ? WHERE id = ?", applicationId, pattern, erasedSessionId);
    rewrite(c, "SELECT request_id, response_json FROM api_requests WHERE application_id = ? AND response_json LIKE ?",
        "UPDATE api_requests SET response_json = ? WHERE request_id = ?", applicationId, pattern, erasedSessionId);
  }

  private static void rewrite(Connection c, String select, String update, String applicationId, String pattern,
                              String erasedSessionId) throws SQLException {
    Map<String, String> changed = new LinkedHashMap<>();
    try (PreparedStatement q = c.prepareStatement(select)) {
      q.setString(1, applicationId);
      q.setString(2, pattern);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          String scrubbed = scrubbed(r.getString(2), erasedSessionId);
          if (scrubbed != null) {
            changed.put(r.getString(1), scrubbed);
          }
        }
      }
    }
    try (PreparedStatement q = c.prepareStatement(update)) {
      for (Map.Entry<String, String> e : changed.entrySet()) {
        q.setString(1, e.getValue());
        q.setString(2, e.getKey());
        q.executeUpdate();
      }
    }
  }

  /** The answer with the erased session's matches scrubbed, or null when it has none. */
  static String scrubbed(String answer, String erasedSessionId) {
    try {
      JsonNode root = JSON.readTree(answer);
      boolean any = false;
      for (JsonNode match : root.path("face_search").path("matches")) {
        if (match instanceof ObjectNode m && erasedSessionId.equals(m.path("session_id").asText(null))) {
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
