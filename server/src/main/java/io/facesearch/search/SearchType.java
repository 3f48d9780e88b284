package io.facesearch.search;

/** Which enrolled faces a search compares against. */
public enum SearchType {
  /** Every searchable face of the application. */
  MOST_SIMILAR("most_similar"),
  /** Only blocklisted faces and faces of Approved sessions. */
  BLOCKLISTED_OR_APPROVED("blocklisted_or_approved");

  private final String wireName;

  SearchType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The type for a wire name, or null when it is none. */
  public static SearchType fromWire(String name) {
    for (SearchType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
