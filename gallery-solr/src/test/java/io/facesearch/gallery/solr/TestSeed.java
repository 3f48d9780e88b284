package io.facesearch.gallery.solr;

/**
 * The seed of the randomised tests: pinned, printed, and overridable with {@code -Dgallery.test.seed=N} to replay
 * a failure (as in the gallery module).
 */
final class TestSeed {

  static final long PINNED = 20_261_206L;

  private TestSeed() {}

  static long get(String test) {
    long seed = Long.getLong("gallery.test.seed", PINNED);
    System.out.println(test + ": seed=" + seed + " (replay with -Dgallery.test.seed=" + seed + ")");
    return seed;
  }
}
