package io.facesearch.store;

/** A storage failure (I/O, SQL); unexpected in normal operation, answered with 500. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
