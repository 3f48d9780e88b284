package io.facesearch.architecture.cyclea;

import io.facesearch.architecture.cycleb.CallsA;
import java.sql.Connection;
import java.sql.SQLException;

/** A fixture the dependency rules must reject: half of a package cycle, and SQL outside store. */
public final class CallsB {

  public static int viaB() {
    return CallsA.viaA() + 1;
  }

  public static boolean sqlOutsideStore(Connection connection) throws SQLException {
    return connection.isClosed();
  }
}
