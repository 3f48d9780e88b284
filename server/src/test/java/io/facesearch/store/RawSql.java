package io.facesearch.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw SQL for tests that check what is on disk (erasure, migrations) or plant a state behind the services' back;
 * main code goes through repositories.
 */
public final class RawSql {

  private RawSql() {}

  /** Work done with a raw connection. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** Runs {@code work} on a read connection. */
  public static <T> T read(Database db, Work<T> work) {
    return db.read(tx -> apply(work, tx));
  }

  /** Runs {@code work} in one write transaction. */
  public static <T> T write(Database db, Work<T> work) {
    return db.inTransaction(tx -> apply(work, tx));
  }

  /** Runs a write statement in a transaction of its own; returns the rows changed. */
  public static int update(Database db, String sql, Object... args) {
    return write(
        db,
        c -> {
          try (PreparedStatement q = c.prepareStatement(sql)) {
            bind(q, args);
            return q.executeUpdate();
          }
        });
  }

  /** The first column of every row a query answers, as text. */
  public static List<String> column(Database db, String sql, Object... args) {
    return read(
        db,
        c -> {
          try (PreparedStatement q = c.prepareStatement(sql)) {
            bind(q, args);
            List<String> out = new ArrayList<>();
            try (ResultSet r = q.executeQuery()) {
              while (r.next()) {
                out.add(r.getString(1));
              }
            }
            return out;
          }
        });
  }

  private static <T> T apply(Work<T> work, Tx tx) {
    try {
      return work.apply(tx.connection());
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  private static void bind(PreparedStatement q, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      q.setObject(i + 1, args[i]);
    }
  }
}
