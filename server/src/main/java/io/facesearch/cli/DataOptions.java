package io.facesearch.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The data folder option shared by the commands that open it. */
final class DataOptions {

  @Option(names = "--data", description = "Data folder (default: $FACESEARCH_DATA or ./data).",
      defaultValue = "${env:FACESEARCH_DATA:-data}")
  Path data;
}
