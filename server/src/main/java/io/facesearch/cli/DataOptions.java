package io.facesearch.cli;

import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import io.facesearch.gallery.solr.SolrGalleryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/**
 * The data folder and truth options shared by the commands that open a node: {@code serve} and the administrative
 * commands reach the same truth with the same options (or {@code FACESEARCH_DATABASE_*} variables).
 */
final class DataOptions {

  @Option(
      names = "--data",
      description = "Data folder (default: ${DEFAULT-VALUE}).",
      defaultValue = "data")
  Path data;

  @Option(
      names = "--database-url",
      description =
          "The truth in PostgreSQL instead of the data folder's SQLite file, as serve runs with it, e.g. "
              + "jdbc:postgresql://HOST:5432/facesearch (env FACESEARCH_DATABASE_URL). The face images and "
              + "the server secret are kept in it too; the gallery stays in the data folder unless --solr-zk is "
              + "given.",
      defaultValue = "${env:FACESEARCH_DATABASE_URL}")
  String databaseUrl;

  @Option(
      names = "--database-user",
      description = "PostgreSQL user (env FACESEARCH_DATABASE_USER).",
      defaultValue = "${env:FACESEARCH_DATABASE_USER}")
  String databaseUser;

  @Option(
      names = "--database-password",
      description =
          "PostgreSQL password (env FACESEARCH_DATABASE_PASSWORD, which keeps it out of the process list).",
      defaultValue = "${env:FACESEARCH_DATABASE_PASSWORD}")
  String databasePassword;

  @Option(
      names = "--solr-zk",
      description =
          "Keep the gallery (the face vectors) in SolrCloud instead of the data folder: the ZooKeeper of the "
              + "SolrCloud, HOST:PORT[,HOST:PORT...][/chroot] (env FACESEARCH_SOLR_ZK). Needs --database-url: "
              + "a gallery shared by several nodes needs a truth they share.",
      defaultValue = "${env:FACESEARCH_SOLR_ZK}")
  String solrZk;

  @Option(
      names = "--solr-collection",
      description =
          "The Solr collection of the faces, created when missing (default: ${DEFAULT-VALUE}; env "
              + "FACESEARCH_SOLR_COLLECTION).",
      defaultValue = SolrGalleryConfig.DEFAULT_COLLECTION)
  String solrCollection;

  @Option(
      names = "--solr-shards",
      description =
          "Shards of the Solr collection when it is created by this node (default: ${DEFAULT-VALUE}; env "
              + "FACESEARCH_SOLR_SHARDS). An existing collection is used as it is.",
      defaultValue = "${env:FACESEARCH_SOLR_SHARDS:-1}")
  int solrShards;

  @Option(
      names = "--solr-replicas",
      description =
          "Replicas of each shard when this node creates the Solr collection (default: ${DEFAULT-VALUE}; env "
              + "FACESEARCH_SOLR_REPLICAS); 2 or more, on different Solr nodes, to survive losing one.",
      defaultValue = "${env:FACESEARCH_SOLR_REPLICAS:-1}")
  int solrReplicas;

  /**
   * The data folder, which {@code serve} must have created: every other command refuses a folder without a
   * database (or, with the truth in PostgreSQL, without the server secret serve writes there) rather than start an
   * empty one (a mistyped {@code --data} would otherwise look like an empty install).
   */
  Path existing() {
    if (postgres() != null) {
      return data; // the truth, the images and the secret are in the database; the folder may be
      // empty
    }
    String marker = "facesearch.db";
    if (!Files.isRegularFile(data.resolve(marker))) {
      throw new UserError(
          "not a facesearch data folder: "
              + data.toAbsolutePath()
              + " (no "
              + marker
              + "; ./facesearch serve --data "
              + data
              + " creates one)");
    }
    return data;
  }

  /** Where the truth is: PostgreSQL when {@code --database-url} is given, else null (the data folder's SQLite). */
  NodeSettings.Postgres postgres() {
    if (databaseUrl == null || databaseUrl.isBlank()) {
      return null;
    }
    if (!databaseUrl.startsWith("jdbc:postgresql:")) {
      throw new UserError("--database-url must be a jdbc:postgresql:// URL");
    }
    return new NodeSettings.Postgres(databaseUrl, databaseUser, databasePassword);
  }

  /**
   * Where the gallery is: SolrCloud when {@code --solr-zk} is given, else null (the data folder's Lucene); refused
   * without {@code --database-url}.
   */
  NodeSettings.Solr solr() {
    if (solrZk == null || solrZk.isBlank()) {
      return null;
    }
    if (postgres() == null) {
      throw new UserError(
          "--solr-zk needs --database-url: a gallery shared by several nodes needs a truth they share");
    }
    if (solrCollection == null || solrCollection.isBlank()) {
      throw new UserError("--solr-collection must not be empty");
    }
    if (solrShards < 1 || solrReplicas < 1) {
      throw new UserError("--solr-shards and --solr-replicas must be at least 1");
    }
    return new NodeSettings.Solr(solrZk.trim(), solrCollection.trim(), solrShards, solrReplicas);
  }

  /** The node of the {@link #existing} data folder and its truth, as the composition root builds it, on the system clock. */
  Node node() {
    return Node.open(
        NodeSettings.of(existing()).withPostgres(postgres()).withSolr(solr()), Clock.systemUTC());
  }
}
