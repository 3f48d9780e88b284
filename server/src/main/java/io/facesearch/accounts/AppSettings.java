package io.facesearch.accounts;

/**
 * Per-application settings; every API call reads the current values.
 *
 * @param similarityThreshold        similarity_percentage (0-100) at or above which a gallery face counts as a match
 * @param allowMultipleFaces         false: a photo with more than one face is Declined
 * @param searchApiSessions          true: faces of API sessions (save_api_request) are enrolled and found by later
 *                                   searches; Didit excludes them, set false to match that
 * @param autoBlocklistDeclined      true: when a reviewer declines a session, its face is blocklisted
 * @param retentionDays              biometric data (sessions, faces, images) older than this is erased; 0 keeps it
 * @param faceMatchDeclineThreshold  default face_match_score_decline_threshold (0-100)
 * @param livenessDeclineThreshold   default face_liveness_score_decline_threshold (0-100)
 * @param ageDeclineThreshold        default age_estimation_decline_threshold (years)
 */
public record AppSettings(double similarityThreshold, boolean allowMultipleFaces, boolean searchApiSessions,
                          boolean autoBlocklistDeclined, int retentionDays, double faceMatchDeclineThreshold,
                          double livenessDeclineThreshold, double ageDeclineThreshold) {

  public static final AppSettings DEFAULTS = new AppSettings(70, true, true, false, 0, 30, 30, 18);

  public AppSettings withSimilarityThreshold(double v) {
    return new AppSettings(v, allowMultipleFaces, searchApiSessions, autoBlocklistDeclined, retentionDays,
        faceMatchDeclineThreshold, livenessDeclineThreshold, ageDeclineThreshold);
  }

  public AppSettings withAllowMultipleFaces(boolean v) {
    return new AppSettings(similarityThreshold, v, searchApiSessions, autoBlocklistDeclined, retentionDays,
        faceMatchDeclineThreshold, livenessDeclineThreshold, ageDeclineThreshold);
  }

  public AppSettings withAutoBlocklistDeclined(boolean v) {
    return new AppSettings(similarityThreshold, allowMultipleFaces, searchApiSessions, v, retentionDays,
        faceMatchDeclineThreshold, livenessDeclineThreshold, ageDeclineThreshold);
  }

  public AppSettings withRetentionDays(int v) {
    return new AppSettings(similarityThreshold, allowMultipleFaces, searchApiSessions, autoBlocklistDeclined, v,
        faceMatchDeclineThreshold, livenessDeclineThreshold, ageDeclineThreshold);
  }
}
