package io.facesearch.gallery.solr;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway SolrCloud of the solr-runner module (MiniSolrCloudCluster with an embedded ZooKeeper) in a JVM of its
 * own, so that Solr's Lucene 9 never meets the gallery's Lucene 10. For tests and the dev cluster, never production.
 *
 * <p>The runner is started from the class path file solr-runner's build writes ({@code
 * solr-runner/target/solr-runner.classpath}) plus its classes ({@code solr-runner/target/classes}), found from the
 * system properties {@value #CLASSPATH_PROPERTY} and {@value #CLASSES_PROPERTY}, else under the repository root: the
 * first folder holding {@code solr-runner/} found walking up from the working directory. Its log goes to {@code
 * solr.log} in the folder given to {@link #start}; its data to {@code cluster/} there.
 *
 * <p>Not thread-safe: one caller sends commands at a time.
 */
public final class SolrCloudProcess implements AutoCloseable {

  /** System property: the path of solr-runner's class path file. */
  public static final String CLASSPATH_PROPERTY = "facesearch.solrrunner.classpath";

  /** System property: the path of solr-runner's compiled classes. */
  public static final String CLASSES_PROPERTY = "facesearch.solrrunner.classes";

  /** The heap {@link #start(Path, int)} gives the runner's JVM. */
  public static final String DEFAULT_HEAP = "-Xmx1g";

  /**
   * Lucene 9.12 (Solr's) uses the JDK's vector API for its vector arithmetic only on the Java versions it was
   * tested on (up to 22) unless this property raises the bound; the runner's JVM runs this JVM's java, so it names
   * this JVM's version, with {@code --add-modules jdk.incubator.vector}. Measured by {@code bench gallery --index
   * solr --faces 20000} on JDK 25 (2 cores, AVX-512): search p50 24.0 -> 11.5 ms at 2,000 candidates, 12.8 -> 5.3 ms
   * at 500, the optimize 13.4 -> 5.9 s, recall unchanged. Java 17-20: Lucene 9.12 ignores both.
   */
  static final String LUCENE_UPPER_JAVA = "org.apache.lucene.vectorization.upperJavaFeatureVersion";

  private static final Path CLASSPATH_FILE = Path.of("solr-runner/target/solr-runner.classpath");
  private static final Path CLASSES_DIR = Path.of("solr-runner/target/classes");

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

  /**
   * Starts {@code nodes} Solr nodes in {@code dir} with a heap of {@value #DEFAULT_HEAP} and waits until they run
   * (at most 3 minutes).
   *
   * @throws IllegalStateException if solr-runner is not built or the cluster did not come up
   */
  public static SolrCloudProcess start(Path dir, int nodes)
      throws IOException, InterruptedException {
    return start(dir, nodes, DEFAULT_HEAP);
  }

  /**
   * Starts {@code nodes} Solr nodes in {@code dir} in a JVM given {@code heap} (a JVM option such as {@code
   * "-Xmx1g"}) and waits until they run (at most 3 minutes).
   *
   * @throws IllegalStateException if solr-runner is not built or the cluster did not come up
   */
  public static SolrCloudProcess start(Path dir, int nodes, String heap)
      throws IOException, InterruptedException {
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes must be at least 1: " + nodes);
    }
    String classpath = runnerClasspath();
    String java = ProcessHandle.current().info().command().orElse("java");
    Files.createDirectories(dir);
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            heap,
            "-XX:+UseSerialGC",
            "--add-modules",
            "jdk.incubator.vector",
            "-D" + LUCENE_UPPER_JAVA + "=" + Runtime.version().feature(),
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
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
    startReader(process, lines);
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

  /** Whether solr-runner's class path file and classes are where {@link #start} looks for them. */
  public static boolean isRunnerBuilt() {
    return Files.isRegularFile(locate(CLASSPATH_PROPERTY, CLASSPATH_FILE))
        && Files.isDirectory(locate(CLASSES_PROPERTY, CLASSES_DIR));
  }

  /** The class path of the runner's JVM: solr-runner's dependencies and its classes. */
  private static String runnerClasspath() throws IOException {
    Path classpathFile = locate(CLASSPATH_PROPERTY, CLASSPATH_FILE);
    Path classes = locate(CLASSES_PROPERTY, CLASSES_DIR);
    if (!Files.isRegularFile(classpathFile) || !Files.isDirectory(classes)) {
      throw new IllegalStateException(
          "solr-runner is not built (./mvnw -pl solr-runner package): "
              + classpathFile
              + " / "
              + classes);
    }
    return Files.readString(classpathFile).trim() + File.pathSeparator + classes;
  }

  /**
   * The path a system property names, else {@code relative} under the repository root, else {@code relative} under
   * the parent of the working directory (a module folder of the reactor).
   */
  private static Path locate(String property, Path relative) {
    String configured = System.getProperty(property);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return repositoryRoot()
        .map(root -> root.resolve(relative))
        .orElse(Path.of("..").resolve(relative));
  }

  /** The first folder holding {@code solr-runner/}, walking up from the working directory. */
  private static Optional<Path> repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("solr-runner"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  private static void startReader(Process process, BlockingQueue<String> lines) {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
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
  }

  /** The ZooKeeper address of the cluster, for SolrJ's CloudSolrClient and {@code --solr-zk}. */
  public String zkHost() {
    return zkHost;
  }

  /** The base URLs of the Solr nodes, in the runner's order (the index {@link #stopNode} takes). */
  public List<String> nodes() {
    return nodes;
  }

  /** Stops Solr node {@code i} (0-based) and waits until the runner says it has. */
  public void stopNode(int i) throws InterruptedException {
    command("stop-node " + i);
  }

  /** Starts Solr node {@code i} (0-based) again and waits until the runner says it runs. */
  public void startNode(int i) throws InterruptedException {
    command("start-node " + i);
  }

  /** Whether the runner's JVM still runs. */
  public boolean isAlive() {
    return process.isAlive();
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

  /** Stops the cluster: asks the runner to quit, then destroys its JVM if it has not ended within 60 s. */
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
