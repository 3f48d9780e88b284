package io.facesearch.search;

import io.facesearch.gallery.GalleryMatch;
import io.facesearch.sessions.SessionStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The face search decision rules (one place, no I/O):
 * <ol>
 *   <li>no face: Declined, {@code NO_FACE_DETECTED};</li>
 *   <li>more than one face: {@code MULTIPLE_FACES_DETECTED}, and Declined when the application does not
 *       allow multiple faces (the largest face is searched either way);</li>
 *   <li>a blocklisted match at or above the threshold: Declined, {@code FACE_IN_BLOCKLIST} from 90%,
 *       else {@code POSSIBLE_FACE_IN_BLOCKLIST};</li>
 *   <li>any other match at or above the threshold that is not allowlisted: In Review, {@code DUPLICATED_FACE}
 *       from 90%, else {@code POSSIBLE_DUPLICATED_FACE};</li>
 *   <li>otherwise Approved.</li>
 * </ol>
 * The strictest outcome wins (Declined over In Review over Approved). Matches arrive best first and are
 * already at or above the threshold ({@link MatchThreshold}: by default it follows the number of candidate faces).
 * They hold the blocklist's and the allowlist's own best matches whatever ranks above them
 * ({@link GallerySearch}), so a blocklisted face at or above the threshold always declines.
 */
public final class Decision {

  /** The percentage from which a match is certain rather than possible. */
  public static final double CERTAIN_PERCENTAGE = 90.0;

  public record Outcome(SessionStatus status, List<Warning> warnings) {}

  private Decision() {}

  public static Outcome decide(
      int faceCount, boolean allowMultipleFaces, List<GalleryMatch> matches) {
    List<Warning> warnings = new ArrayList<>();
    if (faceCount == 0) {
      warnings.add(Warning.noFace());
      return new Outcome(SessionStatus.DECLINED, warnings);
    }
    SessionStatus status = SessionStatus.APPROVED;
    if (faceCount > 1) {
      warnings.add(Warning.multipleFaces(faceCount, !allowMultipleFaces));
      if (!allowMultipleFaces) {
        status = SessionStatus.DECLINED;
      }
    }
    GalleryMatch blocklisted =
        matches.stream().filter(GalleryMatch::blocklisted).findFirst().orElse(null);
    if (blocklisted != null) {
      warnings.add(Warning.inBlocklist(blocklisted.ownerId(), certain(blocklisted)));
      status = SessionStatus.DECLINED;
    }
    GalleryMatch duplicate =
        matches.stream().filter(m -> !m.blocklisted() && !m.allowlisted()).findFirst().orElse(null);
    if (duplicate != null) {
      warnings.add(Warning.duplicated(duplicate.ownerId(), certain(duplicate)));
      if (status == SessionStatus.APPROVED) {
        status = SessionStatus.IN_REVIEW;
      }
    }
    return new Outcome(status, warnings);
  }

  private static boolean certain(GalleryMatch m) {
    return SimilarityScale.percentage(m.similarity()) >= CERTAIN_PERCENTAGE;
  }
}
