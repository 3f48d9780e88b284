package io.facesearch.accounts;

/**
 * Per-application search settings.
 *
 * @param similarityThreshold similarity_percentage (0-100) at or above which a gallery face counts as a match
 * @param allowMultipleFaces  false: a photo with more than one face is Declined
 * @param searchApiSessions   true: faces of API sessions (save_api_request) are enrolled and found by later
 *                            searches; Didit excludes them, set false to match that
 */
public record AppSettings(double similarityThreshold, boolean allowMultipleFaces, boolean searchApiSessions) {

  public static final AppSettings DEFAULTS = new AppSettings(70, true, true);
}
