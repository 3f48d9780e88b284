package io.facesearch.gallery;

/** Where an enrolled face came from. {@link #wireName()} is the name used on the API and in the index. */
public enum FaceSource {
  SESSION("session", 0),
  IMPORTED("imported", 1),
  LIST_ENTRY("list_entry", 2),
  API("api", 3);

  private static final FaceSource[] BY_ORDINAL = values();

  private final String wireName;

  /** The persisted code of this source (see {@link GalleryIndexLayout}); never reuse or renumber a code. */
  private final int code;

  FaceSource(String wireName, int code) {
    this.wireName = wireName;
    this.code = code;
  }

  public String wireName() {
    return wireName;
  }

  /** The source with this wire name; {@link IllegalArgumentException} for an unknown name. */
  public static FaceSource fromWireName(String wireName) {
    for (FaceSource source : BY_ORDINAL) {
      if (source.wireName.equals(wireName)) {
        return source;
      }
    }
    throw new IllegalArgumentException("unknown face source: " + wireName);
  }

  int code() {
    return code;
  }

  static FaceSource fromCode(int code) {
    for (FaceSource source : BY_ORDINAL) {
      if (source.code == code) {
        return source;
      }
    }
    throw new IllegalArgumentException("unknown face source code: " + code);
  }
}
