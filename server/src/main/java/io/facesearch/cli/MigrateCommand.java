package io.facesearch.cli;

import io.facesearch.gallery.solr.SolrGalleryConfig;
import io.facesearch.migration.ClusterMigration;
import io.facesearch.migration.ClusterTarget;
import io.facesearch.migration.MigrationRefusedException;
import io.facesearch.migration.MigrationReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facesearch migrate --to jdbc:postgresql://... --solr-zk HOST:PORT}: moves an embedded data folder to
 * cluster mode (the truth and the images into PostgreSQL, the vectors into SolrCloud); see {@link ClusterMigration}.
 * Resumable: run it again after a stop; on a finished target it writes nothing and says so. Exit 2, one line, when
 * it refuses (a schema of another build, a target holding another installation, a running server on the folder).
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description =
        "Move an embedded data folder to cluster mode: copy the truth and the face images into PostgreSQL and "
            + "build the vectors in SolrCloud. Resumable: run it again after a stop. Stop the server first.")
final class MigrateCommand implements Callable<Integer> {

  @Option(
      names = "--to",
      required = true,
      description = "The PostgreSQL database of the cluster, jdbc:postgresql://HOST:PORT/DB.")
  String to;

  @Option(
      names = "--database-user",
      description = "PostgreSQL user (env FACESEARCH_DATABASE_USER).",
      defaultValue = "${env:FACESEARCH_DATABASE_USER}")
  String databaseUser;

  @Option(
      names = "--database-password",
      description = "PostgreSQL password (env FACESEARCH_DATABASE_PASSWORD).",
      defaultValue = "${env:FACESEARCH_DATABASE_PASSWORD}")
  String databasePassword;

  @Option(
      names = "--solr-zk",
      description =
          "The SolrCloud's ZooKeeper, HOST:PORT[,HOST:PORT...][/chroot] (env FACESEARCH_SOLR_ZK).",
      defaultValue = "${env:FACESEARCH_SOLR_ZK}")
  String solrZk;

  @Option(
      names = "--solr-collection",
      description =
          "The collection of the faces (default: ${DEFAULT-VALUE}); created when missing.",
      defaultValue = SolrGalleryConfig.DEFAULT_COLLECTION)
  String solrCollection;

  @Option(
      names = "--solr-shards",
      description = "Shards of the collection when it is created (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int solrShards;

  @Option(
      names = "--solr-replicas",
      description =
          "Replicas of each shard when the collection is created (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int solrReplicas;

  /**
   * The folder to move; its own option rather than {@link DataOptions}, whose truth options name the database a
   * node runs on, while here the database is the target ({@code --to}).
   */
  @Option(
      names = "--data",
      description = "The embedded data folder to move (default: ${DEFAULT-VALUE}); only read.",
      defaultValue = "data")
  Path data;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!to.startsWith("jdbc:postgresql:")) {
      throw new UserError("--to must be a jdbc:postgresql:// URL");
    }
    if (solrZk == null || solrZk.isBlank()) {
      throw new UserError("--solr-zk is required (the SolrCloud's ZooKeeper, HOST:PORT)");
    }
    if (solrShards < 1 || solrReplicas < 1) {
      throw new UserError("--solr-shards and --solr-replicas must be at least 1");
    }
    ClusterTarget target =
        new ClusterTarget(
            to,
            databaseUser,
            databasePassword,
            new SolrGalleryConfig(
                solrZk,
                solrCollection,
                solrShards,
                solrReplicas,
                SolrGalleryConfig.DEFAULT_CANDIDATES));
    if (!Files.isRegularFile(data.resolve("facesearch.db"))) {
      throw new UserError(
          "not an embedded data folder: " + data.toAbsolutePath() + " (no facesearch.db)");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("migrating " + data.toAbsolutePath() + " to " + to);
    out.flush();
    try {
      MigrationReport report =
          new ClusterMigration(
                  data,
                  target,
                  line -> {
                    out.println(line);
                    out.flush();
                  },
                  Clock.systemUTC())
              .run();
      return report.complete() ? 0 : 1;
    } catch (MigrationRefusedException refused) {
      throw new UserError(refused.getMessage() + "; nothing was copied");
    }
  }
}
