package io.facesearch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * V10 on a data folder whose rows were written before it, in {@code Instant.toString()}'s varying widths.
 *
 * <p>SQLite only, by nature: V10 rewrites times written before it by the SQLite set; the PostgreSQL set stores them
 * in the fixed-width form from its V1 (the domain stored_time checks it), so it has no such rows.
 */
class StoredTimesMigrationTest {

  @TempDir Path dir;

  /** The times as the old code wrote them: whole seconds, milliseconds, microseconds, nanoseconds. */
  private static final List<String> OLD =
      List.of(
          "2026-11-27T13:34:11Z",
          "2026-11-27T13:34:11.5Z",
          "2026-11-27T13:34:10.999Z",
          "2026-11-27T13:34:11.000001Z",
          "2026-11-27T13:34:11.123456789Z",
          "2026-11-26T23:59:59.9Z");

  @Test
  void rewritesEveryOldTimeAndSqlOrderBecomesTimeOrder() {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + dir.resolve("facesearch.db").toAbsolutePath());
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/migration")
        .target("9")
        .load()
        .migrate();

    plantOldRows(ds);
    Database db = Database.sqlite(dir);
    try {
      List<String> ledger =
          RawSql.column(db, "SELECT created_at FROM credit_ledger ORDER BY created_at");
      List<String> expected =
          OLD.stream().map(Instant::parse).sorted().map(StoredTime::encode).toList();
      assertEquals(expected, ledger, "ORDER BY created_at is time order");
      assertEquals(
          List.of(StoredTime.encode(Instant.parse(OLD.get(4)))),
          RawSql.column(
              db,
              "SELECT created_at FROM credit_ledger WHERE created_at > ? AND created_at < ?",
              StoredTime.encode(Instant.parse("2026-11-27T13:34:11.1Z")),
              StoredTime.encode(Instant.parse("2026-11-27T13:34:11.2Z"))),
          "a range in SQL is a range in time");
      assertEquals(
          List.of("2026-11-27T13:34:11.000000Z"),
          RawSql.column(db, "SELECT created_at FROM organizations"));
      assertEquals(
          List.of("2026-11-27T13:34:11.500000Z"),
          RawSql.column(
              db, "SELECT locked_until FROM console_sign_in_failures WHERE email = 'a@b.example'"));
      List<String> unlocked =
          RawSql.column(
              db,
              "SELECT locked_until FROM console_sign_in_failures " + "WHERE email = 'c@d.example'");
      assertNull(unlocked.get(0), "an empty optional time stays empty");
      assertEquals(
          List.of("1"),
          RawSql.column(
              db,
              "SELECT COUNT(*) FROM flyway_schema_history WHERE version = '10' AND success = 1"),
          "V10 ran");
    } finally {
      db.close();
    }
  }

  private static void plantOldRows(SQLiteDataSource ds) {
    try (var c = ds.getConnection();
        var st = c.createStatement()) {
      st.execute(
          "INSERT INTO organizations (id, name, created_at) VALUES ('o1', 'Org', '2026-11-27T13:34:11Z')");
      for (String t : OLD) {
        st.execute(
            "INSERT INTO credit_ledger (organization_id, amount, kind, created_at) VALUES ('o1', 1, 'grant', '"
                + t
                + "')");
      }
      st.execute(
          "INSERT INTO console_sign_in_failures (email, failures, locked_until) "
              + "VALUES ('a@b.example', 0, '2026-11-27T13:34:11.5Z'), ('c@d.example', 2, NULL)");
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }
}
