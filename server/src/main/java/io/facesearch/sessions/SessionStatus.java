package io.facesearch.sessions;

/** A session's decision, spelled as Didit spells it on the wire. */
public enum SessionStatus {
  APPROVED("Approved"),
  IN_REVIEW("In Review"),
  DECLINED("Declined");

  private final String wireName;

  SessionStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The status for a wire name, case-insensitive; null when it is none. */
  public static SessionStatus fromWire(String name) {
    for (SessionStatus s : values()) {
      if (s.wireName.equalsIgnoreCase(name == null ? "" : name.strip())) {
        return s;
      }
    }
    return null;
  }
}
