package io.facesearch.cli;

import io.facesearch.cluster.DevCluster;
import io.facesearch.cluster.FacesearchNodeProcess;
import io.facesearch.cluster.ThrowawayPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code facesearch dev-cluster}: cluster mode on this machine for trying and testing it ({@link DevCluster}): a
 * throwaway PostgreSQL, a 2-node SolrCloud and N facesearch nodes; the nodes' URLs and an API key on the last lines;
 * Ctrl-C stops everything.
 */
@Command(
    name = "dev-cluster",
    mixinStandardHelpOptions = true,
    description =
        "Run cluster mode on this machine: a throwaway PostgreSQL (needs apt-get install postgresql), a 2-node "
            + "SolrCloud and N facesearch nodes; prints their URLs and an API key; Ctrl-C stops everything.")
final class DevClusterCommand implements Callable<Integer> {

  @Option(
      names = "--nodes",
      description = "facesearch nodes (default: ${DEFAULT-VALUE}).",
      defaultValue = "2")
  int nodes;

  @Option(
      names = "--port",
      description = "The first node's port; the others follow (default: ${DEFAULT-VALUE}).",
      defaultValue = "8081")
  int port;

  @Option(
      names = "--data",
      description =
          "Folder of the cluster's PostgreSQL, Solr and nodes; an earlier run's is reused "
              + "(default: ${DEFAULT-VALUE}).",
      defaultValue = "dev-cluster")
  Path data;

  @Option(
      names = "--postgres-port",
      description =
          "PostgreSQL's loopback port: the first free one from here (default: ${DEFAULT-VALUE}).",
      defaultValue = "5433")
  int postgresPort;

  @Option(
      names = "--node-heap",
      description = "Each facesearch node's maximum JVM heap (default: ${DEFAULT-VALUE}).",
      defaultValue = "1g")
  String nodeHeap;

  @Override
  public Integer call() throws InterruptedException {
    if (nodes < 1 || nodes > 16) {
      throw new UserError("--nodes must be between 1 and 16");
    }
    if (port < 1 || port + nodes - 1 > 65535) {
      throw new UserError("--port must leave room for " + nodes + " ports below 65536");
    }
    if (ThrowawayPostgres.binaries().isEmpty()) {
      throw new UserError(ThrowawayPostgres.MISSING);
    }
    int pgPort;
    try {
      pgPort = ThrowawayPostgres.freePort(postgresPort, 100);
    } catch (IllegalStateException e) {
      throw new UserError(e.getMessage());
    }
    DevCluster cluster =
        DevCluster.of(new DevCluster.Settings(data, nodes, port, pgPort, nodeHeap, List.of()));
    CountDownLatch stopped = new CountDownLatch(1);
    // Registered before anything starts, so that Ctrl-C during the start leaves nothing running
    // either.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Stopping the dev cluster...");
                  cluster.close();
                  stopped.countDown();
                },
                "dev-cluster-stop"));
    cluster.start(System.out);
    System.out.printf(
        "Dev cluster up: %d facesearch node%s on PostgreSQL (%s) and a %d-node SolrCloud (%s); data in %s."
            + " Ctrl-C stops everything.%n",
        nodes,
        nodes == 1 ? "" : "s",
        cluster.databaseUrl(),
        DevCluster.SOLR_NODES,
        cluster.solr().zkHost(),
        data.toAbsolutePath().normalize());
    for (FacesearchNodeProcess node : cluster.nodes()) {
      System.out.println("node: " + node.url());
    }
    System.out.println("API key: " + cluster.apiKey());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
