package io.facesearch.sessions;

import io.facesearch.store.Sessions;
import io.facesearch.store.Tx;
import java.time.Instant;

/**
 * One row of {@code sessions}. {@code documentNumber} is sensitive: it is never logged and the API shows only
 * its last 3 characters. {@code decisionJson} is the saved face_search answer of an API session;
 * {@code statusReason} the reviewer's comment on the last status change.
 */
public record Session(
    String id,
    String applicationId,
    long sessionNumber,
    SessionType type,
    SessionStatus status,
    String vendorData,
    String name,
    String documentType,
    String documentNumber,
    Instant verificationDate,
    String imageFile,
    String decisionJson,
    Instant createdAt,
    String statusReason) {

  /** A session with no review comment yet. */
  public Session(
      String id,
      String applicationId,
      long sessionNumber,
      SessionType type,
      SessionStatus status,
      String vendorData,
      String name,
      String documentType,
      String documentNumber,
      Instant verificationDate,
      String imageFile,
      String decisionJson,
      Instant createdAt) {
    this(
        id,
        applicationId,
        sessionNumber,
        type,
        status,
        vendorData,
        name,
        documentType,
        documentNumber,
        verificationDate,
        imageFile,
        decisionJson,
        createdAt,
        null);
  }

  /** The session of a stored row. */
  public static Session of(Sessions.Row r) {
    return new Session(
        r.id(),
        r.applicationId(),
        r.number(),
        SessionType.fromDb(r.type()),
        SessionStatus.fromWire(r.status()),
        r.vendorData(),
        r.name(),
        r.documentType(),
        r.documentNumber(),
        r.verificationDate(),
        r.imageFile(),
        r.decisionJson(),
        r.createdAt(),
        r.statusReason());
  }

  /** The row that stores this session. */
  public Sessions.Row row() {
    return new Sessions.Row(
        id,
        applicationId,
        sessionNumber,
        type.dbName(),
        status.wireName(),
        vendorData,
        name,
        documentType,
        documentNumber,
        verificationDate,
        imageFile,
        decisionJson,
        createdAt,
        statusReason);
  }

  /** The application's sessions among {@code ids}, by id. */
  public static java.util.Map<String, Session> findAll(
      Sessions sessions, Tx tx, String applicationId, java.util.Collection<String> ids) {
    java.util.Map<String, Session> out = new java.util.HashMap<>();
    sessions.findAll(tx, applicationId, ids).forEach((id, r) -> out.put(id, of(r)));
    return out;
  }

  /** This session with another number (assigned on insert). */
  public Session withNumber(long number) {
    return new Session(
        id,
        applicationId,
        number,
        type,
        status,
        vendorData,
        name,
        documentType,
        documentNumber,
        verificationDate,
        imageFile,
        decisionJson,
        createdAt,
        statusReason);
  }

  /** This session with its image file. */
  public Session withImageFile(String file) {
    return new Session(
        id,
        applicationId,
        sessionNumber,
        type,
        status,
        vendorData,
        name,
        documentType,
        documentNumber,
        verificationDate,
        file,
        decisionJson,
        createdAt,
        statusReason);
  }

  @Override
  public String toString() {
    return "Session[id="
        + id
        + ", applicationId="
        + applicationId
        + ", number="
        + sessionNumber
        + ", type="
        + type
        + ", status="
        + status
        + "]";
  }
}
