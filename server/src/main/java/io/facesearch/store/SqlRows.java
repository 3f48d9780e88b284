package io.facesearch.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JDBC plumbing of the repositories: bind, run, map, and turn {@link SQLException} into {@link StoreException}.
 * An {@link Instant} argument is bound in {@link StoredTime}'s form, so no repository can store a time otherwise;
 * a boolean is bound as a boolean (SQLite stores it as 1/0) and read with {@code getBoolean}.
 */
final class SqlRows {

  /** Maps the current row of a result. */
  @FunctionalInterface
  interface Row<T> {
    T map(ResultSet r) throws SQLException;
  }

  private SqlRows() {}

  /** Runs a write; returns the rows changed. */
  static int update(Tx tx, String sql, Object... args) {
    tx.requireWritable();
    try (PreparedStatement q = tx.connection().prepareStatement(sql)) {
      bind(q, args);
      return q.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  static <T> List<T> list(Tx tx, String sql, Row<T> row, Object... args) {
    try (PreparedStatement q = tx.connection().prepareStatement(sql)) {
      bind(q, args);
      List<T> out = new ArrayList<>();
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          out.add(row.map(r));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  static <T> Optional<T> first(Tx tx, String sql, Row<T> row, Object... args) {
    try (PreparedStatement q = tx.connection().prepareStatement(sql)) {
      bind(q, args);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? Optional.ofNullable(row.map(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The first column of the first row as a number (a COUNT or a SUM); 0 when there is no row or it is NULL. */
  static long number(Tx tx, String sql, Object... args) {
    return first(tx, sql, r -> r.getLong(1), args).orElse(0L);
  }

  /** A time column ({@link StoredTime}); null stays null. */
  static Instant time(ResultSet r, int column) throws SQLException {
    return StoredTime.decodeNullable(r.getString(column));
  }

  private static void bind(PreparedStatement q, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      switch (a) {
        case null -> q.setNull(i + 1, Types.NULL); // the type the statement gives it
        case Instant t -> q.setString(i + 1, StoredTime.encode(t));
        case Boolean b -> q.setBoolean(i + 1, b); // SQLite stores 1/0
        case String s -> q.setString(i + 1, s);
        case Integer n -> q.setInt(i + 1, n);
        case Long n -> q.setLong(i + 1, n);
        case Double d -> q.setDouble(i + 1, d);
        case byte[] b -> q.setBytes(i + 1, b);
        default ->
            throw new IllegalArgumentException("cannot bind a " + a.getClass().getSimpleName());
      }
    }
  }
}
