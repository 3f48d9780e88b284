package io.facesearch.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of its own in a folder, from the Debian binaries ({@code /usr/lib/postgresql/<v>/bin}, package
 * {@code postgresql}), for trying and testing cluster mode on one machine: {@code initdb} into {@code
 * <folder>/data} (locale C, trust authentication on loopback, user {@value #USER}) unless the folder already holds
 * one, then {@code postgres} on a loopback port through {@code pg_ctl}, with its unix socket and log in the folder.
 * Never a production database: fsync is off and anyone on this machine may connect as {@value #USER}.
 *
 * <p>PostgreSQL refuses to run as root; as root the programs run as the {@code postgres} user that the Debian package
 * creates ({@code runuser}), and the folder is handed to that user. {@link #stop} and {@link #start} stop and start
 * the same server on the same port (a restart as an operator would do it); {@link #close} stops it for good.
 */
public final class ThrowawayPostgres implements AutoCloseable {

  /** The superuser {@code initdb} creates; connects without a password. */
  public static final String USER = "facesearch";

  /** The one line to print when the programs are missing. */
  public static final String MISSING =
      "PostgreSQL's programs (initdb, pg_ctl) are not installed under /usr/lib/postgresql: "
          + "apt-get install postgresql";

  private final Path folder;
  private final Path bin;
  private final int port;
  private final List<String> asUser;

  private ThrowawayPostgres(Path folder, Path bin, int port, List<String> asUser) {
    this.folder = folder;
    this.bin = bin;
    this.port = port;
    this.asUser = asUser;
  }

  /**
   * The folder of PostgreSQL's programs (the newest installed version), or empty when none is installed; {@code
   * -Dfacesearch.postgres.absent} pretends none is.
   */
  public static Optional<Path> binaries() {
    if (System.getProperty("facesearch.postgres.absent") != null) {
      return Optional.empty();
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (var versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .filter(b -> Files.isExecutable(b.resolve("postgres")))
          .max(Comparator.comparingInt(ThrowawayPostgres::majorVersion));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int majorVersion(Path bin) {
    String name = bin.getParent().getFileName().toString();
    String digits = name.replaceAll("\\D", "");
    return digits.isEmpty()
        ? 0
        : Integer.parseInt(digits.substring(0, Math.min(6, digits.length())));
  }

  /**
   * Starts a server in {@code folder} (created if missing; an existing cluster in {@code folder/data} is reused) on
   * {@code port}, waiting until it accepts connections (at most a minute).
   *
   * @throws IllegalStateException with {@link #MISSING} when PostgreSQL is not installed, or when it cannot start
   */
  public static ThrowawayPostgres start(Path folder, int port) {
    Path bin = binaries().orElseThrow(() -> new IllegalStateException(MISSING));
    try {
      Files.createDirectories(folder);
      Path absolute = folder.toAbsolutePath().normalize();
      List<String> asUser = List.of();
      if ("root".equals(System.getProperty("user.name"))) {
        asUser = List.of("runuser", "-u", "postgres", "--");
        run(List.of("chown", "-R", "postgres:postgres", absolute.toString()), List.of());
        run(List.of("chmod", "700", absolute.toString()), List.of());
        try {
          run(List.of("test", "-w", absolute.toString()), asUser);
        } catch (IOException closed) {
          throw new IllegalStateException(
              "PostgreSQL runs as the user postgres, which cannot reach "
                  + absolute
                  + " (a folder above it is closed to other users); choose a folder it can reach");
        }
      }
      ThrowawayPostgres pg = new ThrowawayPostgres(absolute, bin, port, asUser);
      if (!Files.isRegularFile(absolute.resolve("data").resolve("PG_VERSION"))) {
        pg.initdb();
      }
      pg.start();
      return pg;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start PostgreSQL in " + folder + ": " + e.getMessage(), e);
    }
  }

  /**
   * A loopback port in {@code first..first+count-1} that nothing listens on at the time of asking.
   *
   * @throws IllegalStateException when every one is taken
   */
  public static int freePort(int first, int count) {
    for (int i = 0; i < count; i++) {
      int port = first + i;
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException inUse) {
        // the next one
      }
    }
    throw new IllegalStateException(
        "no free port in " + first + "-" + (first + count - 1) + " for PostgreSQL");
  }

  private void initdb() throws IOException {
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            folder.resolve("data").toString(),
            "-U",
            USER,
            "--auth=trust",
            "--locale=C",
            "--encoding=UTF8",
            "--no-sync"),
        asUser);
  }

  /** Starts the (stopped) server again on the same port and waits until it accepts connections. */
  public void start() {
    pgCtl(
        "-l",
        folder.resolve("postgres.log").toString(),
        "-t",
        "60",
        "-o",
        "-p "
            + port
            + " -k "
            + folder
            + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
        "start");
  }

  /**
   * Stops the server ({@code pg_ctl stop -m fast}: open sessions are ended, as in an operator's restart) and waits
   * until it is gone.
   */
  public void stop() {
    pgCtl("-m", "fast", "-t", "60", "stop");
  }

  /** Whether the server is running, by {@code pg_ctl status}. */
  public boolean running() {
    try {
      List<String> command = new ArrayList<>(asUser);
      command.addAll(
          List.of(
              bin.resolve("pg_ctl").toString(), "-D", folder.resolve("data").toString(), "status"));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Creates an empty database {@code name} (letters, digits, underscores) and returns its JDBC URL. */
  public String createDatabase(String name) {
    if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("not a plain database name: " + name);
    }
    try {
      run(
          List.of(
              bin.resolve("createdb").toString(),
              "-h",
              "127.0.0.1",
              "-p",
              String.valueOf(port),
              "-U",
              USER,
              name),
          List.of());
    } catch (IOException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  /** Whether a database {@code name} exists, by {@code psql -l}. */
  public boolean hasDatabase(String name) {
    try {
      String list =
          run(
              List.of(
                  bin.resolve("psql").toString(),
                  "-h",
                  "127.0.0.1",
                  "-p",
                  String.valueOf(port),
                  "-U",
                  USER,
                  "-d",
                  "postgres",
                  "-At",
                  "-c",
                  "SELECT datname FROM pg_database"),
              List.of());
      return list.lines().anyMatch(name::equals);
    } catch (IOException e) {
      throw new IllegalStateException("cannot list databases: " + e.getMessage(), e);
    }
  }

  /** The JDBC URL of database {@code name} on this server (user {@value #USER}, no password). */
  public String url(String name) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
  }

  public int port() {
    return port;
  }

  /** The folder of the server (its data, log and socket). */
  public Path folder() {
    return folder;
  }

  /** Stops the server if it runs; its files stay in the folder. Never throws: a shutdown step. */
  @Override
  public void close() {
    try {
      if (running()) {
        pgCtl("-m", "fast", "-t", "60", "stop");
      }
    } catch (RuntimeException e) {
      System.err.println("PostgreSQL in " + folder + " did not stop: " + e.getMessage());
    }
  }

  private void pgCtl(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve("pg_ctl").toString());
    command.add("-D");
    command.add(folder.resolve("data").toString());
    command.add("-w");
    command.addAll(List.of(arguments));
    try {
      run(command, asUser);
    } catch (IOException e) {
      throw new IllegalStateException(
          "pg_ctl "
              + arguments[arguments.length - 1]
              + " failed (log: "
              + folder.resolve("postgres.log")
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** Runs a program to its end; its output on success, else an IOException holding the output. */
  private static String run(List<String> command, List<String> asUser) throws IOException {
    List<String> full = new ArrayList<>(asUser);
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " failed:\n" + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }
}
