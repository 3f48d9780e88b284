package io.facesearch.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Raw SQL for tests that must look at (or plant) rows on disk; main code goes through repositories. */
public final class RawSql {

  private RawSql() {}

  /** Runs a write statement in a transaction of its own; returns the rows changed. */
  public static int update(Database db, String sql, Object... args) {
    return db.inTransaction(tx -> {
      try (PreparedStatement q = tx.connection().prepareStatement(sql)) {
        bind(q, args);
        return q.executeUpdate();
      } catch (SQLException e) {
        throw new StoreException(e.getMessage(), e);
      }
    });
  }

  /** The first column of every row a query answers, as text. */
  public static List<String> column(Database db, String sql, Object... args) {
    return db.read(tx -> {
      try (PreparedStatement q = tx.connection().prepareStatement(sql)) {
        bind(q, args);
        List<String> out = new ArrayList<>();
        try (ResultSet r = q.executeQuery()) {
          while (r.next()) {
            out.add(r.getString(1));
          }
        }
        return out;
      } catch (SQLException e) {
        throw new StoreException(e.getMessage(), e);
      }
    });
  }

  private static void bind(PreparedStatement q, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      q.setObject(i + 1, args[i]);
    }
  }
}
