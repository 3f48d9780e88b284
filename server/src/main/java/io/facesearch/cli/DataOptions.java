package io.facesearch.cli;

import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
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
              + "jdbc:postgresql://HOST:5432/facesearch (env FACESEARCH_DATABASE_URL). Face images and the "
              + "gallery stay in the data folder.",
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

  /**
   * The data folder, which {@code serve} must have created: every other command refuses a folder without a
   * database (or, with the truth in PostgreSQL, without the server secret serve writes there) rather than start an
   * empty one (a mistyped {@code --data} would otherwise look like an empty install).
   */
  Path existing() {
    String marker = postgres() == null ? "facesearch.db" : "secret.key";
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

  /** The node of the {@link #existing} data folder and its truth, as the composition root builds it, on the system clock. */
  Node node() {
    return Node.open(NodeSettings.of(existing()).withPostgres(postgres()), Clock.systemUTC());
  }
}
