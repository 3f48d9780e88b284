package io.facesearch.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.facesearch.detect.Detection;
import io.facesearch.images.SignedUrls;
import io.facesearch.pipeline.Face;
import io.facesearch.search.FaceSearchService;
import io.facesearch.search.MatchThreshold;
import io.facesearch.search.Warning;
import io.facesearch.sessions.Session;
import java.util.List;
import java.util.Map;

/**
 * The wire shapes of {@code POST /v3/face-search/} (Didit's Face Search API v3), field for field. Component
 * names are the JSON names.
 */
final class FaceSearchJson {

  private FaceSearchJson() {}

  record Response(
      String request_id,
      FaceSearch face_search,
      String vendor_data,
      JsonNode metadata,
      String created_at) {}

  record FaceSearch(
      String status,
      int total_matches,
      List<MatchJson> matches,
      UserImage user_image,
      List<WarningJson> warnings,
      ThresholdJson threshold) {}

  /**
   * facesearch extension: the match threshold of this search. {@code origin} is {@code gallery_size} (it follows
   * the number of candidate faces, the default) or {@code operator} (the application's similarity_threshold);
   * {@code expected_review_rate} is the share of people who are not enrolled that it is expected to send to review.
   */
  record ThresholdJson(
      double similarity_threshold,
      String origin,
      long candidate_faces,
      double expected_review_rate) {}

  /** For a face-list entry's face, {@code session_id} is the entry's uuid and {@code session_number} null. */
  record MatchJson(
      String session_id,
      Long session_number,
      double similarity_percentage,
      String vendor_data,
      String verification_date,
      UserDetails user_details,
      String match_image_url,
      String status,
      boolean is_blocklisted,
      boolean is_allowlisted,
      String source) {}

  record UserDetails(String name, String document_type, String document_number) {}

  record UserImage(List<Entity> entities, int best_angle) {}

  /** One detected face: {@code age} with one decimal, {@code bbox} [x1, y1, x2, y2] in upright pixels. */
  record Entity(String age, int[] bbox, double confidence, String gender) {}

  record WarningJson(
      String risk,
      Map<String, String> additional_data,
      String log_type,
      String short_description,
      String long_description,
      String feature) {}

  static Response of(
      FaceSearchService.Result r,
      String vendorData,
      JsonNode metadata,
      SignedUrls urls,
      String origin) {
    List<MatchJson> matches = r.matches().stream().map(m -> match(m, urls, origin)).toList();
    List<Entity> entities = r.analysis().faces().stream().map(FaceSearchJson::entity).toList();
    return new Response(
        r.requestId(),
        new FaceSearch(
            r.outcome().status().wireName(),
            r.totalMatches(),
            matches,
            new UserImage(entities, r.analysis().bestAngle()),
            warnings(r.outcome().warnings()),
            threshold(r.threshold())),
        vendorData,
        metadata,
        r.createdAt().toString());
  }

  static ThresholdJson threshold(MatchThreshold t) {
    return new ThresholdJson(
        t.percentage(),
        t.operatorSet() ? "operator" : "gallery_size",
        t.candidateFaces(),
        Math.round(t.expectedReviewRate() * 1e6) / 1e6);
  }

  static List<WarningJson> warnings(List<Warning> warnings) {
    return warnings.stream()
        .map(
            w ->
                new WarningJson(
                    w.risk(),
                    w.additionalData(),
                    w.logType(),
                    w.shortDescription(),
                    w.longDescription(),
                    w.feature()))
        .toList();
  }

  static Entity entity(Face face) {
    Detection d = face.detection();
    return new Entity(
        face.ageGender().ageText(),
        Bbox.of(d),
        Math.round(d.confidence() * 10000) / 10000.0,
        face.ageGender().gender().wireName());
  }

  private static MatchJson match(FaceSearchService.Match m, SignedUrls urls, String origin) {
    Session s = m.session();
    if (s == null) { // a face-list entry: its id, its image; no session data, no number
      var e = m.entry();
      return new MatchJson(
          e.entryId(),
          null,
          m.percentage(),
          null,
          e.createdAt().toString(),
          new UserDetails(null, null, null),
          e.imageId() == null ? null : origin + urls.sign(e.applicationId(), e.imageId()),
          "Approved",
          m.face().blocklisted(),
          m.face().allowlisted(),
          m.face().source().wireName());
    }
    return new MatchJson(
        s.id(),
        s.sessionNumber(),
        m.percentage(),
        s.vendorData(),
        s.verificationDate().toString(),
        new UserDetails(s.name(), s.documentType(), mask(s.documentNumber())),
        s.imageFile() == null ? null : origin + urls.sign(s.applicationId(), s.id()),
        s.status().wireName(),
        m.face().blocklisted(),
        m.face().allowlisted(),
        m.face().source().wireName());
  }

  /** A document number shown to its last 3 characters: {@code ******789}. */
  static String mask(String documentNumber) {
    if (documentNumber == null || documentNumber.isEmpty()) {
      return documentNumber;
    }
    int keep = Math.min(3, documentNumber.length());
    return "*".repeat(documentNumber.length() - keep)
        + documentNumber.substring(documentNumber.length() - keep);
  }
}
