package io.facesearch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.accounts.Application;
import io.facesearch.sessions.Session;
import io.facesearch.sessions.SessionReview;
import io.facesearch.sessions.SessionStatus;
import io.facesearch.sessions.SessionType;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Reviewing sessions: list, update status, erase, and the blocklist.
 * {@code GET /v3/sessions/}, {@code PATCH /v3/session/{id}/update-status/}, {@code DELETE /v3/session/{id}/delete/},
 * {@code POST /v3/blocklist/add/}, {@code POST /v3/blocklist/remove/}.
 */
final class ReviewHandler {

  record SessionJson(String session_id, long session_number, String session_type, String status, String status_reason,
                     String vendor_data, String verification_date, String created_at) {}

  record PageJson(long count, int page, int page_size, List<SessionJson> results) {}

  static final int MAX_PAGE_SIZE = 100;

  private final SessionReview review;
  private final ObjectMapper json;

  ReviewHandler(SessionReview review, ObjectMapper json) {
    this.review = review;
    this.json = json;
  }

  void list(Context ctx) {
    Application app = Gate.application(ctx);
    String status = ctx.queryParam("status");
    SessionStatus st = status == null ? null : SessionStatus.fromWire(status);
    if (status != null && st == null) {
      throw ApiException.invalidField("status", "\"" + status + "\" is not a valid choice.");
    }
    String source = ctx.queryParam("session_type");
    SessionType type = source == null ? null : SessionType.fromDb(source);
    if (source != null && (type == null || type == SessionType.LIST_ENTRY)) {
      throw ApiException.invalidField("session_type", "\"" + source + "\" is not a valid choice.");
    }
    int page = intParam(ctx, "page", 1, 1, Integer.MAX_VALUE);
    int size = intParam(ctx, "page_size", 20, 1, MAX_PAGE_SIZE);
    SessionReview.Page p = review.list(app, new SessionReview.Filter(st, ctx.queryParam("vendor_data"),
        instantParam(ctx, "created_from", false), instantParam(ctx, "created_to", true), type), page, size);
    ctx.json(new PageJson(p.total(), p.page(), p.pageSize(), p.sessions().stream().map(ReviewHandler::json).toList()));
  }

  void updateStatus(Context ctx) {
    Application app = Gate.application(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    String raw = body.path("new_status").asText(null);
    SessionStatus status = SessionStatus.fromWire(raw);
    if (status == null) {
      throw ApiException.invalidField("new_status", raw == null ? "This field is required."
          : "\"" + raw + "\" is not a valid choice.");
    }
    String comment = JsonBody.text(body, "comment");
    Session s = review.updateStatus(app, ctx.pathParam("session_id"), status, comment)
        .orElseThrow(() -> ApiException.notFound("Session not found."));
    ctx.json(json(s));
  }

  void erase(Context ctx) {
    if (!review.erase(Gate.application(ctx), ctx.pathParam("session_id"))) {
      throw ApiException.notFound("Session not found.");
    }
    ctx.status(204);
  }

  void blocklistAdd(Context ctx) {
    blocklist(ctx, "blocklist_face", true, "Successfully updated blocklist.");
  }

  void blocklistRemove(Context ctx) {
    blocklist(ctx, "unblock_face", false, "Successfully removed from blocklist.");
  }

  private void blocklist(Context ctx, String flagField, boolean blocklisted, String message) {
    Application app = Gate.application(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    String sessionId = body.path("session_id").asText(null);
    if (sessionId == null || sessionId.isBlank()) {
      throw ApiException.invalidField("session_id", "This field is required.");
    }
    JsonNode flag = body.get(flagField);
    if (flag != null && !flag.isBoolean()) {
      throw ApiException.invalidField(flagField, "Must be a valid boolean.");
    }
    if (flag != null && !flag.asBoolean()) {
      ctx.json(Map.of("message", "Nothing to change."));
      return;
    }
    switch (review.setBlocklisted(app, sessionId, blocklisted)) {
      case NO_SUCH_SESSION -> throw ApiException.notFound("Session not found.");
      case NO_FACE -> throw ApiException.invalidField("session_id", "This session has no face to blocklist.");
      case DONE -> ctx.json(Map.of("message", message));
    }
  }

  static SessionJson json(Session s) {
    return new SessionJson(s.id(), s.sessionNumber(), s.type().dbName(), s.status().wireName(), s.statusReason(),
        s.vendorData(), s.verificationDate().toString(), s.createdAt().toString());
  }


  private static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.strip());
      if (v < min || v > max) {
        throw ApiException.invalidField(name, "Ensure this value is between " + min + " and " + max + ".");
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.invalidField(name, "A valid integer is required.");
    }
  }

  /**
   * A date-time, or a date (UTC): its start, or with {@code wholeDay} the start of the next day, so that a date as
   * the exclusive upper bound {@code created_to} still counts that day.
   */
  private static Instant instantParam(Context ctx, String name, boolean wholeDay) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      if (raw.length() == 10) {
        java.time.LocalDate day = java.time.LocalDate.parse(raw);
        return (wholeDay ? day.plusDays(1) : day).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      }
      return java.time.OffsetDateTime.parse(raw).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.invalidField(name, "Enter a valid ISO 8601 date or date-time.");
    }
  }
}
