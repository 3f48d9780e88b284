package io.facesearch.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The data folder option shared by the commands that open it. */
final class DataOptions {

  @Option(names = "--data", description = "Data folder (default: ${DEFAULT-VALUE}).", defaultValue = "data")
  Path data;
}
