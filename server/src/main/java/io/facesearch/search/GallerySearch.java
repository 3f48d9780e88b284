package io.facesearch.search;

import io.facesearch.accounts.AppSettings;
import io.facesearch.embed.Embedding;
import io.facesearch.gallery.Gallery;
import io.facesearch.gallery.GalleryFilter;
import io.facesearch.gallery.GalleryMatch;
import io.facesearch.gallery.GalleryQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The gallery side of a face search: which faces are candidates, the threshold for their number, and the searches.
 *
 * <p>Candidates (as Didit's Face Search): the application's approved sessions (enrolled, imported or decided
 * Approved) and its list entries. Saved API searches are candidates only with the setting
 * {@code search_api_sessions}, sessions In Review or Declined only with {@code search_unapproved_sessions}.
 *
 * <p>Three searches run: the candidates, best first; the blocklist on its own; the allowlist on its own. So a
 * blocklisted face at or above the threshold is always among the matches that {@link Decision} sees, however many
 * look-alikes rank above it, and an allowlisted face can never be crowded out either.
 */
public final class GallerySearch {

  /** Matches of the candidate search at most (they make total_matches). */
  public static final int MAX_CANDIDATE_MATCHES = 100;
  /** Matches of each list's own search at most. */
  static final int MAX_LIST_MATCHES = 5;

  /** What a search found: every match (best first, each face once) and the threshold used. */
  public record Found(List<GalleryMatch> matches, MatchThreshold threshold) {}

  private final Gallery gallery;

  public GallerySearch(Gallery gallery) {
    this.gallery = gallery;
  }

  /** The candidate filter of a search of {@code type} with these settings. */
  public static GalleryFilter candidates(String applicationId, AppSettings settings, SearchType type) {
    boolean anyStatus = settings.searchUnapprovedSessions() && type != SearchType.BLOCKLISTED_OR_APPROVED;
    GalleryFilter.Scope scope = settings.searchApiSessions()
        ? (anyStatus ? GalleryFilter.Scope.SEARCHABLE : GalleryFilter.Scope.BLOCKLISTED_OR_APPROVED)
        : (anyStatus ? GalleryFilter.Scope.NOT_API : GalleryFilter.Scope.APPROVED_NOT_API);
    // One scope term each, never a clause per excluded source: the filter of the common case (every face an
    // approved enrolled one) is then no filter at all for Lucene, and counting it reads one document frequency.
    return new GalleryFilter(applicationId, scope, Set.of());
  }

  /** The threshold of a search with these settings among the application's current candidates. */
  public MatchThreshold threshold(String applicationId, AppSettings settings, SearchType type) {
    long n = gallery.count(candidates(applicationId, settings, type));
    return MatchThreshold.of(settings.similarityThreshold(), settings.targetReviewRate(), n);
  }

  /** Searches the candidates, the blocklist and the allowlist. */
  public Found search(String applicationId, AppSettings settings, SearchType type, Embedding probe) {
    MatchThreshold threshold = threshold(applicationId, settings, type);
    float min = threshold.cosine();
    List<GalleryMatch> all = new ArrayList<>(gallery.search(new GalleryQuery(probe.vector(), probe.modelId(),
        MAX_CANDIDATE_MATCHES, min, candidates(applicationId, settings, type))));
    Set<String> seen = new HashSet<>();
    for (GalleryMatch m : all) {
      seen.add(m.faceId());
    }
    for (GalleryFilter list : List.of(GalleryFilter.blocklisted(applicationId), GalleryFilter.allowlisted(applicationId))) {
      for (GalleryMatch m : gallery.search(
          new GalleryQuery(probe.vector(), probe.modelId(), MAX_LIST_MATCHES, min, list))) {
        if (seen.add(m.faceId())) {
          all.add(m);
        }
      }
    }
    all.sort(Comparator.comparingDouble((GalleryMatch m) -> -m.similarity()).thenComparing(GalleryMatch::faceId));
    return new Found(List.copyOf(all), threshold);
  }

  /** The blocklisted faces at or above the threshold (passive liveness and every route that checks the blocklist). */
  public Found blocklisted(String applicationId, AppSettings settings, Embedding probe) {
    MatchThreshold threshold = threshold(applicationId, settings, SearchType.MOST_SIMILAR);
    List<GalleryMatch> found = gallery.search(new GalleryQuery(probe.vector(), probe.modelId(), MAX_LIST_MATCHES,
        threshold.cosine(), GalleryFilter.blocklisted(applicationId)));
    return new Found(found, threshold);
  }
}
