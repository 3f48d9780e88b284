package io.facesearch.testing;

import io.facesearch.cluster.ThrowawayPostgres;
import io.facesearch.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway PostgreSQL server for tests ({@link ThrowawayPostgres}, from the Debian binaries): one per test JVM in
 * a temporary folder, on a free loopback port in 18600-18699, started by the first test that asks and stopped (and
 * its folder deleted) when the JVM exits. Every {@link #database()} is a new, empty database of that server, so
 * tests do not see each other's rows.
 *
 * <p>Without the binaries a test is skipped with a notice, or fails under CI ({@link OptionalTool}).
 */
public final class TestPostgres {

  private static final String USER = ThrowawayPostgres.USER;
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static ThrowawayPostgres server;

  private TestPostgres() {}

  /** Skips the calling test (fails it under CI) unless PostgreSQL's programs are installed. */
  public static void require() {
    OptionalTool.require(
        ThrowawayPostgres.binaries().isPresent(),
        "PostgreSQL (initdb, postgres)",
        "apt-get install postgresql (only the cluster-mode tests need it)");
  }

  /**
   * A new empty database on the shared test server, as a JDBC URL (user {@value #USER}, no password); skips the
   * test when PostgreSQL is missing.
   */
  public static synchronized String database() {
    require();
    if (server == null) {
      server = start();
    }
    return server.createDatabase(
        "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet());
  }

  /** Opens a new empty database of the test server through {@link Database#postgres}. */
  public static Database open() {
    return Database.postgres(database(), USER, "");
  }

  private static ThrowawayPostgres start() {
    try {
      Path folder = Files.createTempDirectory("facesearch-pg-");
      int offset = (int) (ProcessHandle.current().pid() % 100);
      int port;
      try {
        port = ThrowawayPostgres.freePort(18600 + offset, 100 - offset);
      } catch (IllegalStateException allTaken) {
        port = ThrowawayPostgres.freePort(18600, 100);
      }
      ThrowawayPostgres pg = ThrowawayPostgres.start(folder, port);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    pg.close();
                    delete(folder);
                  },
                  "test-postgres-stop"));
      return pg;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the test PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static void delete(Path folder) {
    try (var paths = Files.walk(folder)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(p -> p.toFile().delete()); // best effort: a temporary folder
    } catch (IOException ignored) {
      // left for the system's temp cleaning
    }
  }
}
