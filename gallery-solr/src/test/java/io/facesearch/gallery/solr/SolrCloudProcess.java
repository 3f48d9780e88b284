package io.facesearch.gallery.solr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A SolrCloud of the solr-runner module (MiniSolrCloudCluster with an embedded ZooKeeper) in a JVM of its own, so
 * that Solr's Lucene 9 never meets the gallery's Lucene 10. Started from the class path file solr-runner's build
 * writes; its log goes to {@code solr.log} in its folder.
 */
final class SolrCloudProcess implements AutoCloseable {

  private final Process process;
  private final PrintWriter commands;

  /** The runner's stdout, line by line: after startup, the answers to the commands. */
  private final BlockingQueue<String> lines;

  private final String zkHost;
  private final List<String> nodes;

  private SolrCloudProcess(
      Process process, BlockingQueue<String> lines, String zkHost, List<String> nodes) {
    this.process = process;
    this.lines = lines;
    this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.zkHost = zkHost;
    this.nodes = nodes;
  }

  /** Starts {@code nodes} Solr nodes in {@code dir} and waits until they run (at most 3 minutes). */
  static SolrCloudProcess start(Path dir, int nodes) throws IOException, InterruptedException {
    Path classpathFile =
        Path.of(
            System.getProperty(
                "facesearch.solrrunner.classpath", "../solr-runner/target/solr-runner.classpath"));
    Path classes =
        Path.of(
            System.getProperty("facesearch.solrrunner.classes", "../solr-runner/target/classes"));
    if (!Files.exists(classpathFile) || !Files.isDirectory(classes)) {
      throw new IllegalStateException(
          "solr-runner is not built: " + classpathFile + " / " + classes);
    }
    String classpath =
        Files.readString(classpathFile).trim() + java.io.File.pathSeparator + classes;
    String java = ProcessHandle.current().info().command().orElse("java");
    Files.createDirectories(dir);
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-Xmx1g",
            "-XX:+UseSerialGC",
            "-cp",
            classpath,
            "io.facesearch.solrrunner.SolrCloudRunner",
            "--nodes",
            String.valueOf(nodes),
            "--dir",
            dir.resolve("cluster").toString());
    builder.redirectError(dir.resolve("solr.log").toFile());
    long start = System.nanoTime();
    Process process = builder.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
    Thread reader =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  lines.put(line);
                }
              } catch (IOException | InterruptedException e) {
                // the process ended
              }
            },
            "solr-runner-stdout");
    reader.setDaemon(true);
    reader.start();
    String zkHost = null;
    List<String> nodeUrls = new ArrayList<>();
    while (true) {
      String line = lines.poll(180, TimeUnit.SECONDS);
      if (line == null) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "solr-runner did not start in 3 minutes; see " + dir.resolve("solr.log"));
      }
      if (line.startsWith("zkHost=")) {
        zkHost = line.substring("zkHost=".length());
      } else if (line.startsWith("node=")) {
        nodeUrls.add(line.substring("node=".length()));
      } else if (line.equals("ready")) {
        break;
      }
    }
    SolrCloudProcess cloud = new SolrCloudProcess(process, lines, zkHost, List.copyOf(nodeUrls));
    System.out.printf(
        "solr-runner: %d nodes up in %d ms, zkHost=%s%n",
        nodes, (System.nanoTime() - start) / 1_000_000, zkHost);
    return cloud;
  }

  String zkHost() {
    return zkHost;
  }

  List<String> nodes() {
    return nodes;
  }

  void stopNode(int i) throws InterruptedException {
    command("stop-node " + i);
  }

  void startNode(int i) throws InterruptedException {
    command("start-node " + i);
  }

  /** Sends one command and returns its answer; fails unless it starts with "ok". */
  String command(String command) throws InterruptedException {
    commands.println(command);
    String answer = lines.poll(120, TimeUnit.SECONDS);
    if (answer == null || !answer.startsWith("ok")) {
      throw new IllegalStateException(command + ": " + answer);
    }
    return answer;
  }

  @Override
  public void close() throws InterruptedException {
    commands.println("quit");
    commands.close();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
