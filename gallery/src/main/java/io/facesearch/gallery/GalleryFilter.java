package io.facesearch.gallery;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which faces a search may return. The tenant is always applied; non-searchable faces are never returned.
 *
 * @param applicationId             the tenant; only its faces are candidates
 * @param onlyBlocklistedOrApproved search_type {@code blocklisted_or_approved}: only faces that are blocklisted or
 *                                  whose session is approved
 * @param excludedSources           faces from these sources are not returned
 */
public record GalleryFilter(String applicationId, boolean onlyBlocklistedOrApproved, Set<FaceSource> excludedSources) {

    public GalleryFilter {
        Objects.requireNonNull(applicationId, "applicationId");
        excludedSources = excludedSources == null || excludedSources.isEmpty()
                ? Set.of()
                : Set.copyOf(EnumSet.copyOf(excludedSources));
    }

    /** All searchable faces of one tenant. */
    public static GalleryFilter tenant(String applicationId) {
        return new GalleryFilter(applicationId, false, Set.of());
    }

    /** True when a face with these attributes passes this filter. */
    public boolean accepts(String faceApplicationId, FaceSource source, FaceFlags flags) {
        return flags.searchable()
                && applicationId.equals(faceApplicationId)
                && (!onlyBlocklistedOrApproved || flags.blocklistedOrApproved())
                && !excludedSources.contains(source);
    }
}
