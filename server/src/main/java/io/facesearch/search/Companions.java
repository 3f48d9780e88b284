package io.facesearch.search;

import io.facesearch.accounts.Application;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.image.BgrImage;
import io.facesearch.pipeline.Analysis;
import io.facesearch.pipeline.Face;
import io.facesearch.pipeline.FacePipeline;
import io.facesearch.sessions.SessionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The companion checks of the recommended flow (passive liveness -> face search -> face match), and age
 * estimation. They decide only; saving a call (and enrolling a live face) is the caller's.
 */
public final class Companions {

  /** Face match: similarity of the largest faces of two photos. {@code score} is null when not computed. */
  public record MatchOutcome(SessionStatus status, Double score, Analysis user, Analysis reference,
                             List<Warning> warnings) {}

  /** Passive liveness of the largest face, with its quality, luminance and blocklist check. */
  public record LivenessOutcome(SessionStatus status, Double score, Double faceQuality, Double faceLuminance,
                                Analysis user, List<Warning> warnings) {}

  /** Estimated age of the largest face. */
  public record AgeOutcome(SessionStatus status, Double age, Double livenessScore, Analysis user,
                           List<Warning> warnings) {}

  /** Below this liveness score (0-100) the face is reported as an attack, whatever the threshold. */
  static final double ATTACK_SCORE = 10;

  private final FacePipeline pipeline;
  private final Gallery gallery;

  public Companions(FacePipeline pipeline, Gallery gallery) {
    this.pipeline = pipeline;
    this.gallery = gallery;
  }

  /**
   * As Didit's face match: Approved only when the score (the 1:1 verification score of {@link FaceMatchScale},
   * where the default 30 is the best-accuracy threshold on LFW) is strictly above the threshold, else Declined with
   * {@code LOW_FACE_MATCH_SIMILARITY}; a pair that cannot be scored (no reference, or no face in either photo;
   * {@code additional_data.image} names which) is Declined with {@code NO_REFERENCE_IMAGE} and a null score.
   */
  public MatchOutcome match(BgrImage user, BgrImage reference, boolean rotate, double declineAtOrBelow) {
    Analysis u = pipeline.analyze(user, rotate);
    Analysis r = reference == null ? null : pipeline.analyze(reference, rotate);
    List<Warning> warnings = new ArrayList<>();
    if (r == null || !u.hasFace() || !r.hasFace()) {
      String missing = r == null || !r.hasFace() ? "ref_image" : "user_image";
      warnings.add(new Warning("NO_REFERENCE_IMAGE", Map.of("image", missing), "error", "No reference image",
          r == null ? "No reference image was provided to compare the face with."
              : "No face was found in the " + (missing.equals("user_image") ? "user" : "reference")
                  + " image, so the faces could not be compared.", "FACE_MATCH"));
      return new MatchOutcome(SessionStatus.DECLINED, null, u, r, warnings);
    }
    double score = FaceMatchScale.rounded(u.largestFace().embedding().similarity(r.largestFace().embedding()));
    if (score <= declineAtOrBelow) {
      warnings.add(new Warning("LOW_FACE_MATCH_SIMILARITY", Map.of("score", Double.toString(score)), "error",
          "Low face match similarity", "The faces are not more similar than the decline threshold ("
              + declineAtOrBelow + ").", "FACE_MATCH"));
      return new MatchOutcome(SessionStatus.DECLINED, score, u, r, warnings);
    }
    return new MatchOutcome(SessionStatus.APPROVED, score, u, r, warnings);
  }

