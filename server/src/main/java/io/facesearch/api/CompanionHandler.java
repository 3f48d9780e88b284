package io.facesearch.api;

import io.facesearch.accounts.Application;
import io.facesearch.billing.Credits;
import io.facesearch.billing.InsufficientCreditsException;
import io.facesearch.image.BgrImage;
import io.facesearch.pipeline.Analysis;
import io.facesearch.search.Companions;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The companion endpoints, with face search's auth, credits, errors and warning shape:
 * {@code POST /v3/face-match/}, {@code POST /v3/passive-liveness/}, {@code POST /v3/age-estimation/}.
 * Multipart, like face search; none of them stores anything but the credit charge.
 */
final class CompanionHandler {

  record Image(List<FaceSearchJson.Entity> entities, int best_angle) {}

  record FaceMatch(String status, Double score, Image user_image, Image ref_image,
                   List<FaceSearchJson.WarningJson> warnings) {}

  record FaceMatchResponse(String request_id, FaceMatch face_match, String vendor_data, String created_at) {}

  record Liveness(String status, String method, Double score, Double face_quality, Double face_luminance,
                  Image user_image, List<FaceSearchJson.WarningJson> warnings) {}

  record LivenessResponse(String request_id, Liveness liveness, String vendor_data, String created_at) {}

  record AgeEstimation(String status, Double age_estimation, Image user_image, List<FaceSearchJson.WarningJson> warnings) {}

  record AgeResponse(String request_id, AgeEstimation age_estimation, String vendor_data, String created_at) {}

  private final Companions companions;
  private final UploadReader uploads;
  private final Credits credits;
  private final io.facesearch.billing.Prices prices;
  private final Clock clock;

  CompanionHandler(Companions companions, UploadReader uploads, Credits credits, io.facesearch.billing.Prices prices,
                   Clock clock) {
    this.companions = companions;
    this.uploads = uploads;
    this.credits = credits;
    this.prices = prices;
    this.clock = clock;
  }

  void faceMatch(Context ctx) {
    Application app = Gate.application(ctx);
    double threshold = percent(ctx, "face_match_score_decline_threshold", app.settings().faceMatchDeclineThreshold());
    boolean rotate = Forms.booleanField(ctx, "rotate_image", false);
    String vendorData = Forms.text(ctx, "vendor_data");
    requireFile(ctx, "user_image");
    billed(ctx, app, prices.faceMatch(), "face-match", requestId -> {
      BgrImage user = uploads.requiredImage(ctx, "user_image");
      BgrImage ref = ctx.uploadedFile("ref_image") == null ? null : uploads.requiredImage(ctx, "ref_image");
      Companions.MatchOutcome m = companions.match(user, ref, rotate, threshold);
      return new FaceMatchResponse(requestId, new FaceMatch(m.status().wireName(), m.score(), image(m.user()),
          m.reference() == null ? null : image(m.reference()), FaceSearchJson.warnings(m.warnings())), vendorData,
          clock.instant().toString());
    });
  }

  void passiveLiveness(Context ctx) {
    Application app = Gate.application(ctx);
    double threshold = percent(ctx, "face_liveness_score_decline_threshold", app.settings().livenessDeclineThreshold());
    boolean rotate = Forms.booleanField(ctx, "rotate_image", false);
    String vendorData = Forms.text(ctx, "vendor_data");
    requireFile(ctx, "user_image");
    billed(ctx, app, prices.passiveLiveness(), "passive-liveness", requestId -> {
      Companions.LivenessOutcome l = companions.liveness(app, uploads.requiredImage(ctx, "user_image"), rotate, threshold);
      return new LivenessResponse(requestId, new Liveness(l.status().wireName(), "PASSIVE", l.score(), l.faceQuality(),
          l.faceLuminance(), image(l.user()), FaceSearchJson.warnings(l.warnings())), vendorData,
          clock.instant().toString());
    });
  }

  void ageEstimation(Context ctx) {
    Application app = Gate.application(ctx);
    double threshold = number(ctx, "age_estimation_decline_threshold", app.settings().ageDeclineThreshold(), 0, 130);
    boolean rotate = Forms.booleanField(ctx, "rotate_image", false);
    String vendorData = Forms.text(ctx, "vendor_data");
    requireFile(ctx, "user_image");
    billed(ctx, app, prices.ageEstimation(), "age-estimation", requestId -> {
      Companions.AgeOutcome a = companions.age(uploads.requiredImage(ctx, "user_image"), rotate, threshold);
      return new AgeResponse(requestId, new AgeEstimation(a.status().wireName(), a.age(), image(a.user()),
          FaceSearchJson.warnings(a.warnings())), vendorData, clock.instant().toString());
    });
  }

  /** Reserve, run, charge on success, release on failure: the same billing contract as face search. */
  private void billed(Context ctx, Application app, int price, String endpoint, Function<String, Record> work) {
    Credits.Hold hold;
    try {
      hold = credits.reserve(app.organizationId(), price);
    } catch (InsufficientCreditsException e) {
      throw ApiException.forbidden(e.getMessage());
    }
    boolean charged = false;
    try {
      String requestId = UUID.randomUUID().toString();
      Record answer = work.apply(requestId);
      credits.chargeAlone(hold, endpoint, requestId);
      charged = true;
      ctx.json(answer);
    } finally {
      if (!charged) {
        credits.release(hold);
      }
    }
  }

  private static Image image(Analysis a) {
    return new Image(a.faces().stream().map(FaceSearchJson::entity).toList(), a.bestAngle());
  }

  private static void requireFile(Context ctx, String field) {
    if (ctx.uploadedFile(field) == null) {
      throw ApiException.invalidField(field, "This field is required.");
    }
  }

  private static double percent(Context ctx, String field, double fallback) {
    return number(ctx, field, fallback, 0, 100);
  }

  private static double number(Context ctx, String field, double fallback, double min, double max) {
    String raw = ctx.formParam(field);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      double v = Double.parseDouble(raw.strip());
      if (!(v >= min && v <= max)) {
        throw ApiException.invalidField(field, "Ensure this value is between " + (int) min + " and " + (int) max + ".");
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.invalidField(field, "A valid number is required.");
    }
  }
}
