package io.facesearch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.accounts.Application;
import io.facesearch.billing.Credits;
import io.facesearch.billing.InsufficientCreditsException;
import io.facesearch.detect.Detection;
import io.facesearch.image.BgrImage;
import io.facesearch.pipeline.Analysis;
import io.facesearch.pipeline.Face;
import io.facesearch.search.Companions;
import io.facesearch.search.FaceSearchService;
import io.facesearch.sessions.SessionStatus;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The companion endpoints, with face search's auth, credits, errors and warning shape:
 * {@code POST /v3/face-match/}, {@code POST /v3/passive-liveness/}, {@code POST /v3/age-estimation/}. Multipart,
 * like face search, with Didit's {@code save_api_request} (default true: the call becomes an API session whose id is
 * the {@code request_id}, known to the decision route, the console and webhooks), {@code vendor_data} and
 * {@code metadata} (echoed). A saved passive liveness call that is Approved (a live face, not blocklisted) also enrolls
 * its face into the face search gallery, as Didit does. {@code entities[].age} is a number here (Didit's companion pages), a string on face search (its page).
 */
final class CompanionHandler {

  /** One detected face as Didit's companion pages show it: {@code age} a number, {@code race} null. */
  record Entity(Double age, int[] bbox, double confidence, String gender, String race) {}

  record Image(List<Entity> entities, int best_angle) {}

  record FaceMatch(
      String status,
      Double score,
      Image user_image,
      Image ref_image,
      List<FaceSearchJson.WarningJson> warnings) {}

  record FaceMatchResponse(
      String request_id,
      FaceMatch face_match,
      String vendor_data,
      JsonNode metadata,
      String created_at) {}

  record Liveness(
      String status,
      String method,
      Double score,
      Double face_quality,
      Double face_luminance,
      Image user_image,
      List<FaceSearchJson.WarningJson> warnings) {}

  record LivenessResponse(
      String request_id,
      Liveness liveness,
      String vendor_data,
      JsonNode metadata,
      String created_at) {}

  record AgeEstimation(
      String status,
      String method,
      Double score,
      Double age_estimation,
      Image user_image,
      List<FaceSearchJson.WarningJson> warnings) {}

  record AgeResponse(
      String request_id,
      AgeEstimation age_estimation,
      String vendor_data,
      JsonNode metadata,
      String created_at) {}

  /** What a call produced: the answer, its status, the upright photo to keep and the face to enroll (may be null). */
  private record Outcome(Record answer, SessionStatus status, BgrImage upright, Face enroll) {}

  /** The call's fields common to the three endpoints. */
  private record Call(String requestId, Instant createdAt, String vendorData, JsonNode metadata) {}

  @FunctionalInterface
  private interface Work {
    Outcome run(Call call);
  }

  private final Companions companions;
  private final FaceSearchService service;
  private final UploadReader uploads;
  private final Credits credits;
  private final io.facesearch.billing.Prices prices;
  private final ObjectMapper json;
  private final Clock clock;

  CompanionHandler(
      Companions companions,
      FaceSearchService service,
      UploadReader uploads,
      Credits credits,
      io.facesearch.billing.Prices prices,
      ObjectMapper json,
      Clock clock) {
    this.companions = companions;
    this.service = service;
    this.uploads = uploads;
    this.credits = credits;
    this.prices = prices;
    this.json = json;
    this.clock = clock;
  }

  void faceMatch(Context ctx) {
    Application app = Gate.application(ctx);
    double threshold =
        percent(
            ctx, "face_match_score_decline_threshold", app.settings().faceMatchDeclineThreshold());
    boolean rotate = Forms.booleanField(ctx, "rotate_image", false);
    requireFile(ctx, "user_image");
    requireFile(ctx, "ref_image"); // required, as Didit's
    billed(
        ctx,
        app,
        prices.faceMatch(),
        "face-match",
        call -> {
          BgrImage user = uploads.requiredImage(ctx, "user_image");
          BgrImage ref = uploads.requiredImage(ctx, "ref_image");
          Companions.MatchOutcome m = companions.match(user, ref, rotate, threshold);
          FaceMatchResponse answer =
              new FaceMatchResponse(
                  call.requestId(),
                  new FaceMatch(
                      m.status().wireName(),
                      m.score(),
                      image(m.user()),
                      m.reference() == null ? null : image(m.reference()),
                      FaceSearchJson.warnings(m.warnings())),
                  call.vendorData(),
                  call.metadata(),
                  call.createdAt().toString());
          return new Outcome(answer, m.status(), user.rotateClockwise(m.user().bestAngle()), null);
        });
  }

  void passiveLiveness(Context ctx) {
    Application app = Gate.application(ctx);
    double threshold =
        percent(
            ctx,
            "face_liveness_score_decline_threshold",
            app.settings().livenessDeclineThreshold());
    boolean rotate = Forms.booleanField(ctx, "rotate_image", false);
    requireFile(ctx, "user_image");
    billed(
        ctx,
        app,
        prices.passiveLiveness(),
        "passive-liveness",
        call -> {
          BgrImage image = uploads.requiredImage(ctx, "user_image");
          Companions.LivenessOutcome l = companions.liveness(app, image, rotate, threshold);
          LivenessResponse answer =
              new LivenessResponse(
                  call.requestId(),
                  new Liveness(
                      l.status().wireName(),
                      "PASSIVE",
                      l.score(),
                      l.faceQuality(),
                      l.faceLuminance(),
                      image(l.user()),
                      FaceSearchJson.warnings(l.warnings())),
                  call.vendorData(),
                  call.metadata(),
                  call.createdAt().toString());
          // Only a live face joins the gallery: a declined call (a spoof, a blocklisted face) is
          // saved but not enrolled.
          return new Outcome(
              answer,
              l.status(),
              image.rotateClockwise(l.user().bestAngle()),
              l.status() == SessionStatus.APPROVED && l.user().hasFace()
                  ? l.user().largestFace()
                  : null);
        });
  }

  void ageEstimation(Context ctx) {
    Application app = Gate.application(ctx);
    double threshold =
        number(
            ctx, "age_estimation_decline_threshold", app.settings().ageDeclineThreshold(), 0, 130);
    double liveness =
        percent(
            ctx,
            "face_liveness_score_decline_threshold",
            app.settings().livenessDeclineThreshold());
    boolean rotate = Forms.booleanField(ctx, "rotate_image", false);
    requireFile(ctx, "user_image");
    billed(
        ctx,
        app,
        prices.ageEstimation(),
        "age-estimation",
        call -> {
          BgrImage image = uploads.requiredImage(ctx, "user_image");
          Companions.AgeOutcome a = companions.age(image, rotate, threshold, liveness);
          AgeResponse answer =
              new AgeResponse(
                  call.requestId(),
                  new AgeEstimation(
                      a.status().wireName(),
                      "PASSIVE",
                      a.livenessScore(),
                      a.age(),
                      image(a.user()),
                      FaceSearchJson.warnings(a.warnings())),
                  call.vendorData(),
                  call.metadata(),
                  call.createdAt().toString());
          return new Outcome(answer, a.status(), image.rotateClockwise(a.user().bestAngle()), null);
        });
  }

  /**
   * Reserve, run, then either save the call as a session and charge in that transaction, or charge alone; release
   * on failure: the same billing contract as face search.
   */
  private void billed(Context ctx, Application app, int price, String endpoint, Work work) {
    boolean save = Forms.booleanField(ctx, "save_api_request", true);
    String vendorData = Forms.text(ctx, "vendor_data");
    JsonNode metadata = FaceSearchHandler.metadata(ctx, json);
    Credits.Hold hold;
    try {
      hold = credits.reserve(app.organizationId(), price);
    } catch (InsufficientCreditsException e) {
      throw ApiException.forbidden(e.getMessage());
    }
    boolean charged = false;
    try {
      Call call = new Call(UUID.randomUUID().toString(), clock.instant(), vendorData, metadata);
      Outcome outcome = work.run(call);
      String body = json.writeValueAsString(outcome.answer());
      if (save) {
        service.saveCompanionCall(
            app,
            outcome.upright(),
            call.requestId(),
            call.createdAt(),
            outcome.status(),
            vendorData,
            body,
            outcome.enroll(),
            hold,
            endpoint);
      } else {
        credits.chargeAlone(hold, endpoint, call.requestId());
      }
      charged = true;
      ctx.contentType("application/json").result(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    } finally {
      if (!charged) {
        credits.release(hold);
      }
    }
  }

  private static Image image(Analysis a) {
    return new Image(a.faces().stream().map(CompanionHandler::entity).toList(), a.bestAngle());
  }

  private static Entity entity(Face face) {
    Detection d = face.detection();
    return new Entity(
        Math.round(face.ageGender().age() * 100) / 100.0,
        Bbox.of(d),
        Math.round(d.confidence() * 10000) / 10000.0,
        face.ageGender().gender().wireName(),
        null);
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
        throw ApiException.invalidField(
            field, "Ensure this value is between " + (int) min + " and " + (int) max + ".");
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.invalidField(field, "A valid number is required.");
    }
  }
}
