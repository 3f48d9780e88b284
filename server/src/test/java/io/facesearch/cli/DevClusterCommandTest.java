package io.facesearch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facesearch.testing.TestPostgres;
import io.facesearch.testing.TestSolr;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code facesearch dev-cluster} as a person runs it: a process of its own that ends with the nodes' URLs and a
 * working API key, and that leaves no PostgreSQL, Solr or facesearch process behind when it is told to stop (the
 * signal Ctrl-C's shutdown hook also runs on).
 */
class DevClusterCommandTest {

  /** In CLUSTER's port range (18750-18799). */
  private static final int NODE_PORT = 18770;

  private static final int POSTGRES_PORT = 18780;

  @TempDir Path dir;

  @Test
  void dev_cluster_ends_with_urls_and_a_working_key_and_leaves_no_process_behind_when_stopped()
      throws Exception {
    TestPostgres.require();
    TestSolr.require();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = dir.resolve("cluster");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx512m");
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("facesearch."))
        .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.facesearch.cli.Main",
            "dev-cluster",
            "--nodes",
            "1",
            "--port",
            String.valueOf(NODE_PORT),
            "--postgres-port",
            String.valueOf(POSTGRES_PORT),
            "--node-heap",
            "768m",
            "--data",
            data.toString()));
    Process launcher =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .start();
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  lines.put(line);
                }
              } catch (IOException | InterruptedException e) {
                // the launcher ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      List<String> seen = new ArrayList<>();
      String key = null;
      while (key == null) {
        String line = lines.poll(6, TimeUnit.MINUTES);
        assertTrue(line != null, "dev-cluster did not print an API key; output:\n" + seen);
        seen.add(line);
        if (line.startsWith("API key: ")) {
          key = line.substring("API key: ".length());
        }
      }
      assertEquals("node: http://127.0.0.1:" + NODE_PORT, seen.get(seen.size() - 2));
      HttpResponse<String> balance =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + NODE_PORT + "/v3/billing/balance/"))
                      .header("x-api-key", key)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, balance.statusCode(), balance.body());
      assertTrue(!processesIn(data).isEmpty(), "the cluster's processes are found by their folder");

      launcher.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C's SIGINT
      assertTrue(launcher.waitFor(3, TimeUnit.MINUTES), "dev-cluster did not stop");
      List<String> left = processesIn(data);
      assertTrue(left.isEmpty(), "left running: " + left);
    } finally {
      if (launcher.isAlive()) {
        launcher.destroyForcibly();
      }
      for (ProcessHandle orphan : handlesIn(data)) {
        orphan.destroyForcibly();
      }
    }
  }

  @Test
  void without_postgresql_installed_dev_cluster_says_what_to_install_in_one_line() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    Path data = dir.resolve("cluster");
    System.setProperty("facesearch.postgres.absent", "1");
    try {
      assertEquals(2, cli.execute("dev-cluster", "--data", data.toString()));
    } finally {
      System.clearProperty("facesearch.postgres.absent");
    }
    assertTrue(err.toString().startsWith("error: PostgreSQL's programs"), err.toString());
    assertTrue(err.toString().contains("apt-get install postgresql"), err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    assertFalse(Files.exists(data), "nothing started");
  }

  /** The command lines of the processes that run on {@code data} (PostgreSQL, Solr, nodes), by its path. */
  private static List<String> processesIn(Path data) {
    return handlesIn(data).stream()
        .map(p -> p.info().commandLine().orElse("?"))
        .map(c -> c.length() > 160 ? c.substring(0, 160) + "..." : c)
        .toList();
  }

  private static List<ProcessHandle> handlesIn(Path data) {
    String folder = data.toAbsolutePath().normalize().toString();
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains(folder)).orElse(false))
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .toList();
  }
}
