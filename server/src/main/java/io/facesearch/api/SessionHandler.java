package io.facesearch.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.accounts.Application;
import io.facesearch.gallery.FaceSource;
import io.facesearch.image.BgrImage;
import io.facesearch.search.FaceSearchService;
import io.facesearch.sessions.DecisionDocument;
import io.facesearch.sessions.Session;
import io.facesearch.sessions.SessionReview;
import io.facesearch.sessions.SessionStatus;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code POST /v3/sessions/} (facesearch extension: enroll an existing, verified user) and
 * {@code GET /v3/session/{session_id}/decision/}.
 */
final class SessionHandler {

  record Created(String session_id, long session_number) {}

  private final FaceSearchService service;
  private final UploadReader uploads;
  private final SessionReview review;
  private final ObjectMapper json;
  private final Clock clock;

  SessionHandler(
      FaceSearchService service,
      UploadReader uploads,
      SessionReview review,
      ObjectMapper json,
      Clock clock) {
    this.service = service;
    this.uploads = uploads;
    this.review = review;
    this.json = json;
    this.clock = clock;
  }

  void enroll(Context ctx) {
    Application app = Gate.application(ctx);
    String rawStatus = ctx.formParam("status");
    SessionStatus status =
        rawStatus == null || rawStatus.isBlank()
            ? SessionStatus.APPROVED
            : SessionStatus.fromWire(rawStatus);
    if (status == null) {
      throw ApiException.invalidField("status", "\"" + rawStatus + "\" is not a valid choice.");
    }
    boolean rotate =
        Forms.booleanField(ctx, "rotate_image", false); // refused when malformed, as on every route
    Instant verified = Forms.instant(ctx, "verification_date");
    if (verified != null
        && verified.isAfter(clock.instant().plus(Duration.ofDays(1)))) { // a day for time zones
      throw ApiException.invalidField(
          "verification_date", "The verification date cannot be in the future.");
    }
    var enrollment =
        new FaceSearchService.Enrollment(
            Forms.text(ctx, "vendor_data"),
            status,
            verified,
            Forms.text(ctx, "name"),
            Forms.text(ctx, "document_type"),
            Forms.text(ctx, "document_number"),
            FaceSource.SESSION,
            null);
    BgrImage image = uploads.requiredImage(ctx, "user_image");
    try {
      Session s = service.enroll(app, image, enrollment, rotate);
      ctx.status(201).json(new Created(s.id(), s.sessionNumber()));
    } catch (FaceSearchService.FaceCountException e) {
      throw ApiException.invalidField("user_image", e.getMessage());
    }
  }

  /** The session's decision object ({@link DecisionDocument}), the same one its webhooks carry. */
  void decision(Context ctx) {
    Application app = Gate.application(ctx);
    String id = ctx.pathParam("session_id");
    Session s = review.find(app, id).orElseThrow(() -> ApiException.notFound("Session not found."));
    ctx.json(DecisionDocument.of(s));
  }
}
