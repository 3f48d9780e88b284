package io.facesearch.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.cluster.ThrowawayPostgres;
import io.facesearch.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL stopped under the work of a pooled connection (an operator's restart): the work fails with a {@link
 * StoreException} that says the database cannot be reached, which the API answers with 503. The failing statement
 * carries the SQLSTATE (57P01, 08006); the rollback after it fails too on the dead connection, with HikariCP's
 * "Connection is closed" and no SQLSTATE, and must not replace the first failure (it did, and requests during a
 * restart got 500). On a server of its own (ports 18720-18729): it is stopped.
 */
class DatabaseOutageTest {

  @TempDir Path dir;

  private ThrowawayPostgres postgres;
  private Database db;

  @BeforeEach
  void start() throws Exception {
    TestPostgres.require();
    // PostgreSQL runs as the user postgres when the tests run as root: it must reach its folder.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    postgres = ThrowawayPostgres.start(dir.resolve("pg"), ThrowawayPostgres.freePort(18720, 10));
    System.setProperty("facesearch.postgres.connectionTimeoutMs", "2000");
    try {
      db =
          Database.postgres(
              postgres.createDatabase("outage"), ThrowawayPostgres.USER, /* password */ "");
    } finally {
      System.clearProperty("facesearch.postgres.connectionTimeoutMs");
    }
  }

  @AfterEach
  void stop() {
    if (db != null) {
      db.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void a_read_whose_server_stops_midway_fails_as_database_unreachable() {
    StoreException e =
        assertThrows(
            StoreException.class,
            () ->
                db.read(
                    tx -> {
                      execute(tx, "SELECT 1");
                      postgres.stop();
                      execute(tx, "SELECT 1");
                      return null;
                    }));
    assertTrue(e.databaseUnreachable(), describe(e));
  }

  @Test
  void a_write_transaction_whose_server_stops_midway_fails_as_database_unreachable() {
    StoreException e =
        assertThrows(
            StoreException.class,
            () ->
                db.inTransaction(
                    tx -> {
                      execute(tx, "CREATE TEMPORARY TABLE t (x INT)");
                      postgres.stop();
                      execute(tx, "INSERT INTO t VALUES (1)");
                      return null;
                    }));
    assertTrue(e.databaseUnreachable(), describe(e));
  }

  @Test
  void work_after_the_server_stopped_fails_as_database_unreachable_and_recovers_after_its_start() {
    db.read(tx -> execute(tx, "SELECT 1"));
    postgres.stop();
    StoreException e =
        assertThrows(StoreException.class, () -> db.read(tx -> execute(tx, "SELECT 1")));
    assertTrue(e.databaseUnreachable(), describe(e));
    postgres.start();
    boolean answered = db.read(tx -> execute(tx, "SELECT 1"));
    assertTrue(answered, "the pool connects again on its own");
  }

  /** Runs {@code sql} as a repository does: an {@link SQLException} becomes a {@link StoreException}. */
  private static boolean execute(Tx tx, String sql) {
    try (Statement st = tx.connection().createStatement()) {
      return st.execute(sql);
    } catch (SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  /** The failure's chain with the SQLSTATEs, for the assertion's message. */
  private static String describe(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      s.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
      if (t instanceof SQLException sql) {
        s.append(" [SQLSTATE ").append(sql.getSQLState()).append(']');
      }
      s.append(" (suppressed: ").append(Arrays.toString(t.getSuppressed())).append(") <- ");
    }
    return s.toString();
  }
}
