package io.facesearch.store;

/**
 * The background passes that one node at a time runs ({@link Database#runAlone}): the key of each one's
 * cluster-wide lock.
 */
public enum SingletonJob {
  /** Erasing the sessions older than their application's retention. */
  RETENTION(1),
  /** Making erasures physical (the gallery's deleted documents rewritten). */
  ERASURE_PURGE(2);

  final int key;

  SingletonJob(int key) {
    this.key = key;
  }
}
