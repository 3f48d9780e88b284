package io.facesearch.sessions;

/** How a session came to be: a saved face search call, or an existing user enrolled by the integrator. */
public enum SessionType {
  /** From {@code POST /v3/face-search/} with save_api_request=true. */
  API,
  /** From {@code POST /v3/sessions/} or {@code facesearch import}. */
  ENROLLED;

  public String dbName() {
    return name().toLowerCase();
  }

  /** The type for a stored name, or null. */
  public static SessionType fromDb(String name) {
    for (SessionType t : values()) {
      if (t.dbName().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
