package io.facesearch.gallery.solr;

import io.facesearch.gallery.GalleryMatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Comparing a gallery's matches with the oracle's (exact search). */
final class Matches {

  private Matches() {}

  /**
   * How far a reported similarity may be from the exact one: Lucene scores {@code (1 + dot) / 2} in float and the
   * gallery reports {@code 2 * score - 1}; float dot products of the same vectors also differ in the last bits
   * (SIMD and scalar code sum in other orders).
   */
  static final float TOLERANCE = 1e-5f;

  /**
   * Null when {@code actual} is the oracle's answer {@code expected}, else what differs. Leaving aside the matches
   * within {@link #TOLERANCE} of {@code minSimilarity} (they may fall on either side of it): the same number of
   * matches; at every position similarities within {@link #TOLERANCE}; the same attributes for a face both
   * return; every face only the gallery returns within twice the tolerance of the oracle's last (a tie).
   */
  static String difference(
      List<GalleryMatch> expected, List<GalleryMatch> actual, float minSimilarity) {
    List<GalleryMatch> e = awayFrom(expected, minSimilarity);
    List<GalleryMatch> a = awayFrom(actual, minSimilarity);
    if (e.size() != a.size()) {
      return "sizes differ";
    }
    Map<String, GalleryMatch> byId = new HashMap<>();
    for (GalleryMatch x : e) {
      byId.put(x.faceId(), x);
    }
    for (int i = 0; i < e.size(); i++) {
      GalleryMatch y = a.get(i);
      if (Math.abs(e.get(i).similarity() - y.similarity()) > TOLERANCE) {
        return "similarity at " + i;
      }
      GalleryMatch x = byId.get(y.faceId());
      if (x == null && Math.abs(e.getLast().similarity() - y.similarity()) > 2 * TOLERANCE) {
        return "face " + y.faceId() + " at " + i + " is not in the oracle's answer";
      }
      if (x != null && !withoutSimilarity(x).equals(withoutSimilarity(y))) {
        return "attributes of face " + y.faceId();
      }
    }
    return null;
  }

  static void assertSame(
      List<GalleryMatch> expected, List<GalleryMatch> actual, float minSimilarity, String message) {
    String difference = difference(expected, actual, minSimilarity);
    if (difference != null) {
      org.junit.jupiter.api.Assertions.fail(
          message + ": " + difference + "; expected " + expected + " got " + actual);
    }
  }

  private static GalleryMatch withoutSimilarity(GalleryMatch m) {
    return new GalleryMatch(
        m.faceId(), m.ownerId(), 0f, m.source(), m.blocklisted(), m.allowlisted());
  }

  private static List<GalleryMatch> awayFrom(List<GalleryMatch> matches, float minSimilarity) {
    List<GalleryMatch> kept = new ArrayList<>(matches.size());
    for (GalleryMatch match : matches) {
      if (Math.abs(match.similarity() - minSimilarity) > TOLERANCE) {
        kept.add(match);
      }
    }
    return kept;
  }

  static List<String> ids(List<GalleryMatch> matches) {
    List<String> ids = new ArrayList<>(matches.size());
    for (GalleryMatch match : matches) {
      ids.add(match.faceId());
    }
    return ids;
  }
}
