package io.facesearch.cli;

import io.facesearch.app.Node;
import io.facesearch.app.NodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/** The data folder option shared by the commands that open it. */
final class DataOptions {

  @Option(
      names = "--data",
      description = "Data folder (default: ${DEFAULT-VALUE}).",
      defaultValue = "data")
  Path data;

  /**
   * The data folder, which {@code serve} must have created: every other command refuses a folder without a
   * database rather than start an empty one (a mistyped {@code --data} would otherwise look like an empty install).
   */
  Path existing() {
    if (!Files.isRegularFile(data.resolve("facesearch.db"))) {
      throw new UserError(
          "not a facesearch data folder: "
              + data.toAbsolutePath()
              + " (no facesearch.db; ./facesearch serve --data "
              + data
              + " creates one)");
    }
    return data;
  }

  /** The node of the {@link #existing} data folder, as the composition root builds it, on the system clock. */
  Node node() {
    return Node.open(NodeSettings.of(existing()), Clock.systemUTC());
  }
}
