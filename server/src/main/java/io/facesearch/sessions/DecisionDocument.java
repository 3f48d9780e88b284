package io.facesearch.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facesearch.webhooks.WebhookEvent;

/**
 * A session's decision object, as {@code GET /v3/session/{id}/decision/} answers it and as the {@code decision} of a
 * webhook carries it: Didit's keys ({@code session_id, session_number, session_url, status, workflow_id, features,
 * vendor_data, metadata, created_at, reviews}), the feature results in Didit's arrays ({@code face_matches[]},
 * {@code liveness_checks[]}), the saved answer's own object ({@code face_search}, {@code face_match},
 * {@code liveness}, {@code age_estimation}), and facesearch's {@code session_type}, {@code status_reason} and
 * {@code verification_date}. No I/O: built from the stored session alone.
 */
public final class DecisionDocument {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DecisionDocument() {}

  /** The webhook event of type {@code type} ({@code status.updated}, {@code data.updated}) about {@code s}. */
  public static WebhookEvent webhookEvent(String type, Session s) {
    return new WebhookEvent(
        type,
        s.applicationId(),
        s.id(),
        s.sessionNumber(),
        s.status().wireName(),
        s.createdAt(),
        s.vendorData(),
        metadata(s),
        of(s));
  }

  /** The decision object of {@code s}. */
  public static ObjectNode of(Session s) {
    JsonNode saved = saved(s);
    ObjectNode d = JSON.createObjectNode();
    d.put("session_id", s.id());
    d.put("session_number", s.sessionNumber());
    d.putNull("session_url"); // no hosted verification flow
    d.put("status", s.status().wireName());
    d.putNull("workflow_id");
    ArrayNode features = d.putArray("features");
    d.put("vendor_data", s.vendorData());
    d.set("metadata", saved == null ? null : saved.get("metadata"));
    d.put("created_at", s.createdAt().toString());
    ArrayNode reviews = d.putArray("reviews");
    if (s.statusReason() != null) {
      ObjectNode review = reviews.addObject();
      review.put("new_status", s.status().wireName());
      review.put("comment", s.statusReason());
    }
    d.put("session_type", s.type().dbName());
    d.put("status_reason", s.statusReason());
    d.put(
        "verification_date", s.verificationDate() == null ? null : s.verificationDate().toString());
    if (saved == null) {
      return d;
    }
    if (saved.has("face_search")) {
      features.add("FACE_SEARCH");
      d.set("face_search", saved.get("face_search"));
    }
    if (saved.has("face_match")) {
      features.add("FACE_MATCH");
      d.set("face_match", saved.get("face_match"));
      d.putArray("face_matches").add(saved.get("face_match"));
    }
    if (saved.has("liveness")) {
      features.add("LIVENESS");
      d.set("liveness", saved.get("liveness"));
      d.putArray("liveness_checks").add(saved.get("liveness"));
    }
    if (saved.has("age_estimation")) {
      features.add("AGE_ESTIMATION");
      d.set("age_estimation", saved.get("age_estimation"));
      d.putArray("liveness_checks").add(saved.get("age_estimation"));
    }
    return d;
  }

  /** The metadata the saved call was given, or null. */
  public static JsonNode metadata(Session s) {
    JsonNode saved = saved(s);
    JsonNode m = saved == null ? null : saved.get("metadata");
    return m == null || m.isNull() ? null : m;
  }

  private static JsonNode saved(Session s) {
    if (s.decisionJson() == null) {
      return null;
    }
    try {
      return JSON.readTree(s.decisionJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a saved answer is not JSON: session " + s.id(), e);
    }
  }
}
