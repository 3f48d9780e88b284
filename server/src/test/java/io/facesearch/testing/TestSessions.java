package io.facesearch.testing;

import io.facesearch.store.Sessions;
import java.time.Instant;

/** Session rows for tests that need a session to hang faces on or to erase, without going through the API. */
public final class TestSessions {

  private TestSessions() {}

  /**
   * An approved enrollment session of {@code applicationId} numbered {@code number}, created and verified at
   * {@code now}, with no personal fields, image or decision.
   */
  public static Sessions.Row approved(String id, String applicationId, long number, Instant now) {
    return new Sessions.Row(
        id,
        applicationId,
        number,
        "enrolled",
        "Approved",
        null,
        null,
        null,
        null,
        now,
        null,
        null,
        now,
        null);
  }
}
