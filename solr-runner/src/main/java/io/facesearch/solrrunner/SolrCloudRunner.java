package io.facesearch.solrrunner;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A throwaway SolrCloud on this machine: Solr's own {@link MiniSolrCloudCluster} (an embedded ZooKeeper and N Solr
 * nodes in Jetty) for tests and {@code dev-cluster}. It always runs in a JVM of its own: Solr 9.10 brings Lucene 9.12,
 * which must never share a class path with the gallery's Lucene 10.
 *
 * <p>Usage: {@code java -cp $(cat solr-runner/target/solr-runner.classpath):solr-runner/target/classes
 * io.facesearch.solrrunner.SolrCloudRunner --nodes 2 --dir DIR}. ZooKeeper and the nodes pick free ports.
 *
 * <p>Protocol on stdout (one line each, nothing else is printed there; logs go to stderr):
 * <pre>
 * zkHost=127.0.0.1:PORT/solr
 * node=http://127.0.0.1:PORT/solr     (one per node, in index order 0..N-1)
 * ready
 * </pre>
 * Then it reads commands on stdin, one per line, and answers each with one line starting {@code ok} or
 * {@code error}:
 * <pre>
 * stop-node I    stops node I (its replicas go down)         -> ok stop-node I
 * start-node I   starts node I again on the same port        -> ok start-node I node=URL
 * nodes          lists the nodes and whether they run         -> ok nodes I=URL:running|stopped ...
 * quit           stops everything and exits                   -> ok quit
 * </pre>
 * When stdin closes, or on SIGTERM, it stops everything and exits.
 */
public final class SolrCloudRunner {

  private final MiniSolrCloudCluster cluster;

  /** The nodes by index; a stopped node stays here so that it can start again on its port. */
  private final List<JettySolrRunner> nodes;

  private final boolean[] running;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private SolrCloudRunner(MiniSolrCloudCluster cluster) {
    this.cluster = cluster;
    this.nodes = new ArrayList<>(cluster.getJettySolrRunners());
    this.running = new boolean[nodes.size()];
    java.util.Arrays.fill(running, true);
  }

  public static void main(String[] args) throws Exception {
    int nodeCount = 2;
    Path dir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--nodes" -> nodeCount = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default -> {
          System.err.println("usage: SolrCloudRunner [--nodes N] --dir DIR");
          System.exit(2);
        }
      }
    }
    if (dir == null || nodeCount < 1) {
      System.err.println("usage: SolrCloudRunner [--nodes N] --dir DIR");
      System.exit(2);
    }
    // stdout carries the protocol only: anything a library prints there goes to stderr instead.
    PrintStream protocol =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    Files.createDirectories(dir);
    // The nodes may read and write below the data folder only.
    System.setProperty("solr.allowPaths", dir.toAbsolutePath().toString());
    MiniSolrCloudCluster cluster =
        new MiniSolrCloudCluster.Builder(nodeCount, dir.toAbsolutePath())
            .withJettyConfig(jetty -> jetty.setContext("/solr"))
            .build();
    SolrCloudRunner runner = new SolrCloudRunner(cluster);
    Runtime.getRuntime().addShutdownHook(new Thread(runner::stop, "solr-runner-shutdown"));
    protocol.println("zkHost=" + cluster.getZkServer().getZkAddress());
    for (JettySolrRunner node : runner.nodes) {
      protocol.println("node=" + node.getBaseUrl());
    }
    protocol.println("ready");
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String answer = runner.command(line.trim());
        protocol.println(answer);
        if (answer.equals("ok quit")) {
          break;
        }
      }
    }
    runner.stop();
    System.exit(0);
  }

  /** Runs one command line and returns its answer line. */
  private synchronized String command(String line) {
    String[] words = line.split("\\s+");
    try {
      switch (words[0]) {
        case "stop-node" -> {
          int i = nodeIndex(words);
          if (running[i]) {
            cluster.stopJettySolrRunner(nodes.get(i));
            cluster.waitForJettyToStop(nodes.get(i));
            running[i] = false;
          }
          return "ok stop-node " + i;
        }
        case "start-node" -> {
          int i = nodeIndex(words);
          if (!running[i]) {
            cluster.startJettySolrRunner(nodes.get(i), true);
            cluster.waitForNode(nodes.get(i), 60);
            running[i] = true;
          }
          return "ok start-node " + i + " node=" + nodes.get(i).getBaseUrl();
        }
        case "nodes" -> {
          StringBuilder answer = new StringBuilder("ok nodes");
          for (int i = 0; i < nodes.size(); i++) {
            answer
                .append(' ')
                .append(i)
                .append('=')
                .append(nodes.get(i).getBaseUrl())
                .append(running[i] ? ":running" : ":stopped");
          }
          return answer.toString();
        }
        case "quit" -> {
          return "ok quit";
        }
        default -> {
          return "error unknown command: " + words[0];
        }
      }
    } catch (Exception e) {
      return "error " + words[0] + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
    }
  }

  private int nodeIndex(String[] words) {
    if (words.length != 2) {
      throw new IllegalArgumentException("expected: " + words[0] + " INDEX");
    }
    int i = Integer.parseInt(words[1]);
    if (i < 0 || i >= nodes.size()) {
      throw new IllegalArgumentException("no node " + i + " (0.." + (nodes.size() - 1) + ")");
    }
    return i;
  }

  private void stop() {
    if (stopped.compareAndSet(false, true)) {
      try {
        cluster.shutdown();
      } catch (Exception e) {
        System.err.println("solr-runner: shutdown failed: " + e);
      }
    }
  }
}
