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

  static SessionType fromDb(String name) {
    return valueOf(name.toUpperCase());
  }
}
