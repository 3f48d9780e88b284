package io.facesearch.testing;

import io.facesearch.store.Database;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway PostgreSQL server for tests, from the Debian binaries ({@code /usr/lib/postgresql/<v>/bin}, package
 * {@code postgresql}): {@code initdb} into a temporary folder (locale C, trust authentication), {@code postgres}
 * on a free loopback port in 18600-18699 with its unix socket in that folder, one per test JVM, started by the
 * first test that asks and stopped (and its folder deleted) when the JVM exits. Every {@link #database()} is a new,
 * empty database of that server, so tests do not see each other's rows.
 *
 * <p>Without the binaries a test is skipped with a notice, or fails under CI ({@link OptionalTool}). PostgreSQL
 * refuses to run as root; as root the server runs as the {@code postgres} user that the Debian package creates.
 */
public final class TestPostgres {

  private static final String USER = "facesearch";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static TestPostgres server;

  private final Path folder;
  private final Path bin;
  private final int port;
  private final List<String> asUser;

  private TestPostgres(Path folder, Path bin, int port, List<String> asUser) {
    this.folder = folder;
    this.bin = bin;
    this.port = port;
    this.asUser = asUser;
  }

  /** The folder of PostgreSQL's programs, or null when none is installed. */
  static Path binaries() {
    if (System.getProperty("facesearch.postgres.absent") != null) {
      return null;
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (var versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .filter(b -> Files.isExecutable(b.resolve("postgres")))
          .max(
              java.util.Comparator.comparingInt(
                  b ->
                      Integer.parseInt(
                          b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /** Skips the calling test (fails it under CI) unless PostgreSQL's programs are installed. */
  public static void require() {
    OptionalTool.require(
        binaries() != null,
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
    String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(server.url("postgres"), USER, "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
    }
    return server.url(name);
  }

  /** Opens a new empty database of the test server through {@link Database#postgres}. */
  public static Database open() {
    return Database.postgres(database(), USER, "");
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private static TestPostgres start() {
    Path bin = binaries();
    try {
      Path folder = Files.createTempDirectory("facesearch-pg-");
      List<String> asUser = List.of();
      if ("root".equals(System.getProperty("user.name"))) {
        asUser = List.of("runuser", "-u", "postgres", "--");
        run(List.of("chown", "postgres:postgres", folder.toString()), List.of());
        run(List.of("chmod", "700", folder.toString()), List.of());
      }
      Path data = folder.resolve("data");
      run(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              USER,
              "--auth=trust",
              "--locale=C",
              "--encoding=UTF8",
              "--no-sync"),
          asUser);
      int port = freePort();
      TestPostgres pg = new TestPostgres(folder, bin, port, asUser);
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-l",
              folder.resolve("postgres.log").toString(),
              "-w",
              "-t",
              "60",
              "-o",
              "-p "
                  + port
                  + " -k "
                  + folder
                  + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
              "start"),
          asUser);
      Runtime.getRuntime().addShutdownHook(new Thread(pg::stop, "test-postgres-stop"));
      return pg;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the test PostgreSQL: " + e.getMessage(), e);
    }
  }

  private void stop() {
    try {
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              folder.resolve("data").toString(),
              "-m",
              "immediate",
              "-w",
              "stop"),
          asUser);
    } catch (IOException | RuntimeException e) {
      System.err.println("test PostgreSQL did not stop: " + e.getMessage());
    }
    try (var paths = Files.walk(folder)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(p -> p.toFile().delete()); // best effort: a temporary folder
    } catch (IOException ignored) {
      // left for the system's temp cleaning
    }
  }

  /** A port in the range this project's tests use for PostgreSQL, free at the time of asking. */
  private static int freePort() throws IOException {
    int first = 18600 + (int) (ProcessHandle.current().pid() % 100);
    for (int i = 0; i < 100; i++) {
      int port = 18600 + (first - 18600 + i) % 100;
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException inUse) {
        // the next one
      }
    }
    throw new IOException("no free port in 18600-18699");
  }

  private static void run(List<String> command, List<String> asUser) throws IOException {
    List<String> full = new ArrayList<>(asUser);
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
