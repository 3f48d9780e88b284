package io.facesearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What one request of a load run answered, reduced to what two deployments must agree on: the HTTP status, the
 * face search's decision and its matches (session ids and similarity percentages, never an image or an
 * embedding).
 *
 * @param photo    the index of the query photo sent (0 for requests without a photo)
 * @param status   the HTTP status, -1 for an I/O error
 * @param decision {@code face_search.status} of a 200 answer, else null
 * @param matches  {@code face_search.matches} of a 200 answer in the order answered, else empty
 */
public record SearchAnswer(int photo, int status, String decision, List<Match> matches) {

  /** One match: its session (or face-list entry) id and its similarity_percentage. */
  public record Match(String sessionId, double similarityPercentage) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  public SearchAnswer {
    matches = List.copyOf(matches);
  }

  /** The answer of {@code photo} from an HTTP status and body; a body that is not a face search has no matches. */
  static SearchAnswer of(int photo, int status, String body) {
    if (status != 200) {
      return new SearchAnswer(photo, status, null, List.of());
    }
    JsonNode faceSearch;
    try {
      faceSearch = JSON.readTree(body).path("face_search");
    } catch (IOException e) {
      return new SearchAnswer(photo, status, null, List.of());
    }
    List<Match> matches = new ArrayList<>();
    for (JsonNode m : faceSearch.path("matches")) {
      matches.add(
          new Match(m.path("session_id").asText(), m.path("similarity_percentage").asDouble()));
    }
    String decision = faceSearch.hasNonNull("status") ? faceSearch.get("status").asText() : null;
    return new SearchAnswer(photo, status, decision, matches);
  }

  /** The matched session ids, in the order answered. */
  public List<String> sessionIds() {
    return matches.stream().map(Match::sessionId).toList();
  }

  /**
   * Whether {@code other} is the same answer: the same status, decision and matched sessions in the same order
   * (percentages may differ in their last digit between galleries and are not compared).
   */
  public boolean sameAs(SearchAnswer other) {
    return status == other.status
        && Objects.equals(decision, other.decision)
        && sessionIds().equals(other.sessionIds());
  }

  /** {@code 200 In Review [id 93.1%, ...]}: for a log line; session ids and percentages only. */
  public String summary() {
    StringBuilder s = new StringBuilder().append(status);
    if (decision != null) {
      s.append(' ').append(decision);
    }
    s.append(" [");
    for (int i = 0; i < matches.size(); i++) {
      Match m = matches.get(i);
      s.append(i == 0 ? "" : ", ")
          .append(m.sessionId())
          .append(' ')
          .append(String.format(Locale.ROOT, "%.1f%%", m.similarityPercentage()));
    }
    return s.append(']').toString();
  }
}
