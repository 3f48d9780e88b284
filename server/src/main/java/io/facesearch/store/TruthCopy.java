package io.facesearch.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Copies the truth of an embedded data folder ({@link EmbeddedTruth}) into a PostgreSQL {@link Database}, table by
 * table in {@link CopiedTable#ALL}'s order (parents first): each table's rows are read in key order in batches and
 * inserted with {@code ON CONFLICT DO NOTHING}, one transaction per batch. A copy that stopped (a crash, Ctrl-C, a
 * lost connection) is resumed by running it again: rows already copied conflict and are skipped, so no progress
 * table is needed, and a finished copy run again inserts nothing.
 *
 * <p>Values are copied, not reinterpreted: the PostgreSQL schema's column types decide how each value is read and
 * bound (SQLite's 0/1 become booleans, blobs bytea; times are {@link StoredTime} text on both engines). The columns
 * copied are the target table's; SQLite's implicit {@code rowid} fills the identity column of that name, and
 * identity columns are copied as they are ({@code OVERRIDING SYSTEM VALUE}), then their sequences are moved past
 * the largest copied value so that new rows never collide.
 */
public final class TruthCopy {

  /** Told after each batch is committed; a test interrupts a copy midway by throwing from it. */
  @FunctionalInterface
  public interface Listener {
    void batchCopied(String table, int rowsRead, int rowsInserted);
  }

  /** What copying one table did: rows in the source, rows inserted by this run, rows in the target after it. */
  public record TableCopy(String table, long sourceRows, long inserted, long targetRows) {

    /** True when the target holds as many rows as the source. */
    public boolean complete() {
      return sourceRows == targetRows;
    }
  }

  /** A table's content in a comparable form: its row count and a SHA-256 of its rows in key order. */
  public record TableDigest(String table, long rows, String sha256) {}

  /** Rows per batch (read and insert) unless the caller says otherwise. */
  public static final int DEFAULT_BATCH = 500;

  /** The tables of the SQLite schema that are not truth: Flyway's and SQLite's own bookkeeping. */
  private static final Set<String> NOT_TRUTH = Set.of("flyway_schema_history", "sqlite_sequence");

  private final EmbeddedTruth source;
  private final Database target;
  private final int batchSize;
  private final Listener listener;

  public TruthCopy(EmbeddedTruth source, Database target, int batchSize, Listener listener) {
    if (target.dialect() != Dialect.POSTGRESQL) {
      throw new IllegalArgumentException("the target of a truth copy is PostgreSQL");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1");
    }
    this.source = source;
    this.target = target;
    this.batchSize = batchSize;
    this.listener = listener;
  }

  /** The source's tables that {@link CopiedTable#ALL} does not list (none, unless this build is inconsistent). */
  public List<String> uncopiedTables() {
    Set<String> listed =
        CopiedTable.ALL.stream().map(CopiedTable::name).collect(Collectors.toSet());
    List<String> missing = new ArrayList<>();
    try (Statement st = source.connection().createStatement();
        ResultSet r =
            st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      while (r.next()) {
        String name = r.getString(1);
        if (!listed.contains(name) && !NOT_TRUTH.contains(name)) {
          missing.add(name);
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot list the source's tables: " + e.getMessage(), e);
    }
    return missing;
  }

  /**
   * The organizations of the target that the source does not have: a target holding any is another installation
   * (or one that has been used since), into which this folder must not be merged.
   */
  public List<String> foreignOrganizations() {
    List<String> targetIds =
        target.read(
            tx -> {
              List<String> ids = new ArrayList<>();
              try (Statement st = tx.connection().createStatement();
                  ResultSet r = st.executeQuery("SELECT id FROM organizations ORDER BY id")) {
                while (r.next()) {
                  ids.add(r.getString(1));
                }
              } catch (SQLException e) {
                throw new StoreException(e.getMessage(), e);
              }
              return ids;
            });
    List<String> foreign = new ArrayList<>();
    try (PreparedStatement ps =
        source.connection().prepareStatement("SELECT 1 FROM organizations WHERE id = ?")) {
      for (String id : targetIds) {
        ps.setString(1, id);
        try (ResultSet r = ps.executeQuery()) {
          if (!r.next()) {
            foreign.add(id);
          }
        }
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
    return foreign;
  }

  /** Copies one table (see the class comment) and says what it did. */
  public TableCopy copy(CopiedTable table) {
    List<Column> columns = targetColumns(table);
    requireSourceColumnsCopied(table, columns);
    String select = selectSql(table, columns, Dialect.SQLITE);
    String insert = insertSql(table, columns);
    List<Object> after = null;
    long inserted = 0;
    try {
      while (true) {
        List<Object[]> rows =
            readBatch(source.connection(), select, table, columns, Dialect.SQLITE, after);
        if (rows.isEmpty()) {
          break;
        }
        int n =
            target.inTransaction(
                tx -> {
                  try {
                    return insertBatch(tx.connection(), insert, columns, rows);
                  } catch (SQLException e) {
                    throw new StoreException(
                        "copy of " + table.name() + " failed: " + e.getMessage(), e);
                  }
                });
        inserted += n;
        after = keyOf(rows.get(rows.size() - 1), table, columns);
        listener.batchCopied(table.name(), rows.size(), n);
        if (rows.size() < batchSize) {
          break;
        }
      }
    } catch (SQLException e) {
      throw new StoreException("copy of " + table.name() + " failed: " + e.getMessage(), e);
    }
    resetIdentities(table, columns);
    long sourceRows = count(source.connection(), table);
    long targetRows = target.read(tx -> count(tx.connection(), table));
    return new TableCopy(table.name(), sourceRows, inserted, targetRows);
  }

  /** The digest of a table of the source, read as the target's column types read it. */
  public TableDigest sourceDigest(CopiedTable table) {
    return digest(source.connection(), Dialect.SQLITE, table, targetColumns(table));
  }

  /** The digest of a table of the target: equal to {@link #sourceDigest} when the copy is exact. */
  public TableDigest targetDigest(CopiedTable table) {
    List<Column> columns = targetColumns(table);
    return target.read(tx -> digest(tx.connection(), Dialect.POSTGRESQL, table, columns));
  }

  // ---- columns ----

  /** How a column's values are read and bound: by the PostgreSQL type of the column. */
  private enum ColumnType {
    TEXT,
    LONG,
    DOUBLE,
    BOOLEAN,
    BYTES;

    static ColumnType of(String table, String column, String postgresType) {
      return switch (postgresType) {
        case "text", "character varying" -> TEXT;
        case "bigint", "integer", "smallint" -> LONG;
        case "double precision", "real" -> DOUBLE;
        case "boolean" -> BOOLEAN;
        case "bytea" -> BYTES;
        default ->
            throw new StoreException(
                table + "." + column + ": no copy rule for type " + postgresType, null);
      };
    }

    Object read(ResultSet r, int i) throws SQLException {
      Object value =
          switch (this) {
            case TEXT -> r.getString(i);
            case LONG -> r.getLong(i);
            case DOUBLE -> r.getDouble(i);
            case BOOLEAN -> r.getBoolean(i);
            case BYTES -> r.getBytes(i);
          };
      return r.wasNull() ? null : value;
    }

    void bind(PreparedStatement ps, int i, Object value) throws SQLException {
      if (value == null) {
        ps.setNull(i, sqlType());
        return;
      }
      switch (this) {
        case TEXT -> ps.setString(i, value.toString());
        case LONG -> ps.setLong(i, ((Number) value).longValue());
        case DOUBLE -> ps.setDouble(i, ((Number) value).doubleValue());
        case BOOLEAN -> ps.setBoolean(i, Boolean.TRUE.equals(value));
        case BYTES -> ps.setBytes(i, (byte[]) value);
      }
    }

    private int sqlType() {
      return switch (this) {
        case TEXT -> Types.VARCHAR;
        case LONG -> Types.BIGINT;
        case DOUBLE -> Types.DOUBLE;
        case BOOLEAN -> Types.BOOLEAN;
        case BYTES -> Types.BINARY;
      };
    }

    /** The value in the digest's canonical form: the same text on both engines for the same value. */
    byte[] canonical(Object value) {
      if (value == null) {
        return new byte[] {0};
      }
      if (this == BYTES) {
        return (byte[]) value;
      }
      return (name() + ":" + value).getBytes(StandardCharsets.UTF_8);
    }
  }

  private record Column(String name, ColumnType type, boolean identity) {}

  private List<Column> targetColumns(CopiedTable table) {
    List<Column> columns =
        target.read(
            tx -> {
              List<Column> found = new ArrayList<>();
              try (PreparedStatement ps =
                  tx.connection()
                      .prepareStatement(
                          "SELECT column_name, data_type, is_identity FROM information_schema.columns"
                              + " WHERE table_schema = current_schema() AND table_name = ?"
                              + " ORDER BY ordinal_position")) {
                ps.setString(1, table.name());
                try (ResultSet r = ps.executeQuery()) {
                  while (r.next()) {
                    String name = r.getString(1);
                    found.add(
                        new Column(
                            name,
                            ColumnType.of(table.name(), name, r.getString(2)),
                            "YES".equals(r.getString(3))));
                  }
                }
              } catch (SQLException e) {
                throw new StoreException(e.getMessage(), e);
              }
              return found;
            });
    if (columns.isEmpty()) {
      throw new StoreException("the target has no table " + table.name(), null);
    }
    return columns;
  }

  /** Fails when the source table has a column the target lacks: its values would be lost. */
  private void requireSourceColumnsCopied(CopiedTable table, List<Column> columns) {
    Set<String> targetNames = columns.stream().map(Column::name).collect(Collectors.toSet());
    Set<String> lost = new LinkedHashSet<>();
    try (Statement st = source.connection().createStatement();
        ResultSet r = st.executeQuery("PRAGMA table_info(" + table.name() + ")")) {
      while (r.next()) {
        String name = r.getString("name");
        if (!targetNames.contains(name)) {
          lost.add(name);
        }
      }
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
    if (!lost.isEmpty()) {
      throw new StoreException(
          "the target's " + table.name() + " lacks the source's columns " + lost, null);
    }
  }

  // ---- SQL ----

  private static String columnList(List<Column> columns) {
    return columns.stream().map(Column::name).collect(Collectors.joining(", "));
  }

  /**
   * The batch query of a table, {@code %s} standing for the key condition. Key order is byte order on both engines
   * (SQLite's BINARY; on PostgreSQL {@code COLLATE "C"}, whatever the database's locale), so that both read a table
   * in the same order and their digests compare.
   */
  private String selectSql(CopiedTable table, List<Column> columns, Dialect dialect) {
    return "SELECT "
        + columnList(columns)
        + " FROM "
        + table.name()
        + " %s ORDER BY "
        + keyExpressions(table, columns, dialect)
        + " LIMIT "
        + batchSize;
  }

  private static String keyExpressions(CopiedTable table, List<Column> columns, Dialect dialect) {
    return table.key().stream()
        .map(
            k ->
                dialect == Dialect.POSTGRESQL && column(columns, k).type() == ColumnType.TEXT
                    ? k + " COLLATE \"C\""
                    : k)
        .collect(Collectors.joining(", "));
  }

  private static String keyAfter(CopiedTable table, List<Column> columns, Dialect dialect) {
    String marks = table.key().stream().map(k -> "?").collect(Collectors.joining(", "));
    return "WHERE (" + keyExpressions(table, columns, dialect) + ") > (" + marks + ")";
  }

  private static String insertSql(CopiedTable table, List<Column> columns) {
    boolean identity = columns.stream().anyMatch(Column::identity);
    return "INSERT INTO "
        + table.name()
        + " ("
        + columnList(columns)
        + ")"
        + (identity ? " OVERRIDING SYSTEM VALUE" : "")
        + " VALUES ("
        + columns.stream().map(c -> "?").collect(Collectors.joining(", "))
        + ") ON CONFLICT DO NOTHING";
  }

  /** The rows after {@code after} (a key; null: from the first), at most one batch, in key order. */
  private static List<Object[]> readBatch(
      Connection c,
      String select,
      CopiedTable table,
      List<Column> columns,
      Dialect dialect,
      List<Object> after)
      throws SQLException {
    String sql = select.formatted(after == null ? "" : keyAfter(table, columns, dialect));
    List<Object[]> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (after != null) {
        for (int k = 0; k < after.size(); k++) {
          column(columns, table.key().get(k)).type().bind(ps, k + 1, after.get(k));
        }
      }
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          Object[] row = new Object[columns.size()];
          for (int i = 0; i < row.length; i++) {
            row[i] = columns.get(i).type().read(r, i + 1);
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  private static int insertBatch(
      Connection c, String insert, List<Column> columns, List<Object[]> rows) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      for (Object[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          columns.get(i).type().bind(ps, i + 1, row[i]);
        }
        ps.addBatch();
      }
      int inserted = 0;
      for (int n : ps.executeBatch()) {
        inserted += Math.max(n, 0);
      }
      return inserted;
    }
  }

  private static List<Object> keyOf(Object[] row, CopiedTable table, List<Column> columns) {
    List<Object> key = new ArrayList<>();
    for (String k : table.key()) {
      key.add(row[columns.indexOf(column(columns, k))]);
    }
    return key;
  }

  private static Column column(List<Column> columns, String name) {
    return columns.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new StoreException("no key column " + name, null));
  }

  /** Moves each identity column's sequence past the largest value the table holds. */
  private void resetIdentities(CopiedTable table, List<Column> columns) {
    for (Column column : columns) {
      if (!column.identity()) {
        continue;
      }
      target.inTransaction(
          tx -> {
            try (PreparedStatement ps =
                tx.connection()
                    .prepareStatement(
                        "SELECT setval(pg_get_serial_sequence(?, ?), coalesce(max("
                            + column.name()
                            + "), 0) + 1, false) FROM "
                            + table.name())) {
              ps.setString(1, table.name());
              ps.setString(2, column.name());
              ps.executeQuery().close();
            } catch (SQLException e) {
              throw new StoreException(e.getMessage(), e);
            }
            return null;
          });
    }
  }

  private static long count(Connection c, CopiedTable table) {
    try (Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT count(*) FROM " + table.name())) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  private TableDigest digest(
      Connection c, Dialect dialect, CopiedTable table, List<Column> columns) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String select = selectSql(table, columns, dialect);
    long rows = 0;
    List<Object> after = null;
    try {
      while (true) {
        List<Object[]> batch = readBatch(c, select, table, columns, dialect, after);
        for (Object[] row : batch) {
          for (int i = 0; i < row.length; i++) {
            byte[] value = columns.get(i).type().canonical(row[i]);
            sha.update(intBytes(value.length));
            sha.update(value);
          }
        }
        rows += batch.size();
        if (batch.size() < batchSize) {
          break;
        }
        after = keyOf(batch.get(batch.size() - 1), table, columns);
      }
    } catch (SQLException e) {
      throw new StoreException("digest of " + table.name() + " failed: " + e.getMessage(), e);
    }
    return new TableDigest(table.name(), rows, HexFormat.of().formatHex(sha.digest()));
  }

  private static byte[] intBytes(int n) {
    return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }
}
