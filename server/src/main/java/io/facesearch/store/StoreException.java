package io.facesearch.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** A storage failure (I/O, SQL); unexpected in normal operation, answered with 500. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the database could not be reached (a pool that timed out waiting for a connection, a refused or broken
   * connection, a server shutting down): a passing outage, answered with 503, rather than a fault of the request or
   * the code. By SQLSTATE class 08 (connection exception) and 57P01-57P03 (admin shutdown, crash shutdown, cannot
   * connect now).
   */
  public boolean databaseUnreachable() {
    return databaseUnreachable(getCause());
  }

  /** As {@link #databaseUnreachable()}, for a failure and its causes. */
  static boolean databaseUnreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.matches("57P0[123]")) {
          return true;
        }
      }
    }
    return false;
  }
}
