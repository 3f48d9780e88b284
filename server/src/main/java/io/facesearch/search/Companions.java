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
 * estimation. None of them enrolls anything.
 */
public final class Companions {

  /** Face match: similarity of the largest faces of two photos. {@code score} is null when not computed. */
  public record MatchOutcome(SessionStatus status, Double score, Analysis user, Analysis reference,
                             List<Warning> warnings) {}

  /** Passive liveness of the largest face, with its quality, luminance and blocklist check. */
  public record LivenessOutcome(SessionStatus status, Double score, Double faceQuality, Double faceLuminance,
                                Analysis user, List<Warning> warnings) {}

  /** Estimated age of the largest face. */
  public record AgeOutcome(SessionStatus status, Double age, Analysis user, List<Warning> warnings) {}

  /** Below this liveness score (0-100) the face is reported as an attack, whatever the threshold. */
  static final double ATTACK_SCORE = 10;

  private final FacePipeline pipeline;
  private final Gallery gallery;

  public Companions(FacePipeline pipeline, Gallery gallery) {
    this.pipeline = pipeline;
    this.gallery = gallery;
  }

  /**
   * Declined with {@code NO_REFERENCE_IMAGE} without a reference, {@code NO_FACE_DETECTED} when either photo
   * has no face, {@code LOW_FACE_MATCH_SIMILARITY} when the score (the 1:1 verification score of
   * {@link FaceMatchScale}, where the default 30 is the best-accuracy threshold on LFW) is below the threshold;
   * otherwise Approved.
   */
  public MatchOutcome match(BgrImage user, BgrImage reference, boolean rotate, double declineBelow) {
    Analysis u = pipeline.analyze(user, rotate);
    Analysis r = reference == null ? null : pipeline.analyze(reference, rotate);
    List<Warning> warnings = new ArrayList<>();
    if (r == null) {
      warnings.add(new Warning("NO_REFERENCE_IMAGE", null, "error", "No reference image",
          "No reference image was provided to compare the face with.", "FACE_MATCH"));
      return new MatchOutcome(SessionStatus.DECLINED, null, u, null, warnings);
    }
    if (!u.hasFace() || !r.hasFace()) {
      warnings.add(new Warning("NO_FACE_DETECTED", Map.of("image", !u.hasFace() ? "user_image" : "ref_image"), "error",
          "No face detected", "No face was found in the " + (!u.hasFace() ? "user" : "reference") + " image.",
          "FACE_MATCH"));
      return new MatchOutcome(SessionStatus.DECLINED, null, u, r, warnings);
    }
    double score = FaceMatchScale.rounded(u.largestFace().embedding().similarity(r.largestFace().embedding()));
    if (score < declineBelow) {
      warnings.add(new Warning("LOW_FACE_MATCH_SIMILARITY", Map.of("score", Double.toString(score)), "error",
          "Low face match similarity", "The faces are less similar than the decline threshold (" + declineBelow + ").",
          "FACE_MATCH"));
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
    double score = Math.round(pipeline.liveness(upright, face.detection()) * 1000) / 10.0;
    SessionStatus status = SessionStatus.APPROVED;
    if (score < declineBelow) {
      warnings.add(new Warning("LOW_LIVENESS_SCORE", Map.of("score", Double.toString(score)), "error",
          "Low liveness score", "The liveness score is below the decline threshold (" + declineBelow + ").", "LIVENESS"));
      status = SessionStatus.DECLINED;
    }
    if (score < ATTACK_SCORE) {
      warnings.add(new Warning("LIVENESS_FACE_ATTACK", Map.of("score", Double.toString(score)), "error",
          "Possible presentation attack", "The face looks like a printed photo, a screen or a mask.", "LIVENESS"));
      status = SessionStatus.DECLINED;
    }
    // The blocklist searched on its own: its best face at or above the threshold, whatever else looks closer.
    List<GalleryMatch> blocklisted = new GallerySearch(gallery).blocklisted(app.id(), app.settings(),
        face.embedding().vector()).matches();
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

  /** {@code AGE_NOT_DETECTED} without a face; {@code AGE_BELOW_MINIMUM} (Declined) under the threshold. */
  public AgeOutcome age(BgrImage image, boolean rotate, double declineBelow) {
    Analysis a = pipeline.analyze(image, rotate);
    List<Warning> warnings = new ArrayList<>();
    if (!a.hasFace()) {
      warnings.add(new Warning("AGE_NOT_DETECTED", null, "error", "Age not detected",
          "No face was found, so no age could be estimated.", "AGE_ESTIMATION"));
      return new AgeOutcome(SessionStatus.DECLINED, null, a, warnings);
    }
    double age = Math.round(a.largestFace().ageGender().age() * 10) / 10.0;
    if (age < declineBelow) {
      warnings.add(new Warning("AGE_BELOW_MINIMUM", Map.of("estimated_age", Double.toString(age)), "error",
          "Age below minimum", "The estimated age is below the minimum (" + declineBelow + ").", "AGE_ESTIMATION"));
      return new AgeOutcome(SessionStatus.DECLINED, age, a, warnings);
    }
    return new AgeOutcome(SessionStatus.APPROVED, age, a, warnings);
  }
}
