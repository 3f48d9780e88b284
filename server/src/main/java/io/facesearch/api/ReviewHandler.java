package io.facesearch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facesearch.accounts.Application;
import io.facesearch.lists.FaceLists;
import io.facesearch.sessions.DecisionDocument;
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

  /**
   * A row of Didit's session list ({@code session_kind} "user"; no hosted flow, portrait URL, country or document
   * check here: those are null), plus facesearch's {@code session_type}, {@code status_reason} and
   * {@code verification_date}.
   */
  record SessionJson(
      String session_id,
      String session_kind,
      long session_number,
      String session_url,
      String portrait_image,
      String document_type,
      String full_name,
      String country,
      String status,
      String vendor_data,
      String created_at,
      List<String> features,
      String session_type,
      String status_reason,
      String verification_date) {}

  /** Didit's default page size of the session list. */
  static final int DEFAULT_LIMIT = 50;

  private final SessionReview review;
  private final FaceLists lists;
  private final ObjectMapper json;

  ReviewHandler(SessionReview review, FaceLists lists, ObjectMapper json) {
    this.review = review;
    this.lists = lists;
    this.json = json;
  }

  /**
   * Didit's {@code GET /v3/sessions/}: {@code limit} (50) / {@code offset}, {@code {count, next, previous, results}},
   * filters {@code vendor_data}, {@code status} (a comma-separated list, e.g. {@code Approved,In Review}),
   * {@code date_from} / {@code date_to} (ISO date-times, or dates: {@code date_to} a date counts that whole day), and
   * facesearch's {@code session_type} ({@code api} or {@code enrolled}).
   */
  void list(Context ctx) {
    Application app = Gate.application(ctx);
    java.util.Set<SessionStatus> statuses = new java.util.LinkedHashSet<>();
    String status = ctx.queryParam("status");
    if (status != null && !status.isBlank()) {
      for (String one : status.split(",")) {
        SessionStatus st = SessionStatus.fromWire(one);
        if (st == null) {
          throw ApiException.invalidField(
              "status", "\"" + one.strip() + "\" is not a valid choice.");
        }
        statuses.add(st);
      }
    }
    String source = ctx.queryParam("session_type");
    SessionType type = source == null ? null : SessionType.fromDb(source);
    if (source != null && type == null) {
      throw ApiException.invalidField("session_type", "\"" + source + "\" is not a valid choice.");
    }
    Pagination.Window w = Pagination.window(ctx, DEFAULT_LIMIT);
    SessionReview.Page p =
        review.listFrom(
            app,
            new SessionReview.Filter(
                null,
                ctx.queryParam("vendor_data"),
                instantParam(ctx, "date_from", false),
                instantParam(ctx, "date_to", true),
                type,
                statuses),
            w.offset(),
            w.limit());
    ctx.json(
        Pagination.page(
            ctx, w, p.total(), p.sessions().stream().map(ReviewHandler::json).toList()));
  }

  void updateStatus(Context ctx) {
    Application app = Gate.application(ctx);
    JsonNode body = JsonBody.object(ctx, json);
    String raw = body.path("new_status").asText(null);
    SessionStatus status = SessionStatus.fromWire(raw);
    if (status == null) {
      throw ApiException.invalidField(
          "new_status",
          raw == null ? "This field is required." : "\"" + raw + "\" is not a valid choice.");
    }
    String comment = JsonBody.text(body, "comment");
    Session s =
        review
            .updateStatus(app, ctx.pathParam("session_id"), status, comment)
            .orElseThrow(() -> ApiException.notFound("Session not found."));
    ctx.json(json(s));
  }

  /** Erasure; a blocklisted face first goes to the system face blocklist, as Didit keeps it blocked. */
  void erase(Context ctx) {
    Application app = Gate.application(ctx);
    lists.keepBlocklistedFace(app, ctx.pathParam("session_id"));
    if (!review.erase(app, ctx.pathParam("session_id"))) {
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
    if (flag == null || !flag.asBoolean()) { // Didit's default: false
      ctx.json(Map.of("message", "Nothing to change."));
      return;
    }
    switch (review.setBlocklisted(app, sessionId, blocklisted)) {
      case NO_SUCH_SESSION -> throw ApiException.notFound("Session not found.");
      case NO_FACE ->
          throw ApiException.invalidField("session_id", "This session has no face to blocklist.");
      case DONE -> ctx.json(Map.of("message", message));
    }
  }

  static SessionJson json(Session s) {
    return new SessionJson(
        s.id(),
        "user",
        s.sessionNumber(),
        null,
        null,
        s.documentType(),
        s.name(),
        null,
        s.status().wireName(),
        s.vendorData(),
        s.createdAt().toString(),
        features(s),
        s.type().dbName(),
        s.statusReason(),
        s.verificationDate().toString());
  }

  private static List<String> features(Session s) {
    List<String> out = new java.util.ArrayList<>();
    DecisionDocument.of(s).get("features").forEach(f -> out.add(f.asText()));
    return out;
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
        return (wholeDay ? day.plusDays(1) : day)
            .atStartOfDay(java.time.ZoneOffset.UTC)
            .toInstant();
      }
      return java.time.OffsetDateTime.parse(raw).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.invalidField(name, "Enter a valid ISO 8601 date or date-time.");
    }
  }
}