  /**
   * Score = 100 x the liveness model's probability of a live face. Below the threshold: Declined with
   * {@code LOW_LIVENESS_SCORE}, and {@code LIVENESS_FACE_ATTACK} too below {@value #ATTACK_SCORE}. A face on
   * the application's blocklist at or above its similarity threshold declines as in a face search.
   */
  public LivenessOutcome liveness(Application app, BgrImage image, boolean rotate, double declineBelow) {
    Analysis a = pipeline.analyze(image, rotate);
    List<Warning> warnings = new ArrayList<>();
    if (!a.hasFace()) {
      warnings.add(new Warning("NO_FACE_DETECTED", null, "error", "No face detected",
          "No face was found in the image.", "LIVENESS"));
      return new LivenessOutcome(SessionStatus.DECLINED, null, null, null, a, warnings);
    }
    BgrImage upright = image.rotateClockwise(a.bestAngle());
    Face face = a.largestFace();
    double score = livenessScore(upright, face, declineBelow, warnings);
    SessionStatus status = warnings.isEmpty() ? SessionStatus.APPROVED : SessionStatus.DECLINED;
    // The blocklist searched on its own: its best face at or above the threshold, whatever else looks closer.
    List<GalleryMatch> blocklisted = new GallerySearch(gallery).blocklisted(app.id(), app.settings(),
        face.embedding()).matches();
    if (!blocklisted.isEmpty()) {
      GalleryMatch m = blocklisted.getFirst();
      Warning w = Warning.inBlocklist(m.sessionId(),
          SimilarityScale.percentage(m.similarity()) >= Decision.CERTAIN_PERCENTAGE);
      warnings.add(new Warning(w.risk(), w.additionalData(), w.logType(), w.shortDescription(), w.longDescription(),
          "LIVENESS"));
      status = SessionStatus.DECLINED;
    }
    return new LivenessOutcome(status, score, FaceQuality.sharpness(upright, face.detection()),
        FaceQuality.luminance(upright, face.detection()), a, warnings);
  }

  /**
   * As Didit's age estimation, which includes a passive liveness check: {@code AGE_NOT_DETECTED} and
   * {@code NO_FACE_DETECTED} without a face; {@code AGE_BELOW_MINIMUM} under the age threshold (0: never);
   * {@code LOW_LIVENESS_SCORE} / {@code LIVENESS_FACE_ATTACK} as in {@link #liveness}. Any warning declines.
   */
  public AgeOutcome age(BgrImage image, boolean rotate, double declineBelow, double livenessDeclineAtOrBelow) {
    Analysis a = pipeline.analyze(image, rotate);
    List<Warning> warnings = new ArrayList<>();
    if (!a.hasFace()) {
      warnings.add(new Warning("AGE_NOT_DETECTED", null, "error", "Age not detected",
          "No face was found, so no age could be estimated.", "AGE_ESTIMATION"));
      warnings.add(new Warning("NO_FACE_DETECTED", null, "error", "No face detected",
          "No face was found in the image.", "LIVENESS"));
      return new AgeOutcome(SessionStatus.DECLINED, null, null, a, warnings);
    }
    Face face = a.largestFace();
    double score = livenessScore(image.rotateClockwise(a.bestAngle()), face, livenessDeclineAtOrBelow, warnings);
    double age = Math.round(face.ageGender().age() * 100) / 100.0;
    if (age < declineBelow) {
      warnings.add(new Warning("AGE_BELOW_MINIMUM", Map.of("estimated_age", Double.toString(age)), "error",
          "Age below minimum", "The estimated age is below the minimum (" + declineBelow + ").", "AGE_ESTIMATION"));
    }
    return new AgeOutcome(warnings.isEmpty() ? SessionStatus.APPROVED : SessionStatus.DECLINED, age, score, a,
        warnings);
  }

  /**
   * The liveness score (100 x the model's probability of a live face, one decimal) of {@code face}; adds
   * {@code LOW_LIVENESS_SCORE} when it is at or below {@code declineAtOrBelow} (Didit's boundary) and
   * {@code LIVENESS_FACE_ATTACK} below {@value #ATTACK_SCORE}.
   */
  private double livenessScore(BgrImage upright, Face face, double declineAtOrBelow, List<Warning> warnings) {
    double score = Math.round(pipeline.liveness(upright, face.detection()) * 1000) / 10.0;
    if (score <= declineAtOrBelow) {
      warnings.add(new Warning("LOW_LIVENESS_SCORE", Map.of("score", Double.toString(score)), "error",
          "Low liveness score", "The liveness score is at or below the decline threshold (" + declineAtOrBelow + ").",
          "LIVENESS"));
    }
    if (score < ATTACK_SCORE) {
      warnings.add(new Warning("LIVENESS_FACE_ATTACK", Map.of("score", Double.toString(score)), "error",
          "Possible presentation attack", "The face looks like a printed photo, a screen or a mask.", "LIVENESS"));
    }
    return score;
  }
}
