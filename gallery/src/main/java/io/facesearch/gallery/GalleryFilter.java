package io.facesearch.gallery;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which faces a search may return. The tenant is always applied; non-searchable faces are never returned.
 *
 * @param applicationId   the tenant; only its faces are candidates
 * @param scope           which of the tenant's searchable faces are candidates
 * @param excludedSources faces from these sources are not returned
 */
public record GalleryFilter(String applicationId, Scope scope, Set<FaceSource> excludedSources) {

  /** The candidate faces of a search, each a single indexed term (see {@link GalleryIndexLayout}). */
  public enum Scope {
    /** Every searchable face. */
    SEARCHABLE,
    /** Searchable faces that are blocklisted or whose session is approved (search_type blocklisted_or_approved). */
    BLOCKLISTED_OR_APPROVED,
    /** Searchable blocklisted faces only: the blocklist searched on its own. */
    BLOCKLISTED,
    /** Searchable allowlisted faces only: the allowlist searched on its own. */
    ALLOWLISTED,
    /**
     * A face search's default candidates: searchable faces that are blocklisted, or approved and not from a saved
     * API search ({@link FaceSource#API}).
     */
    APPROVED_NOT_API,
    /** Searchable faces that are blocklisted or not from a saved API search, whatever their session's status. */
    NOT_API;

    boolean accepts(FaceFlags flags, FaceSource source) {
      return switch (this) {
        case SEARCHABLE -> true;
        case BLOCKLISTED_OR_APPROVED -> flags.blocklistedOrApproved();
        case BLOCKLISTED -> flags.blocklisted();
        case ALLOWLISTED -> flags.allowlisted();
        case APPROVED_NOT_API ->
            flags.blocklisted() || (flags.approved() && source != FaceSource.API);
        case NOT_API -> flags.blocklisted() || source != FaceSource.API;
      };
    }
  }

  public GalleryFilter {
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(scope, "scope");
    excludedSources =
        excludedSources == null || excludedSources.isEmpty()
            ? Set.of()
            : Set.copyOf(EnumSet.copyOf(excludedSources));
  }

  /** The filter of search_type {@code most_similar} (false) or {@code blocklisted_or_approved} (true). */
  public GalleryFilter(
      String applicationId, boolean onlyBlocklistedOrApproved, Set<FaceSource> excludedSources) {
    this(
        applicationId,
        onlyBlocklistedOrApproved ? Scope.BLOCKLISTED_OR_APPROVED : Scope.SEARCHABLE,
        excludedSources);
  }

  /** All searchable faces of one tenant. */
  public static GalleryFilter tenant(String applicationId) {
    return new GalleryFilter(applicationId, Scope.SEARCHABLE, Set.of());
  }

  /** The tenant's searchable blocklisted faces. */
  public static GalleryFilter blocklisted(String applicationId) {
    return new GalleryFilter(applicationId, Scope.BLOCKLISTED, Set.of());
  }

  /** The tenant's searchable allowlisted faces. */
  public static GalleryFilter allowlisted(String applicationId) {
    return new GalleryFilter(applicationId, Scope.ALLOWLISTED, Set.of());
  }

  /** True for the scope {@link Scope#BLOCKLISTED_OR_APPROVED}. */
  public boolean onlyBlocklistedOrApproved() {
    return scope == Scope.BLOCKLISTED_OR_APPROVED;
  }

  /** True when a face with these attributes passes this filter. */
  public boolean accepts(String faceApplicationId, FaceSource source, FaceFlags flags) {
    return flags.searchable()
        && applicationId.equals(faceApplicationId)
        && scope.accepts(flags, source)
        && !excludedSources.contains(source);
  }
}
