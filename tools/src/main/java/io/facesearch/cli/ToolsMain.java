package io.facesearch.cli;

import picocli.CommandLine;

/**
 * The whole {@code facesearch} command line: the product's commands and the tools' ({@code eval}, {@code bench}).
 * The launcher ({@code ./facesearch}) runs this for the tools' commands and for the help.
 */
public final class ToolsMain {

  private ToolsMain() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line as {@code main} runs it. */
  public static CommandLine commandLine() {
    return Main.commandLine(new EvalCommand(), new BenchCommand());
  }
}
