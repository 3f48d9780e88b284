package io.facesearch.gallery;

/**
 * The mutable state of an enrolled face.
 *
 * @param blocklisted the face is on the application's blocklist
 * @param allowlisted the face is on the application's allowlist
 * @param approved    the owning session's status is Approved (search_type {@code blocklisted_or_approved})
 * @param searchable  the face may be returned by a search; a non-searchable face is never returned
 */
public record FaceFlags(
    boolean blocklisted, boolean allowlisted, boolean approved, boolean searchable) {

  static final int BLOCKLISTED = 1;
  static final int ALLOWLISTED = 1 << 1;
  static final int APPROVED = 1 << 2;
  static final int SEARCHABLE = 1 << 3;

  /** These flags as a bit set (the layout stored in the index, see {@link GalleryIndexLayout}). */
  int bits() {
    return (blocklisted ? BLOCKLISTED : 0)
        | (allowlisted ? ALLOWLISTED : 0)
        | (approved ? APPROVED : 0)
        | (searchable ? SEARCHABLE : 0);
  }

  static FaceFlags fromBits(int bits) {
    return new FaceFlags(
        (bits & BLOCKLISTED) != 0,
        (bits & ALLOWLISTED) != 0,
        (bits & APPROVED) != 0,
        (bits & SEARCHABLE) != 0);
  }

  /** True when the face matches search_type {@code blocklisted_or_approved}. */
  public boolean blocklistedOrApproved() {
    return blocklisted || approved;
  }
}
