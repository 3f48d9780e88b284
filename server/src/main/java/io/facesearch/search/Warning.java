package io.facesearch.search;

import java.util.Map;

/**
 * One entry of {@code warnings[]}, in Didit's shape. {@code additionalData} is null or a small map of ids.
 *
 * @param risk    the tag, e.g. {@code DUPLICATED_FACE}
 * @param logType {@code information} | {@code warning} | {@code error}
 * @param feature the product feature that raised it ({@code FACE_SEARCH})
 */
public record Warning(
    String risk,
    Map<String, String> additionalData,
    String logType,
    String shortDescription,
    String longDescription,
    String feature) {

  static final String FEATURE = "FACE_SEARCH";

  static Warning noFace() {
    return new Warning(
        "NO_FACE_DETECTED",
        null,
        "error",
        "No face detected",
        "No face was found in the image, so it could not be searched.",
        FEATURE);
  }

  static Warning multipleFaces(int count, boolean declined) {
    return new Warning(
        "MULTIPLE_FACES_DETECTED",
        Map.of("faces_detected", Integer.toString(count)),
        declined ? "error" : "warning",
        "Multiple faces detected",
        count
            + " faces were found; the largest one was searched."
            + (declined ? " The application does not allow photos with several faces." : ""),
        FEATURE);
  }

  static Warning inBlocklist(String sessionId, boolean certain) {
    return new Warning(
        certain ? "FACE_IN_BLOCKLIST" : "POSSIBLE_FACE_IN_BLOCKLIST",
        Map.of("blocklisted_session_id", sessionId),
        "error",
        certain ? "Face in blocklist" : "Possible face in blocklist",
        certain
            ? "The face matches a blocklisted face with a similarity of 90% or more."
            : "The face resembles a blocklisted face above the application's similarity threshold.",
        FEATURE);
  }

  static Warning duplicated(String sessionId, boolean certain) {
    return new Warning(
        certain ? "DUPLICATED_FACE" : "POSSIBLE_DUPLICATED_FACE",
        Map.of("duplicated_session_id", sessionId),
        "warning",
        certain ? "Duplicated face" : "Possible duplicated face",
        certain
            ? "The face matches the face of another session with a similarity of 90% or more."
            : "The face resembles the face of another session above the application's similarity threshold.",
        FEATURE);
  }
}
