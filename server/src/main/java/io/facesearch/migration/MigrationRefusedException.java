package io.facesearch.migration;

/** A migration that must not run: the source or the target is not what it needs; nothing was written. */
public final class MigrationRefusedException extends RuntimeException {

  public MigrationRefusedException(String message) {
    super(message);
  }
}
