package io.facesearch.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One facesearch node ({@code io.facesearch.cli.Main serve}) as a child process: the same JVM binary and class path
 * as this process, the system properties it needs passed on ({@code facesearch.*}: the models, the solr-runner's
 * class path, pool settings), its output appended to {@code node.log} in its data folder. {@link #kill} ends it as a
 * crash would ({@code SIGKILL}); {@link #stop} as an operator would ({@code SIGTERM}: its shutdown hook closes the
 * HTTP service, background work and the database).
 */
public final class FacesearchNodeProcess implements AutoCloseable {

  /** How long {@link #start} waits for {@code /health} by default: model loading on a loaded 2-core machine. */
  public static final Duration DEFAULT_STARTUP = Duration.ofMinutes(4);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * What a node runs on.
   *
   * @param port         the loopback port of its HTTP service
   * @param data         its data folder (created if missing)
   * @param databaseUrl  the PostgreSQL truth, a {@code jdbc:postgresql://} URL
   * @param databaseUser the PostgreSQL user
   * @param solrZk       the SolrCloud's ZooKeeper address for {@code --solr-zk}
   * @param heap         the JVM's maximum heap, e.g. {@code "1g"}
   * @param serveOptions further {@code serve} options, e.g. {@code --free-credits 10}
   */
  public record Settings(
      int port,
      Path data,
      String databaseUrl,
      String databaseUser,
      String solrZk,
      String heap,
      List<String> serveOptions) {
    public Settings {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(databaseUrl, "databaseUrl");
      Objects.requireNonNull(databaseUser, "databaseUser");
      Objects.requireNonNull(solrZk, "solrZk");
      Objects.requireNonNull(heap, "heap");
      serveOptions = List.copyOf(serveOptions);
    }
  }

  private final Settings settings;
  private final Process process;

  private FacesearchNodeProcess(Settings settings, Process process) {
    this.settings = settings;
    this.process = process;
  }

  /** Starts the node's JVM; does not wait for it to serve (see {@link #awaitHealthy}). */
  public static FacesearchNodeProcess launch(Settings settings) {
    try {
      Files.createDirectories(settings.data());
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.add("-Xmx" + settings.heap());
      command.add("--enable-native-access=ALL-UNNAMED");
      command.add("--add-modules");
      command.add("jdk.incubator.vector");
      System.getProperties().stringPropertyNames().stream()
          .filter(name -> name.startsWith("facesearch."))
          .sorted()
          .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add("io.facesearch.cli.Main");
      command.addAll(
          List.of(
              "serve",
              "--port",
              String.valueOf(settings.port()),
              "--data",
              settings.data().toString(),
              "--database-url",
              settings.databaseUrl(),
              "--database-user",
              settings.databaseUser(),
              "--solr-zk",
              settings.solrZk()));
      command.addAll(settings.serveOptions());
      Path log = settings.data().resolve("node.log");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      return new FacesearchNodeProcess(settings, process);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start a facesearch node on port " + settings.port() + ": " + e.getMessage(), e);
    }
  }

  /** Starts the node and waits until it answers {@code /health} (at most {@link #DEFAULT_STARTUP}). */
  public static FacesearchNodeProcess start(Settings settings) {
    FacesearchNodeProcess node = launch(settings);
    try {
      node.awaitHealthy(DEFAULT_STARTUP);
    } catch (RuntimeException e) {
      node.kill();
      throw e;
    }
    return node;
  }

  /**
   * Waits until {@code GET /health} answers 200.
   *
   * @throws IllegalStateException if the process ended or did not answer within {@code timeout}, naming its log
   */
  public void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the facesearch node on port "
                + settings.port()
                + " ended with exit code "
                + process.exitValue()
                + "; see "
                + log());
      }
      if (healthy()) {
        return;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a node", e);
      }
    }
    throw new IllegalStateException(
        "the facesearch node on port "
            + settings.port()
            + " did not answer /health within "
            + timeout.toSeconds()
            + " s; see "
            + log());
  }

  /** Whether {@code GET /health} answers 200 now. */
  public boolean healthy() {
    try {
      HttpResponse<Void> r =
          HTTP.send(
              HttpRequest.newBuilder(url().resolve("/health"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The node's origin, {@code http://127.0.0.1:PORT}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + settings.port());
  }

  public Settings settings() {
    return settings;
  }

  /** The node's log file (its stdout and stderr). */
  public Path log() {
    return settings.data().resolve("node.log");
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The operating system's id of the node's JVM. */
  public long pid() {
    return process.pid();
  }

  /** Ends the node at once ({@code SIGKILL}), as a crash or a pulled plug would, and waits until it is gone. */
  public void kill() {
    process.destroyForcibly();
    waitFor(30);
  }

  /**
   * Stops the node in order ({@code SIGTERM}; its shutdown hook closes HTTP, background work and the database) and
   * waits up to 60 s, then kills it.
   */
  public void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!waitFor(60)) {
      kill();
    }
  }

  /** {@link #stop}. */
  @Override
  public void close() {
    stop();
  }

  private boolean waitFor(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** The last {@code lines} lines of the node's log, for a failure message. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
