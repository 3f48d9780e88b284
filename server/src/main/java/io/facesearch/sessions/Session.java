package io.facesearch.sessions;

import java.time.Instant;

/**
 * One row of {@code sessions}. {@code documentNumber} is sensitive: it is never logged and the API shows only
 * its last 3 characters. {@code decisionJson} is the saved face_search answer of an API session.
 */
public record Session(String id, String applicationId, long sessionNumber, SessionType type, SessionStatus status,
                      String vendorData, String name, String documentType, String documentNumber,
                      Instant verificationDate, String imageFile, String decisionJson, Instant createdAt) {

  @Override
  public String toString() {
    return "Session[id=" + id + ", applicationId=" + applicationId + ", number=" + sessionNumber + ", type=" + type
        + ", status=" + status + "]";
  }
}
