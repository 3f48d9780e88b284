package io.facesearch.accounts;

/**
 * Per-application settings; every API call reads the current values.
 *
 * @param similarityThreshold        similarity_percentage (0-100) at or above which a gallery face counts as a match,
 *                                   set by the operator; NaN (the default): the threshold follows the number of
 *                                   candidate faces so that at most {@code targetReviewRate} of new people are sent to
 *                                   review (see {@code search.MatchThreshold})
 * @param allowMultipleFaces         false: a photo with more than one face is Declined
 * @param searchApiSessions          true: faces of saved API searches (save_api_request) are candidates of later
 *                                   searches; false (the default, as Didit): they are stored but never matched
 * @param autoBlocklistDeclined      true: when a reviewer declines a session, its face is blocklisted
 * @param retentionDays              biometric data (sessions, faces, images) older than this is erased; 0 keeps it
 * @param faceMatchDeclineThreshold  default face_match_score_decline_threshold (0-100)
 * @param livenessDeclineThreshold   default face_liveness_score_decline_threshold (0-100)
 * @param ageDeclineThreshold        default age_estimation_decline_threshold (years)
 * @param targetReviewRate           the share of new people (not enrolled) that the automatic threshold may send to
 *                                   review, 0.0001 to 0.5 (default 0.01)
 * @param searchUnapprovedSessions   true: sessions In Review or Declined are candidates too; false (the default, as
 *                                   Didit): only approved sessions and list entries are
 */
public record AppSettings(
    double similarityThreshold,
    boolean allowMultipleFaces,
    boolean searchApiSessions,
    boolean autoBlocklistDeclined,
    int retentionDays,
    double faceMatchDeclineThreshold,
    double livenessDeclineThreshold,
    double ageDeclineThreshold,
    double targetReviewRate,
    boolean searchUnapprovedSessions) {

  /** similarityThreshold of an application whose threshold follows its gallery. */
  public static final double AUTOMATIC = Double.NaN;

  public static final double DEFAULT_TARGET_REVIEW_RATE = 0.01;

  public static final AppSettings DEFAULTS =
      new AppSettings(
          AUTOMATIC, true, false, false, 0, 30, 30, 18, DEFAULT_TARGET_REVIEW_RATE, false);

  /** True when the operator set the threshold; false when it follows the gallery. */
  public boolean operatorThreshold() {
    return !Double.isNaN(similarityThreshold);
  }

  public AppSettings withSimilarityThreshold(double v) {
    return new AppSettings(
        v,
        allowMultipleFaces,
        searchApiSessions,
        autoBlocklistDeclined,
        retentionDays,
        faceMatchDeclineThreshold,
        livenessDeclineThreshold,
        ageDeclineThreshold,
        targetReviewRate,
        searchUnapprovedSessions);
  }

  public AppSettings withAllowMultipleFaces(boolean v) {
    return new AppSettings(
        similarityThreshold,
        v,
        searchApiSessions,
        autoBlocklistDeclined,
        retentionDays,
        faceMatchDeclineThreshold,
        livenessDeclineThreshold,
        ageDeclineThreshold,
        targetReviewRate,
        searchUnapprovedSessions);
  }

  public AppSettings withSearchApiSessions(boolean v) {
    return new AppSettings(
        similarityThreshold,
        allowMultipleFaces,
        v,
        autoBlocklistDeclined,
        retentionDays,
        faceMatchDeclineThreshold,
        livenessDeclineThreshold,
        ageDeclineThreshold,
        targetReviewRate,
        searchUnapprovedSessions);
  }

  public AppSettings withAutoBlocklistDeclined(boolean v) {
    return new AppSettings(
        similarityThreshold,
        allowMultipleFaces,
        searchApiSessions,
        v,
        retentionDays,
        faceMatchDeclineThreshold,
        livenessDeclineThreshold,
        ageDeclineThreshold,
        targetReviewRate,
        searchUnapprovedSessions);
  }

  public AppSettings withRetentionDays(int v) {
    return new AppSettings(
        similarityThreshold,
        allowMultipleFaces,
        searchApiSessions,
        autoBlocklistDeclined,
        v,
        faceMatchDeclineThreshold,
        livenessDeclineThreshold,
        ageDeclineThreshold,
        targetReviewRate,
        searchUnapprovedSessions);
  }

  public AppSettings withTargetReviewRate(double v) {
    return new AppSettings(
        similarityThreshold,
        allowMultipleFaces,
        searchApiSessions,
        autoBlocklistDeclined,
        retentionDays,
        faceMatchDeclineThreshold,
        livenessDeclineThreshold,
        ageDeclineThreshold,
        v,
        searchUnapprovedSessions);
  }

  public AppSettings withSearchUnapprovedSessions(boolean v) {
    return new AppSettings(
        similarityThreshold,
        allowMultipleFaces,
        searchApiSessions,
        autoBlocklistDeclined,
        retentionDays,
        faceMatchDeclineThreshold,
        livenessDeclineThreshold,
        ageDeclineThreshold,
        targetReviewRate,
        v);
  }
}
