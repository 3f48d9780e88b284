package io.facesearch.store;

import java.sql.SQLException;

/** Raw SQL for tests that check what is on disk (erasure, migrations) or plant a state behind the services' back. */
public final class RawSql {

  private RawSql() {}

  /** Runs {@code work} on a read connection. */
  public static <T> T read(Database db, Database.Work<T> work) {
    return db.read(tx -> apply(work, tx));
  }

  /** Runs {@code work} in one write transaction. */
  public static <T> T write(Database db, Database.Work<T> work) {
    return db.inTransaction(tx -> apply(work, tx));
  }

  private static <T> T apply(Database.Work<T> work, Tx tx) {
    try {
      return work.apply(tx.connection());
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }
}
