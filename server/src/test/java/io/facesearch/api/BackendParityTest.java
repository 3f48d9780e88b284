package io.facesearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.accounts.Application;
import io.facesearch.pipeline.TestData;
import io.facesearch.store.Dialect;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The embedded backend (SQLite + the in-process Lucene gallery) and the cluster backend (PostgreSQL + SolrCloud)
 * answer the same face searches alike: the same real photos of {@code ../shared/data/lfw-dev} are enrolled through
 * {@code POST /v3/sessions/} into one server of each, one enrollment is then declined and one blocklisted on both,
 * and the same probes are sent to both with {@code POST /v3/face-search/}: mated probes (another photo of an
 * enrolled person, from the matched pairs of {@code pairs-dev.txt}, several near the threshold) and non-mated ones
 * (people of the mismatched pairs who are not enrolled). Every probe is sent twice: at the threshold that follows the
 * gallery size, then with the application's threshold set to {@link #OPERATOR_THRESHOLD} by the operator, so that
 * many matches fall just above a threshold.
 *
 * <p>Each probe must get the same HTTP status, decision, threshold and matched enrollments (session ids mapped by
 * enrollment order) in the same order on both, with similarity percentages within {@link #PERCENTAGE_TOLERANCE}.
 */
class BackendParityTest {

  /**
   * How far the two backends' similarity_percentage of one match may differ. The cluster reports Solr's float dot
   * product (to about 1e-6); the embedded gallery reports the float dot product for hits it re-scores (those near
   * the threshold or the k-th) and otherwise its 12-bit copy's score, within {@code fineScoreError(512)} = 0.00025 of
   * it. The steepest segment of {@code SimilarityScale} (cosine 0.2440 to 0.3352 for 50 to 70 %) turns that into at
   * most 0.055 percentage points, and the API rounds to one decimal: two values less than 0.1 apart round to
   * values at most 0.1 apart.
   */
  static final double PERCENTAGE_TOLERANCE = 0.1 + 1e-9;

  /** Mated pairs of pairs-dev.txt used (their first photos enrolled, their second photos probes). */
  private static final int MATED_PAIRS = 16;

  /** Non-mated probes: the second person of mismatched pairs, not enrolled. */
  private static final int NON_MATED = 10;

  /**
   * The operator threshold of the second pass, a similarity_percentage (cosine 0.1220, between FMR 1e-2 and 0.5 on lfw-dev): low
   * enough that impostors and weak mates match just above it, where a score error would show first.
   */
  private static final double OPERATOR_THRESHOLD = 40;

  /** A match at most this far above its threshold counts as near it (printed). */
  private static final double NEAR = 3;

  /** One match of an answer: which enrollment (0-based, in enrollment order) and its similarity_percentage. */
  record Matched(int enrollment, double percentage) {}

  /** A probe's answer, with session ids replaced by enrollment numbers. */
  record Answer(
      String probe,
      int httpStatus,
      String decision,
      double threshold,
      int totalMatches,
      List<Matched> matches,
      List<String> risks) {

    List<Integer> enrollments() {
      return matches.stream().map(Matched::enrollment).toList();
    }

    String summary() {
      StringBuilder s =
          new StringBuilder()
              .append(httpStatus)
              .append(' ')
              .append(decision)
              .append(String.format(Locale.ROOT, " threshold %.1f ", threshold))
              .append(risks)
              .append(" [");
      for (int i = 0; i < matches.size(); i++) {
        Matched m = matches.get(i);
        s.append(i == 0 ? "" : ", ")
            .append('#')
            .append(m.enrollment())
            .append(String.format(Locale.ROOT, " %.1f%%", m.percentage()));
      }
      return s.append(']').toString();
    }
  }

  /** The photos (relative to the data folder): enrolled in this order, then probed in this order. */
  record Corpus(List<String> enrolled, List<String> probes) {}

  /**
   * What one server did: which photos it enrolled (a photo refused, e.g. with a second face in the background, is
   * not), which enrollment it declined and which it blocklisted, and every probe's answer.
   */
  record Run(List<Boolean> enrolled, int declined, int blocklisted, List<Answer> answers) {}

  @Test
  void both_backends_give_every_probe_the_same_decision_and_matches_in_the_same_order()
      throws IOException {
    Corpus corpus = corpus();
    Run embeddedRun;
    try (TestServer server = new TestServer(Dialect.SQLITE)) {
      embeddedRun = run(server, corpus);
    }
    Run clusterRun;
    try (TestServer server = new TestServer(Dialect.POSTGRESQL)) {
      clusterRun = run(server, corpus);
    }
    assertEquals(embeddedRun.enrolled(), clusterRun.enrolled(), "the same photos enrolled");
    assertEquals(embeddedRun.declined(), clusterRun.declined());
    assertEquals(embeddedRun.blocklisted(), clusterRun.blocklisted());
    List<Answer> embedded = embeddedRun.answers();
    List<Answer> cluster = clusterRun.answers();

    assertEquals(embedded.size(), cluster.size());
    int differ = 0;
    int matched = 0;
    int matches = 0;
    int nearTheThreshold = 0;
    StringBuilder report = new StringBuilder();
    for (int p = 0; p < embedded.size(); p++) {
      Answer e = embedded.get(p);
      Answer c = cluster.get(p);
      boolean same =
          e.httpStatus() == c.httpStatus()
              && e.decision().equals(c.decision())
              && e.threshold() == c.threshold()
              && e.totalMatches() == c.totalMatches()
              && e.enrollments().equals(c.enrollments())
              && e.risks().equals(c.risks())
              && percentagesAgree(e, c);
      if (!same) {
        differ++;
        report
            .append(String.format(Locale.ROOT, "%n  %s: embedded %s%n", e.probe(), e.summary()))
            .append(String.format(Locale.ROOT, "  %s: cluster  %s", c.probe(), c.summary()));
      }
      if (!e.matches().isEmpty()) {
        matched++;
      }
      matches += e.matches().size();
      for (Matched m : e.matches()) {
        if (m.percentage() - e.threshold() <= NEAR) {
          nearTheThreshold++;
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "BackendParityTest: %d of %d photos enrolled (#%d declined, #%d blocklisted), %d probes (%d mated, "
            + "%d non-mated) x 2 thresholds: %d answers with a match, %d matches, %d of them within %.0f points "
            + "above the threshold; %d answers differ%s%n",
        embeddedRun.enrolled().stream().filter(b -> b).count(),
        corpus.enrolled().size(),
        embeddedRun.declined(),
        embeddedRun.blocklisted(),
        corpus.probes().size(),
        corpus.probes().size() - NON_MATED,
        NON_MATED,
        matched,
        matches,
        nearTheThreshold,
        NEAR,
        differ,
        report);
    assertEquals(0, differ, "answers differ between SQLite+Lucene and PostgreSQL+Solr:" + report);
    assertTrue(matched > 0 && matched < embedded.size(), "probes on both sides of the threshold");
    assertTrue(nearTheThreshold > 0, "matches near a threshold");
  }

  private static boolean percentagesAgree(Answer e, Answer c) {
    for (int i = 0; i < e.matches().size(); i++) {
      if (Math.abs(e.matches().get(i).percentage() - c.matches().get(i).percentage())
          > PERCENTAGE_TOLERANCE) {
        return false;
      }
    }
    return true;
  }

  /**
   * Enrolls the corpus, declines the second enrollment and blocklists the fourth through the API, then sends every
   * probe (with {@code save_api_request=false}, so the gallery stays as enrolled) at the gallery-size threshold, and
   * again at the operator threshold {@link #OPERATOR_THRESHOLD}.
   */
  private static Run run(TestServer server, Corpus corpus) {
    List<String> sessions = new ArrayList<>(); // null where the photo was refused
    List<Integer> accepted = new ArrayList<>();
    for (String photo : corpus.enrolled()) {
      String session = enroll(server, photo);
      if (session != null) {
        accepted.add(sessions.size());
      }
      sessions.add(session);
    }
    int declinedEnrollment = accepted.get(1);
    int blocklistedEnrollment = accepted.get(3);
    HttpResponse<String> declined =
        Http.send(
            "PATCH",
            server.url("/v3/session/" + sessions.get(declinedEnrollment) + "/update-status/"),
            server.apiKey,
            "{\"new_status\": \"Declined\"}");
    assertEquals(200, declined.statusCode(), declined.body());
    HttpResponse<String> blocked =
        Http.send(
            "POST",
            server.url("/v3/blocklist/add/"),
            server.apiKey,
            "{\"session_id\": \""
                + sessions.get(blocklistedEnrollment)
                + "\", \"blocklist_face\": true}");
    assertEquals(200, blocked.statusCode(), blocked.body());
    List<Answer> answers = new ArrayList<>();
    for (String probe : corpus.probes()) {
      answers.add(search(server, probe, sessions));
    }
    Application app = server.services.accounts().defaultApplication().orElseThrow();
    server
        .services
        .accounts()
        .updateSettings(app.id(), app.settings().withSimilarityThreshold(OPERATOR_THRESHOLD));
    for (String probe : corpus.probes()) {
      answers.add(search(server, probe, sessions));
    }
    return new Run(
        sessions.stream().map(id -> id != null).toList(),
        declinedEnrollment,
        blocklistedEnrollment,
        answers);
  }

  /** The new session's id, or null when the photo is refused with a 400 (no face, or more than one). */
  private static String enroll(TestServer server, String photo) {
    Multipart form =
        new Multipart()
            .file("user_image", "photo.jpg", "image/jpeg", TestData.bytes(photo))
            .field("name", photo.substring(photo.lastIndexOf('/') + 1));
    HttpResponse<String> r = Http.post(server.url("/v3/sessions/"), server.apiKey, form);
    if (r.statusCode() == 400) {
      return null;
    }
    assertEquals(201, r.statusCode(), photo + ": " + r.body());
    return Http.json(r).get("session_id").asText();
  }

  private static Answer search(TestServer server, String probe, List<String> sessions) {
    Multipart form =
        new Multipart()
            .file("user_image", "selfie.jpg", "image/jpeg", TestData.bytes(probe))
            .field("save_api_request", "false");
    HttpResponse<String> r = Http.post(server.url("/v3/face-search/"), server.apiKey, form);
    if (r.statusCode() != 200) {
      return new Answer(probe, r.statusCode(), "", -1, -1, List.of(), List.of());
    }
    JsonNode fs = Http.json(r).get("face_search");
    List<Matched> matches = new ArrayList<>();
    for (JsonNode m : fs.get("matches")) {
      matches.add(
          new Matched(
              sessions.indexOf(m.get("session_id").asText()),
              m.get("similarity_percentage").asDouble()));
    }
    List<String> risks = new ArrayList<>();
    for (JsonNode w : fs.get("warnings")) {
      risks.add(w.get("risk").asText());
    }
    return new Answer(
        probe,
        200,
        fs.get("status").asText(),
        fs.get("threshold").get("similarity_threshold").asDouble(),
        fs.get("total_matches").asInt(),
        List.copyOf(matches),
        risks.stream().sorted().toList());
  }

  /**
   * From {@code lfw-dev/pairs-dev.txt}: the first {@link #MATED_PAIRS} matched pairs give their first photo to
   * enroll and their second as a probe (a person in two pairs is enrolled twice, so some probes have two matches
   * to order); then the second person of mismatched pairs, not enrolled, gives the non-mated probes.
   */
  private static Corpus corpus() throws IOException {
    List<String> lines = Files.readAllLines(TestData.file("lfw-dev/pairs-dev.txt"));
    Set<String> enrolled = new LinkedHashSet<>();
    Set<String> mated = new LinkedHashSet<>();
    Set<String> enrolledPeople = new LinkedHashSet<>();
    Set<String> nonMated = new LinkedHashSet<>();
    int pairs = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 3 && pairs < MATED_PAIRS) {
        String first = photo(f[0], f[1]);
        String second = photo(f[0], f[2]);
        if (!enrolled.contains(second) && !mated.contains(first)) {
          enrolled.add(first);
          mated.add(second);
          enrolledPeople.add(f[0]);
          pairs++;
        }
      } else if (f.length == 4 && pairs == MATED_PAIRS && nonMated.size() < NON_MATED) {
        if (!enrolledPeople.contains(f[2])) {
          nonMated.add(photo(f[2], f[3]));
        }
      }
    }
    mated.removeAll(enrolled);
    List<String> probes = new ArrayList<>(mated);
    probes.addAll(nonMated);
    return new Corpus(List.copyOf(enrolled), List.copyOf(probes));
  }

  private static String photo(String person, String number) {
    return String.format(
        Locale.ROOT, "lfw-dev/images/%s/%s_%04d.jpg", person, person, Integer.parseInt(number));
  }
}
